package sfsim

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testClient   = "ConnectorsApp"
	testCallback = "http://localhost:49999/oauth/callback"
	testVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)

func startOrg(t *testing.T, opts Options) *Org {
	t.Helper()
	if opts.Callbacks == nil {
		opts.Callbacks = map[string][]string{testClient: {testCallback}}
	}
	o, err := Start(opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, o.Close()) })
	return o
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func authorizeURL(o *Org, extra url.Values) string {
	q := url.Values{
		"response_type":  {"code"},
		"client_id":      {testClient},
		"redirect_uri":   {testCallback},
		"scope":          {"refresh_token api web"},
		"state":          {"st4te"},
		"code_challenge": {challenge(testVerifier)},
	}
	for k, v := range extra {
		if len(v) == 1 && v[0] == "" {
			q.Del(k)
			continue
		}
		q[k] = v
	}
	return o.LoginURL() + "/services/oauth2/authorize?" + q.Encode()
}

// code runs the browser part and returns the code.
func code(t *testing.T, o *Org, extra url.Values) string {
	t.Helper()
	loc, err := o.PlayUser(testCtx(t), authorizeURL(o, extra), true)
	require.NoError(t, err)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	require.Equal(t, "st4te", u.Query().Get("state"))
	c := u.Query().Get("code")
	require.NotEmpty(t, c)
	return c
}

type httpResult struct {
	status int
	header http.Header
	body   []byte
}

func (h httpResult) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(h.body, &m), string(h.body))
	return m
}

func do(t *testing.T, method, target string, header http.Header, body io.Reader) httpResult {
	t.Helper()
	req, err := http.NewRequestWithContext(testCtx(t), method, target, body)
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return httpResult{status: resp.StatusCode, header: resp.Header, body: b}
}

func postForm(t *testing.T, target string, form url.Values) httpResult {
	t.Helper()
	return do(t, http.MethodPost, target, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, strings.NewReader(form.Encode()))
}

func exchange(t *testing.T, o *Org, c string) httpResult {
	t.Helper()
	return postForm(t, o.LoginURL()+"/services/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {c}, "client_id": {testClient},
		"redirect_uri": {testCallback}, "code_verifier": {testVerifier},
	})
}

// login returns the token response of a full flow.
func login(t *testing.T, o *Org) map[string]any {
	t.Helper()
	res := exchange(t, o, code(t, o, nil))
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	return res.json(t)
}

func accessToken(t *testing.T, o *Org) string {
	t.Helper()
	return login(t, o)["access_token"].(string)
}

// api calls the instance host with a bearer token.
func api(t *testing.T, o *Org, tok, method, path string, body []byte, header http.Header) httpResult {
	t.Helper()
	h := http.Header{"Authorization": {"Bearer " + tok}}
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		h[k] = v
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	return do(t, method, o.InstanceURL()+path, h, rd)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func sign(msg, key string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
