package auth

// Headless credentials for CI (§11.1, §11.2): a connector authorized with
// the JWT bearer flow or the client-credentials flow gets its access tokens
// from a private key or a client secret given to the run (a flag or the
// environment). The tokens live in this process's memory only: never in
// the keyring, a file or a log. There is no refresh token: on 401 the grant
// runs again.

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/internal/safetext"
)

// HeadlessOptions are the settings of a headless authorization.
type HeadlessOptions struct {
	// Method is AuthJWT or AuthClientCredentials.
	Method connector.AuthMethod
	// LoginURL is the token host: the login host or My Domain (JWT), the
	// My Domain host (client credentials, required).
	LoginURL string
	// ClientID is the External Client App's consumer key (required).
	ClientID string
	// Username is the JWT subject (required for JWT).
	Username string
	// Audience overrides the JWT aud (see Connector.JWTAudience).
	Audience string
	// ResourceName sets the connector's resource name when non-empty.
	ResourceName string
	// AllowEnvironmentMismatch accepts a production org in a sandbox slot or the reverse.
	AllowEnvironmentMismatch bool
}

// headlessToken is a connector's minted access token, in memory only.
type headlessToken struct {
	mu  sync.Mutex
	res *oauth.Result
}

// headlessEntry returns the in-memory token slot of the connector.
func (s *Sessions) headlessEntry(conn connector.Connector) *headlessToken {
	s.headlessMu.Lock()
	defer s.headlessMu.Unlock()
	if s.headless == nil {
		s.headless = map[string]*headlessToken{}
	}
	key := conn.ID + "|" + string(conn.AuthMethod) + "|" + conn.ClientID + "|" + conn.LoginURL + "|" + conn.Username
	e := s.headless[key]
	if e == nil {
		e = &headlessToken{}
		s.headless[key] = e
	}
	return e
}

// jwtKey returns the private key of the JWT bearer flow: JWTKeyFile, else
// $CONNECTORS_JWT_KEY (PEM text), else the file $CONNECTORS_JWT_KEY_FILE.
// No message quotes the key, or a "path" that is a key or a secret.
func (s *Sessions) jwtKey() (*rsa.PrivateKey, error) {
	s.headlessMu.Lock()
	defer s.headlessMu.Unlock()
	if s.jwtKeyCache != nil {
		return s.jwtKeyCache, nil
	}
	var pemBytes []byte
	from := ""
	switch {
	case s.JWTKeyFile != "":
		b, err := readJWTKeyFile(s.JWTKeyFile, "--jwt-key-file")
		if err != nil {
			return nil, err
		}
		from, pemBytes = safetext.Escape(s.JWTKeyFile), b
	case strings.TrimSpace(s.Env(connector.JWTKeyEnv)) != "":
		from = "$" + connector.JWTKeyEnv
		pemBytes = []byte(s.Env(connector.JWTKeyEnv))
		if v := strings.TrimSpace(string(pemBytes)); !strings.Contains(v, "-----") && isFile(v) {
			return nil, jwtKeyIsPathProblem()
		}
	case strings.TrimSpace(s.Env(connector.JWTKeyFileEnv)) != "":
		path := s.Env(connector.JWTKeyFileEnv)
		b, err := readJWTKeyFile(path, "$"+connector.JWTKeyFileEnv)
		if err != nil {
			return nil, err
		}
		from, pemBytes = safetext.Escape(path), b
	default:
		return nil, jwtKeyProblem("No private key was given for the JWT bearer flow.", nil)
	}
	key, err := oauth.ParsePrivateKey(pemBytes)
	if err != nil {
		return nil, jwtKeyProblem(fmt.Sprintf("The JWT key from %s is not a usable RSA private key: %s.", from, safetext.Escape(err.Error())), err)
	}
	s.jwtKeyCache = key
	return key, nil
}

// readJWTKeyFile reads the key file named by where (--jwt-key-file or
// $CONNECTORS_JWT_KEY_FILE). A "path" that is the key's text (a GitLab
// Variable where a File variable was meant) is refused, and a path that
// cannot be read is quoted only when it cannot be a secret.
func readJWTKeyFile(path, where string) ([]byte, error) {
	if p := connector.JWTKeyFileNotAPath(where, path); p != nil {
		return nil, p
	}
	b, err := os.ReadFile(path)
	if err != nil {
		what := "The JWT key file " + safetext.Escape(path)
		if safetext.MaySecret(path) {
			what = "The JWT key file named by " + where + ", " + safetext.Value(path) + ","
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the path is in PathError's text
			}
		} else if where != "--jwt-key-file" {
			what += " (from " + where + ")"
		}
		return nil, jwtKeyProblem(what+" cannot be read.", err)
	}
	return b, nil
}

