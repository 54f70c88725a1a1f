package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
)

// TestNewCmdList: list's --json becomes its Options; it takes no arguments.
func TestNewCmdList(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		want  listOptions
		usage bool
	}{
		{args: nil, want: listOptions{}},
		{args: []string{"--json"}, want: listOptions{JSON: true}},
		{args: []string{"Lightning/Sandbox"}, usage: true},
	} {
		var got *listOptions
		err := execCmd(newCmdList(newCLI(t).factory(&bytes.Buffer{}, &bytes.Buffer{}), capture(&got)), tt.args...)
		if tt.usage {
			requireUsage(t, err, got)
			continue
		}
		require.NoError(t, err)
		requireEnv(t, &got.cmdEnv)
		assert.Equal(t, tt.want, *got)
	}
}

func TestListEmpty(t *testing.T) {
	c := newCLI(t)
	r := c.run("list")
	assert.Equal(t, exitOK, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "No connectors yet.")
	assert.Contains(t, r.stderr, "connectorctl authorize")

	r = c.run("list", "--json")
	assert.Equal(t, exitOK, r.code)
	assert.JSONEq(t, `[]`, r.stdout)
}

func TestListTableAndJSON(t *testing.T) {
	c := newCLI(t)
	check := c.now.Add(-5 * time.Minute)
	c.addConnector("Lightning/Sandbox", sampleOrg("Acme UAT", true), func(cn *connector.Connector) {
		cn.LastState = connector.StateConnected
		cn.LastCheck = &check
		cn.LastPublish = &connector.PublishRecord{At: c.now.Add(-2 * time.Hour), Resource: "WalkMe_Content", ResourceID: "081000000000001AAA", Fingerprint: "sha256:ab", Size: 10}
	})
	c.addConnector("Lightning/Production", sampleOrg("Acme", false), func(cn *connector.Connector) {
		cn.NeedsReauth = true
	})
	c.addConnector("Classic/Test", nil, nil)

	// Given a non-terminal stdout, times are RFC 3339 for scripts.
	r := c.run("list")
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	require.Len(t, lines, 4)
	assert.Regexp(t, `^CONNECTOR\s+ORG\s+USER\s+LAST STATE\s+LAST CHECK\s+LAST PUBLISH$`, lines[0])
	assert.Regexp(t, `^Classic/Test\s+-\s+-\s+not_authorized\s+-\s+-$`, lines[1])
	assert.Regexp(t, `^Lightning/Production\s+Acme\s+admin@acme.example\s+needs_reauth\s+-\s+-$`, lines[2])
	assert.Regexp(t, `^Lightning/Sandbox\s+Acme UAT\s+admin@acme.example\s+connected\s+2026-11-24T11:55:00Z\s+2026-11-24T10:00:00Z$`, lines[3])

	// On a terminal, relative times.
	c.outTTY = true
	r = c.run("list")
	assert.Contains(t, r.stdout, "5m ago")
	assert.Contains(t, r.stdout, "2h ago")

	r = c.run("list", "--json")
	require.Equal(t, exitOK, r.code)
	var items []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &items))
	require.Len(t, items, 3)
	for _, it := range items {
		requireKeys(t, it, "connector", "system", "environment", "loginUrl", "clientId", "resourceName", "org", "needsReauth", "lastState", "lastCheck", "lastPublish")
	}
	assert.JSONEq(t, `"Lightning/Sandbox"`, string(items[2]["connector"]))
	assert.JSONEq(t, `"sandbox"`, string(items[2]["environment"]))
	assert.JSONEq(t, `"WalkMe_Content"`, string(items[2]["resourceName"]))
	assert.JSONEq(t, `"PlatformCLI"`, string(items[2]["clientId"]))
	org := jsonKeys(t, items[2]["org"])
	requireKeys(t, org, "orgId", "orgName", "instanceUrl", "username", "userId", "isSandbox", "authorizedAt")
	pub := jsonKeys(t, items[2]["lastPublish"])
	requireKeys(t, pub, "at", "resource", "resourceId", "fingerprint", "size")
	assert.JSONEq(t, `null`, string(items[0]["org"]))
}

func TestListNeverTouchesKeyring(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Lightning/Sandbox", sampleOrg("Acme UAT", true), nil)
	c.tokens = failingStore{t}
	r := c.run("list")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "Lightning/Sandbox")
}
