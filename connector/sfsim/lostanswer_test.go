package sfsim

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// send makes one request without retrying and returns the client's error
// (a lost answer: the connection closed without a response).
func send(t *testing.T, ctx context.Context, o *Org, tok, method, path string, body []byte, header http.Header) (int, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, o.InstanceURL()+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// lastLogged waits for the log entry of the last request to path (it is
// written when the handler returns, which may be just after the client saw
// the connection close) and returns it.
func lastLogged(t *testing.T, o *Org, method, path string) RequestLog {
	t.Helper()
	var got RequestLog
	require.Eventually(t, func() bool {
		reqs := o.Requests()
		for i := len(reqs) - 1; i >= 0; i-- {
			if reqs[i].Method == method && reqs[i].Path == path {
				got = reqs[i]
				return true
			}
		}
		return false
	}, 10*time.Second, 5*time.Millisecond, "the %s %s is logged", method, path)
	return got
}

func bodyJSON(t *testing.T, body []byte) []byte {
	return mustJSON(t, map[string]any{"Body": base64.StdEncoding.EncodeToString(body)})
}

// A lost answer: the update lands in full (body, date, last writer), the
// client sees no response, the log says status 0 and what the answer was.
func TestLoseAnswerUpdateLands(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	id := create(t, o, at, "Lost", []byte("v1"))
	before := o.Resource("Lost").LastModifiedDate
	o.PutResource(Resource{ID: id, Name: "Lost", Body: []byte("v1"), Description: "App Bundle - auto-uploaded",
		LastModifiedDate: before.Add(-time.Hour), LastModifiedByID: newID("005"), LastModifiedByName: "Bea Builder"})

	o.FailNextWith(1, Fault{Method: "PATCH", PathPrefix: v + "/sobjects/StaticResource/", LoseAnswer: true})
	path := v + "/sobjects/StaticResource/" + id
	_, err := send(t, testCtx(t), o, at, http.MethodPatch, path, bodyJSON(t, []byte("version two")), nil)
	require.Error(t, err, "the client gets no answer")

	got := o.Resource("Lost")
	require.NotNil(t, got)
	assert.Equal(t, []byte("version two"), got.Body, "the write landed")
	assert.True(t, got.LastModifiedDate.After(before.Add(-time.Hour)), "with its date")
	assert.Empty(t, got.LastModifiedByID, "and the API user as its last writer")
	entry := lastLogged(t, o, http.MethodPatch, path)
	assert.Equal(t, 0, entry.Status)
	assert.Equal(t, http.StatusNoContent, entry.LostStatus)
	assert.Equal(t, int64(len(bodyJSON(t, []byte("version two")))), entry.BytesIn, "the whole request was read")

	// The fault was used up: the next update is answered.
	code, err := send(t, testCtx(t), o, at, http.MethodPatch, path, bodyJSON(t, []byte("v3")), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, code)
}

func TestLoseAnswerCreateLands(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	o.FailNextWith(1, Fault{Method: "POST", PathPrefix: v + "/sobjects/StaticResource", LoseAnswer: true})
	_, err := send(t, testCtx(t), o, at, http.MethodPost, v+"/sobjects/StaticResource/", mustJSON(t, createBody("Made", []byte("body"))), nil)
	require.Error(t, err)
	got := o.Resource("Made")
	require.NotNil(t, got, "the create landed")
	assert.Equal(t, []byte("body"), got.Body)
	assert.Equal(t, http.StatusCreated, lastLogged(t, o, http.MethodPost, v+"/sobjects/StaticResource/").LostStatus)
	// Sent again, it is a duplicate, as in Salesforce.
	code, err := send(t, testCtx(t), o, at, http.MethodPost, v+"/sobjects/StaticResource/", mustJSON(t, createBody("Made", []byte("body"))), nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, code)
}

// A refused request whose answer is lost changes nothing: the org handled
// it as without the fault.
func TestLoseAnswerOfARefusalChangesNothing(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	id := create(t, o, at, "Kept", []byte("v1"))
	o.FailNextWith(1, Fault{Method: "PATCH", LoseAnswer: true})
	path := v + "/sobjects/StaticResource/" + id
	old := http.Header{"If-Unmodified-Since": {time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)}}
	_, err := send(t, testCtx(t), o, at, http.MethodPatch, path, bodyJSON(t, []byte("v2")), old)
	require.Error(t, err)
	assert.Equal(t, []byte("v1"), o.Resource("Kept").Body)
	assert.Equal(t, http.StatusPreconditionFailed, lastLogged(t, o, http.MethodPatch, path).LostStatus)
}

// Hold keeps the answer back: a client with a shorter timeout gives up,
// the write has landed, and the org stops holding once the client is gone.
func TestLoseAnswerHeldUntilTheClientGivesUp(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	id := create(t, o, at, "Held", []byte("v1"))
	o.FailNextWith(1, Fault{Method: "PATCH", LoseAnswer: true, Hold: time.Hour})
	path := v + "/sobjects/StaticResource/" + id
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := send(t, ctx, o, at, http.MethodPatch, path, bodyJSON(t, []byte("v2")), nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, []byte("v2"), o.Resource("Held").Body, "the write landed before the client gave up")
	entry := lastLogged(t, o, http.MethodPatch, path) // logged although Hold is an hour: the client left
	assert.Equal(t, 0, entry.Status)
	assert.Equal(t, http.StatusNoContent, entry.LostStatus)
}

// OnResourceWrite sees every change, API or Setup, in order, with bodies.
func TestOnResourceWrite(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	var seen []ResourceWrite
	o.OnResourceWrite(func(w ResourceWrite) { seen = append(seen, w) }) // called under the org's lock: no data race
	id := create(t, o, at, "Seen", []byte("a"))
	code, err := send(t, testCtx(t), o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+id, bodyJSON(t, []byte("bb")), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, code)
	o.PutResource(Resource{ID: id, Name: "Seen", Body: []byte("ccc"), LastModifiedByID: newID("005"), LastModifiedByName: "Bea"})
	o.FailNextWith(1, Fault{Method: "PATCH", LoseAnswer: true})
	_, err = send(t, testCtx(t), o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+id, bodyJSON(t, []byte("dddd")), nil)
	require.Error(t, err)
	require.True(t, o.DeleteResource("Seen"))

	ops := make([]string, 0, len(seen))
	for _, w := range seen {
		ops = append(ops, w.Op)
	}
	assert.Equal(t, []string{WriteCreate, WriteUpdate, WritePut, WriteUpdate, WriteRemove}, ops)
	assert.Nil(t, seen[0].Before)
	assert.Equal(t, []byte("a"), seen[0].After.Body)
	assert.Equal(t, []byte("a"), seen[1].Before.Body)
	assert.Equal(t, []byte("bb"), seen[1].After.Body)
	assert.Equal(t, "Bea", seen[2].After.LastModifiedByName)
	assert.Equal(t, []byte("dddd"), seen[3].After.Body, "a lost answer's write is seen")
	assert.Nil(t, seen[4].After)
	assert.Equal(t, []byte("dddd"), seen[4].Before.Body)
}

func TestIssuedTokens(t *testing.T) {
	o := startOrg(t, Options{})
	tok := login(t, o)
	o.ExpireSessions()
	issued := o.IssuedTokens()
	for _, k := range []string{"access_token", "refresh_token"} {
		s, _ := tok[k].(string)
		require.NotEmpty(t, s)
		assert.True(t, slices.Contains(issued, s), "%s is listed, live or not", k)
		assert.False(t, strings.ContainsAny(s, " \n"))
	}
}