// jwtKeyIsPathProblem: $CONNECTORS_JWT_KEY holds the path of a file, not
// the key's PEM text.
func jwtKeyIsPathProblem() *connector.Problem {
	return &connector.Problem{
		Code:    connector.CodeJWTKey,
		ID:      "jwt_key_not_pem",
		Message: fmt.Sprintf("$%s holds the path of a file, not the key's PEM text.", connector.JWTKeyEnv),
		Args:    map[string]any{"KeyEnv": connector.JWTKeyEnv, "KeyFileEnv": connector.JWTKeyFileEnv},
		Fix:     fmt.Sprintf("Set $%s to that path instead (a File variable), or put the key's PEM text in $%s.", connector.JWTKeyFileEnv, connector.JWTKeyEnv),
	}
}

// isFile reports whether path names a regular file.
func isFile(path string) bool {
	if strings.ContainsAny(path, "\n\r") || len(path) > 4096 {
		return false
	}
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular()
}

func jwtKeyProblem(msg string, err error) *connector.Problem {
	return &connector.Problem{
		Code:    connector.CodeJWTKey,
		Message: msg,
		Args:    map[string]any{"Detail": msg, "KeyEnv": connector.JWTKeyEnv, "KeyFileEnv": connector.JWTKeyFileEnv},
		Fix: fmt.Sprintf("Give the PEM private key whose certificate is uploaded to the app: --jwt-key-file FILE, $%s (the PEM text, e.g. a CI secret) or $%s (a file); an unencrypted PKCS#8 or PKCS#1 RSA key.",
			connector.JWTKeyEnv, connector.JWTKeyFileEnv),
		Err: err,
	}
}

// clientSecret returns $CONNECTORS_CLIENT_SECRET.
func (s *Sessions) clientSecret() (string, error) {
	sec := strings.TrimSpace(s.Env(connector.ClientSecretEnv))
	if sec == "" {
		return "", &connector.Problem{
			Code:    connector.CodeClientSecret,
			Message: "No client secret was given for the client-credentials flow.",
			Args:    map[string]any{"SecretEnv": connector.ClientSecretEnv},
			Fix:     fmt.Sprintf("Set $%s to the app's consumer secret (a CI secret); it is never accepted as a flag, where ps would show it.", connector.ClientSecretEnv),
		}
	}
	return sec, nil
}

// hostAllowed reports whether the user allowed u's host (AllowLoginHosts):
// an entry without a port allows every port of its host.
func (s *Sessions) hostAllowed(u *url.URL) bool {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[strings.ToLower(u.Scheme)]
	}
	for _, a := range s.AllowLoginHosts {
		e, err := connector.ParseAllowedLoginHost(a)
		if err != nil {
			continue
		}
		h, p := e, ""
		if hh, pp, err := net.SplitHostPort(e); err == nil {
			h, p = hh, pp
		}
		if strings.Trim(h, "[]") == host && (p == "" || p == port) {
			return true
		}
	}
	return false
}

// grantDestination is where mint may send a grant: a Salesforce login host
// over https, or a host the user allowed (over http only on loopback). It
// returns "" when raw may receive it, else the host:port to name.
func (s *Sessions) GrantDestination(raw string) (bad string) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return safetext.Value(raw)
	}
	shown := safetext.Escape(u.Host)
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return shown
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme == "https" && u.Port() == "" && connector.IsSalesforceLoginHost(u.Hostname()):
		return ""
	case s.hostAllowed(u) && (scheme == "https" || scheme == "http" && connector.IsLoopbackHost(strings.ToLower(u.Hostname()))):
		return ""
	}
	return shown
}

