package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/internal/filelock"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// session returns an API client for the connector (tokens from the store,
// refresh-once-on-401 wired in) and the connector as stored. It refuses
// tokens issued for another org than the connector's recorded one, so no
// call (and no write) ever reaches an org the user did not authorize for
// this connector.
func (s *Sessions) Session(ctx context.Context, k connector.Key) (*salesforce.Client, connector.Connector, error) {
	conn, err := s.Registry.Get(k)
	if err != nil {
		return nil, connector.Connector{}, err
	}
	key := conn.Key()
	if conn.Org == nil {
		return nil, conn, notAuthorized(key) // never authorized here: no token may serve it
	}
	if conn.IsHeadless() {
		return s.headlessSession(ctx, conn) // minted for this run; the keyring is never asked
	}
	tok, err := s.connectorTokens(ctx, conn)
	if err != nil {
		return nil, conn, err
	}
	if err := checkTokenOrg(conn, tok.OrgID); err != nil {
		s.Log().Warn("stored tokens belong to another org; refusing them", "connector", key.String(),
			"recordedOrg", conn.Org.OrgID, "tokenOrg", tok.OrgID)
		return nil, conn, err
	}
	if tok.OrgKind != "" && tok.OrgID != "" {
		// what the org said of itself when it issued these tokens
		s.Facts.SetKind(tok.OrgID, tok.OrgKind == tokenstore.OrgKindSandbox)
	}
	instance := tok.InstanceURL
	if instance == "" {
		instance = conn.Org.InstanceURL
	}
	if instance == "" {
		return nil, conn, notAuthorized(key)
	}
	ts := &tokenSource{s: s, k: key, conn: conn, access: tok.AccessToken}
	return salesforce.New(instance, ts, s.Client()), conn, nil
}

// checkTokenOrg refuses tokens whose org (from the identity URL issued with
// them) is not the connector's recorded org. An unknown token org passes:
// only tokens adopted from an old entry lack it, and adoption checks it live.
func checkTokenOrg(conn connector.Connector, tokenOrg string) error {
	if tokenOrg == "" || conn.Org == nil || conn.Org.OrgID == "" || SameOrgID(tokenOrg, conn.Org.OrgID) {
		return nil
	}
	return wrongOrgProblem(conn, tokenOrg)
}

func wrongOrgProblem(conn connector.Connector, tokenOrg string) *connector.Problem {
	return &connector.Problem{
		Code: connector.CodeWrongOrg,
		Message: fmt.Sprintf("The sign-in stored for %s belongs to the org %s, not to %s, the org this connector was authorized for, so nothing was sent or written.",
			conn.Key(), tokenOrg, connector.OrgLabel(conn.Org)),
		Fix: fmt.Sprintf("Authorize %s again with the org it should publish to (click Authorize, or run connectorctl authorize %s).", conn.Key(), conn.Key()),
	}
}

// loadTokens reads the tokens stored under the connector's own key,
// mapping store errors to problems.
func (s *Sessions) loadTokens(conn connector.Connector) (*tokenstore.Tokens, error) {
	if s.Tokens == nil {
		return nil, &connector.Problem{Code: connector.CodeKeyring, Message: "No token store is configured.", Fix: "Restart Connectors."}
	}
	if conn.ID == "" {
		return nil, connector.ConfigIOProblem(s.Registry.Dir(), errors.New("the connector has no ID: the connector list could not be upgraded"))
	}
	return s.loadEntry(conn.Key(), conn.TokenKey())
}

func (s *Sessions) loadEntry(k connector.Key, entry string) (*tokenstore.Tokens, error) {
	tok, err := s.Tokens.Load(entry)
	switch {
	case errors.Is(err, tokenstore.ErrNotFound):
		return nil, notAuthorized(k)
	case err != nil:
		return nil, connector.KeyringProblem(err)
	case tok == nil || tok.RefreshToken == "" && tok.AccessToken == "":
		return nil, notAuthorized(k)
	}
	return tok, nil
}

