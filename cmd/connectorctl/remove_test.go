package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// TestNewCmdRemove: remove's argument, --yes and --json become its Options.
func TestNewCmdRemove(t *testing.T) {
	tests := []cmdCase[removeOptions]{
		{name: "asks", args: []string{"Lightning/Sandbox"}, want: removeOptions{Key: keys(t, "Lightning/Sandbox")[0]}},
		{name: "--yes --json", args: []string{"Lightning/Sandbox", "-y", "--json"}, want: removeOptions{Key: keys(t, "Lightning/Sandbox")[0], Yes: true, JSON: true}},
		{name: "no connector", args: nil, usage: true},
	}
	checkCmdCases(t, newCmdRemove, tests)
}

// TestRemoveAsksFirst: remove asks on a terminal, needs --yes without one,
// then deletes the tokens and the connector.
func TestRemoveAsksFirst(t *testing.T) {
	c := newCLI(t)
	conn := c.addConnector("Lightning/Sandbox", nil, nil)
	require.NoError(t, c.tokens.Save(conn.TokenKey(), &tokenstore.Tokens{AccessToken: "a"}))

	r := c.run("remove", "Lightning/Sandbox")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "Add --yes")
	_, err := c.registry().Get(conn.Key())
	require.NoError(t, err, "nothing removed without a confirmation")

	c.inTTY, c.in = true, strings.NewReader("no\n")
	r = c.run("remove", "Lightning/Sandbox")
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "Remove Lightning/Sandbox (no org yet)?")
	_, err = c.registry().Get(conn.Key())
	require.NoError(t, err)

	c.in = strings.NewReader("yes\n")
	r = c.run("remove", "Lightning/Sandbox")
	t.Log(r.stdout, r.stderr)
	_, err = c.registry().Get(conn.Key())
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code, "removed")
	_, err = c.tokens.Load(conn.TokenKey())
	assert.Error(t, err, "its tokens are deleted")
}
