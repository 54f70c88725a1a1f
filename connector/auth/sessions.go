// Package auth authorizes connectors and opens sessions on their orgs: the
// browser flow (OAuth 2.0 code + PKCE, loopback redirect), the headless
// flows (JWT bearer, client credentials), the tokens in the keyring, the
// refresh, disconnect, and the lock that serialises writes to a connector.
//
// It knows the vocabulary (package connector) and nothing of publishing or
// health: those flows use its two seams, Session and Lock.
package auth

import (
	"crypto/rsa"
	"sync"

	"github.com/connectors-app/connectors/connector"
)

// Sessions authorizes connectors and opens sessions on their orgs. All
// methods are safe for concurrent use.
type Sessions struct {
	*connector.Runtime

	// headless holds the minted tokens of headless connectors, in memory
	// for this process only; jwtKeyCache the parsed JWT key.
	headlessMu  sync.Mutex
	headless    map[string]*headlessToken
	jwtKeyCache *rsa.PrivateKey
}

// NewSessions returns the authorization flows over rt.
func NewSessions(rt *connector.Runtime) *Sessions { return &Sessions{Runtime: rt} }

// ForgetJWTKey drops the parsed JWT key, so the next grant reads it again
// (tests that change the key within one process).
func (s *Sessions) ForgetJWTKey() {
	s.headlessMu.Lock()
	s.jwtKeyCache = nil
	s.headlessMu.Unlock()
}