// checkGrantHosts refuses, before any key is read or secret sent, a grant
// whose token host (or, for the JWT bearer flow, whose audience) is not a
// Salesforce login host and was not allowed: an assertion is valid for
// 120 s wherever it lands, and a secret for ever.
func (s *Sessions) checkGrantHosts(conn connector.Connector) error {
	allowFix := func(h string) string {
		return fmt.Sprintf("Use the org's login host (login.salesforce.com, test.salesforce.com or its My Domain, e.g. https://acme.my.salesforce.com); if you trust %s (a simulated org, a custom domain), pass --allow-login-host %s.", h, h)
	}
	if h := s.GrantDestination(conn.LoginURL); h != "" {
		id, what, fix := connector.CodeLoginHostNotAllowed, "a signed JWT", allowFix(h)
		if conn.AuthMethod == connector.AuthClientCredentials {
			id, what = "login_host_not_allowed_secret", "the client secret"
			fix = fmt.Sprintf("Use the org's My Domain host (e.g. https://acme.my.salesforce.com); if you trust %s (a simulated org, a custom domain), pass --allow-login-host %s.", h, h)
		}
		return &connector.Problem{
			Code:    connector.CodeLoginHostNotAllowed,
			ID:      id,
			Message: fmt.Sprintf("Connectors did not send %s for %s to %s: it is not a Salesforce login host.", what, conn.Key(), h),
			Args:    map[string]any{"Host": h, "Connector": conn.Key().String()},
			Fix:     fix,
		}
	}
	if conn.AuthMethod != connector.AuthJWT {
		return nil
	}
	if h := s.GrantDestination(conn.JWTAudience()); h != "" {
		return &connector.Problem{
			Code:    connector.CodeLoginHostNotAllowed,
			ID:      "login_host_not_allowed_audience",
			Message: fmt.Sprintf("The JWT audience of %s names %s, which is not a Salesforce login host, so no JWT was signed for it.", conn.Key(), h),
			Args:    map[string]any{"Host": h, "Connector": conn.Key().String()},
			Fix:     fmt.Sprintf("Set the audience to https://login.salesforce.com (production), https://test.salesforce.com (sandbox) or an Experience Cloud site, or leave it out; if you trust %s, pass --allow-login-host %s.", h, h),
		}
	}
	return nil
}

// mint runs the connector's headless grant and returns fresh tokens.
func (s *Sessions) mint(ctx context.Context, conn connector.Connector) (*oauth.Result, error) {
	log := s.Log().With("connector", conn.Key().String())
	var res *oauth.Result
	var err error
	if conn.IsHeadless() {
		if err := s.checkGrantHosts(conn); err != nil {
			log.Warn("headless grant refused before sending", "method", conn.AuthMethod.String(), "code", connector.AsProblem(err).Code, "host", connector.HostOf(conn.LoginURL))
			return nil, err
		}
	}
	switch conn.AuthMethod {
	case connector.AuthJWT:
		key, kerr := s.jwtKey()
		if kerr != nil {
			return nil, kerr
		}
		// exp is checked against Salesforce's clock: the real time, never a test clock
		assertion, serr := oauth.SignJWT(key, conn.ClientID, conn.Username, conn.JWTAudience(), time.Now())
		if serr != nil {
			return nil, connector.Explain(serr)
		}
		res, err = oauth.JWTBearer(ctx, s.Client(), conn.LoginURL, assertion)
	case connector.AuthClientCredentials:
		if connector.IsGenericLoginHost(conn.LoginURL) {
			return nil, needsMyDomainProblem(conn.LoginURL)
		}
		secret, serr := s.clientSecret()
		if serr != nil {
			return nil, serr
		}
		res, err = oauth.ClientCredentials(ctx, s.Client(), conn.LoginURL, conn.ClientID, secret)
	default:
		return nil, notAuthorized(conn.Key())
	}
	if err != nil {
		p := explainHeadless(conn, err)
		log.Warn("headless grant refused", "method", conn.AuthMethod.String(), "client", conn.ClientID, "code", p.Code, "error", err)
		return nil, p
	}
	log.Info("headless grant", "method", conn.AuthMethod.String(), "client", conn.ClientID, "login", connector.HostOf(conn.LoginURL))
	return res, nil
}

