package connector

import (
	"net/url"
	"strings"
)

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
