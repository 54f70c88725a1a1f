package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// DefaultAuthorizeTimeout bounds the wait for the browser.
const DefaultAuthorizeTimeout = 3 * time.Minute

// postExchangeTimeout bounds the identity, organization and permission
// checks after the token exchange, and the revoke of a refused token.
const postExchangeTimeout = 60 * time.Second

// StartAuthorize binds the loopback port and returns the flow; the caller
// opens URL() in the browser (or uses Authorize). ctx bounds the whole flow.
//
// An authorization is a transaction: the login URL, client ID, callback
// ports and resource name of opts take effect only when it succeeds. A
// denied, failed, timed-out or canceled authorization leaves the connector
// (or its absence) and its tokens exactly as they were.
func (s *Sessions) StartAuthorize(ctx context.Context, k connector.Key, opts AuthorizeOptions) (AuthFlow, error) {
	if err := connector.ValidateKey(k); err != nil {
		return nil, err
	}
	existing, err := s.authorizeTarget(k)
	if err != nil {
		return nil, err
	}
	login := opts.LoginURL
	if login == "" {
		login = existing.LoginURL
	}
	login, err = connector.NormalizeLoginURL(login, k.Environment)
	if err != nil {
		return nil, err
	}
	for _, p := range opts.Ports {
		if p < 0 || p > 65535 {
			return nil, &connector.Problem{Code: connector.CodePortForbidden, Message: fmt.Sprintf("%d is not a port number.", p), Fix: "Use callback ports between 1024 and 65535."}
		}
	}
	// pending is the connector as it will be once the authorization succeeds.
	pending := existing
	pending.LoginURL = login
	if opts.ClientID != "" {
		pending.ClientID = strings.TrimSpace(opts.ClientID)
	}
	if len(opts.Ports) > 0 {
		pending.CallbackPorts = append([]int(nil), opts.Ports...)
	}
	if opts.ResourceName != "" {
		pending.ResourceName = strings.TrimSpace(opts.ResourceName)
	}
	if opts.AllowEnvironmentMismatch {
		pending.AllowEnvironmentMismatch = true
	}
	conn := pending
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultAuthorizeTimeout
	}
	log := s.Log().With("connector", conn.Key().String())
	af := &authFlow{
		s: s, k: conn.Key(), conn: conn,
		allowMismatch: conn.AllowEnvironmentMismatch,
		done:          make(chan struct{}),
	}
	flow, err := oauth.Start(ctx, oauth.Config{
		LoginURL:     conn.LoginURL,
		ClientID:     conn.EffectiveClientID(),
		Ports:        conn.EffectivePorts(),
		CallbackPath: connector.CallbackPath,
		Timeout:      timeout,
		HTTPClient:   s.Client(),
		Pages:        opts.Pages,
		Identify:     af.identify,
	})
	if err != nil {
		log.Warn("authorization could not start", "error", err)
		return nil, connector.Explain(err)
	}
	log.Info("authorization started", "login", connector.HostOf(conn.LoginURL), "client", conn.EffectiveClientID(), "redirect", flow.RedirectURI())
	af.flow = flow
	go af.run(ctx)
	return af, nil
}

// authorizeTarget is the connector an authorization of k works on: the
// stored one, or a new one with a fresh ID that is only written to the
// registry when the authorization succeeds.
func (s *Sessions) authorizeTarget(k connector.Key) (connector.Connector, error) {
	c, err := s.Registry.Get(k)
	switch {
	case err == nil:
		return c, nil
	case connector.AsProblem(err).Code == connector.CodeNotFound:
		return connector.Connector{ID: connector.NewConnectorID(), System: strings.TrimSpace(k.System), Environment: k.Environment}, nil
	}
	return connector.Connector{}, err
}

// Authorize runs StartAuthorize, reports the URL through onURL (always),
// opens the browser unless opts.NoBrowser, and waits.
func (s *Sessions) Authorize(ctx context.Context, k connector.Key, opts AuthorizeOptions, onURL func(url string)) (*AuthorizeResult, error) {
	f, err := s.StartAuthorize(ctx, k, opts)
	if err != nil {
		return nil, err
	}
	if onURL != nil {
		onURL(f.URL())
	}
	if !opts.NoBrowser {
		if err := s.Browse(f.URL()); err != nil {
			// the URL was shown: the user can still open it by hand
			s.Log().Warn("browser could not be opened", "connector", k.String(), "error", err)
		}
	}
	return f.Wait(ctx)
}