// headlessSession is session() for a headless connector: a token from
// memory, else a fresh grant, checked against the recorded org.
func (s *Sessions) headlessSession(ctx context.Context, conn connector.Connector) (*salesforce.Client, connector.Connector, error) {
	e := s.headlessEntry(conn)
	res, err := e.get(ctx, s, conn, "")
	if err != nil {
		return nil, conn, err
	}
	if _, userID := idsFromIdentityURL(res.IDURL); userID != "" && conn.Org != nil && conn.Org.UserID == "" {
		// a connectors file names no user: the grant says who publishes
		org := *conn.Org
		org.UserID = userID
		conn.Org = &org
	}
	return salesforce.New(res.InstanceURL, &headlessSource{s: s, conn: conn, e: e}, s.Client()), conn, nil
}

// get returns the slot's token, minting one when there is none or when the
// one there is failed (the token a call was refused with).
func (e *headlessToken) get(ctx context.Context, s *Sessions, conn connector.Connector, failed string) (*oauth.Result, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.res != nil && (failed == "" || e.res.AccessToken != failed) {
		return e.res, nil
	}
	res, err := s.mint(ctx, conn)
	if err != nil {
		return nil, err
	}
	if orgID, _ := idsFromIdentityURL(res.IDURL); orgID != "" {
		if err := checkTokenOrg(conn, orgID); err != nil {
			s.Log().Warn("the minted token belongs to another org; refusing it", "connector", conn.Key().String(), "tokenOrg", orgID)
			return nil, err
		}
		if sandbox, known := SandboxFromIdentityURL(res.IDURL); known {
			s.Facts.SetKind(orgID, sandbox) // Salesforce's answer, not the connectors file's
		}
	}
	e.res = res
	return res, nil
}

// headlessSource is the salesforce.TokenSource of a headless connector:
// on a refused session it runs the grant again (there is no refresh token).
type headlessSource struct {
	s    *Sessions
	conn connector.Connector
	e    *headlessToken
}

func (h *headlessSource) AccessToken(ctx context.Context) (string, error) {
	res, err := h.e.get(ctx, h.s, h.conn, "")
	if err != nil {
		return "", err
	}
	return res.AccessToken, nil
}

func (h *headlessSource) Refresh(ctx context.Context, failed string) (string, error) {
	res, err := h.e.get(ctx, h.s, h.conn, failed)
	if err != nil {
		return "", err
	}
	return res.AccessToken, nil
}

// AuthorizeHeadless authorizes a connector with the JWT bearer or the
// client-credentials flow: no browser, no keyring. It checks the login, the
// environment and both permissions like a browser authorization, then
// records the connector with its method, client ID and username. The
// minted token stays in this process's memory only. Like Authorize it is a
// transaction: a refused grant leaves the connector as it was.
func (s *Sessions) AuthorizeHeadless(ctx context.Context, k connector.Key, opts HeadlessOptions) (*AuthorizeResult, error) {
	if err := connector.ValidateKey(k); err != nil {
		return nil, err
	}
	existing, err := s.authorizeTarget(k)
	if err != nil {
		return nil, err
	}
	clientID, err := headlessClientID(opts)
	if err != nil {
		return nil, err
	}
	login, err := headlessLoginURL(k, existing, opts)
	if err != nil {
		return nil, err
	}
	username, err := headlessUsername(opts)
	if err != nil {
		return nil, err
	}
	conn := withHeadlessOptions(existing, opts, login, clientID, username)
	// A first grant is checked against no org: the authorization records it.
	probe := conn
	probe.Org = nil
	res, err := s.mint(ctx, probe)
	if err != nil {
		return nil, err
	}
	e := s.headlessEntry(conn)
	e.mu.Lock()
	e.res = res
	e.mu.Unlock()
	return s.completeAuthorization(ctx, conn, res, conn.AllowEnvironmentMismatch)
}

// headlessClientID checks that a headless method was chosen and returns
// the app's client ID (consumer key), which both methods need.
func headlessClientID(opts HeadlessOptions) (string, error) {
	if opts.Method != connector.AuthJWT && opts.Method != connector.AuthClientCredentials {
		return "", &connector.Problem{Code: connector.CodeInvalidClient, Message: "No headless authorization method was chosen.", Fix: "Use --jwt or --client-credentials."}
	}
	clientID := strings.TrimSpace(opts.ClientID)
	if clientID == "" {
		return "", &connector.Problem{Code: connector.CodeInvalidClient, Message: "A headless authorization needs the app's client ID (consumer key).",
			Fix: "Pass --client-id with the consumer key of the External Client App."}
	}
	return clientID, nil
}

