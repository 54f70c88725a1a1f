package service

// Where the headless flows' secrets may go (issue 16 #4) and how their key
// is named in messages (#1).

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// tokenRequests counts the grants the org received.
func tokenRequests(org *sfsim.Org) int {
	n := 0
	for _, q := range org.Requests() {
		if q.Path == "/services/oauth2/token" {
			n++
		}
	}
	return n
}

func TestSalesforceLoginHosts(t *testing.T) {
	for _, h := range []string{
		"login.salesforce.com", "test.salesforce.com", "LOGIN.salesforce.com", "acme.my.salesforce.com",
		"acme--uat.sandbox.my.salesforce.com", "acme-dev-ed.develop.my.salesforce.com", "acme--c1.scratch.my.salesforce.com",
		"acme.my.site.com", "acme--uat.sandbox.my.site.com", "acme.my.salesforce.com.",
	} {
		assert.True(t, connector.IsSalesforceLoginHost(h), h)
	}
	for _, h := range []string{
		"", "localhost", "127.0.0.1", "::1", "evil.example", "my.salesforce.com", "salesforce.com",
		"login.salesforce.com.evil.example", "acme.my.salesforce.com.evil.example", "evil-my.salesforce.com",
		"acme.lightning.force.com", "acme.my.salesforce-setup.com", "acme.force.com", "acme.vf.force.com",
		"a_b.my.salesforce.com", "xmy.site.com",
	} {
		assert.False(t, connector.IsSalesforceLoginHost(h), h)
	}
}

func TestGrantDestinations(t *testing.T) {
	svc := New(&connector.Runtime{AllowLoginHosts: []string{"localhost:4321", "sim.internal", "[::1]:7000"}})
	for _, u := range []string{
		"https://login.salesforce.com", "https://test.salesforce.com", "https://acme.my.salesforce.com",
		"https://acme--uat.sandbox.my.salesforce.com", "https://acme.my.site.com/partners",
		"http://localhost:4321", "https://sim.internal", "https://sim.internal:8443", "http://[::1]:7000",
	} {
		assert.Empty(t, svc.GrantDestination(u), u)
	}
	for u, named := range map[string]string{
		"http://login.salesforce.com":            "login.salesforce.com",      // never over http
		"https://login.salesforce.com:8443":      "login.salesforce.com:8443", // not Salesforce's port
		"https://evil.example":                   "evil.example",
		"http://localhost:4322":                  "localhost:4322", // another port
		"http://127.0.0.1:4321":                  "127.0.0.1:4321", // another host
		"http://sim.internal":                    "sim.internal",   // http only on loopback
		"https://user:pw@acme.my.salesforce.com": "acme.my.salesforce.com",
		"https://acme.my.salesforce.com/?x=1":    "acme.my.salesforce.com",
		"http://[::1]:7001":                      "[::1]:7001",
	} {
		assert.Equal(t, named, svc.GrantDestination(u), u)
	}
	assert.NotEmpty(t, New(&connector.Runtime{}).GrantDestination("http://localhost:4321"), "nothing allowed: loopback is refused too")
}