// Browse opens u in the system browser: Service.OpenBrowser when set, else
// oauth.OpenBrowser ($BROWSER, else the platform opener). Front ends call it
// for the authorize URL so both honour the same rules.
func (s *Sessions) Browse(u string) error {
	if s.OpenBrowser != nil {
		return s.OpenBrowser(u)
	}
	return oauth.OpenBrowser(u)
}

// authFlow is the AuthFlow of StartAuthorize: the oauth flow plus the
// checks and storage after the token exchange.
type authFlow struct {
	s             *Sessions
	k             connector.Key
	conn          connector.Connector
	flow          *oauth.Flow
	allowMismatch bool

	mu       sync.Mutex
	override *connector.Problem // set when the user pasted a Salesforce error page
	// ident is who and which org the fresh tokens belong to, read once
	// for the browser's success page and reused to complete the authorization.
	ident *identity

	done chan struct{}
	res  *AuthorizeResult
	err  error
}

func (f *authFlow) URL() string { return f.flow.URL() }

func (f *authFlow) RedirectURI() string { return f.flow.RedirectURI() }

func (f *authFlow) Cancel() { f.flow.Cancel() }

// SubmitCallbackURL finishes the flow from a pasted callback URL. A pasted
// Salesforce error page (RemoteAccessErrorPage) ends the flow with that
// error explained.
func (f *authFlow) SubmitCallbackURL(raw string) error {
	if p := f.errorPageProblem(raw); p != nil {
		f.mu.Lock()
		f.override = p
		f.mu.Unlock()
		f.flow.Cancel()
		return p
	}
	err := f.flow.Submit(raw)
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, oauth.ErrStateMismatch):
		return &connector.Problem{
			Code:    connector.CodeStateMismatch,
			Message: "The pasted address belongs to another login attempt (its state does not match this one).",
			Fix:     "Paste the address of the tab this authorization opened, or start again.",
			Err:     err,
		}
	case errors.Is(err, oauth.ErrFinished):
		return &connector.Problem{Code: connector.CodeInvalidCallbackURL, Message: "This authorization has already finished.", Fix: "Start a new authorization if it did not succeed.", Err: err}
	}
	msg := strings.TrimPrefix(err.Error(), "pasted URL: ")
	return &connector.Problem{
		Code:    connector.CodeInvalidCallbackURL,
		Message: "The pasted address cannot finish the authorization: " + msg + ".",
		Fix:     "Copy the whole address from the browser tab that shows " + f.flow.RedirectURI() + " and paste it again.",
		Err:     err,
	}
}

// errorPageProblem explains a pasted Salesforce error page URL, or nil.
func (f *authFlow) errorPageProblem(raw string) *connector.Problem {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.HasSuffix(u.Path, "/RemoteAccessErrorPage.apexp") {
		return nil
	}
	code := u.Query().Get("error")
	if code == "" {
		return nil
	}
	return f.localize(connector.ExplainOAuthCode(code, u.Query().Get("error_description")))
}

// localize puts the flow's real callback URL into a problem's words.
func (f *authFlow) localize(p *connector.Problem) *connector.Problem {
	if p == nil || !strings.Contains(p.Message+p.Fix, connector.RedirectPlaceholder) {
		return p
	}
	q := *p
	q.Message = strings.ReplaceAll(q.Message, connector.RedirectPlaceholder, f.flow.RedirectURI())
	q.Fix = strings.ReplaceAll(q.Fix, connector.RedirectPlaceholder, f.flow.RedirectURI())
	return &q
}

// Wait blocks until the flow ends or ctx ends (which cancels the flow).
func (f *authFlow) Wait(ctx context.Context) (*AuthorizeResult, error) {
	select {
	case <-f.done:
		return f.res, f.err
	case <-ctx.Done():
		f.flow.Cancel()
		<-f.done
		if f.res != nil {
			return f.res, nil // finished in the same instant
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, connector.Explain(oauth.ErrTimeout)
		}
		return nil, f.err
	}
}

func (f *authFlow) run(ctx context.Context) {
	defer close(f.done)
	res, err := f.flow.Wait(ctx)
	if err != nil {
		f.mu.Lock()
		p := f.override
		f.mu.Unlock()
		if p == nil {
			p = f.localize(connector.Explain(err))
		}
		f.s.Log().Warn("authorization failed", "connector", f.k.String(), "code", p.Code, "error", err)
		f.err = p
		return
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), postExchangeTimeout)
	defer cancel()
	f.mu.Lock()
	known := f.ident
	f.mu.Unlock()
	if known != nil && known.res != res {
		known = nil
	}
	f.res, f.err = f.s.completeAuthorizationWith(cctx, f.conn, res, f.allowMismatch, known)
}

