package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestNewCmdDisconnect: disconnect's argument and --json become its Options.
func TestNewCmdDisconnect(t *testing.T) {
	tests := []cmdCase[disconnectOptions]{
		{name: "plain", args: []string{"Lightning/Sandbox"}, want: disconnectOptions{Key: keys(t, "Lightning/Sandbox")[0]}},
		{name: "JSON", args: []string{"acme/test", "--json"}, want: disconnectOptions{Key: keys(t, "acme/test")[0], JSON: true}},
		{name: "no connector", args: nil, usage: true},
		{name: "not a connector", args: []string{"Lightning"}, usage: true},
	}
	checkCmdCases(t, newCmdDisconnect, tests)
}

// TestDisconnectRunAgainstSimulatedOrg calls disconnectRun with its
// Options, no cobra: the token is revoked at the org and deleted here; a
// second disconnect has nothing to revoke.
func TestDisconnectRunAgainstSimulatedOrg(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tokenKey := tokenKeyIn(t, c.dir, "Lightning/Sandbox")

	var out, errOut bytes.Buffer
	k := keys(t, "lightning/sandbox")[0]
	require.NoError(t, disconnectRun(ctx, &disconnectOptions{cmdEnv: c.runEnv(&out, &errOut), Key: k, JSON: true}))
	var dj disconnectJSON
	require.NoError(t, json.Unmarshal(out.Bytes(), &dj))
	assert.Equal(t, disconnectJSON{Connector: "Lightning/Sandbox", Revoked: true, LocalDeleted: true}, dj)
	_, err := c.tokens.Load(tokenKey)
	assert.Error(t, err, "the tokens are still here")

	out.Reset()
	require.NoError(t, disconnectRun(ctx, &disconnectOptions{cmdEnv: c.runEnv(&out, &errOut), Key: k}))
	assert.Equal(t, "- Lightning/Sandbox had no tokens on this computer: nothing to revoke.\n✓ Deleted the tokens from this computer.\n", out.String())
}