// connectorTokens is loadTokens plus the one-time adoption of a format-1
// connector's name-keyed entry.
func (s *Sessions) connectorTokens(ctx context.Context, conn connector.Connector) (*tokenstore.Tokens, error) {
	tok, err := s.loadTokens(conn)
	if err == nil || !conn.LegacyTokens || connector.AsProblem(err).Code != connector.CodeNotAuthorized {
		return tok, err
	}
	return s.adoptLegacyTokens(ctx, conn)
}

// adoptLegacyTokens moves the name-keyed entry of a format-1 connector to
// its ID-keyed entry, once, and only when the entry's org (asked of
// Salesforce with it) is the connector's recorded org. An entry of another
// org, or any entry for a connector never authorized, is left where it is:
// it may belong to a connector of another config folder.
func (s *Sessions) adoptLegacyTokens(ctx context.Context, conn connector.Connector) (*tokenstore.Tokens, error) {
	k := conn.Key()
	log := s.Log().With("connector", k.String())
	unlock, err := s.Lock(ctx, conn, "refresh", true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if tok, err := s.loadTokens(conn); err == nil { // adopted meanwhile by another process
		return tok, nil
	}
	old, err := s.loadEntry(k, conn.LegacyTokenKey())
	if err != nil {
		if connector.AsProblem(err).Code == connector.CodeNotAuthorized {
			s.legacyTokensChecked(conn, false, log)
		}
		return nil, err
	}
	if conn.Org == nil || conn.Org.OrgID == "" {
		s.legacyTokensChecked(conn, false, log)
		return nil, notAuthorized(k)
	}
	orgID, fresh, err := s.legacyTokenOrg(ctx, conn, old)
	if err != nil {
		if p := connector.AsProblem(err); p.Code == connector.CodeNeedsReauth {
			s.legacyTokensChecked(conn, false, log) // dead tokens: nothing worth adopting
			return nil, notAuthorized(k)
		}
		return nil, err // unreachable: try again next time
	}
	if !SameOrgID(orgID, conn.Org.OrgID) {
		log.Warn("old name-keyed tokens belong to another org; not adopted", "recordedOrg", conn.Org.OrgID, "tokenOrg", orgID)
		s.legacyTokensChecked(conn, false, log)
		return nil, notAuthorized(k)
	}
	next := *old
	if fresh != nil {
		withRefreshed(&next, fresh)
	}
	next.OrgID, next.LoginURL, next.ClientID = orgID, conn.LoginURL, conn.EffectiveClientID()
	if err := s.Tokens.Save(conn.TokenKey(), &next); err != nil {
		return nil, connector.KeyringProblem(err)
	}
	if err := s.Tokens.Delete(conn.LegacyTokenKey()); err != nil {
		log.Warn("could not delete the old name-keyed entry", "error", err)
	}
	s.legacyTokensChecked(conn, true, log)
	return &next, nil
}

// legacyTokensChecked records that the connector's old name-keyed entry was
// dealt with (adopted or not), so it is never looked at again; the record
// is skipped when the connector was replaced (another ID) meanwhile.
func (s *Sessions) legacyTokensChecked(conn connector.Connector, adopted bool, log *slog.Logger) {
	if _, err := s.Registry.Update(conn.Key(), func(c *connector.Connector) error {
		if c.ID == conn.ID {
			c.LegacyTokens = false
		}
		return nil
	}); err != nil {
		log.Warn("could not record the token migration", "error", err)
	}
	log.Info("old name-keyed tokens checked", "adopted", adopted)
}

// withRefreshed puts the tokens of a refresh answer into tok: the new
// access token and its time, and the refresh token and instance URL when
// the answer has them (no rotation, same instance otherwise).
func withRefreshed(tok *tokenstore.Tokens, res *oauth.Result) {
	tok.AccessToken, tok.IssuedAt = res.AccessToken, res.IssuedAt
	if res.RefreshToken != "" {
		tok.RefreshToken = res.RefreshToken
	}
	if res.InstanceURL != "" {
		tok.InstanceURL = res.InstanceURL
	}
}

// legacyTokenOrg asks Salesforce which org an old entry's tokens belong
// to: userinfo with the access token, else (expired) the org of the
// identity URL a refresh returns, whose tokens are then returned as fresh.
func (s *Sessions) legacyTokenOrg(ctx context.Context, conn connector.Connector, tok *tokenstore.Tokens) (string, *oauth.Result, error) {
	instance := tok.InstanceURL
	if instance == "" {
		instance = conn.Org.InstanceURL
	}
	if tok.AccessToken != "" {
		ui, err := salesforce.New(instance, staticToken(tok.AccessToken), s.Client()).UserInfo(ctx)
		if err == nil {
			return ui.OrganizationID, nil, nil
		}
		if p := connector.Explain(err); p.Code != connector.CodeNeedsReauth {
			return "", nil, p
		}
	}
	if tok.RefreshToken == "" {
		return "", nil, needsReauthProblem(conn.Key(), errors.New("no refresh token stored"))
	}
	res, err := oauth.Refresh(ctx, s.Client(), conn.LoginURL, conn.EffectiveClientID(), tok.RefreshToken)
	if err != nil {
		if isInvalidGrant(err) {
			return "", nil, needsReauthProblem(conn.Key(), err)
		}
		return "", nil, connector.Explain(err)
	}
	orgID, _ := idsFromIdentityURL(res.IDURL)
	if orgID == "" {
		return "", nil, connector.Explain(errors.New("the refresh answer names no org"))
	}
	return orgID, res, nil
}

func notAuthorized(k connector.Key) *connector.Problem {
	return &connector.Problem{
		Code:    connector.CodeNotAuthorized,
		Message: fmt.Sprintf("%s is not authorized yet.", k),
		Fix:     fmt.Sprintf("Click Authorize (or run connectorctl authorize %s).", k),
	}
}

// tokenSource serves a connector's access token and refreshes it: one
// refresh at a time per connector, across processes, re-reading the
// keyring first because another process may have refreshed already.
type tokenSource struct {
	s    *Sessions
	k    connector.Key
	conn connector.Connector

	mu     sync.Mutex
	access string
}

func (ts *tokenSource) AccessToken(context.Context) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.access == "" {
		return "", notAuthorized(ts.k)
	}
	return ts.access, nil
}

