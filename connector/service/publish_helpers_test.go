package service

// Test helpers shared by the publish, backup, restore and batch tests (core
// may reuse them): a simulated org, a Service on a temporary config dir, an
// authorized connector obtained by running the OAuth code exchange directly
// against sfsim, and small deterministic bundles.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/packaging"
)

// testRedirectURI is registered by sfsim by default; PlayUser stops at the
// redirect, so nothing ever listens on it.
const testRedirectURI = "http://localhost:1717/OauthRedirect"

// startTestOrg starts a simulated org closed at the end of the test.
func startTestOrg(tb testing.TB, opts sfsim.Options) *sfsim.Org {
	tb.Helper()
	org, err := sfsim.Start(opts)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = org.Close() })
	return org
}

// newTestService is a Service on a temporary config dir with in-memory tokens.
func newTestService(tb testing.TB) *Service {
	tb.Helper()
	dir := tb.TempDir()
	svc, err := NewService(dir, testTokenStore(tb))
	require.NoError(tb, err)
	svc.BackupDir = filepath.Join(dir, "backups")
	svc.AllowInsecureLoopback = true
	return svc
}

// testTokens is what an OAuth code exchange against sfsim gave, plus what
// the connector records about the org.
type testTokens struct {
	Access, Refresh, Instance string
	Login, OrgID, UserID      string
	Username                  string
	// OrgKind is what the org says of itself, as an authorization records it.
	OrgKind string
}

// exchangeTestTokens plays the user at /authorize and exchanges the code
// (PKCE) at /token, without the Service's own flow.
func exchangeTestTokens(ctx context.Context, org *sfsim.Org) (testTokens, error) {
	verifier := oauth2.GenerateVerifier()
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {connector.DefaultClientID},
		"redirect_uri":          {testRedirectURI},
		"state":                 {"test-state"},
		"scope":                 {"refresh_token api web"},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(verifier)},
		"code_challenge_method": {"S256"},
	}
	loc, err := org.PlayUser(ctx, org.LoginURL()+"/services/oauth2/authorize?"+q.Encode(), true)
	if err != nil {
		return testTokens{}, fmt.Errorf("play user: %w", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return testTokens{}, fmt.Errorf("parse redirect: %w", err)
	}
	code := u.Query().Get("code")
	if code == "" {
		return testTokens{}, fmt.Errorf("no code in %s", loc)
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"client_id":     {connector.DefaultClientID},
		"redirect_uri":  {testRedirectURI},
		"code_verifier": {verifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, org.LoginURL()+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return testTokens{}, fmt.Errorf("build token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return testTokens{}, fmt.Errorf("token request: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return testTokens{}, fmt.Errorf("read token response: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return testTokens{}, fmt.Errorf("token exchange: http %d: %s", resp.StatusCode, raw)
	}
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		InstanceURL  string `json:"instance_url"`
	}
	if err := json.Unmarshal(raw, &tok); err != nil {
		return testTokens{}, fmt.Errorf("decode token response: %w", err)
	}
	if tok.RefreshToken == "" {
		return testTokens{}, fmt.Errorf("no refresh token in the token response")
	}
	return testTokens{
		Access: tok.AccessToken, Refresh: tok.RefreshToken, Instance: tok.InstanceURL,
		Login: org.LoginURL(), OrgID: org.OrgID(), UserID: org.UserID(), Username: org.Username(),
		OrgKind: orgKindOf(org),
	}, nil
}

func orgKindOf(org *sfsim.Org) string {
	if org.Sandbox() {
		return tokenstore.OrgKindSandbox
	}
	return tokenstore.OrgKindProduction
}

// saveTestConnector stores the tokens and records connector k with its OrgInfo.
func saveTestConnector(tb testing.TB, svc *Service, k connector.Key, tt testTokens) connector.Connector {
	tb.Helper()
	c, err := svc.Registry.Upsert(k, func(c *connector.Connector) error {
		c.System, c.Environment = k.System, k.Environment
		c.LoginURL = tt.Login
		c.Org = &connector.OrgInfo{
			OrgID: tt.OrgID, OrgName: "Demo Org", InstanceURL: tt.Instance,
			Username: tt.Username, UserID: tt.UserID,
			IsSandbox:    !k.Environment.IsProduction(),
			AuthorizedAt: time.Now().UTC(),
		}
		c.NeedsReauth = false
		return nil
	})
	require.NoError(tb, err)
	require.NoError(tb, svc.Tokens.Save(c.TokenKey(), &tokenstore.Tokens{
		AccessToken: tt.Access, RefreshToken: tt.Refresh, InstanceURL: tt.Instance, IssuedAt: time.Now(),
		OrgID: tt.OrgID, LoginURL: tt.Login, ClientID: connector.DefaultClientID, OrgKind: tt.OrgKind,
	}))
	require.NoError(tb, err)
	return c
}

// authorizeTestConnector authorizes connector k on org without the Service's
// own flow: tokens from exchangeTestTokens, stored, connector recorded.
func authorizeTestConnector(tb testing.TB, svc *Service, org *sfsim.Org, k connector.Key) connector.Connector {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	tt, err := exchangeTestTokens(ctx, org)
	require.NoError(tb, err)
	return saveTestConnector(tb, svc, k, tt)
}

// testBundle builds a deterministic bundle from name → content.
func testBundle(tb testing.TB, files map[string]string) *packaging.Bundle {
	tb.Helper()
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	b, err := packaging.FromFS(fsys, "test")
	require.NoError(tb, err)
	return b
}

// versionBundle is a small bundle whose content depends on v.
func versionBundle(tb testing.TB, v int) *packaging.Bundle {
	tb.Helper()
	return testBundle(tb, map[string]string{
		"index.html":  fmt.Sprintf("<html><body>version %d</body></html>", v),
		"js/app.js":   fmt.Sprintf("console.log('version %d');\n", v),
		"css/app.css": "body { margin: 0 }\n",
	})
}

// publishFixture is an org with one authorized connector.
type publishFixture struct {
	svc *Service
	org *sfsim.Org
	k   connector.Key
}

// newPublishFixture starts a sandbox org (the connector is a Sandbox one:
// a publish asks the org itself whether it is a production org).
func newPublishFixture(tb testing.TB, opts sfsim.Options) *publishFixture {
	tb.Helper()
	opts.Sandbox = true
	org := startTestOrg(tb, opts)
	svc := newTestService(tb)
	k := connector.Key{System: "Lightning", Environment: connector.Sandbox}
	authorizeTestConnector(tb, svc, org, k)
	return &publishFixture{svc: svc, org: org, k: k}
}

// nextSecond waits until the wall clock (the simulated org's) has moved to
// the next second: a publish right after another reads a record changed in
// the current second, and then waits for the next one and reads it again
// (laterSecond); tests that count requests step over that.
func nextSecond(tb testing.TB) {
	tb.Helper()
	now := time.Now()
	time.Sleep(now.Truncate(time.Second).Add(time.Second + 20*time.Millisecond).Sub(now))
}

// testCtx is a context bounded for one test.
func testCtx(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	tb.Cleanup(cancel)
	return ctx
}