func TestParseAllowedLoginHost(t *testing.T) {
	for in, want := range map[string]string{
		"localhost:4321":         "localhost:4321",
		"LocalHost":              "localhost",
		"http://127.0.0.1:4321/": "127.0.0.1:4321",
		"https://sim.example":    "sim.example",
		"[::1]:7000":             "[::1]:7000",
		"::1":                    "[::1]",
		" custom.example.com. ":  "custom.example.com",
	} {
		got, err := connector.ParseAllowedLoginHost(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, in := range []string{"", " ", "localhost:0", "localhost:99999", "localhost:x", "a b", "user@host", "https://u:p@host", "-----BEGIN PRIVATE KEY-----\nMIIE"} {
		_, err := connector.ParseAllowedLoginHost(in)
		require.Error(t, err, in)
		assert.Equal(t, connector.CodeInvalidLoginURL, connector.AsProblem(err).Code)
		assert.NotContains(t, err.Error(), "MIIE")
	}
}

// Issue 16 #4: a JWT assertion and a client secret go only to Salesforce
// login hosts, or to a host the user allowed; the audience too.
func TestHeadlessGrantsGoOnlyToAllowedHosts(t *testing.T) {
	h := newHeadlessEnv(t, sfsim.Options{Sandbox: true})
	h.org.EnableClientCredentials("CCApp", "s3cret-value-CC")
	h.env[connector.ClientSecretEnv] = "s3cret-value-CC"
	k := connector.Key{System: "Acme", Environment: connector.Sandbox}
	simLogin := simHosts(h.org)[0]
	simInstance := simHosts(h.org)[1]

	refused := func(t *testing.T, opts auth.HeadlessOptions, id, host string) {
		t.Helper()
		before := tokenRequests(h.org)
		_, err := h.svc.AuthorizeHeadless(testCtx(t), k, opts)
		p := connector.AsProblem(err)
		require.NotNil(t, p)
		assert.Equal(t, connector.CodeLoginHostNotAllowed, p.Code, p.Error())
		assert.Equal(t, id, p.MessageID())
		assert.Contains(t, p.Message, host)
		assert.Contains(t, p.Fix, "--allow-login-host "+host)
		assert.Equal(t, before, tokenRequests(h.org), "nothing was sent")
		_, gerr := h.svc.Registry.Get(k)
		require.Error(t, gerr, "nothing recorded")
		assert.Equal(t, connector.CodeNotFound, connector.AsProblem(gerr).Code, "nothing recorded")
	}

	t.Run("nothing allowed", func(t *testing.T) {
		h.svc.AllowLoginHosts = nil
		refused(t, h.jwtOpts(), connector.CodeLoginHostNotAllowed, simLogin)
		refused(t, auth.HeadlessOptions{Method: connector.AuthClientCredentials, ClientID: "CCApp", LoginURL: h.org.InstanceURL()}, "login_host_not_allowed_secret", simInstance)
	})
	t.Run("another port of the same host", func(t *testing.T) {
		host, _, _ := strings.Cut(simLogin, ":")
		h.svc.AllowLoginHosts = []string{host + ":1"}
		refused(t, h.jwtOpts(), connector.CodeLoginHostNotAllowed, simLogin)
	})
	t.Run("an audience that is no login host", func(t *testing.T) {
		h.svc.AllowLoginHosts = []string{simLogin}
		opts := h.jwtOpts()
		opts.Audience = "https://evil.example"
		refused(t, opts, "login_host_not_allowed_audience", "evil.example")
		opts.Audience = "http://" + simInstance // allowed? only the login host is
		refused(t, opts, "login_host_not_allowed_audience", simInstance)
	})
	t.Run("allowed by host and port, or by host", func(t *testing.T) {
		h.svc.AllowLoginHosts = []string{simLogin}
		_, err := h.svc.AuthorizeHeadless(testCtx(t), k, h.jwtOpts())
		require.NoError(t, err)
		host, _, _ := strings.Cut(simInstance, ":")
		h.svc.AllowLoginHosts = []string{"http://" + host} // every port of the host
		k2 := connector.Key{System: "Beta", Environment: connector.Sandbox}
		_, err = h.svc.AuthorizeHeadless(testCtx(t), k2, auth.HeadlessOptions{Method: connector.AuthClientCredentials, ClientID: "CCApp", LoginURL: h.org.InstanceURL()})
		require.NoError(t, err)
	})
	t.Run("a recorded connector is checked on every grant", func(t *testing.T) {
		h.svc.AllowLoginHosts = []string{simLogin}
		k3 := connector.Key{System: "Gamma", Environment: connector.Sandbox}
		_, err := h.svc.AuthorizeHeadless(testCtx(t), k3, h.jwtOpts())
		require.NoError(t, err)
		// another run, from the same connectors, without --allow-login-host
		fresh, err := NewService(h.svc.Registry.Dir(), h.keys)
		require.NoError(t, err)
		fresh.Getenv = h.svc.Getenv
		before := tokenRequests(h.org)
		st := fresh.Status(testCtx(t), k3)
		assert.NotEqual(t, connector.StateConnected, st.State)
		assert.Contains(t, st.Message+" "+st.Fix, "--allow-login-host "+simLogin)
		assert.Equal(t, before, tokenRequests(h.org), "nothing was sent")
	})
	assert.Empty(t, h.keys.Calls())
}

// Issue 16 #1: the JWT key, given where a path was wanted or garbled, is
// never quoted: the message names the flag or variable and what it held.
func TestJWTKeyIsNeverQuoted(t *testing.T) {
	keyPEM, _ := testKeyPair(t)
	body := strings.Split(string(keyPEM), "\n")[3]
	require.Greater(t, len(body), 40)
	garbled := strings.Replace(string(keyPEM), body, strings.Repeat("A", len(body)), 1)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "ci.key")
	require.NoError(t, os.WriteFile(keyFile, keyPEM, 0o600))

	tests := []struct {
		name    string
		flag    string
		env     map[string]string
		id      string
		message string
	}{
		{"key text in CONNECTORS_JWT_KEY_FILE", "", map[string]string{connector.JWTKeyFileEnv: string(keyPEM)}, "jwt_key_file_not_a_path", "$" + connector.JWTKeyFileEnv + " holds a PEM private key, not a file path"},
		{"key text as --jwt-key-file", string(keyPEM), nil, "jwt_key_file_not_a_path", "--jwt-key-file holds a PEM private key, not a file path"},
		{"a secret as --jwt-key-file", "8B3C51E0A2F94D6E7A1B2C3D4E5F60718293A4B5C6D7E8F9012345678ABCDEF0", nil, connector.CodeJWTKey, "The JWT key file named by --jwt-key-file, a 64-character value (not shown), cannot be read"},
		{"a garbled key in CONNECTORS_JWT_KEY", "", map[string]string{connector.JWTKeyEnv: garbled}, connector.CodeJWTKey, "The JWT key from $" + connector.JWTKeyEnv + " is not a usable RSA private key"},
		{"the body without its armor in CONNECTORS_JWT_KEY", "", map[string]string{connector.JWTKeyEnv: body}, connector.CodeJWTKey, "no PEM block found"},
		{"a path in CONNECTORS_JWT_KEY", "", map[string]string{connector.JWTKeyEnv: keyFile}, "jwt_key_not_pem", "holds the path of a file"},
		{"a missing file", filepath.Join(dir, "nope.key"), nil, connector.CodeJWTKey, "nope.key cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHeadlessEnv(t, sfsim.Options{Sandbox: true})
			delete(h.env, connector.JWTKeyEnv)
			for k, v := range tt.env {
				h.env[k] = v
			}
			h.svc.JWTKeyFile = tt.flag
			_, err := h.svc.AuthorizeHeadless(testCtx(t), connector.Key{System: "Acme", Environment: connector.Sandbox}, h.jwtOpts())
			p := connector.AsProblem(err)
			require.NotNil(t, p)
			assert.Equal(t, connector.CodeJWTKey, p.Code)
			assert.Equal(t, tt.id, p.MessageID())
			assert.Contains(t, p.Message, tt.message)
			all := p.Error() + h.logs.String()
			for _, a := range p.Args {
				all += " " + a.(string)
			}
			for _, secret := range []string{body, "8B3C51E0A2F94D6E7A1B2C3D4E5F6071", strings.Repeat("A", 40), "PRIVATE KEY-----"} {
				assert.NotContains(t, all, secret)
			}
			if tt.id != connector.CodeJWTKey {
				assert.NotContains(t, p.Message, keyFile, "the value itself is not shown")
			}
			assert.Equal(t, 0, tokenRequests(h.org))
		})
	}
}
