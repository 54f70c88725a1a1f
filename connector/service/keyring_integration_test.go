package service

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// TestKeyringIntegration authorizes against the simulated org with the
// real OS keyring (run it under .ci/test-env, which starts a private dbus
// session with an unlocked gnome-keyring). Without a D-Bus session on Linux
// it asserts the refusal instead: no plaintext fallback, nothing stored,
// the issued token revoked.
// dbusAtStart is read before any test runs: godbus's autolaunch sets
// DBUS_SESSION_BUS_ADDRESS in the process once a keyring call was tried.
var dbusAtStart = os.Getenv("DBUS_SESSION_BUS_ADDRESS")

func TestKeyringIntegration(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	var nonce [6]byte
	_, _ = rand.Read(nonce[:])
	kr := tokenstore.NewKeyring("connectors-test-" + hex.EncodeToString(nonce[:]))
	svc := e.newService(t.TempDir(), kr)

	if runtime.GOOS == "linux" && dbusAtStart == "" {
		_, err := e.authorizeWith(svc, sbKey, e.opts())
		p := connector.AsProblem(err)
		require.Equal(t, connector.CodeKeyring, p.Code, p.Error())
		assert.NotEmpty(t, p.Fix)
		assert.Equal(t, 1, e.countRequests("/services/oauth2/revoke"), "the tokens that could not be stored are revoked")
		_, err = svc.Registry.Get(sbKey)
		assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code, "a failed first authorization creates no connector")
		return
	}

	res, err := e.authorizeWith(svc, sbKey, e.opts())
	require.NoError(t, err)
	require.Nil(t, res.Problem)
	entry := res.Connector.TokenKey()
	t.Cleanup(func() { _ = kr.DeleteAll() })
	tok, err := kr.Load(entry)
	require.NoError(t, err, "tokens are in the OS keyring")
	require.NotEmpty(t, tok.AccessToken)
	require.NotEmpty(t, tok.RefreshToken)

	// a refresh goes through the keyring too
	e.org.ExpireSessions()
	st := svc.Status(e.ctx, sbKey)
	require.Equal(t, connector.StateConnected, st.State, st.Message)
	refreshed, err := kr.Load(entry)
	require.NoError(t, err)
	assert.NotEqual(t, tok.AccessToken, refreshed.AccessToken)

	diag := svc.Diagnostics(e.ctx, "test", []string{"token was " + refreshed.AccessToken})
	assert.Contains(t, diag, kr.Backend())
	for _, s := range []string{tok.AccessToken, tok.RefreshToken, refreshed.AccessToken} {
		assert.NotContains(t, diag, s)
	}
	assertNoSecrets(t, svc.Registry.Dir(), e.logs.String(), tok.AccessToken, tok.RefreshToken, refreshed.AccessToken)

	dres, err := svc.Disconnect(e.ctx, sbKey)
	require.NoError(t, err)
	assert.True(t, dres.Revoked)
	_, err = kr.Load(entry)
	assert.ErrorIs(t, err, tokenstore.ErrNotFound, "deleted from the keyring")
}
