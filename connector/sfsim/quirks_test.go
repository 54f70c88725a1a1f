package sfsim

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCodeTTL(t *testing.T) {
	o := startOrg(t, Options{CodeTTL: time.Nanosecond})
	res := exchange(t, o, code(t, o, nil))
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.JSONEq(t, `{"error":"invalid_grant","error_description":"expired authorization code"}`, string(res.body))
}

func TestQuirksOAuth(t *testing.T) {
	o := startOrg(t, Options{Quirks: Quirks{
		PKCEErrorCode: "invalid_request", RejectPlainPKCE: true,
		ReusedCodeDescription: "invalid authorization code", RevokeErrorFormEncoded: true,
	}})
	c := code(t, o, nil)
	res := postForm(t, o.LoginURL()+"/services/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {c}, "client_id": {testClient},
		"redirect_uri": {testCallback}, "code_verifier": {"wrong"},
	})
	assert.JSONEq(t, `{"error":"invalid_request","error_description":"invalid code verifier"}`, string(res.body))
	require.Equal(t, http.StatusOK, exchange(t, o, c).status)
	res = exchange(t, o, c)
	assert.JSONEq(t, `{"error":"invalid_grant","error_description":"invalid authorization code"}`, string(res.body))

	loc, err := o.PlayUser(testCtx(t), authorizeURL(o, url.Values{"code_challenge_method": {"plain"}}), true)
	require.NoError(t, err)
	assert.Contains(t, loc, "error=invalid_request")

	res = postForm(t, o.LoginURL()+"/services/oauth2/revoke", url.Values{"token": {"nope"}})
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Equal(t, "error=invalid_token&error_description=Token+was+invalid", string(res.body))
}

func TestQuirksStaticResource(t *testing.T) {
	o := startOrg(t, Options{MaxResourceSize: 10, Quirks: Quirks{
		OversizeErrorCode: "FIELD_INTEGRITY_EXCEPTION", InvalidNameErrorCode: "INVALID_FIELD",
		InsufficientAccessStatus: http.StatusForbidden, RejectMultipart: true,
	}})
	at := accessToken(t, o)
	tests := []struct {
		name   string
		body   []byte
		header http.Header
		status int
		code   string
	}{
		{"oversize", mustJSON(t, createBody("Big", make([]byte, 11))), nil, 400, "FIELD_INTEGRITY_EXCEPTION"},
		{"bad name", mustJSON(t, createBody("a b", []byte("x"))), nil, 400, "INVALID_FIELD"},
		{"multipart", []byte("--b--\r\n"), http.Header{"Content-Type": {"multipart/form-data; boundary=b"}}, 415, "UNSUPPORTED_MEDIA_TYPE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", tt.body, tt.header)
			assert.Equal(t, tt.status, res.status)
			assert.Contains(t, string(res.body), `"errorCode":"`+tt.code+`"`)
		})
	}
	o.SetCustomizeApplication(false)
	res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", mustJSON(t, createBody("Ok", []byte("x"))), nil)
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, string(res.body), "INSUFFICIENT_ACCESS_OR_READONLY")
}

func TestQuirkCapDecompressed(t *testing.T) {
	const limit = 100_000
	// A body that compresses far below the cap but decompresses above it.
	raw := mustJSON(t, map[string]any{
		"Name": "Huge", "ContentType": "application/zip",
		"Body": base64.StdEncoding.EncodeToString(make([]byte, limit)),
	})
	wire := compress(t, "gzip", raw)
	require.Less(t, len(wire), limit/10)
	for _, tt := range []struct {
		capDecompressed bool
		status          int
		contains        string
	}{
		{false, http.StatusBadRequest, "STORAGE_LIMIT_EXCEEDED"},
		{true, http.StatusRequestEntityTooLarge, "Maximum size of request is 100000 bytes"},
	} {
		o := startOrg(t, Options{MaxResourceSize: limit / 2, maxRequestSize: limit, Quirks: Quirks{CapDecompressed: tt.capDecompressed}})
		at := accessToken(t, o)
		res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", wire, http.Header{"Content-Encoding": {"gzip"}})
		assert.Equal(t, tt.status, res.status, string(res.body))
		assert.Contains(t, string(res.body), tt.contains)
		assert.True(t, bytes.Contains(res.body, []byte("errorCode")))
		assert.False(t, strings.Contains(string(res.body), "success"))
	}
}