// identity is what identifyOrg read for one token result.
type identity struct {
	res  *oauth.Result
	info *connector.OrgInfo
	in   *OrgInspection
	err  error
}

// identify reads the org behind fresh tokens while the browser waits, and
// names it for the success page: "Acme Corp (00D…)", "" when it cannot be
// read (the page then names the org's host).
func (f *authFlow) identify(ctx context.Context, res *oauth.Result) string {
	cctx, cancel := context.WithTimeout(ctx, postExchangeTimeout)
	defer cancel()
	client := salesforce.New(res.InstanceURL, staticToken(res.AccessToken), f.s.Client())
	info, in, err := f.s.identifyOrg(cctx, client, f.k, res, f.s.Log().With("connector", f.k.String()))
	f.mu.Lock()
	f.ident = &identity{res: res, info: info, in: in, err: err}
	f.mu.Unlock()
	if err != nil || info == nil {
		return ""
	}
	return pageOrgName(info)
}

// pageOrgName names an org on the browser's page, in no language's words
// (connector.OrgLabel is for English messages): "Acme Corp (00D…)", or the
// user's username and the org ID when the org's name cannot be read.
func pageOrgName(info *connector.OrgInfo) string {
	switch {
	case info.OrgName != "":
		return info.OrgName + " (" + info.OrgID + ")"
	case info.Username != "":
		return info.Username + " (" + info.OrgID + ")"
	}
	return info.OrgID
}

// staticToken serves one fresh access token; it cannot refresh.
type staticToken string

func (t staticToken) AccessToken(context.Context) (string, error) { return string(t), nil }

func (t staticToken) Refresh(context.Context, string) (string, error) {
	return "", errors.New("a freshly issued access token was refused")
}

// identifyOrg reads who the fresh tokens belong to and which org, and
// inspects the org (kind, permissions).
func (s *Sessions) identifyOrg(ctx context.Context, client *salesforce.Client, k connector.Key, res *oauth.Result, log *slog.Logger) (*connector.OrgInfo, *OrgInspection, error) {
	info := &connector.OrgInfo{InstanceURL: res.InstanceURL, AuthorizedAt: s.Clock().UTC()}
	info.OrgID, info.UserID = idsFromIdentityURL(res.IDURL)
	ui, err := client.UserInfo(ctx)
	if err != nil {
		log.Warn("userinfo failed after the token exchange", "error", err)
		return nil, nil, connector.Explain(fmt.Errorf("read identity: %w", err))
	}
	info.OrgID, info.UserID, info.Username = ui.OrganizationID, ui.UserID, ui.PreferredUsername

	in, err := s.InspectOrg(ctx, client, res.IDURL)
	if err != nil {
		log.Warn("organization query failed after the token exchange", "error", err)
		return nil, nil, connector.Explain(fmt.Errorf("read organization: %w", err))
	}
	info.IsSandbox = in.IsSandbox
	if !in.SandboxKnown {
		// neither the Organization record nor the identity URL tells: the
		// connector's slot is the best guess (never "production" by accident)
		info.IsSandbox = !k.Environment.IsProduction()
	}
	if in.Org != nil {
		info.OrgName = in.Org.Name
		if in.Org.ID != "" {
			info.OrgID = in.Org.ID
		}
	}
	return info, in, nil
}

// completeAuthorization checks the org behind freshly issued tokens, then
// stores them and records what it learned. A wrong environment is refused
// (the tokens are revoked, nothing is stored); a missing permission is
// reported in the result with the tokens stored.
func (s *Sessions) completeAuthorization(ctx context.Context, conn connector.Connector, res *oauth.Result, allowMismatch bool) (*AuthorizeResult, error) {
	return s.completeAuthorizationWith(ctx, conn, res, allowMismatch, nil)
}

