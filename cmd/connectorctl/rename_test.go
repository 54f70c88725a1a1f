package main

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// TestRenameKeepsIdentity: a typo in a system name is no longer permanent;
// the renamed connector keeps its ID, org and tokens, and renaming onto
// an existing connector is refused.
func TestRenameKeepsIdentity(t *testing.T) {
	c := newCLI(t)
	org := &connector.OrgInfo{OrgID: "00D000000000001AAA", OrgName: "Acme"}
	before := c.addConnector("Lightnng/Sandbox", org, nil)
	c.addConnector("Service/Sandbox", nil, nil)
	require.NoError(t, c.tokens.Save(before.TokenKey(), &tokenstore.Tokens{AccessToken: "a", RefreshToken: "r"}))

	r := c.run("rename", "lightnng/sandbox", "Lightning")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "✓ Renamed Lightnng/Sandbox to Lightning/Sandbox.\n", r.stdout)
	after, err := c.registry().Get(connector.Key{System: "Lightning", Environment: connector.Sandbox})
	require.NoError(t, err)
	assert.Equal(t, before.ID, after.ID)
	assert.Equal(t, "Acme", after.Org.OrgName)
	_, err = c.tokens.Load(after.TokenKey())
	assert.NoError(t, err, "the sign-in stays with the connector")
	_, err = c.registry().Get(connector.Key{System: "Lightnng", Environment: connector.Sandbox})
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code)

	r = c.run("rename", "Lightning/Sandbox", "Service", "--json")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stdout+r.stderr, "There is already a connector Service/Sandbox")

	r = c.run("rename", "Lightning/Sandbox", "Web", "--json")
	require.Equal(t, 0, r.code, r.stderr)
	var j renameJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &j))
	assert.Equal(t, renameJSON{From: "Lightning/Sandbox", To: "Web/Sandbox", ID: before.ID}, j)

	r = c.run("rename", "Web/Sandbox", "a/b")
	assert.NotEqual(t, 0, r.code)
}

// TestNamedEnvironmentOnTheCommandLine: a named environment is written
// SYSTEM/NAME:KIND when created and SYSTEM/NAME afterwards.
func TestNamedEnvironmentOnTheCommandLine(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Acme/UAT:sandbox", nil, nil)
	c.addConnector("Acme/EU:production", nil, nil)
	r := c.run("list")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Acme/UAT")
	assert.Contains(t, r.stdout, "Acme/EU")
	r = c.run("rename", "acme/uat", "Widgets")
	require.Equal(t, 0, r.code, r.stderr)
	assert.Equal(t, "✓ Renamed Acme/UAT to Widgets/UAT.\n", r.stdout)
	got, err := c.registry().Get(connector.Key{System: "Widgets", Environment: "uat"})
	require.NoError(t, err)
	assert.Equal(t, connector.Environment("uat:sandbox"), got.Environment)
}

// TestNewCmdRename: rename's connector, new system name and --json become
// its Options.
func TestNewCmdRename(t *testing.T) {
	var got *renameOptions
	require.NoError(t, execCmd(newCmdRename(newCLI(t).factory(&bytes.Buffer{}, &bytes.Buffer{}), capture(&got)), "lightnng/sandbox", "Lightning", "--json"))
	requireEnv(t, &got.cmdEnv)
	assert.Equal(t, renameOptions{Key: keys(t, "lightnng/sandbox")[0], NewSystem: "Lightning", JSON: true}, *got)

	got = nil
	requireUsage(t, execCmd(newCmdRename(newCLI(t).factory(&bytes.Buffer{}, &bytes.Buffer{}), capture(&got)), "Lightnng/Sandbox"), got)
}
