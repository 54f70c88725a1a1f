// Package storetest gives tests a token store that is the real OS keyring
// whenever one can be reached (under .ci/test-env, as in CI), each test
// under a service name of its own that is emptied when the test ends.
package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"runtime"
	"testing"

	"github.com/connectors-app/connectors/connector/tokenstore"
)

// DBusAtStart is DBUS_SESSION_BUS_ADDRESS as the test binary started:
// godbus's autolaunch may set it later.
var DBusAtStart = os.Getenv("DBUS_SESSION_BUS_ADDRESS")

// HasKeyring reports whether a Secret Service can be reached (on Linux, a
// session bus was given; elsewhere the platform keyring is always there).
func HasKeyring() bool { return runtime.GOOS != "linux" || DBusAtStart != "" }

// Keyring is the OS keyring under a service name of this test only,
// emptied when the test ends.
func Keyring(tb testing.TB) *tokenstore.Keyring {
	tb.Helper()
	var nonce [6]byte
	_, _ = rand.Read(nonce[:])
	kr := tokenstore.NewKeyring("connectors-test-" + hex.EncodeToString(nonce[:]))
	tb.Cleanup(func() { _ = kr.DeleteAll() })
	return kr
}

// Store is where a test keeps tokens: Keyring when a keyring can be
// reached, else process memory; always memory for benchmarks, which
// measure our code, not the keyring daemon.
func Store(tb testing.TB) tokenstore.Store {
	tb.Helper()
	if _, bench := tb.(*testing.B); bench || !HasKeyring() {
		return tokenstore.NewMemory()
	}
	return Keyring(tb)
}
