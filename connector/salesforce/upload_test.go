package salesforce

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// received is what the test server decoded from one upload request.
type received struct {
	method, path, auth           string
	contentType, contentEncoding string
	transferEncoding             []string
	contentLength                int64
	wireBytes                    int64
	fields                       map[string]string
}

// decodeUpload reads a gzip JSON upload request as the server sees it.
func decodeUpload(t *testing.T, r *http.Request) received {
	t.Helper()
	raw, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	rec := received{
		method: r.Method, path: r.URL.Path, auth: r.Header.Get("Authorization"),
		contentType: r.Header.Get("Content-Type"), contentEncoding: r.Header.Get("Content-Encoding"),
		transferEncoding: r.TransferEncoding, contentLength: r.ContentLength, wireBytes: int64(len(raw)),
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(plain, &rec.fields), "body is JSON: %.200s", plain)
	return rec
}

func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

// opener returns an UploadSpec.Open over data that counts opens.
func opener(data []byte, opens *atomic.Int32) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) {
		opens.Add(1)
		return io.NopCloser(bytes.NewReader(data)), nil
	}
}

func TestCreateStaticResource(t *testing.T) {
	data := randomBytes(t, 300_000)
	var got []received
	var mu sync.Mutex
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		rec := decodeUpload(t, r)
		mu.Lock()
		got = append(got, rec)
		mu.Unlock()
		writeJSON(w, 201, `{"id":"081000000000009AAA","errors":[],"success":true}`)
	})
	var opens atomic.Int32
	var progress []int64
	id, stats, err := c.CreateStaticResource(testCtx(t), UploadSpec{
		Name: "WalkMe_Content", Description: `App "bundle" ünïcode`,
		Open: opener(data, &opens), BodySize: int64(len(data)),
		Progress: func(sent, total int64) {
			assert.EqualValues(t, len(data), total)
			progress = append(progress, sent)
		},
	})
	require.NoError(t, err)
	assert.Equal(t, "081000000000009AAA", id)
	require.Len(t, got, 1)
	rec := got[0]
	assert.Equal(t, "POST", rec.method)
	assert.Equal(t, "/services/data/v63.0/sobjects/StaticResource/", rec.path)
	assert.Equal(t, "Bearer tok-1", rec.auth)
	assert.Equal(t, "application/json", rec.contentType)
	assert.Equal(t, "gzip", rec.contentEncoding)
	assert.Equal(t, []string{"chunked"}, rec.transferEncoding)
	assert.EqualValues(t, -1, rec.contentLength)
	assert.Equal(t, map[string]string{
		"Name": "WalkMe_Content", "Description": `App "bundle" ünïcode`, "ContentType": "application/zip",
		"CacheControl": "Private", "Body": base64.StdEncoding.EncodeToString(data),
	}, rec.fields)
	assert.Equal(t, rec.wireBytes, stats.WireBytes)
	assert.Less(t, float64(stats.WireBytes), 1.05*float64(len(data)), "gzip wins back the base64 overhead")
	require.NotEmpty(t, progress)
	assert.EqualValues(t, len(data), progress[len(progress)-1])
	assert.Greater(t, len(progress), 1, "progress is reported while streaming")
	assert.IsIncreasing(t, progress)
	assert.EqualValues(t, 1, opens.Load())
}

func TestCreateIsNeverRetried(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"503", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(503)
			io.WriteString(w, "<html><body>Maintenance</body></html>")
		}},
		{"connection dropped", dropConnection},
		{"400 duplicate", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			writeJSON(w, 400, `[{"message":"duplicate value found: Name duplicates value on record with id: 081000000000001","errorCode":"DUPLICATE_VALUE","fields":[]}]`)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, tt.handler)
			var opens atomic.Int32
			_, _, err := c.CreateStaticResource(testCtx(t), UploadSpec{Name: "X", Open: opener([]byte("zip"), &opens)})
			require.Error(t, err)
			assert.Equal(t, 1, c.Requests())
			assert.EqualValues(t, 1, opens.Load())
		})
	}
}

// dropConnection reads part of the body and drops the connection without a response.
func dropConnection(w http.ResponseWriter, r *http.Request) {
	buf := make([]byte, 100)
	_, _ = io.ReadFull(r.Body, buf)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}

func TestCreateRefreshesOnceAndReopensBody(t *testing.T) {
	data := randomBytes(t, 50_000)
	var n atomic.Int32
	c, tokens := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeJSON(w, 401, invalidSession)
			return
		}
		rec := decodeUpload(t, r)
		assert.Equal(t, "Bearer tok-2", rec.auth)
		assert.Equal(t, base64.StdEncoding.EncodeToString(data), rec.fields["Body"])
		writeJSON(w, 201, `{"id":"081000000000009AAA","errors":[],"success":true}`)
	})
	var opens atomic.Int32
	id, _, err := c.CreateStaticResource(testCtx(t), UploadSpec{Name: "X", Open: opener(data, &opens)})
	require.NoError(t, err)
	assert.Equal(t, "081000000000009AAA", id)
	assert.Equal(t, 1, tokens.refreshes())
	assert.EqualValues(t, 2, opens.Load())
	assert.Equal(t, 2, c.Requests())
}

