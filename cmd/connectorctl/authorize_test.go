package main

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// When the redirect cannot reach this computer, the user pastes the final
// URL on the terminal: a wrong paste is explained, the right one finishes.
func TestAuthorizePastedCallbackURL(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true, OrgName: "Acme UAT"})
	c := newCLI(t)
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	c.in, c.inTTY = pr, true
	played := make(chan error, 1)
	c.browser = func(u string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		loc, err := org.PlayUser(ctx, u, true)
		if err == nil {
			// Given the browser never reaches the loopback port, the user
			// copies the address bar: first a wrong one, then the right one.
			_, _ = io.WriteString(pw, "not a url at all\n")
			_, _ = io.WriteString(pw, "\n"+loc+"\n")
		}
		played <- err
		return err
	}
	// A callback port nobody can reach: the redirect never arrives by itself
	// because the pasted URL is used first; the port is still bound by the flow.
	r := c.run("authorize", "Acme/Sandbox", "--login-url", org.LoginURL(), "--callback-port", strconv.Itoa(port), "--timeout", "20s")
	require.NoError(t, <-played)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "paste its full URL here")
	assert.Contains(t, r.stderr, "The pasted address cannot finish the authorization", "a wrong paste is explained and the wait goes on")
	assert.Contains(t, r.stdout, symOK+" Authorized Acme/Sandbox")
	assert.Contains(t, r.stdout, "Org:          Acme UAT ("+org.OrgID()+")")
	assert.Contains(t, r.stdout, "User:         "+org.Username())
	assert.Contains(t, r.stdout, "Environment:  "+symOK+" a sandbox org in the Sandbox slot")
	assert.Contains(t, r.stdout, "Permissions:  API Enabled "+symOK+", Customize Application "+symOK)
	assert.Contains(t, r.stdout, "Next: connectorctl publish BUNDLE Acme/Sandbox")
	tok, err := c.tokens.Load(tokenKeyIn(t, c.dir, "Acme/Sandbox"))
	require.NoError(t, err)
	assert.NotEmpty(t, tok.RefreshToken)
}

func TestAuthorizeJSONShapeAndNoBrowser(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	c.browser = func(string) error {
		t.Error("--no-browser opened a browser")
		return nil
	}
	pr, pw := io.Pipe()
	t.Cleanup(func() { _ = pw.Close() })
	c.in, c.inTTY = pr, true
	// The user opens the printed URL elsewhere and pastes the result.
	urlSeen := make(chan string, 1)
	c.errWatch = func(s string) {
		if u := findAuthorizeURL(s); u != "" {
			select {
			case urlSeen <- u:
			default:
			}
		}
	}
	go func() {
		var authURL string
		select {
		case authURL = <-urlSeen:
		case <-time.After(15 * time.Second):
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		loc, err := org.PlayUser(ctx, authURL, true)
		if err == nil {
			_, _ = io.WriteString(pw, loc+"\n")
		}
	}()
	r := c.run("authorize", "Acme/test", "--login-url", org.LoginURL(), "--callback-port", strconv.Itoa(port), "--no-browser", "--resource", "Acme_Content", "--timeout", "20s", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &m))
	requireKeys(t, m, "connector", "org", "environmentOk", "permissions", "orgChanged", "loginUrl", "resourceName")
	assert.NotContains(t, m, "problem")
	requireKeys(t, jsonKeys(t, m["permissions"]), "apiEnabled", "customizeApplication", "checked")
	assert.JSONEq(t, `"Acme/Test"`, string(m["connector"]))
	assert.JSONEq(t, `"Acme_Content"`, string(m["resourceName"]))
	assert.JSONEq(t, `true`, string(m["environmentOk"]))
}

// findAuthorizeURL returns the authorize URL printed in s, if any.
func findAuthorizeURL(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "http") && strings.Contains(l, "/services/oauth2/authorize?") {
			return l
		}
	}
	return ""
}