// headlessLoginURL returns the normalized token host: the one given, else
// (JWT only) the connector's. The client-credentials flow needs a My
// Domain host, never a generic login host.
func headlessLoginURL(k connector.Key, existing connector.Connector, opts HeadlessOptions) (string, error) {
	login := opts.LoginURL
	if login == "" && opts.Method == connector.AuthJWT {
		login = existing.LoginURL
	}
	if opts.Method == connector.AuthClientCredentials && strings.TrimSpace(login) == "" {
		return "", needsMyDomainProblem("")
	}
	login, err := connector.NormalizeLoginURL(login, k.Environment)
	if err != nil {
		return "", err
	}
	if opts.Method == connector.AuthClientCredentials && connector.IsGenericLoginHost(login) {
		return "", needsMyDomainProblem(login)
	}
	return login, nil
}

// headlessUsername returns the JWT subject, which the JWT bearer flow
// requires (the client-credentials flow has none).
func headlessUsername(opts HeadlessOptions) (string, error) {
	username := strings.TrimSpace(opts.Username)
	if opts.Method == connector.AuthJWT && username == "" {
		return "", &connector.Problem{Code: connector.CodeConsumerNotApproved, ID: "jwt_username_missing", Message: "The JWT bearer flow needs the Salesforce username to sign in as.",
			Fix: "Pass --username with the user's login name, e.g. ci@acme.com."}
	}
	return username, nil
}

// withHeadlessOptions returns the connector as the headless authorization
// records it: its method, token host and client ID; the username and
// audience for JWT only; no callback ports.
func withHeadlessOptions(conn connector.Connector, opts HeadlessOptions, login, clientID, username string) connector.Connector {
	conn.AuthMethod, conn.LoginURL, conn.ClientID = opts.Method, login, clientID
	conn.Username, conn.Audience = "", ""
	conn.CallbackPorts = nil
	if opts.Method == connector.AuthJWT {
		conn.Username, conn.Audience = username, strings.TrimSpace(opts.Audience)
	}
	if opts.ResourceName != "" {
		conn.ResourceName = strings.TrimSpace(opts.ResourceName)
	}
	if opts.AllowEnvironmentMismatch {
		conn.AllowEnvironmentMismatch = true
	}
	return conn
}

// needsMyDomainProblem: the client-credentials flow needs the org's My Domain host.
func needsMyDomainProblem(login string) *connector.Problem {
	id, msg := "needs_my_domain_missing", "The client-credentials flow needs the org's My Domain host, and no login URL was given."
	if login != "" {
		id, msg = connector.CodeNeedsMyDomain, fmt.Sprintf("Salesforce refuses the client-credentials flow on %s: it works only on the org's My Domain host.", connector.HostOf(login))
	}
	return &connector.Problem{
		Code:    connector.CodeNeedsMyDomain,
		ID:      id,
		Message: msg,
		Args:    map[string]any{"Host": connector.HostOf(login)},
		Fix:     "Pass --login-url with the org's My Domain address (Setup → My Domain), e.g. https://acme.my.salesforce.com.",
	}
}

