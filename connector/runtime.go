package connector

import (
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/connectors-app/connectors/connector/tokenstore"
)

// Runtime is what every flow (authorization, publishing, health, watch)
// shares: where the records are, the keyring, how to reach Salesforce, the
// clock, the log, and what this process learned live from each org. The
// Service embeds it, so its fields are the Service's settings.
type Runtime struct {
	// Registry holds connector definitions (no secrets).
	Registry *Registry
	// Tokens holds the tokens, one keyring entry per connector.
	Tokens tokenstore.Store
	// HTTPClient is used for every call to Salesforce; nil means a client
	// with sane timeouts honouring HTTPS_PROXY/NO_PROXY.
	HTTPClient *http.Client
	// OpenBrowser opens a URL in the system browser. nil means: $BROWSER if
	// set, else github.com/pkg/browser.
	OpenBrowser func(url string) error
	// Logger receives diagnostics; tokens are never logged. nil discards.
	Logger *slog.Logger
	// BackupDir holds local backups of published resources (last 5 per
	// connector); empty means <config dir>/backups.
	BackupDir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AllowInsecureLoopback permits http:// login URLs on loopback hosts
	// (the simulated org). Always true in practice: http is only accepted
	// for loopback hosts anyway.
	AllowInsecureLoopback bool
	// CheckTimeout bounds each live status check; 0 means DefaultCheckTimeout.
	CheckTimeout time.Duration
	// AppVersion is the app's version: recorded in the Description of what
	// it publishes and in the history journal.
	AppVersion string

	// JWTKeyFile is the private key file of the JWT bearer flow
	// (--jwt-key-file); empty means $CONNECTORS_JWT_KEY, else the file
	// $CONNECTORS_JWT_KEY_FILE.
	JWTKeyFile string
	// Getenv reads the headless flows' key and secret from the
	// environment; nil means os.Getenv.
	Getenv func(string) string
	// AllowLoginHosts are the hosts, besides Salesforce's login hosts
	// (IsSalesforceLoginHost), to which the headless flows may send a JWT
	// assertion or a client secret and which a JWT audience may name
	// (--allow-login-host: a simulated org, a custom domain). An entry is
	// HOST or HOST:PORT (see ParseAllowedLoginHost); without a port every
	// port of the host is allowed.
	AllowLoginHosts []string

	// Facts is what this process learned live from each org (by org ID):
	// whether it is a sandbox, and its daily API usage.
	Facts OrgFacts
}

// defaultHTTPClient honours HTTPS_PROXY/NO_PROXY, with sane timeouts; the
// overall request time is bounded by each call's context.
var defaultHTTPClient = &http.Client{
	Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
	},
}

// Client is the HTTP client of every call to Salesforce.
func (s *Runtime) Client() *http.Client {
	if s.HTTPClient != nil {
		return s.HTTPClient
	}
	return defaultHTTPClient
}

// Log is the logger; tokens are never logged.
func (s *Runtime) Log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return DiscardLogger()
}

// Clock is the current time by the Runtime's clock.
func (s *Runtime) Clock() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Env reads an environment variable through Getenv.
func (s *Runtime) Env(name string) string {
	if s.Getenv != nil {
		return s.Getenv(name)
	}
	return os.Getenv(name)
}

// DefaultCheckTimeout bounds one live status check.
const DefaultCheckTimeout = 15 * time.Second