// completeAuthorizationWith is completeAuthorization with the org already
// identified (known, from the browser's success page), or nil.
func (s *Sessions) completeAuthorizationWith(ctx context.Context, conn connector.Connector, res *oauth.Result, allowMismatch bool, known *identity) (*AuthorizeResult, error) {
	k := conn.Key()
	log := s.Log().With("connector", k.String())
	client := salesforce.New(res.InstanceURL, staticToken(res.AccessToken), s.Client())

	var info *connector.OrgInfo
	var in *OrgInspection
	var err error
	if known != nil {
		info, in, err = known.info, known.in, known.err
	} else {
		info, in, err = s.identifyOrg(ctx, client, k, res, log)
	}
	if err != nil {
		s.revokeIssued(ctx, conn, res, log)
		return nil, err
	}
	envOK := info.IsSandbox != k.Environment.IsProduction()
	if in.SandboxKnown && !envOK && !allowMismatch {
		s.revokeIssued(ctx, conn, res, log)
		log.Warn("authorization refused: environment mismatch", "org", info.OrgID, "isSandbox", info.IsSandbox)
		return nil, envMismatchProblem(k, info)
	}
	perms := in.Permissions

	// Store before returning: the connector is usable from now on.
	if err := s.storeTokens(conn, res, info.OrgID, s.learnOrgKind(info.OrgID, in)); err != nil {
		log.Error("tokens could not be stored; revoking them", "error", err)
		s.revokeIssued(ctx, conn, res, log)
		return nil, connector.KeyringProblem(err)
	}

	out := &AuthorizeResult{Permissions: perms}
	if conn.Org != nil && conn.Org.OrgID != "" && !SameOrgID(conn.Org.OrgID, info.OrgID) {
		out.OrgChanged, out.PreviousOrgID = true, conn.Org.OrgID
	}
	state := connector.LiveState(conn, in.SandboxKnown, envOK, false, perms)
	out.Problem = PermissionProblem(perms)
	now := s.Clock().UTC()
	updated, err := s.recordAuthorization(conn, info, state, now)
	if err != nil {
		s.dropUnownedTokens(ctx, conn, res, log)
		return nil, err
	}
	out.Connector = updated
	out.Message = authorizedMessage(k, info, out)
	out.Status = connector.Status{
		Key: k, Connector: k.String(), State: state, Message: out.Message, CredentialSource: conn.CredentialSource(),
		TokensPresent: true, SessionValid: true, Org: info,
		EnvironmentChecked: in.SandboxKnown, EnvironmentOK: envOK, Permissions: perms, CheckedAt: now,
	}
	if out.Problem != nil {
		out.Status.Message, out.Status.Fix = out.Problem.Message, out.Problem.Fix
	}
	log.Info("authorized", "org", info.OrgID, "orgName", info.OrgName, "user", info.Username,
		"sandbox", info.IsSandbox, "orgChanged", out.OrgChanged, "apiEnabled", perms.APIEnabled,
		"customizeApplication", perms.CustomizeApplication, "rotatable", res.RefreshToken != "",
		"method", conn.AuthMethod.String(), "client", conn.EffectiveClientID())
	return out, nil
}

// revokeIssued revokes tokens this authorization will not keep: the
// refresh token if there is one, else the access token. A failure is only
// logged.
func (s *Sessions) revokeIssued(ctx context.Context, conn connector.Connector, res *oauth.Result, log *slog.Logger) {
	tok := res.RefreshToken
	if tok == "" {
		tok = res.AccessToken
	}
	if err := salesforce.Revoke(ctx, s.Client(), conn.LoginURL, tok); err != nil {
		log.Warn("could not revoke the refused tokens", "error", err)
	}
}

// recordAuthorization writes the settings of this authorization and its org
// into the registry. It refuses when the connector was removed and created
// again (another ID) while the user signed in.
func (s *Sessions) recordAuthorization(conn connector.Connector, info *connector.OrgInfo, state connector.State, now time.Time) (connector.Connector, error) {
	k := conn.Key()
	return s.Registry.Upsert(k, func(c *connector.Connector) error {
		if c.ID != "" && c.ID != conn.ID {
			return &connector.Problem{
				Code:    connector.CodeConfigIO,
				Message: fmt.Sprintf("%s was removed and created again while you signed in, so this sign-in was not kept.", k),
				Fix:     "Authorize it again.",
			}
		}
		// the settings of this authorization take effect now, with its org
		c.ID = conn.ID
		c.LoginURL, c.ClientID, c.CallbackPorts = conn.LoginURL, conn.ClientID, conn.CallbackPorts
		c.ResourceName, c.AllowEnvironmentMismatch = conn.ResourceName, conn.AllowEnvironmentMismatch
		c.AuthMethod, c.Username, c.Audience = conn.AuthMethod, conn.Username, conn.Audience
		c.Org = info
		c.NeedsReauth, c.LegacyTokens = false, false
		c.LastCheck = &now
		c.LastState = state
		return nil
	})
}

// dropUnownedTokens runs after the registry refused to record an
// authorization: when the connector is gone or is another one now, nobody
// owns the tokens just stored, so they are deleted and revoked.
func (s *Sessions) dropUnownedTokens(ctx context.Context, conn connector.Connector, res *oauth.Result, log *slog.Logger) {
	if c, err := s.Registry.Get(conn.Key()); err == nil && c.ID == conn.ID {
		return
	}
	if !conn.IsHeadless() {
		_ = s.Tokens.Delete(conn.TokenKey()) // nobody owns these tokens
	}
	s.revokeIssued(ctx, conn, res, log)
}

