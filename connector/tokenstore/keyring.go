package tokenstore

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// DefaultService is the keyring service name entries are stored under.
const DefaultService = "app.connectors.desktop"

// DefaultTimeout bounds every keyring call: a locked keyring can wait
// forever for a password prompt nobody sees.
const DefaultTimeout = 5 * time.Second

// MaxSecretBytes is the largest encoded entry we store: Windows Credential
// Manager's limit per secret, applied everywhere so a token set that works on
// one platform works on all.
const MaxSecretBytes = 2560

// ErrTooLarge means the encoded tokens exceed MaxSecretBytes.
var ErrTooLarge = errors.New("tokens too large for the keyring")

var errNilTokens = errors.New("no tokens given")

// backend is the slice of go-keyring the Keyring uses; tests swap it to
// exercise timeouts and error mapping without touching the real keyring.
type backend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
	DeleteAll(service string) error
}

type goKeyring struct{}

func (goKeyring) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}
func (goKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (goKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }
func (goKeyring) DeleteAll(service string) error           { return keyring.DeleteAll(service) }

// Keyring is a Store backed by the OS keyring through go-keyring: one entry
// per key (the keyring "user" is the key), the value the compact JSON of
// Tokens. It never falls back to plaintext. Safe for concurrent use.
type Keyring struct {
	// Service is the keyring service name; set by NewKeyring.
	Service string
	// Timeout bounds every keyring call; zero means DefaultTimeout.
	Timeout time.Duration

	kr backend
}

var _ Store = (*Keyring)(nil)

// NewKeyring returns a Store using the OS keyring under service (empty
// means DefaultService).
func NewKeyring(service string) *Keyring {
	if service == "" {
		service = DefaultService
	}
	return &Keyring{Service: service, Timeout: DefaultTimeout, kr: goKeyring{}}
}

// Backend names the platform's keyring.
func (k *Keyring) Backend() string { return backendName(runtime.GOOS) }

func backendName(goos string) string {
	switch goos {
	case "darwin":
		return "macOS Keychain"
	case "windows":
		return "Windows Credential Manager"
	default:
		return "Secret Service (D-Bus)"
	}
}

// Load returns the tokens stored for key: ErrNotFound when absent, an
// *UnavailableError when the keyring cannot be used.
func (k *Keyring) Load(key string) (*Tokens, error) {
	var val string
	err := k.call(func(b backend) error {
		var err error
		val, err = b.Get(k.Service, key)
		return err
	})
	if err != nil {
		return nil, k.mapErr("load", err)
	}
	var t Tokens
	if err := json.Unmarshal([]byte(val), &t); err != nil {
		// never wrap the json error: its text may quote the secret
		return nil, fmt.Errorf("load tokens for %q: the keyring entry is not valid token data (delete it and authorize again)", key)
	}
	return &t, nil
}

// Save stores t under key, replacing any previous entry. It refuses
// (ErrTooLarge) when the encoded entry exceeds MaxSecretBytes.
func (k *Keyring) Save(key string, t *Tokens) error {
	if t == nil {
		return errNilTokens
	}
	b, err := json.Marshal(t) //nolint:gosec // G117: storing the tokens in the keyring is the point
	if err != nil {
		return fmt.Errorf("encode tokens: %w", err)
	}
	if len(b) > MaxSecretBytes {
		return fmt.Errorf("save tokens for %q: %d bytes, limit %d: %w", key, len(b), MaxSecretBytes, ErrTooLarge)
	}
	secret := string(b)
	err = k.call(func(b backend) error { return b.Set(k.Service, key, secret) })
	if err != nil {
		if errors.Is(err, keyring.ErrSetDataTooBig) {
			return fmt.Errorf("save tokens for %q: %w", key, ErrTooLarge)
		}
		return k.mapErr("save", scrub(err, secret))
	}
	return nil
}

// Delete removes the entry for key; nil when there is none.
func (k *Keyring) Delete(key string) error {
	err := k.call(func(b backend) error { return b.Delete(k.Service, key) })
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return k.mapErr("delete", err)
}

// DeleteAll removes every entry under the store's service name. It refuses
// the default service: only a namespace of its own (the demo's) is wiped.
func (k *Keyring) DeleteAll() error {
	if k.Service == DefaultService {
		return errors.New("refusing to delete every token of the default keyring service")
	}
	err := k.call(func(b backend) error { return b.DeleteAll(k.Service) })
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return k.mapErr("delete", err)
}

// errTimeout marks a keyring call that did not return in time.
var errTimeout = errors.New("keyring call timed out")

// call runs f in a goroutine and gives up after the timeout: go-keyring has
// no context, and a locked Secret Service may block on a prompt forever.
func (k *Keyring) call(f func(backend) error) error {
	kr := k.kr
	if kr == nil {
		kr = goKeyring{}
	}
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	done := make(chan error, 1)
	go func() { done <- f(kr) }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return fmt.Errorf("%w after %s", errTimeout, timeout)
	}
}

// mapErr turns a go-keyring error into ErrNotFound or an *UnavailableError.
func (k *Keyring) mapErr(op string, err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return ErrNotFound
	}
	ue := explain(runtime.GOOS, err)
	ue.Op, ue.Err = op, err
	return ue
}

