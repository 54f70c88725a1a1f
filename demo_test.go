package main

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/ui"
)

// TestDemoStartsFromAnEmptyTokenSpace: a connector added in a new demo
// session used a token left by an earlier one. Every demo session now
// starts with no token at all in the demo's keyring namespace.
func TestDemoStartsFromAnEmptyTokenSpace(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("this test uses the appKeyring OS keyring: run it under .ci/test-env")
	}
	kr := tokenstore.NewKeyring(demoKeyringService)
	t.Cleanup(func() { _ = kr.DeleteAll() })
	left := &tokenstore.Tokens{AccessToken: "left-by-an-earlier-demo", RefreshToken: "r", IssuedAt: time.Now()}
	for _, entry := range []string{"Demo/Sandbox", "Lightning/Production", "connector:0123456789abcdef"} {
		require.NoError(t, kr.Save(entry, left))
	}
	// a real connector's entry, outside the demo's namespace, is never touched
	appKeyring := tokenstore.NewKeyring("")
	require.NoError(t, appKeyring.Save("connector:demo-test-keep", left))
	t.Cleanup(func() { _ = appKeyring.Delete("connector:demo-test-keep") })

	var deps ui.Deps
	var cleanup []func()
	t.Cleanup(func() {
		for _, f := range cleanup {
			f()
		}
	})
	require.NoError(t, setupDemo(&deps, "", &cleanup))
	require.Nil(t, deps.KeyringProblem, "the keyring works under .ci/test-env")
	for _, entry := range []string{"Demo/Sandbox", "Lightning/Production", "connector:0123456789abcdef"} {
		_, err := kr.Load(entry)
		assert.ErrorIs(t, err, tokenstore.ErrNotFound, "%s is gone", entry)
	}
	_, err := appKeyring.Load("connector:demo-test-keep")
	assert.NoError(t, err)
	c, err := deps.Service.Registry.Get(deps.Demo.Key)
	require.NoError(t, err)
	assert.Nil(t, c.Org)
	assert.NotEmpty(t, c.ID)
}