func (ts *tokenSource) Refresh(ctx context.Context, failed string) (string, error) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if ts.access != "" && ts.access != failed {
		return ts.access, nil // refreshed by a concurrent call of this client
	}
	tok, err := ts.s.refreshTokens(ctx, ts.conn, failed)
	if err != nil {
		return "", err
	}
	ts.access = tok.AccessToken
	return ts.access, nil
}

// refreshTokens gets a new access token for the connector under the
// cross-process "refresh" lock and stores it (and a rotated refresh token)
// before returning. failed is the access token that was refused.
func (s *Sessions) refreshTokens(ctx context.Context, conn connector.Connector, failed string) (*tokenstore.Tokens, error) {
	k := conn.Key()
	log := s.Log().With("connector", k.String())
	unlock, err := s.Lock(ctx, conn, "refresh", true)
	if err != nil {
		return nil, err
	}
	defer unlock()

	tok, err := s.loadTokens(conn)
	if err != nil {
		return nil, err
	}
	if err := checkTokenOrg(conn, tok.OrgID); err != nil {
		return nil, err
	}
	if tok.AccessToken != "" && tok.AccessToken != failed {
		log.Debug("refresh: another process already refreshed; using the stored token")
		return tok, nil
	}
	if tok.RefreshToken == "" {
		return nil, s.markNeedsReauth(k, errors.New("no refresh token stored"))
	}
	issuer, clientID := refreshIssuer(conn, tok)
	log.Info("refreshing access token", "login", connector.HostOf(issuer))
	res, err := oauth.Refresh(ctx, s.Client(), issuer, clientID, tok.RefreshToken)
	if err != nil {
		if isInvalidGrant(err) {
			log.Warn("refresh refused: invalid_grant; the connector needs a new authorization")
			return nil, s.markNeedsReauth(k, err)
		}
		log.Warn("refresh failed", "error", err)
		return nil, connector.Explain(fmt.Errorf("refresh access token: %w", err))
	}
	if orgID, _ := idsFromIdentityURL(res.IDURL); orgID != "" {
		if err := checkTokenOrg(conn, orgID); err != nil {
			log.Warn("the refreshed token belongs to another org; refusing it", "tokenOrg", orgID)
			return nil, err
		}
	}
	next := *tok
	withRefreshed(&next, res)
	if next.IssuedAt.IsZero() {
		next.IssuedAt = s.Clock()
	}
	// Store before use: with rotation the old refresh token is dead now.
	if err := s.Tokens.Save(conn.TokenKey(), &next); err != nil {
		log.Error("refreshed tokens could not be stored", "error", err)
		return nil, connector.KeyringProblem(err)
	}
	log.Info("access token refreshed", "rotated", res.RefreshToken != "")
	return &next, nil
}