// explain gives a plain reason and fix for a keyring failure on goos, with
// the ID a front end translates them by.
func explain(goos string, err error) *UnavailableError {
	timedOut := errors.Is(err, errTimeout)
	switch {
	case errors.Is(err, keyring.ErrUnsupportedPlatform):
		return &UnavailableError{ID: "keyring_unsupported", Reason: "This operating system has no keyring Connectors can use.",
			Fix: "Run Connectors on Linux with a Secret Service, macOS or Windows."}
	case goos == "darwin":
		return explainKeychain(timedOut)
	case goos == "windows":
		return explainCredentialManager(timedOut)
	}
	return explainSecretService(err, timedOut)
}

// explainKeychain: a failure of the macOS Keychain.
func explainKeychain(timedOut bool) *UnavailableError {
	if timedOut {
		return &UnavailableError{ID: "keyring_keychain_timeout", Reason: "The macOS Keychain did not answer in time; it may be locked or waiting for you to allow access.",
			Fix: "Unlock the login keychain in Keychain Access, allow Connectors when asked, and try again."}
	}
	return &UnavailableError{ID: "keyring_keychain_refused", Reason: "The macOS Keychain refused to store or read the tokens.",
		Fix: "Open Keychain Access, make sure the login keychain exists and is unlocked, and try again."}
}

// explainCredentialManager: a failure of Windows Credential Manager.
func explainCredentialManager(timedOut bool) *UnavailableError {
	if timedOut {
		return &UnavailableError{ID: "keyring_credman_timeout", Reason: "Windows Credential Manager did not answer in time.",
			Fix: "Make sure you are signed in to Windows with your own account, then try again."}
	}
	return &UnavailableError{ID: "keyring_credman_refused", Reason: "Windows Credential Manager refused to store or read the tokens.",
		Fix: "Make sure you are signed in with a user profile that can use Credential Manager (not a temporary or service profile), then try again."}
}

// explainSecretService: a failure of the Secret Service (Linux and the
// other Unixes), told apart by what the D-Bus error says.
func explainSecretService(err error, timedOut bool) *UnavailableError {
	const linuxFix = "Install and start gnome-keyring (or KeePassXC with Secret Service), and make sure a login keyring exists and is unlocked."
	msg := strings.ToLower(err.Error())
	switch {
	case timedOut:
		return &UnavailableError{ID: "keyring_timeout", Reason: "The keyring did not answer in time; it may be locked and waiting for a password.",
			Fix: "Unlock your keyring (for example in Passwords and Keys), then try again."}
	case noSessionBus(msg):
		return &UnavailableError{ID: "keyring_no_session_bus", Reason: "No D-Bus session bus can be reached, so the Secret Service keyring cannot be used.",
			Fix: "Run Connectors inside a desktop session (or under dbus-run-session), and " + lowerFirst(linuxFix)}
	case strings.Contains(msg, "not provided by any") || strings.Contains(msg, "serviceunknown") || strings.Contains(msg, "name has no owner"):
		return &UnavailableError{ID: "keyring_no_secret_service", Reason: "No Secret Service keyring is running on D-Bus.", Fix: linuxFix}
	case strings.Contains(msg, "failed to unlock") || strings.Contains(msg, "aliases/default") || strings.Contains(msg, "no such object"):
		return &UnavailableError{ID: "keyring_no_default", Reason: "The Secret Service has no unlocked default (login) keyring.", Fix: linuxFix}
	case strings.Contains(msg, "dismissed") || strings.Contains(msg, "locked"):
		return &UnavailableError{ID: "keyring_locked", Reason: "The keyring is locked.", Fix: "Unlock your keyring (for example in Passwords and Keys), then try again."}
	}
	return &UnavailableError{ID: "keyring_refused", Reason: "The Secret Service keyring refused to store or read the tokens.", Fix: linuxFix}
}

// noSessionBus recognises godbus's "cannot reach the session bus" errors.
func noSessionBus(msg string) bool {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" && (strings.Contains(msg, "dbus") || strings.Contains(msg, "x11")) {
		return true
	}
	for _, s := range []string{"dial unix", "connection refused", "no such file or directory", "autolaunch", "couldn't determine address", "dbus_session_bus_address"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// scrub replaces err by a generic error if its text quotes the secret.
func scrub(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New("keyring error (details withheld: they quoted the secret)")
}

// ProbeKeyring checks that the keyring under service works: it stores,
// reads back and deletes a random probe entry. For `doctor`.
func ProbeKeyring(service string) error {
	return NewKeyring(service).probe()
}

func (k *Keyring) probe() error {
	var nonce [12]byte
	_, _ = rand.Read(nonce[:])
	key := "connectors-probe-" + base64.RawURLEncoding.EncodeToString(nonce[:6])
	want := &Tokens{AccessToken: "probe-" + base64.RawURLEncoding.EncodeToString(nonce[6:]), IssuedAt: time.Now().UTC().Truncate(time.Second)}
	if err := k.Save(key, want); err != nil {
		return err
	}
	got, err := k.Load(key)
	if err != nil {
		_ = k.Delete(key)
		return err
	}
	if err := k.Delete(key); err != nil {
		return err
	}
	if got.AccessToken != want.AccessToken {
		return &UnavailableError{
			Op:     "probe",
			ID:     "keyring_probe_mismatch",
			Reason: "The keyring returned a different value than the one just stored.",
			Fix:    "Check which program provides the Secret Service on this machine and restart it.",
		}
	}
	if _, err := k.Load(key); !errors.Is(err, ErrNotFound) {
		if err == nil {
			err = errors.New("probe entry still present after delete")
		}
		return fmt.Errorf("probe delete: %w", err)
	}
	return nil
}
