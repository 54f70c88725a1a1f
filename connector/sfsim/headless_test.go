package sfsim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	keyOnce          sync.Once
	testKey, otherKy *rsa.PrivateKey
	testCert         []byte
)

// jwtKeys returns a key pair with its self-signed certificate (PEM), and a
// second key the org does not know.
func jwtKeys(t *testing.T) (*rsa.PrivateKey, []byte, *rsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		testKey, err = rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		otherKy, err = rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "ci"},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &testKey.PublicKey, testKey)
		require.NoError(t, err)
		testCert = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	})
	return testKey, testCert, otherKy
}

func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	in := enc(map[string]string{"alg": "RS256"}) + "." + enc(claims)
	sum := sha256.Sum256([]byte(in))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	require.NoError(t, err)
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestJWTBearerGrant(t *testing.T) {
	key, cert, other := jwtKeys(t)
	o := startOrg(t, Options{Username: "ci@acme.example"})
	require.NoError(t, o.RegisterJWTClient("CIApp", cert))
	claims := func(edit func(map[string]any)) map[string]any {
		c := map[string]any{"iss": "CIApp", "sub": "ci@acme.example", "aud": "https://login.salesforce.com",
			"exp": time.Now().Add(3 * time.Minute).Unix()}
		if edit != nil {
			edit(c)
		}
		return c
	}
	grant := func(host, assertion string) httpResult {
		return postForm(t, host+"/services/oauth2/token", url.Values{"grant_type": {GrantJWTBearer}, "assertion": {assertion}})
	}

	// Success on the login host and on My Domain, with the generic or the org's own audience: no refresh token.
	for _, host := range []string{o.LoginURL(), o.InstanceURL()} {
		for _, aud := range []string{"https://login.salesforce.com", o.LoginURL()} {
			res := grant(host, signJWT(t, key, claims(func(c map[string]any) { c["aud"] = aud })))
			require.Equal(t, http.StatusOK, res.status, string(res.body))
			body := res.json(t)
			assert.NotContains(t, body, "refresh_token")
			assert.Equal(t, o.InstanceURL(), body["instance_url"])
			assert.Equal(t, o.LoginURL()+"/id/"+o.OrgID()+"/"+o.UserID(), body["id"])
			// the token works on the REST API
			api := do(t, http.MethodGet, o.InstanceURL()+"/services/data/v63.0/limits", http.Header{"Authorization": {"Bearer " + body["access_token"].(string)}}, nil)
			assert.Equal(t, http.StatusOK, api.status)
		}
	}

	tests := []struct {
		name, assertion, wantError, wantDesc string
	}{
		{"unknown client", signJWT(t, key, claims(func(c map[string]any) { c["iss"] = "Nope" })), "invalid_client_id", "client identifier invalid"},
		{"wrong key", signJWT(t, other, claims(nil)), "invalid_grant", "invalid assertion"},
		{"malformed", "not.a-jwt", "invalid_grant", "invalid assertion"},
		{"tampered claims", func() string {
			p := strings.Split(signJWT(t, key, claims(nil)), ".")
			b, _ := json.Marshal(claims(func(c map[string]any) { c["sub"] = "someone@else.example" }))
			return p[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + p[2]
		}(), "invalid_grant", "invalid assertion"},
		{"sandbox audience on production", signJWT(t, key, claims(func(c map[string]any) { c["aud"] = "https://test.salesforce.com" })), "invalid_grant", "audience is invalid"},
		{"expired", signJWT(t, key, claims(func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() })), "invalid_grant", "invalid assertion"},
		{"no exp", signJWT(t, key, claims(func(c map[string]any) { delete(c, "exp") })), "invalid_grant", "invalid assertion"},
		{"other user", signJWT(t, key, claims(func(c map[string]any) { c["sub"] = "someone@else.example" })), "invalid_grant", "user hasn't approved this consumer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := grant(o.LoginURL(), tt.assertion)
			require.Equal(t, http.StatusBadRequest, res.status)
			assert.JSONEq(t, `{"error":"`+tt.wantError+`","error_description":"`+tt.wantDesc+`"}`, string(res.body))
		})
	}

	// The Salesforce CLI's exp is in milliseconds (Date.now()+300): accepted, as by Salesforce.
	res := grant(o.LoginURL(), signJWT(t, key, claims(func(c map[string]any) { c["exp"] = time.Now().UnixMilli() + 300 })))
	assert.Equal(t, http.StatusOK, res.status, string(res.body))

	o.SetConsumerApproved("CIApp", false)
	res = grant(o.LoginURL(), signJWT(t, key, claims(nil)))
	assert.JSONEq(t, `{"error":"invalid_grant","error_description":"user hasn't approved this consumer"}`, string(res.body))

	// A sandbox accepts test.salesforce.com, not login.salesforce.com.
	sb := startOrg(t, Options{Username: "ci@acme.example", Sandbox: true})
	require.NoError(t, sb.RegisterJWTClient("CIApp", cert))
	res = grant(sb.LoginURL(), signJWT(t, key, claims(func(c map[string]any) { c["aud"] = "https://test.salesforce.com" })))
	assert.Equal(t, http.StatusOK, res.status, string(res.body))
	res = grant(sb.LoginURL(), signJWT(t, key, claims(nil)))
	assert.JSONEq(t, `{"error":"invalid_grant","error_description":"audience is invalid"}`, string(res.body))
}