// explainHeadless turns a refused JWT bearer or client-credentials grant
// into a plain message with its fix (§11.1, §11.2).
func explainHeadless(conn connector.Connector, err error) *connector.Problem {
	var ee *oauth.ExchangeError
	if !errors.As(err, &ee) || ee.Code == "" {
		return connector.Explain(err)
	}
	desc := strings.ToLower(ee.Description)
	app := "the External Client App"
	who := safetext.Escape(conn.Username)
	client := safetext.Escape(conn.ClientID)
	key := conn.Key().String()
	p := &connector.Problem{Err: err, Args: map[string]any{"Connector": key, "User": who, "ClientID": client,
		"Audience": safetext.Escape(conn.JWTAudience()), "KeyEnv": connector.JWTKeyEnv, "SecretEnv": connector.ClientSecretEnv}}
	switch {
	case strings.Contains(desc, "audience is invalid"):
		p.Code, p.ID = connector.CodeJWTAudience, "jwt_audience_invalid"
		p.Message = fmt.Sprintf("Salesforce refused the JWT because its audience %s is not the login host of %s.", safetext.Escape(conn.JWTAudience()), conn.Key())
		p.Fix = "Use https://login.salesforce.com for a production or Developer Edition org and https://test.salesforce.com for a sandbox: check the connector's environment, or pass --audience."
	case strings.Contains(desc, "hasn't approved this consumer") || strings.Contains(desc, "not admin approved"):
		p.Code, p.ID = connector.CodeConsumerNotApproved, "consumer_not_approved"
		p.Message = fmt.Sprintf("Salesforce says the user %s has not approved the app %s in %s (the user is not pre-authorized, or the username is wrong).", who, client, conn.Key())
		p.Fix = "In Setup → External Client App Manager → the app → Policies, set Permitted Users to \"Admin approved users are pre-authorized\" and add the user's profile or a permission set; check the --username."
	case ee.Code == "invalid_client_id":
		p.Code, p.ID = connector.CodeInvalidClient, "headless_unknown_client_id"
		p.Message = fmt.Sprintf("The org of %s does not know the client identifier %s.", conn.Key(), client)
		p.Fix = "Copy the consumer key of " + app + " in this org (Settings → OAuth Settings → Consumer Key and Secret); after a sandbox refresh, install the app again."
	case strings.Contains(desc, "invalid assertion"):
		p.Code, p.ID = connector.CodeInvalidAssertion, "invalid_assertion"
		p.Message = fmt.Sprintf("Salesforce refused the signed JWT of %s: the key does not match the certificate uploaded to the app, or the assertion expired.", conn.Key())
		p.Fix = "Upload the certificate of this key to " + app + " (Use digital signatures), or give the matching key (--jwt-key-file or $" + connector.JWTKeyEnv + "); check the machine's clock."
	case strings.Contains(desc, "not supported on this domain"):
		p = needsMyDomainProblem(conn.LoginURL)
		p.Err = err
	case ee.Code == "invalid_client":
		p.Code, p.ID = connector.CodeInvalidClient, "headless_client_secret_refused"
		p.Message = fmt.Sprintf("Salesforce refused the client ID and secret of %s.", conn.Key())
		p.Fix = "Set $" + connector.ClientSecretEnv + " to the consumer secret of " + app + " whose client ID you gave."
	case strings.Contains(desc, "not installed"):
		p.Code, p.ID = connector.CodeAppNotInstalled, "app_not_installed"
		p.Message = fmt.Sprintf("The app %s is not installed in the org of %s (a refreshed sandbox loses it).", client, conn.Key())
		p.Fix = "Install or deploy " + app + " in this org again, with its certificate and pre-authorized profile."
	case strings.Contains(desc, "client credentials"):
		p.Code, p.ID = connector.CodeInvalidClient, "client_credentials_disabled"
		p.Message = fmt.Sprintf("The app %s of %s does not allow the client-credentials flow.", client, conn.Key())
		p.Fix = "In the app's OAuth settings, enable the Client Credentials Flow and choose its Run As user."
	default:
		return connector.Explain(err)
	}
	return p
}

// disconnectHeadless revokes the token minted in this process, if any, and
// forgets the connector's org: nothing of it is stored, so nothing else is
// deleted, and the keyring is never asked. Authorizing it again records
// the org anew.
func (s *Sessions) disconnectHeadless(ctx context.Context, conn connector.Connector, res *DisconnectResult) (*DisconnectResult, error) {
	e := s.headlessEntry(conn)
	e.mu.Lock()
	tok := e.res
	e.res = nil
	e.mu.Unlock()
	if tok != nil {
		rctx, cancel := context.WithTimeout(ctx, revokeTimeout)
		if err := salesforce.Revoke(rctx, s.Client(), conn.LoginURL, tok.AccessToken); err != nil {
			s.Log().Warn("revoke of the minted token failed; it expires by itself", "connector", conn.Key().String(), "error", err)
		}
		cancel()
	}
	res.Revoked, res.LocalDeleted = true, true
	now := s.Clock().UTC()
	if _, err := s.Registry.Update(conn.Key(), func(c *connector.Connector) error {
		c.Org, c.NeedsReauth = nil, false
		c.LastState, c.LastCheck = connector.StateNotAuthorized, &now
		return nil
	}); err != nil {
		return res, err
	}
	s.Log().Info("disconnected", "connector", conn.Key().String(), "method", conn.AuthMethod.String())
	return res, nil
}
