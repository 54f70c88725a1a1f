package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestAuthorizeDeniedKeepsTheConnector: `authorize X --login-url OTHER`
// (or --client-id OTHER) that is then denied used to save the new login URL
// or client ID anyway; the next refresh sent the refresh token there.
func TestAuthorizeDeniedKeepsTheConnector(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	other, err := sfsim.Start(sfsim.Options{Sandbox: true, Callbacks: map[string][]string{
		connector.DefaultClientID: {redirectURI(port)}, "OtherApp": {redirectURI(port)},
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = other.Close() })
	org.RegisterCallback("OtherApp", redirectURI(port))
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	before, err := os.ReadFile(filepath.Join(c.dir, connector.RegistryFileName))
	require.NoError(t, err)

	for _, args := range [][]string{
		{"--login-url", other.LoginURL()},
		{"--client-id", "OtherApp"},
	} {
		c.browser = func(u string) error {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				target := org
				if strings.HasPrefix(u, other.LoginURL()+"/") {
					target = other
				}
				loc, err := target.PlayUser(ctx, u, false) // the user clicks Deny
				if err == nil {                            // the browser follows the redirect to our loopback server
					if req, rerr := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil); rerr == nil {
						if resp, derr := http.DefaultClient.Do(req); derr == nil {
							_ = resp.Body.Close()
						}
					}
				}
			}()
			return nil
		}
		r := c.run(append([]string{"authorize", "Lightning/Sandbox", "--callback-port", strconv.Itoa(port), "--timeout", "20s"}, args...)...)
		require.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
		assert.Contains(t, r.stderr, "Access was denied")
		after, err := os.ReadFile(filepath.Join(c.dir, connector.RegistryFileName))
		require.NoError(t, err)
		assert.Equal(t, string(before), string(after), "%v: the connector is exactly as it was", args)
	}

	// the next refresh goes to the host that issued the refresh token
	org.ExpireSessions()
	r := c.run("status", "Lightning/Sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	for _, req := range other.Requests() {
		assert.NotEqual(t, "/services/oauth2/token", req.Path, "no token request ever reached the other host")
	}
}

// TestStatusRevokedIsNotAnEnvironmentMismatch: a revoked connector was
// also reported as "environment mismatch".
func TestStatusRevokedIsNotAnEnvironmentMismatch(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	org.RevokeRefreshTokens()
	org.ExpireSessions()
	r := c.run("status", "Lightning/Sandbox")
	require.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "Needs re-authorization")
	assert.NotContains(t, r.stdout, "mismatch")
	assert.NotContains(t, r.stdout, "Environment:")

	r = c.run("status", "Lightning/Sandbox", "--json")
	var items []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &items))
	require.Len(t, items, 1)
	assert.Equal(t, false, items[0]["environmentChecked"])
	assert.Equal(t, "needs_reauth", items[0]["state"])
}

// TestStatusAPIDisabled: with the API disabled, Customize Application was
// shown as missing though it could not be checked, and the org name as
// the org ID.
func TestStatusAPIDisabled(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	_, err := c.registry().Update(connector.Key{System: "Lightning", Environment: connector.Sandbox}, func(cn *connector.Connector) error {
		cn.Org.OrgName = "" // as recorded by an authorization without API access
		return nil
	})
	require.NoError(t, err)
	org.SetAPIEnabled(false)
	r := c.run("status", "Lightning/Sandbox")
	require.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "Permission missing")
	assert.Contains(t, r.stdout, "API Enabled "+symFail+" (missing)")
	assert.Contains(t, r.stdout, "Customize Application "+symWarn+" (not checked)")
	assert.NotContains(t, r.stdout, "Customize Application "+symFail)
	assert.Contains(t, r.stdout, "Org: name unknown ("+org.OrgID()+")")
	assert.NotContains(t, r.stdout, "Org: "+org.OrgID())
}
