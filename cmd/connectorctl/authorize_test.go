package main

import (
	"context"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
