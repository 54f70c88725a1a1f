package sfsim

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"testing"
)

// benchOrg logs in without PlayUser's testing.T helpers.
func benchOrg(b *testing.B) (*Org, string, string) {
	b.Helper()
	o, err := Start(Options{Callbacks: map[string][]string{testClient: {testCallback}}})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = o.Close() })
	q := url.Values{"response_type": {"code"}, "client_id": {testClient}, "redirect_uri": {testCallback}, "code_challenge": {challenge(testVerifier)}}
	loc, err := o.PlayUser(b.Context(), o.LoginURL()+"/services/oauth2/authorize?"+q.Encode(), true)
	if err != nil {
		b.Fatal(err)
	}
	u, _ := url.Parse(loc)
	resp, err := http.PostForm(o.LoginURL()+"/services/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")}, "client_id": {testClient},
		"redirect_uri": {testCallback}, "code_verifier": {testVerifier},
	})
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tok map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		b.Fatal(err)
	}
	at := tok["access_token"].(string)
	id := o.PutResource(Resource{Name: "Bench", Body: []byte("x")})
	return o, at, id
}

func benchUpload(b *testing.B, gz bool) { benchUploadKind(b, gz, false) }

func benchUploadKind(b *testing.B, gz, multi bool) {
	o, at, id := benchOrg(b)
	raw := make([]byte, 5*1024*1024-1024)
	if _, err := rand.Read(raw); err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"Body": base64.StdEncoding.EncodeToString(raw)})
	ctype := "application/json"
	if multi {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="entity_content"`)
		h.Set("Content-Type", "application/json")
		pw, _ := mw.CreatePart(h)
		_, _ = pw.Write([]byte(`{"Description":"multipart"}`))
		h = textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="Body"; filename="content.zip"`)
		h.Set("Content-Type", "application/zip")
		pw, _ = mw.CreatePart(h)
		_, _ = pw.Write(raw)
		_ = mw.Close()
		body, ctype = buf.Bytes(), mw.FormDataContentType()
	}
	if gz {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(body)
		_ = zw.Close()
		body = buf.Bytes()
	}
	target := o.InstanceURL() + v + "/sobjects/StaticResource/" + id
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(b.Context(), http.MethodPatch, target, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+at)
		req.Header.Set("Content-Type", ctype)
		if gz {
			req.Header.Set("Content-Encoding", "gzip")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	if got := o.Resource("Bench"); !bytes.Equal(got.Body, raw) {
		b.Fatal("body mismatch")
	}
}

// BenchmarkUpload5MB: a 5 MB PATCH as JSON with base64 Body. B/op should be
// about one copy of the body (the stored chunks), not several.
func BenchmarkUpload5MB(b *testing.B) { benchUpload(b, false) }

// BenchmarkUpload5MBGzip: the same, gzip-encoded on the wire.
func BenchmarkUpload5MBGzip(b *testing.B) { benchUpload(b, true) }

// BenchmarkUpload5MBMultipart: the same body as a multipart binary part.
func BenchmarkUpload5MBMultipart(b *testing.B) { benchUploadKind(b, false, true) }

// BenchmarkDownload5MB: GET /{Id}/Body of a 5 MB resource.
func BenchmarkDownload5MB(b *testing.B) {
	o, at, _ := benchOrg(b)
	raw := make([]byte, 5*1024*1024)
	if _, err := rand.Read(raw); err != nil {
		b.Fatal(err)
	}
	id := o.PutResource(Resource{Name: "Big", Body: raw})
	target := o.InstanceURL() + v + "/sobjects/StaticResource/" + id + "/Body"
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer "+at)
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if n != int64(len(raw)) {
			b.Fatalf("got %d bytes", n)
		}
	}
}
