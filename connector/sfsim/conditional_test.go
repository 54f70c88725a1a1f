package sfsim

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConditionalUpdate(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	id := create(t, o, at, "Cond", []byte("v1"))
	mod := o.Resource("Cond").LastModifiedDate
	patch := func(since string) httpResult {
		body := mustJSON(t, map[string]any{"Body": base64.StdEncoding.EncodeToString([]byte("v2-" + since))})
		h := http.Header{}
		if since != "" {
			h.Set("If-Unmodified-Since", since)
		}
		return api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+id, body, h)
	}

	// Unmodified since the record's own time: written.
	res := patch(mod.UTC().Format(http.TimeFormat))
	require.Equal(t, http.StatusNoContent, res.status, string(res.body))
	assert.Equal(t, "v2-"+mod.UTC().Format(http.TimeFormat), string(o.Resource("Cond").Body))

	// Someone edits it later: a write conditioned on the old time is refused, nothing written.
	o.PutResource(Resource{ID: id, Name: "Cond", Body: []byte("edited in Setup"), LastModifiedDate: mod.Add(time.Hour),
		LastModifiedByID: "005000000000002AAA", LastModifiedByName: "Other Admin"})
	res = patch(mod.UTC().Format(http.TimeFormat))
	assert.Equal(t, http.StatusPreconditionFailed, res.status)
	assert.Empty(t, res.body)
	assert.Equal(t, "edited in Setup", string(o.Resource("Cond").Body))

	// An invalid header value on PATCH: 400.
	res = patch("yesterday")
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, string(res.body), "If-Unmodified-Since")
	assert.Equal(t, "edited in Setup", string(o.Resource("Cond").Body))

	// Unknown Id with the header: 404 as without.
	res = api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/081000000000000AAA", []byte(`{"Body":"AA=="}`),
		http.Header{"If-Unmodified-Since": {mod.UTC().Format(http.TimeFormat)}})
	assert.Equal(t, http.StatusNotFound, res.status)
}

func TestConditionalGet(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	id := create(t, o, at, "Cond", []byte("v1"))
	mod := o.Resource("Cond").LastModifiedDate
	get := func(since time.Time) httpResult {
		return api(t, o, at, http.MethodGet, v+"/sobjects/StaticResource/"+id, nil,
			http.Header{"If-Modified-Since": {since.UTC().Format(http.TimeFormat)}})
	}
	res := get(mod)
	assert.Equal(t, http.StatusNotModified, res.status)
	assert.Empty(t, res.body)

	res = get(mod.Add(-2 * time.Second))
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, id, res.json(t)["Id"])

	// An unparseable If-Modified-Since is ignored (HTTP): the record comes back.
	res = api(t, o, at, http.MethodGet, v+"/sobjects/StaticResource/"+id, nil, http.Header{"If-Modified-Since": {"soon"}})
	assert.Equal(t, http.StatusOK, res.status)
}

func zipOf(t *testing.T, files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, data := range files {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, _ = w.Write([]byte(data))
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestServeResource(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	o.PutResource(Resource{Name: "Site", CacheControl: "Public", Body: zipOf(t, map[string]string{"js/app.js": "console.log(1)", "index.html": "<p>hi</p>"})})
	o.PutResource(Resource{Name: "Secret", CacheControl: "Private", Body: zipOf(t, map[string]string{"a.txt": "private"})})

	p := o.ResourceURLPath("site", "js/app.js")
	require.Regexp(t, `^/resource/\d+/Site/js/app.js$`, p)
	res := do(t, http.MethodGet, o.InstanceURL()+p, nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "console.log(1)", string(res.body))
	assert.True(t, strings.HasPrefix(res.header.Get("Content-Type"), "text/javascript"), res.header.Get("Content-Type"))

	// Any timestamp, or none, serves the current version.
	res = do(t, http.MethodGet, o.InstanceURL()+"/resource/1/Site/index.html", nil, nil)
	assert.Equal(t, "<p>hi</p>", string(res.body))
	res = do(t, http.MethodGet, o.InstanceURL()+"/resource/Site/index.html", nil, nil)
	assert.Equal(t, "<p>hi</p>", string(res.body))
	res = do(t, http.MethodGet, o.InstanceURL()+"/resource/1/Site/missing.js", nil, nil)
	assert.Equal(t, http.StatusNotFound, res.status)

	// Private: only within a session.
	res = do(t, http.MethodGet, o.InstanceURL()+o.ResourceURLPath("Secret", "a.txt"), nil, nil)
	assert.Equal(t, http.StatusNotFound, res.status)
	res = do(t, http.MethodGet, o.InstanceURL()+o.ResourceURLPath("Secret", "a.txt"), http.Header{"Authorization": {"Bearer " + at}}, nil)
	assert.Equal(t, "private", string(res.body))
}

func TestServePrivateInDemoMode(t *testing.T) {
	o := startOrg(t, Options{DemoHint: true})
	o.PutResource(Resource{Name: "Secret", CacheControl: "Private", Body: zipOf(t, map[string]string{"a.txt": "demo"})})
	res := do(t, http.MethodGet, o.InstanceURL()+o.ResourceURLPath("Secret", "a.txt"), nil, nil)
	assert.Equal(t, "demo", string(res.body), "a browser in the demo sees what was published")
}