func TestClientCredentialsGrant(t *testing.T) {
	o := startOrg(t, Options{})
	o.EnableClientCredentials("CCApp", "s3cret")
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"CCApp"}, "client_secret": {"s3cret"}}

	res := postForm(t, o.InstanceURL()+"/services/oauth2/token", form)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.NotContains(t, res.json(t), "refresh_token")

	res = postForm(t, o.LoginURL()+"/services/oauth2/token", form)
	assert.JSONEq(t, `{"error":"invalid_grant","error_description":"request not supported on this domain"}`, string(res.body))

	bad := url.Values{"grant_type": {"client_credentials"}, "client_id": {"CCApp"}, "client_secret": {"wrong"}}
	res = postForm(t, o.InstanceURL()+"/services/oauth2/token", bad)
	assert.JSONEq(t, `{"error":"invalid_client","error_description":"invalid client credentials"}`, string(res.body))

	unknown := url.Values{"grant_type": {"client_credentials"}, "client_id": {"Nope"}, "client_secret": {"s3cret"}}
	res = postForm(t, o.InstanceURL()+"/services/oauth2/token", unknown)
	assert.JSONEq(t, `{"error":"invalid_client_id","error_description":"client identifier invalid"}`, string(res.body))
}

func TestDailyAPILimit(t *testing.T) {
	o := startOrg(t, Options{APIUsageMax: 1000})
	tok := accessToken(t, o)
	o.SetAPIUsage(998)
	get := func() httpResult {
		return do(t, http.MethodGet, o.InstanceURL()+"/services/data/v63.0/limits", http.Header{"Authorization": {"Bearer " + tok}}, nil)
	}
	res := get()
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "api-usage=999/1000", res.header.Get("Sforce-Limit-Info"))
	require.Equal(t, http.StatusOK, get().status)
	res = get()
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.JSONEq(t, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, string(res.body))
	used, maxUsage := o.APIUsage()
	assert.Equal(t, 1001, used)
	assert.Equal(t, 1000, maxUsage)
}

// Regression: sf data query sends query?q=...&columns=true after every
// query and needs columnMetadata as a JSON array; sfsim answered records.
func TestQueryColumnsForm(t *testing.T) {
	o := startOrg(t, Options{})
	tok := accessToken(t, o)
	q := url.Values{"q": {"SELECT Id, Name, BodyLength, LastModifiedBy.Name FROM StaticResource"}, "columns": {"true"}}
	res := do(t, http.MethodGet, o.InstanceURL()+"/services/data/v63.0/query?"+q.Encode(), http.Header{"Authorization": {"Bearer " + tok}}, nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	var body struct {
		ColumnMetadata []map[string]any `json:"columnMetadata"`
		EntityName     string           `json:"entityName"`
		IDSelected     bool             `json:"idSelected"`
		KeyPrefix      string           `json:"keyPrefix"`
		Records        any              `json:"records"`
	}
	require.NoError(t, json.Unmarshal(res.body, &body))
	assert.Nil(t, body.Records)
	assert.Equal(t, "StaticResource", body.EntityName)
	assert.True(t, body.IDSelected)
	assert.Equal(t, "081", body.KeyPrefix)
	require.Len(t, body.ColumnMetadata, 4)
	assert.Equal(t, "Id", body.ColumnMetadata[0]["columnName"])
	assert.Equal(t, "Id", body.ColumnMetadata[0]["apexType"])
	assert.Equal(t, "Integer", body.ColumnMetadata[2]["apexType"])
	assert.Equal(t, "LastModifiedBy", body.ColumnMetadata[3]["columnName"])
	joins := body.ColumnMetadata[3]["joinColumns"].([]any)
	require.Len(t, joins, 1)
	assert.Equal(t, "Name", joins[0].(map[string]any)["columnName"])
}

// Regression: after `sf org login access-token` the Salesforce CLI calls
// //services/data/... (its instance URL keeps a trailing slash); Salesforce
// serves it, sfsim answered 404 "The requested resource does not exist".
func TestDoubleSlashPaths(t *testing.T) {
	o := startOrg(t, Options{})
	tok := accessToken(t, o)
	res := do(t, http.MethodGet, o.InstanceURL()+"//services/data/v66.0/query?q="+url.QueryEscape("SELECT Id FROM Organization"), http.Header{"Authorization": {"Bearer " + tok}}, nil)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.Contains(t, string(res.body), o.OrgID())
}
