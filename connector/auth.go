package connector

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/connectors-app/connectors/internal/safetext"
)

// RedirectPlaceholder is replaced by the flow's real callback URL in messages.
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

// IsHeadless reports whether the connector's tokens are minted for each
// run from a key or a secret (never stored).
func (c Connector) IsHeadless() bool {
	return c.AuthMethod == AuthJWT || c.AuthMethod == AuthClientCredentials
}

// CredentialSource says where the connector's credential comes from:
// "keyring", "jwt" or "client-credentials".
func (c Connector) CredentialSource() string {
	switch c.AuthMethod {
	case AuthJWT:
		return SourceJWT
	case AuthClientCredentials:
		return SourceClientCredentials
	}
	return SourceKeyring
}

// String is the method's name in exported files and JSON: "web",
// "jwt" or "client-credentials".
func (m AuthMethod) String() string {
	if m == AuthWeb {
		return "web"
	}
	return string(m)
}

// JWTAudience is the aud of the connector's assertions: its Audience when
// set, else login.salesforce.com for production and test.salesforce.com for
// the other environments (also behind a My Domain host, §11.1), and the
// login URL itself for any other host (a simulated org, an Experience Cloud site).
func (c Connector) JWTAudience() string {
	if c.Audience != "" {
		return c.Audience
	}
	u, err := url.Parse(c.LoginURL)
	host := ""
	if err == nil {
		host = strings.ToLower(u.Hostname())
	}
	switch {
	case host == "login.salesforce.com", host == "test.salesforce.com":
		return "https://" + host
	case strings.HasSuffix(host, ".sandbox.my.salesforce.com"):
		return "https://test.salesforce.com"
	case strings.HasSuffix(host, ".salesforce.com"):
		if c.IsProductionTarget() {
			return "https://login.salesforce.com"
		}
		return "https://test.salesforce.com"
	}
	return strings.TrimRight(c.LoginURL, "/")
}