// TestNewCmdAuthorize: authorize's argument and flags become its Options,
// for the browser flow and the headless ones; combinations that cannot
// work are usage errors that never reach the run function.
func TestNewCmdAuthorize(t *testing.T) {
	sandbox := keys(t, "Lightning/Sandbox")[0]
	def := service.DefaultAuthorizeTimeout
	tests := []struct {
		name  string
		args  []string
		want  authorizeOptions
		usage bool
	}{
		{name: "defaults", args: []string{"Lightning/Sandbox"}, want: authorizeOptions{Key: sandbox, Timeout: def}},
		{name: "browser flags", args: []string{"Lightning/Sandbox", "--login-url", "acme.my.salesforce.com", "--client-id", "KEY",
			"--callback-port", "1717,1718", "--callback-port", "1719", "--no-browser", "--timeout", "90s", "--resource", "WalkMe_Preview",
			"--allow-environment-mismatch", "--json"},
			want: authorizeOptions{Key: sandbox, LoginURL: "acme.my.salesforce.com", ClientID: "KEY", Ports: []int{1717, 1718, 1719},
				NoBrowser: true, Timeout: 90 * time.Second, ResourceName: "WalkMe_Preview", AllowEnvironmentMismatch: true, JSON: true}},
		{name: "jwt", args: []string{"Lightning/Sandbox", "--jwt", "--client-id", "KEY", "--username", "ci@acme.com",
			"--jwt-key-file", "ci.key", "--audience", "https://test.salesforce.com"},
			want: authorizeOptions{Key: sandbox, ClientID: "KEY", Timeout: def, Headless: headlessFlags{JWT: true,
				Username: "ci@acme.com", JWTKeyFile: "ci.key", Audience: "https://test.salesforce.com"}}},
		{name: "client credentials", args: []string{"Lightning/Sandbox", "--client-credentials", "--client-id", "KEY", "--login-url", "acme.my.salesforce.com"},
			want: authorizeOptions{Key: sandbox, ClientID: "KEY", LoginURL: "acme.my.salesforce.com", Timeout: def,
				Headless: headlessFlags{ClientCredentials: true}}},
		{name: "no connector", args: nil, usage: true},
		{name: "both headless flows", args: []string{"Lightning/Sandbox", "--jwt", "--client-credentials", "--client-id", "K"}, usage: true},
		{name: "jwt without username", args: []string{"Lightning/Sandbox", "--jwt", "--client-id", "K"}, usage: true},
		{name: "headless without client ID", args: []string{"Lightning/Sandbox", "--client-credentials"}, usage: true},
		{name: "username without jwt", args: []string{"Lightning/Sandbox", "--username", "u@x.com"}, usage: true},
		{name: "browser flag in a headless flow", args: []string{"Lightning/Sandbox", "--jwt", "--client-id", "K", "--username", "u", "--no-browser"}, usage: true},
		{name: "port out of range", args: []string{"Lightning/Sandbox", "--callback-port", "70000"}, usage: true},
		{name: "zero timeout", args: []string{"Lightning/Sandbox", "--timeout", "0s"}, usage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *authorizeOptions
			err := execCmd(newCmdAuthorize(newCLI(t).factory(io.Discard, io.Discard), capture(&got)), tt.args...)
			if tt.usage {
				requireUsage(t, err, got)
				return
			}
			require.NoError(t, err)
			requireEnv(t, &got.cmdEnv)
			require.NotNil(t, got.OpenBrowser)
			got.OpenBrowser = nil
			assert.Equal(t, tt.want, *got)
		})
	}
}

func TestInvalidLoginURLIsAUsageError(t *testing.T) {
	c := newCLI(t)
	r := c.run("authorize", "Lightning/Sandbox", "--login-url", "ftp://nope example", "--no-browser", "--json")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	var e jsonError
	require.NoError(t, json.Unmarshal([]byte(r.stderr), &e), r.stderr)
	assert.Equal(t, connector.CodeInvalidLoginURL, e.Code)
	assert.NotEmpty(t, e.Fix)
}