// authorizedMessage says which org and user the connector is now
// authorized for, and that the org changed when it did.
func authorizedMessage(k connector.Key, info *connector.OrgInfo, out *AuthorizeResult) string {
	if out.OrgChanged {
		return fmt.Sprintf("%s is authorized for %s as %s; it reached a different org before (%s): the sandbox was probably refreshed.",
			k, connector.OrgLabel(info), connector.UserLabel(info), out.PreviousOrgID)
	}
	return fmt.Sprintf("%s is authorized for %s as %s.", k, connector.OrgLabel(info), connector.UserLabel(info))
}

// learnOrgKind keeps what the org said of its kind for this process and
// returns it as the tokens record it ("" when unknown).
func (s *Sessions) learnOrgKind(orgID string, in *OrgInspection) string {
	if !in.SandboxKnown {
		return ""
	}
	s.Facts.SetKind(orgID, in.IsSandbox)
	if in.IsSandbox {
		return tokenstore.OrgKindSandbox
	}
	return tokenstore.OrgKindProduction
}

// storeTokens keeps freshly issued tokens under the connector's own key,
// with the org, issuing host and client ID they belong to. Tokens minted
// from a key or a secret stay in this process's memory only.
func (s *Sessions) storeTokens(conn connector.Connector, res *oauth.Result, orgID, kind string) error {
	if conn.IsHeadless() {
		return nil
	}
	tok := &tokenstore.Tokens{
		AccessToken: res.AccessToken, RefreshToken: res.RefreshToken, InstanceURL: res.InstanceURL, IssuedAt: res.IssuedAt,
		OrgID: orgID, LoginURL: conn.LoginURL, ClientID: conn.EffectiveClientID(), OrgKind: kind,
	}
	if tok.IssuedAt.IsZero() {
		tok.IssuedAt = s.Clock().UTC()
	}
	return s.Tokens.Save(conn.TokenKey(), tok)
}

func envMismatchProblem(k connector.Key, info *connector.OrgInfo) *connector.Problem {
	kind, want, id := "a production org", "a sandbox", "environment_mismatch_production"
	if info.IsSandbox {
		kind, want, id = "a sandbox", "a production org", "environment_mismatch_sandbox"
	}
	name := info.OrgName
	if name == "" {
		name = "The org"
	}
	return &connector.Problem{
		Code: connector.CodeEnvMismatch,
		ID:   id,
		Args: map[string]any{"Org": name, "OrgID": info.OrgID, "Connector": k.String()},
		Message: fmt.Sprintf("%q (%s) is %s, but %s is a %s connector, so the authorization was refused and nothing was stored.",
			name, info.OrgID, kind, k, connector.EnvKindText(k.Environment)),
		Fix: fmt.Sprintf("Sign in to %s instead (log out of Salesforce in the browser first), or authorize the connector of the right environment; "+
			"to connect it anyway, allow the environment mismatch (connectorctl authorize --allow-environment-mismatch).", want),
	}
}

func customizeAppProblem() *connector.Problem {
	return &connector.Problem{
		Code:    connector.CodePermissionMissing,
		Message: "Your user lacks the Customize Application permission, which publishing static resources needs.",
		Fix:     fmt.Sprintf(connector.SetupPermPath, "Customize Application"),
	}
}

// idsFromIdentityURL splits https://login.salesforce.com/id/{orgId}/{userId}.
func idsFromIdentityURL(id string) (orgID, userID string) {
	u, err := url.Parse(id)
	if err != nil {
		return "", ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) >= 3 && parts[len(parts)-3] == "id" {
		return parts[len(parts)-2], parts[len(parts)-1]
	}
	return "", ""
}

// sameOrgID compares org IDs by their case-sensitive 15-character prefix.
func SameOrgID(a, b string) bool {
	if len(a) >= 15 && len(b) >= 15 {
		return a[:15] == b[:15]
	}
	return a == b
}

// sandboxFromIdentityURL reads the identity URL's host: Salesforce issues
// https://login.salesforce.com/id/... for production orgs and
// https://test.salesforce.com/id/... for sandboxes, even after a My Domain
// login. ok is false for any other host.
func SandboxFromIdentityURL(idURL string) (isSandbox, ok bool) {
	u, err := url.Parse(idURL)
	if err != nil {
		return false, false
	}
	switch strings.ToLower(u.Hostname()) {
	case "login.salesforce.com":
		return false, true
	case "test.salesforce.com":
		return true, true
	}
	return false, false
}