func TestUpdateStaticResource(t *testing.T) {
	data := randomBytes(t, 100_000)
	fail503 := func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(503)
		io.WriteString(w, "<html><body><h1>Down for maintenance</h1></body></html>")
	}
	tests := []struct {
		name      string
		failures  []http.HandlerFunc // served before success, in order
		wantErr   string             // "" = success; else errorCode or "net"
		wantReqs  int
		wantOpens int32
	}{
		{"first try", nil, "", 1, 1},
		{"503 twice then ok", []http.HandlerFunc{fail503, fail503}, "", 3, 3},
		{"dropped then ok", []http.HandlerFunc{dropConnection}, "", 2, 2},
		{"503 three times", []http.HandlerFunc{fail503, fail503, fail503}, "503", 3, 3},
		{"400 not retried", []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			writeJSON(w, 400, `[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY"}]`)
		}}, "INSUFFICIENT_ACCESS_OR_READONLY", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			var last received
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				if i < len(tt.failures) {
					tt.failures[i](w, r)
					return
				}
				last = decodeUpload(t, r)
				w.WriteHeader(204)
			})
			var opens atomic.Int32
			stats, err := c.UpdateStaticResource(testCtx(t), "081000000000002AAA", UploadSpec{
				Description: "v2", Open: opener(data, &opens), BodySize: int64(len(data)),
			})
			assert.Equal(t, tt.wantReqs, c.Requests())
			assert.Equal(t, tt.wantOpens, opens.Load())
			if tt.wantErr != "" {
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				if tt.wantErr == "503" {
					assert.Equal(t, 503, ae.StatusCode)
					assert.Equal(t, "Down for maintenance", ae.Message)
				} else {
					assert.Equal(t, tt.wantErr, ae.ErrorCode)
				}
				assert.Equal(t, "PATCH", ae.Method)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "PATCH", last.method)
			assert.Equal(t, "/services/data/v63.0/sobjects/StaticResource/081000000000002AAA", last.path)
			assert.Equal(t, "gzip", last.contentEncoding)
			assert.Equal(t, map[string]string{"Description": "v2", "Body": base64.StdEncoding.EncodeToString(data)}, last.fields)
			assert.GreaterOrEqual(t, stats.WireBytes, last.wireBytes, "wire bytes count every attempt")
		})
	}
}

func TestUpdateBackoffHonoursContext(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(503)
	})
	c.backoff = []time.Duration{time.Hour}
	// No deadline: with one, the client would not even start an hour-long wait.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var opens atomic.Int32
	go func() {
		_, err := c.UpdateStaticResource(ctx, "081000000000002AAA", UploadSpec{Open: opener([]byte("zip"), &opens)})
		done <- err
	}()
	// Wait for the first attempt, then cancel (normally during the hour-long backoff).
	require.Eventually(t, func() bool { return c.Requests() == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("update did not return after cancel")
	}
	assert.Equal(t, 1, c.Requests())
}

func TestUploadSourceErrorIsNotRetried(t *testing.T) {
	errDisk := errors.New("disk on fire")
	var served atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		_, err := io.Copy(io.Discard, r.Body)
		if err != nil {
			return
		}
		w.WriteHeader(204)
	})
	var opens atomic.Int32
	stats, err := c.UpdateStaticResource(testCtx(t), "081000000000002AAA", UploadSpec{
		Open: func() (io.ReadCloser, error) {
			opens.Add(1)
			return io.NopCloser(io.MultiReader(bytes.NewReader(randomBytes(t, 70_000)), &failingReader{errDisk})), nil
		},
	})
	require.ErrorIs(t, err, errDisk)
	assert.EqualValues(t, 1, opens.Load())
	assert.Equal(t, 1, c.Requests())
	_ = stats

	_, err = c.UpdateStaticResource(testCtx(t), "081000000000002AAA", UploadSpec{
		Open: func() (io.ReadCloser, error) { return nil, errDisk },
	})
	require.ErrorIs(t, err, errDisk)
	assert.Equal(t, 1, c.Requests(), "no request without a body")
}

type failingReader struct{ err error }

func (f *failingReader) Read([]byte) (int, error) { return 0, f.err }

func TestUploadSpecValidation(t *testing.T) {
	c, _ := newTestClient(t, func(http.ResponseWriter, *http.Request) { t.Error("no request expected") })
	_, _, err := c.CreateStaticResource(testCtx(t), UploadSpec{Open: opener(nil, new(atomic.Int32))})
	assert.Error(t, err)
	_, err = c.UpdateStaticResource(testCtx(t), "", UploadSpec{Open: opener(nil, new(atomic.Int32))})
	assert.Error(t, err)
}

func TestUploadPrefix(t *testing.T) {
	tests := []struct {
		name   string
		spec   UploadSpec
		create bool
		want   string
	}{
		{"create defaults", UploadSpec{Name: "A", Description: "d"}, true,
			`{"Name":"A","Description":"d","ContentType":"application/zip","CacheControl":"Private","Body":"`},
		{"create public", UploadSpec{Name: "A", CacheControl: "Public", ContentType: "text/css"}, true,
			`{"Name":"A","Description":"","ContentType":"text/css","CacheControl":"Public","Body":"`},
		{"update minimal", UploadSpec{Description: "<b>"}, false, `{"Description":"\u003cb\u003e","Body":"`},
		{"update all", UploadSpec{Name: "A", Description: "d", ContentType: "application/zip", CacheControl: "Public"}, false,
			`{"Name":"A","Description":"d","ContentType":"application/zip","CacheControl":"Public","Body":"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(uploadPrefix(tt.spec, tt.create))
			assert.Equal(t, tt.want, got)
			var m map[string]string
			require.NoError(t, json.Unmarshal([]byte(got+`x"}`), &m))
		})
	}
}
