// Package tokenstore keeps a connector's tokens in the OS keyring (Secret
// Service, macOS Keychain, Windows Credential Manager) through go-keyring.
// There is no plaintext fallback: when the keyring is unavailable the error
// says why and how to fix it.
package tokenstore

import (
	"errors"
	"time"
)

// Tokens is what one keyring entry holds: small, well under Windows' 2,560
// bytes per secret. Never the id_token.
type Tokens struct {
	AccessToken  string    `json:"a"`
	RefreshToken string    `json:"r"`
	InstanceURL  string    `json:"i"`
	IssuedAt     time.Time `json:"t"`
	// OrgID is the org the tokens were issued for, from the identity URL
	// Salesforce returned with them (15 or 18 characters).
	OrgID string `json:"o,omitempty"`
	// LoginURL is the host that issued the tokens: the refresh token is
	// only ever sent back there.
	LoginURL string `json:"l,omitempty"`
	// ClientID is the OAuth consumer key the tokens were issued to.
	ClientID string `json:"c,omitempty"`
	// OrgKind is "sandbox" or "production" as the org itself said when the
	// tokens were issued (Organization.IsSandbox, else the identity URL);
	// "" when unknown. A publish trusts this, never a file's claim.
	OrgKind string `json:"k,omitempty"`
}

// Org kinds of Tokens.OrgKind.
const (
	OrgKindSandbox    = "sandbox"
	OrgKindProduction = "production"
)

// Store is the interface the connector uses; key is the connector's stable
// token key ("connector:<random id>"), never its display name, so a token is
// only ever used by the connector that stored it.
type Store interface {
	Load(key string) (*Tokens, error) // ErrNotFound when absent
	Save(key string, t *Tokens) error
	Delete(key string) error // nil when absent
	// DeleteAll removes every entry of this store (the demo starts from an
	// empty token space); nil when there is none.
	DeleteAll() error
	// Backend names the storage for diagnostics, e.g. "Secret Service (gnome-keyring)".
	Backend() string
}

// ErrNotFound means no tokens are stored for the key.
var ErrNotFound = errors.New("no tokens stored")

// UnavailableError says the keyring cannot be used, why, and how to fix it.
type UnavailableError struct {
	Op     string // "load", "save", "delete"
	ID     string // the reason's stable ID in the message catalogue, e.g. "keyring_locked"
	Reason string // plain sentence
	Fix    string // plain sentence
	Err    error
}

func (e *UnavailableError) Error() string { return "keyring " + e.Op + ": " + e.Reason }
func (e *UnavailableError) Unwrap() error { return e.Err }