// refreshIssuer returns the host and client ID a refresh token goes back
// to: only the host that issued it, with the client ID it was issued to,
// never a login URL edited since. Tokens stored before these were recorded
// fall back to the connector's.
func refreshIssuer(conn connector.Connector, tok *tokenstore.Tokens) (issuer, clientID string) {
	issuer, clientID = tok.LoginURL, tok.ClientID
	if issuer == "" {
		issuer = conn.LoginURL
	}
	if clientID == "" {
		clientID = conn.EffectiveClientID()
	}
	return issuer, clientID
}

// markNeedsReauth flags the connector and returns the CodeNeedsReauth problem.
func (s *Sessions) markNeedsReauth(k connector.Key, cause error) *connector.Problem {
	if _, err := s.Registry.Update(k, func(c *connector.Connector) error {
		c.NeedsReauth = true
		c.LastState = connector.StateNeedsReauth
		return nil
	}); err != nil {
		s.Log().Warn("could not record needs-reauth", "connector", k.String(), "error", err)
	}
	return needsReauthProblem(k, cause)
}

func needsReauthProblem(k connector.Key, cause error) *connector.Problem {
	return &connector.Problem{
		Code: connector.CodeNeedsReauth,
		Message: fmt.Sprintf("The authorization of %s has expired or was revoked. Likely causes: the sandbox was refreshed, "+
			"the app's access was revoked in Setup, the org's policy for the app ended the sign-in after a set time, or the same user "+
			"signed in to this app more than five times (Salesforce then ends the oldest sign-in).", k),
		Fix: fmt.Sprintf("Authorize it again (click Authorize, or run connectorctl authorize %s).", k),
		Err: cause,
	}
}

// lock takes a cross-process lock named purpose ("publish", "refresh") for
// the connector, by its ID: a rename does not change it, so a publish
// under the new name and one under the old name exclude each other. It
// fails fast with CodeBusy when held elsewhere and wait is false, and
// polls until ctx ends when wait is true.
func (s *Sessions) Lock(ctx context.Context, conn connector.Connector, purpose string, wait bool) (unlock func(), err error) {
	path, err := connector.ConnectorLockPath(s.Registry.Dir(), conn, purpose)
	if err != nil {
		return nil, err
	}
	if wait {
		u, err := filelock.LockContext(ctx, path)
		if err != nil {
			if ctx.Err() != nil {
				return nil, connector.Explain(ctx.Err())
			}
			return nil, connector.ConfigIOProblem(s.Registry.Dir(), err)
		}
		return u, nil
	}
	u, ok, err := filelock.TryLock(path)
	if err != nil {
		return nil, connector.ConfigIOProblem(s.Registry.Dir(), err)
	}
	if !ok {
		return nil, connector.BusyProblem(conn.Key(), purpose)
	}
	return u, nil
}

// isInvalidGrant reports a token-endpoint invalid_grant (revoked, expired,
// rotated away, sandbox refreshed).
func isInvalidGrant(err error) bool {
	var ee *oauth.ExchangeError
	return errors.As(err, &ee) && ee.Code == "invalid_grant"
}
