package main

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/tokenstore"
)

func TestDiagnosticsRedacts(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Lightning/Sandbox", sampleOrg("Acme UAT", true), nil)
	require.NoError(t, c.tokens.Save("Lightning/Sandbox", &tokenstore.Tokens{AccessToken: "00Dsecret!ACCESS", RefreshToken: "5Aep-REFRESH-secret"}))
	c.env["HTTPS_PROXY"] = "http://alice:hunter2@proxy.corp:8080"
	c.env["NO_PROXY"] = "localhost,.corp"
	c.env["BROWSER"] = "wslview"

	r := c.run("diagnostics")
	require.Equal(t, exitOK, r.code, r.stderr)
	for _, secret := range []string{"hunter2", "alice", "00Dsecret!ACCESS", "5Aep-REFRESH-secret"} {
		assert.NotContains(t, r.stdout, secret)
	}
	assert.Contains(t, r.stdout, "HTTPS_PROXY=http://REDACTED@proxy.corp:8080")
	assert.Contains(t, r.stdout, "NO_PROXY=localhost,.corp")
	assert.Contains(t, r.stdout, "BROWSER=wslview")
	assert.Contains(t, r.stdout, "config folder: "+c.dir)

	r = c.run("diagnostics", "--json")
	require.Equal(t, exitOK, r.code)
	m := jsonKeys(t, []byte(r.stdout))
	requireKeys(t, m, "version", "goVersion", "os", "arch", "configDir", "environment", "report")
	assert.NotContains(t, r.stdout, "hunter2")
	assert.NotContains(t, r.stdout, "REFRESH-secret")
}

func TestRedactEnv(t *testing.T) {
	tests := []struct{ key, in, want string }{
		{"HTTPS_PROXY", "http://u:p@h:1", "http://REDACTED@h:1"},
		{"http_proxy", "u:p@h:1", "REDACTED@h:1"},
		{"HTTPS_PROXY", "http://h:1", "http://h:1"},
		{"NO_PROXY", "a@b", "a@b"},
		{"DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/bus,guid=abc", "unix:path=/run/bus,guid=REDACTED"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, redactEnv(tt.key, tt.in), fmt.Sprintf("%s=%s", tt.key, tt.in))
	}
}
