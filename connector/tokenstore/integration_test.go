package tokenstore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRealKeyring uses the real OS keyring. Under .ci/test-env (a private
// dbus session with an unlocked gnome-keyring) it checks the full contract;
// in plain `go test` without a session bus it checks that the failure is a
// clear UnavailableError that never quotes the secret.
func TestRealKeyring(t *testing.T) {
	var rnd [6]byte
	_, err := rand.Read(rnd[:])
	require.NoError(t, err)
	service := "app.connectors.test-" + hex.EncodeToString(rnd[:])
	k := NewKeyring(service)
	key := "Lightning/Sandbox"
	tok := &Tokens{
		AccessToken:  "00D000000000001!AQQAQFhoK8vTMg_" + hex.EncodeToString(rnd[:]),
		RefreshToken: "5Aep861secretRefresh" + hex.EncodeToString(rnd[:]),
		InstanceURL:  "https://acme.my.salesforce.com",
		IssuedAt:     time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC),
	}

	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		// Given no session bus (pointing at a socket that does not exist,
		// so godbus does not autolaunch one)
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "no-bus"))
		for _, op := range []struct {
			name string
			run  func() error
		}{
			{"save", func() error { return k.Save(key, tok) }},
			{"load", func() error { _, err := k.Load(key); return err }},
			{"delete", func() error { return k.Delete(key) }},
		} {
			err := op.run()
			var ue *UnavailableError
			require.ErrorAs(t, err, &ue, op.name)
			assert.Equal(t, op.name, ue.Op)
			assert.Contains(t, ue.Reason, "D-Bus")
			assert.Contains(t, ue.Fix, "gnome-keyring")
			assertNoSecret(t, err, tok)
		}
		var ue *UnavailableError
		require.ErrorAs(t, ProbeKeyring(service), &ue)
		return
	}

	t.Cleanup(func() { _ = k.Delete(key) })
	assert.Equal(t, "Secret Service (D-Bus)", k.Backend())

	// not found, and delete when absent
	_, err = k.Load(key)
	require.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, k.Delete(key))

	// round trip, replace
	require.NoError(t, k.Save(key, tok))
	got, err := k.Load(key)
	require.NoError(t, err)
	assert.Equal(t, tok, got)
	tok2 := *tok
	tok2.AccessToken += "-rotated"
	require.NoError(t, k.Save(key, &tok2))
	got, err = k.Load(key)
	require.NoError(t, err)
	assert.Equal(t, &tok2, got)

	// another key in the same service is independent
	require.NoError(t, k.Save("Other/Production", tok))
	require.NoError(t, k.Delete("Other/Production"))
	got, err = k.Load(key)
	require.NoError(t, err)
	assert.Equal(t, &tok2, got)

	// size limit: refused before reaching the keyring, message without the secret
	big := *tok
	big.RefreshToken = strings.Repeat("R", MaxSecretBytes)
	err = k.Save(key, &big)
	require.ErrorIs(t, err, ErrTooLarge)
	assertNoSecret(t, err, &big)
	got, err = k.Load(key)
	require.NoError(t, err)
	assert.Equal(t, &tok2, got, "a refused save leaves the old entry")

	// delete, then absent again
	require.NoError(t, k.Delete(key))
	_, err = k.Load(key)
	require.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, k.Delete(key))

	require.NoError(t, ProbeKeyring(service))
}

func assertNoSecret(t *testing.T, err error, tok *Tokens) {
	t.Helper()
	for e := err; e != nil; e = errors.Unwrap(e) {
		msg := e.Error()
		assert.NotContains(t, msg, tok.AccessToken)
		assert.NotContains(t, msg, tok.RefreshToken[:20])
	}
	var ue *UnavailableError
	if errors.As(err, &ue) {
		assert.NotContains(t, ue.Reason+ue.Fix, tok.AccessToken)
	}
}

// BenchmarkKeyringSaveLoad measures a save + load round trip through the
// real keyring (run under .ci/test-env); without a session bus it measures
// the failure path.
func BenchmarkKeyringSaveLoad(b *testing.B) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		b.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(b.TempDir(), "no-bus"))
	}
	k := NewKeyring("app.connectors.bench")
	defer func() { _ = k.Delete("bench") }()
	tok := sampleTokens(1)
	b.ReportAllocs()
	for b.Loop() {
		_ = k.Save("bench", tok)
		_, _ = k.Load("bench")
	}
}
