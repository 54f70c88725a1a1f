package tokenstore

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zalando/go-keyring"
)

// fakeBackend is an in-memory go-keyring stand-in with injectable errors
// and a gate that can hold calls to simulate a hung keyring.
type fakeBackend struct {
	mu    sync.Mutex
	m     map[string]string
	err   error         // returned by every call when set
	block chan struct{} // calls wait on it when set
	calls int
}

func (f *fakeBackend) enter() error {
	f.mu.Lock()
	f.calls++
	block, err := f.block, f.err
	f.mu.Unlock()
	if block != nil {
		<-block
	}
	return err
}

func (f *fakeBackend) Set(service, user, password string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string]string{}
	}
	f.m[service+"\x00"+user] = password
	return nil
}

func (f *fakeBackend) Get(service, user string) (string, error) {
	if err := f.enter(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.m[service+"\x00"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *fakeBackend) DeleteAll(service string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for k := range f.m {
		if strings.HasPrefix(k, service+"\x00") {
			delete(f.m, k)
		}
	}
	return nil
}

func (f *fakeBackend) Delete(service, user string) error {
	if err := f.enter(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.m[service+"\x00"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.m, service+"\x00"+user)
	return nil
}

func newFakeKeyring(f *fakeBackend) *Keyring {
	k := NewKeyring("")
	k.kr = f
	return k
}

func TestNewKeyringDefaults(t *testing.T) {
	k := NewKeyring("")
	assert.Equal(t, "app.connectors.desktop", k.Service)
	assert.Equal(t, 5*time.Second, k.Timeout)
	assert.Equal(t, "custom", NewKeyring("custom").Service)
}

func TestKeyringFakeRoundTrip(t *testing.T) {
	f := &fakeBackend{}
	k := newFakeKeyring(f)

	_, err := k.Load("Lightning/Sandbox")
	require.ErrorIs(t, err, ErrNotFound)
	require.NoError(t, k.Delete("Lightning/Sandbox"), "delete when absent")

	require.NoError(t, k.Save("Lightning/Sandbox", sampleTokens(1)))
	got, err := k.Load("Lightning/Sandbox")
	require.NoError(t, err)
	assert.Equal(t, sampleTokens(1), got)

	// Then the stored value is the compact JSON of Tokens under user = key.
	raw := f.m["app.connectors.desktop\x00Lightning/Sandbox"]
	want, err := json.Marshal(sampleTokens(1))
	require.NoError(t, err)
	assert.JSONEq(t, string(want), raw)
	assert.NotContains(t, raw, "\n")

	require.NoError(t, k.Delete("Lightning/Sandbox"))
	_, err = k.Load("Lightning/Sandbox")
	require.ErrorIs(t, err, ErrNotFound)
}

func TestKeyringSizeLimit(t *testing.T) {
	f := &fakeBackend{}
	k := newFakeKeyring(f)
	secret := strings.Repeat("s", MaxSecretBytes)
	err := k.Save("big", &Tokens{AccessToken: secret})
	require.ErrorIs(t, err, ErrTooLarge)
	assert.NotContains(t, err.Error(), secret[:32])
	assert.Zero(t, f.calls, "the keyring must not be called with an oversized secret")

	// Given an entry exactly at the limit, it is stored.
	tok := &Tokens{}
	empty, err := json.Marshal(tok)
	require.NoError(t, err)
	tok.AccessToken = strings.Repeat("a", MaxSecretBytes-len(empty))
	require.NoError(t, k.Save("edge", tok))

	// Given the platform itself says too big, that is ErrTooLarge too.
	f.err = keyring.ErrSetDataTooBig
	require.ErrorIs(t, k.Save("small", sampleTokens(1)), ErrTooLarge)
}

func TestKeyringTimeout(t *testing.T) {
	// Given a keyring that never answers (locked, waiting on a prompt)
	release := make(chan struct{})
	defer close(release)
	k := newFakeKeyring(&fakeBackend{block: release})
	k.Timeout = 20 * time.Millisecond

	for name, op := range map[string]func() error{
		"load":   func() error { _, err := k.Load("k"); return err },
		"save":   func() error { return k.Save("k", sampleTokens(1)) },
		"delete": func() error { return k.Delete("k") },
	} {
		t.Run(name, func(t *testing.T) {
			// When an operation runs, Then it gives up with an UnavailableError.
			err := op()
			var ue *UnavailableError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, name, ue.Op)
			assert.ErrorIs(t, err, errTimeout)
			assert.NotEmpty(t, ue.Reason)
			assert.NotEmpty(t, ue.Fix)
			assert.NotContains(t, err.Error(), sampleTokens(1).AccessToken)
		})
	}
}

func TestKeyringErrorMapping(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		notFoun bool
	}{
		{"not found", keyring.ErrNotFound, true},
		{"dbus", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), false},
		{"unsupported", keyring.ErrUnsupportedPlatform, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newFakeKeyring(&fakeBackend{err: tt.err})
			_, err := k.Load("k")
			if tt.notFoun {
				require.ErrorIs(t, err, ErrNotFound)
				require.NoError(t, k.Delete("k"))
				return
			}
			var ue *UnavailableError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, "load", ue.Op)
			assert.ErrorIs(t, err, tt.err)
			require.ErrorAs(t, k.Delete("k"), &ue)
			assert.Equal(t, "delete", ue.Op)
		})
	}
}

