package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/packaging"
)

// freePort returns a loopback port free right now (the OS picks it).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// startOrg starts a simulated org accepting the default client ID on a free
// callback port, and returns it with the port.
func startOrg(t *testing.T, opts sfsim.Options) (*sfsim.Org, int) {
	t.Helper()
	port := freePort(t)
	opts.Callbacks = map[string][]string{connector.DefaultClientID: {redirectURI(port)}}
	org, err := sfsim.Start(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = org.Close() })
	return org, port
}

func redirectURI(port int) string {
	return "http://localhost:" + strconv.Itoa(port) + connector.CallbackPath
}

// seedAuthorized does what an authorization leaves behind without the
// connectorctl authorize command: a real code + PKCE exchange with the org,
// tokens in the store and the connector with its org in the registry.
func seedAuthorized(t *testing.T, c *cli, org *sfsim.Org, port int, key string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	vb := make([]byte, 32)
	_, _ = rand.Read(vb)
	verifier := base64.RawURLEncoding.EncodeToString(vb)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"response_type": {"code"}, "client_id": {connector.DefaultClientID}, "redirect_uri": {redirectURI(port)},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
		"state": {"s1"}, "scope": {"api refresh_token"},
	}
	loc, err := org.PlayUser(ctx, org.LoginURL()+"/services/oauth2/authorize?"+q.Encode(), true)
	require.NoError(t, err)
	lu, err := url.Parse(loc)
	require.NoError(t, err)
	code := lu.Query().Get("code")
	require.NotEmpty(t, code, loc)
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "client_id": {connector.DefaultClientID},
		"redirect_uri": {redirectURI(port)}, "code_verifier": {verifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, org.LoginURL()+"/services/oauth2/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		InstanceURL  string `json:"instance_url"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	k, err := connector.ParseKey(key)
	require.NoError(t, err)
	cn := c.addConnector(key, &connector.OrgInfo{
		OrgID: org.OrgID(), OrgName: "Demo Org", InstanceURL: tok.InstanceURL, Username: org.Username(), UserID: org.UserID(),
		IsSandbox: !k.Environment.IsProduction(), AuthorizedAt: time.Now(),
	}, func(cn *connector.Connector) {
		cn.LoginURL = org.LoginURL()
		cn.CallbackPorts = []int{port}
	})
	require.NoError(t, c.tokens.Save(cn.TokenKey(), &tokenstore.Tokens{
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, InstanceURL: tok.InstanceURL, IssuedAt: time.Now(),
		OrgID: org.OrgID(), LoginURL: org.LoginURL(), ClientID: connector.DefaultClientID,
	}))
}

func bundleBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := packaging.Open(path)
	require.NoError(t, err)
	return b.Bytes()
}

func writes(org *sfsim.Org) int {
	n := 0
	for _, r := range org.Requests() {
		if r.Host == "instance" && (r.Method == http.MethodPost || r.Method == http.MethodPatch) && strings.Contains(r.Path, "StaticResource") {
			n++
		}
	}
	return n
}

func TestPublishAndRestoreInProcess(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>", "js/app.js": "console.log('v1')"})

	// Given a bundle never published, publish creates the resource.
	r := c.run("publish", v1, "lightning/sandbox", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	var pj publishJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &pj))
	require.Len(t, pj.Results, 1)
	assert.Equal(t, service.OutcomeCreated, pj.Results[0].Outcome)
	assert.Equal(t, "Lightning/Sandbox", pj.Results[0].Connector)
	assert.Equal(t, 2, pj.Bundle.Files)
	assert.True(t, strings.HasPrefix(pj.Bundle.Fingerprint, "sha256:"))
	res := org.Resource(connector.DefaultResourceName)
	require.NotNil(t, res)
	assert.Equal(t, bundleBytes(t, v1), res.Body)
	requireKeys(t, jsonKeys(t, mustField(t, r.stdout, "results", 0)),
		"connector", "outcome", "resource", "resourceId", "fingerprint", "size", "bytesSent", "requests", "durationNs")

	// Publishing it again sends nothing.
	before := writes(org)
	r = c.run("publish", v1, "Lightning/Sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "Lightning/Sandbox: already up to date")
	assert.Contains(t, r.stdout, "Bundle "+v1+": 2 files")
	assert.Equal(t, before, writes(org))

	// A changed bundle updates, with a backup and plain progress lines.
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>", "js/app.js": "console.log('v2')"})
	r = c.run("publish", v2, "Lightning/Sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Regexp(t, `✓ Lightning/Sandbox: updated WalkMe_Content, .* in .*; previous version backed up to `, r.stdout)
	assert.Contains(t, r.stderr, "Lightning/Sandbox: uploading")
	assert.Contains(t, r.stderr, "Lightning/Sandbox: sent 100%")
	assert.NotContains(t, r.stderr, "\r")
	assert.Equal(t, bundleBytes(t, v2), org.Resource(connector.DefaultResourceName).Body)

	// Restore puts v1 back.
	r = c.run("restore", "Lightning/Sandbox", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	var rj resultJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rj))
	assert.NotEqual(t, service.OutcomeFailed, rj.Outcome)
	assert.Equal(t, bundleBytes(t, v1), org.Resource(connector.DefaultResourceName).Body)

	// list shows the last publish (a restore) without touching the keyring.
	c.tokens = failingStore{t}
	r = c.run("list", "--json")
	require.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, `"restored": true`)
}

// mustField extracts obj[key][i] from a JSON document.
func mustField(t *testing.T, doc, key string, i int) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(doc), &m))
	var arr []json.RawMessage
	require.NoError(t, json.Unmarshal(m[key], &arr))
	require.Greater(t, len(arr), i)
	return arr[i]
}
