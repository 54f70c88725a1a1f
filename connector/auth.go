package connector

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/connectors-app/connectors/connector/safetext"
)

// redirectPlaceholder is replaced by the flow's real callback URL in messages.
const RedirectPlaceholder = "http://localhost:PORT/OauthRedirect"

// AuthMethod is how a connector gets its access tokens.
type AuthMethod string

// Auth methods. The zero value is the browser flow with tokens in the keyring.
const (
	AuthWeb               AuthMethod = ""
	AuthJWT               AuthMethod = "jwt"
	AuthClientCredentials AuthMethod = "client-credentials"
)

// Where a connector's credential comes from, as status shows it.
const (
	SourceKeyring           = "keyring"
	SourceJWT               = "jwt"
	SourceClientCredentials = "client-credentials"
)

// Environment variables of the headless flows.
const (
	// JWTKeyEnv holds the PEM text of the JWT bearer flow's private key.
	JWTKeyEnv = "CONNECTORS_JWT_KEY"
	// JWTKeyFileEnv names a file holding that key.
	JWTKeyFileEnv = "CONNECTORS_JWT_KEY_FILE"
	// ClientSecretEnv holds the client-credentials flow's consumer secret
	// (never a flag: flags show in ps).
	ClientSecretEnv = "CONNECTORS_CLIENT_SECRET" //nolint:gosec // the variable's name, not a secret
)

// ParseAuthMethod reads "web" (or ""), "jwt" or "client-credentials".
func ParseAuthMethod(s string) (AuthMethod, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "web", "browser", "keyring":
		return AuthWeb, nil
	case "jwt":
		return AuthJWT, nil
	case "client-credentials", "client_credentials":
		return AuthClientCredentials, nil
	}
	return "", fmt.Errorf("unknown auth method %s: use web, jwt or client-credentials", safetext.Value(s))
}

// isGenericLoginHost reports login.salesforce.com and test.salesforce.com,
// which refuse the client-credentials flow.
func IsGenericLoginHost(loginURL string) bool {
	u, err := url.Parse(loginURL)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return h == "login.salesforce.com" || h == "test.salesforce.com"
}