func TestKeyringCorruptEntry(t *testing.T) {
	f := &fakeBackend{m: map[string]string{"app.connectors.desktop\x00k": `{"a":"00Dsecret!tok`}}
	_, err := newFakeKeyring(f).Load("k")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "00Dsecret")
}

func TestScrubWithholdsSecret(t *testing.T) {
	secret := `{"a":"00D000000000001!abc"}`
	err := scrub(errors.New("backend said: "+secret), secret)
	assert.NotContains(t, err.Error(), "00D000000000001!abc")
	plain := errors.New("plain")
	assert.Equal(t, plain, scrub(plain, secret))

	// Given a backend whose error quotes the whole secret
	full, _ := json.Marshal(sampleTokens(1))
	k := newFakeKeyring(&fakeBackend{err: errors.New("refused: " + string(full))})
	err = k.Save("k", sampleTokens(1))
	var ue *UnavailableError
	require.ErrorAs(t, err, &ue)
	assert.NotContains(t, err.Error(), sampleTokens(1).AccessToken)
	assert.NotContains(t, ue.Err.Error(), sampleTokens(1).AccessToken)
}

func TestExplain(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
	tests := []struct {
		name, goos string
		err        error
		reason     string
		fix        string
	}{
		{"linux no bus", "linux", errors.New("dial unix /nonexistent: connect: no such file or directory"), "No D-Bus session bus", "gnome-keyring"},
		{"linux no service", "linux", errors.New("The name org.freedesktop.secrets was not provided by any .service files"), "No Secret Service", "gnome-keyring"},
		{"linux no login keyring", "linux", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), "no unlocked default", "login keyring exists"},
		{"linux timeout", "linux", errTimeout, "may be locked", "Unlock"},
		{"linux other", "linux", errors.New("boom"), "Secret Service keyring refused", "KeePassXC"},
		{"darwin", "darwin", errors.New("exit status 45"), "macOS Keychain", "Keychain Access"},
		{"darwin timeout", "darwin", errTimeout, "macOS Keychain", "Unlock"},
		{"windows", "windows", errors.New("Element not found."), "Windows Credential Manager", "Credential Manager"},
		{"windows timeout", "windows", errTimeout, "Windows Credential Manager", "signed in"},
		{"unsupported", "plan9", keyring.ErrUnsupportedPlatform, "no keyring", "Linux"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ue := explain(tt.goos, tt.err)
			reason, fix := ue.Reason, ue.Fix
			assert.NotEmpty(t, ue.ID, "the front ends translate the reason by its ID")
			assert.Contains(t, reason, tt.reason)
			assert.Contains(t, fix, tt.fix)
			assert.True(t, strings.HasSuffix(reason, "."), reason)
			assert.True(t, strings.HasSuffix(fix, "."), fix)
		})
	}
}

func TestBackendName(t *testing.T) {
	assert.Equal(t, "Secret Service (D-Bus)", backendName("linux"))
	assert.Equal(t, "macOS Keychain", backendName("darwin"))
	assert.Equal(t, "Windows Credential Manager", backendName("windows"))
}

func TestProbeWithFake(t *testing.T) {
	f := &fakeBackend{}
	require.NoError(t, newFakeKeyring(f).probe())
	assert.Empty(t, f.m, "the probe entry is deleted")

	f = &fakeBackend{err: errors.New("The name org.freedesktop.secrets was not provided by any .service files")}
	var ue *UnavailableError
	require.ErrorAs(t, newFakeKeyring(f).probe(), &ue)
	assert.Equal(t, "save", ue.Op)
}
