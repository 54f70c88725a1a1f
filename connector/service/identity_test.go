package service

// Regression tests for "every write lands in the org the user authorized":
// connector identity, tokens keyed by it, the one-time migration of
// name-keyed entries, the org check before any call, and authorization as
// a transaction. They use the real OS keyring (run under .ci/test-env).

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/connector/tokenstore/storetest"
)

// realKeyring is the OS keyring under a service name of this test only,
// emptied when the test ends.
func realKeyring(t *testing.T) *tokenstore.Keyring {
	t.Helper()
	if !storetest.HasKeyring() {
		t.Fatal("this test uses the real OS keyring: run it under .ci/test-env, e.g. .ci/test-env go test ./connector/")
	}
	return newTestKeyring(t)
}

func newTestKeyring(tb testing.TB) *tokenstore.Keyring { return storetest.Keyring(tb) }

// testTokenStore is where the tests keep tokens (storetest.Store).
func testTokenStore(tb testing.TB) tokenstore.Store { return storetest.Store(tb) }

// writes counts the requests to org that change something.
func writes(org *sfsim.Org) int {
	n := 0
	for _, r := range org.Requests() {
		if r.Host == "instance" && r.Method != http.MethodGet {
			n++
		}
	}
	return n
}

// tokenGrants counts the token-endpoint requests org received.
func tokenGrants(org *sfsim.Org) int {
	n := 0
	for _, r := range org.Requests() {
		if r.Host == "login" && r.Path == "/services/oauth2/token" {
			n++
		}
	}
	return n
}

// TestTwoConfigFoldersNeverShareTokens: a consultant keeps one config
// folder per client. A new, never authorized Lightning/Production in the
// second folder used to show Connected and publish into the first folder's
// production org, because keyring entries were keyed by name.
func TestTwoConfigFoldersNeverShareTokens(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{OrgName: "Client A"})
	kr := realKeyring(t)
	svcA := e.newService(t.TempDir(), kr)
	res, err := e.authorizeWith(svcA, prodKey, e.opts())
	require.NoError(t, err)
	require.Equal(t, connector.StateConnected, res.Status.State)

	svcB := e.newService(t.TempDir(), kr) // the second client's folder, same keyring
	cB, err := svcB.Registry.Upsert(prodKey, nil)
	require.NoError(t, err)
	assert.NotEqual(t, res.Connector.ID, cB.ID, "every connector has its own ID")
	assert.NotEqual(t, res.Connector.TokenKey(), cB.TokenKey())

	before := len(e.org.Requests())
	st := svcB.Status(e.ctx, prodKey)
	assert.Equal(t, connector.StateNotAuthorized, st.State, st.Message)
	assert.False(t, st.TokensPresent)
	assert.Equal(t, connector.StateNotAuthorized, connector.StateOf(cB, &st), "list and card: not authorized")

	pub := svcB.Publish(e.ctx, prodKey, versionBundle(t, 1), publish.PublishOptions{ConfirmProduction: true})
	require.Equal(t, publish.OutcomeFailed, pub.Outcome)
	assert.Equal(t, connector.CodeNotAuthorized, pub.Problem.Code, pub.Error)
	assert.Len(t, e.org.Requests(), before, "the second folder never reaches the first folder's org")
	assert.Nil(t, e.org.Resource(connector.DefaultResourceName), "nothing published into client A's org")

	// the first folder is untouched
	assert.Equal(t, connector.StateConnected, svcA.Status(e.ctx, prodKey).State)
}

// TestNewConnectorNeverUsesAnEarlierSessionsToken: a connector added anew
// (a new demo session, or removed and added again) gets a new ID, so a
// token left behind under the old one is never used.
func TestNewConnectorNeverUsesAnEarlierSessionsToken(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	kr := realKeyring(t)
	svc := e.newService(t.TempDir(), kr)
	first, err := e.authorizeWith(svc, sbKey, e.opts())
	require.NoError(t, err)
	require.NoError(t, svc.Registry.Delete(sbKey)) // tokens left behind on purpose
	_, err = kr.Load(first.Connector.TokenKey())
	require.NoError(t, err)

	again, err := svc.Registry.Upsert(sbKey, func(c *connector.Connector) error { c.Org = first.Connector.Org; return nil })
	require.NoError(t, err)
	assert.NotEqual(t, first.Connector.ID, again.ID)
	st := svc.Status(e.ctx, sbKey)
	assert.Equal(t, connector.StateNotAuthorized, st.State, st.Message)
}

// formatOneRegistry writes a registry of format 1 (no IDs) with one
// connector k authorized (org != nil) or not.
func formatOneRegistry(t *testing.T, k connector.Key, loginURL string, org *connector.OrgInfo) string {
	t.Helper()
	dir := t.TempDir()
	c := map[string]any{
		"system": k.System, "environment": k.Environment, "loginUrl": loginURL,
		"createdAt": time.Now().UTC(), "updatedAt": time.Now().UTC(),
	}
	if org != nil {
		c["org"] = org
		c["lastState"] = connector.StateConnected
	}
	b, err := json.Marshal(map[string]any{"version": 1, "connectors": []any{c}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, connector.RegistryFileName), b, 0o600))
	return dir
}

// TestLegacyTokensAdoptedOnlyForTheirOrg: the name-keyed entries of format 1
// are migrated once, and only into a connector whose recorded org is the
// entry's org.
func TestLegacyTokensAdoptedOnlyForTheirOrg(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true, OrgName: "Client A"})
	other := e.addOrg(sfsim.Options{Sandbox: true, OrgName: "Client B"})
	kr := realKeyring(t)
	e.org.RegisterCallback(connector.DefaultClientID, testRedirectURI)
	tt, err := exchangeTestTokens(e.ctx, e.org)
	require.NoError(t, err)
	legacy := &tokenstore.Tokens{AccessToken: tt.Access, RefreshToken: tt.Refresh, InstanceURL: tt.Instance, IssuedAt: time.Now()}
	orgOf := func(o *sfsim.Org, name string) *connector.OrgInfo {
		return &connector.OrgInfo{OrgID: o.OrgID(), OrgName: name, InstanceURL: o.InstanceURL(), Username: o.Username(), IsSandbox: true}
	}

	t.Run("never authorized here: not adopted", func(t *testing.T) {
		require.NoError(t, kr.Save(sbKey.String(), legacy))
		svc := e.newService(formatOneRegistry(t, sbKey, e.org.LoginURL(), nil), kr)
		c, err := svc.Registry.Get(sbKey)
		require.NoError(t, err)
		require.NotEmpty(t, c.ID, "the upgrade gives old connectors an ID")
		assert.Equal(t, connector.StateNotAuthorized, svc.Status(e.ctx, sbKey).State)
		_, err = kr.Load(sbKey.String())
		require.NoError(t, err, "the entry may belong to another folder's connector: left alone")
		_, err = kr.Load(c.TokenKey())
		assert.ErrorIs(t, err, tokenstore.ErrNotFound)
	})

	t.Run("another org: not adopted", func(t *testing.T) {
		require.NoError(t, kr.Save(sbKey.String(), legacy))
		svc := e.newService(formatOneRegistry(t, sbKey, other.LoginURL(), orgOf(other, "Client B")), kr)
		before := writes(e.org) + writes(other)
		st := svc.Status(e.ctx, sbKey)
		assert.Equal(t, connector.StateNotAuthorized, st.State, st.Message)
		pub := svc.Publish(e.ctx, sbKey, versionBundle(t, 1), publish.PublishOptions{})
		assert.Equal(t, connector.CodeNotAuthorized, pub.Problem.Code, pub.Error)
		assert.Equal(t, before, writes(e.org)+writes(other), "nothing written to either org")
		c, err := svc.Registry.Get(sbKey)
		require.NoError(t, err)
		assert.False(t, c.LegacyTokens, "checked once")
		_, err = kr.Load(sbKey.String())
		require.NoError(t, err)
	})

	t.Run("its own org: adopted once", func(t *testing.T) {
		require.NoError(t, kr.Save(sbKey.String(), legacy))
		svc := e.newService(formatOneRegistry(t, sbKey, e.org.LoginURL(), orgOf(e.org, "Client A")), kr)
		st := svc.Status(e.ctx, sbKey)
		require.Equal(t, connector.StateConnected, st.State, st.Message)
		c, err := svc.Registry.Get(sbKey)
		require.NoError(t, err)
		assert.False(t, c.LegacyTokens)
		tok, err := kr.Load(c.TokenKey())
		require.NoError(t, err)
		assert.Equal(t, legacy.RefreshToken, tok.RefreshToken)
		assert.Equal(t, e.org.OrgID(), tok.OrgID)
		assert.Equal(t, e.org.LoginURL(), tok.LoginURL)
		_, err = kr.Load(sbKey.String())
		assert.ErrorIs(t, err, tokenstore.ErrNotFound, "the old entry is gone")
		pub := svc.Publish(e.ctx, sbKey, versionBundle(t, 1), publish.PublishOptions{})
		require.Nil(t, pub.Problem)
		assert.Equal(t, publish.OutcomeCreated, pub.Outcome)
	})
}

// TestTokensOfAnotherOrgAreRefused: tokens stored for a connector that
// were issued for another org than its recorded one are never used: no
// request, no write, a plain message.
func TestTokensOfAnotherOrgAreRefused(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true, OrgName: "Client A"})
	other := e.addOrg(sfsim.Options{Sandbox: true, OrgName: "Client B"})
	res, err := e.authorize(sbKey)
	require.NoError(t, err)
	other.RegisterCallback(connector.DefaultClientID, testRedirectURI)
	tt, err := exchangeTestTokens(e.ctx, other)
	require.NoError(t, err)
	require.NoError(t, e.store.Save(res.Connector.TokenKey(), &tokenstore.Tokens{
		AccessToken: tt.Access, RefreshToken: tt.Refresh, InstanceURL: tt.Instance, IssuedAt: time.Now(),
		OrgID: other.OrgID(), LoginURL: other.LoginURL(),
	}))
	before := len(other.Requests())
	pub := e.svc.Publish(e.ctx, sbKey, versionBundle(t, 1), publish.PublishOptions{})
	require.Equal(t, publish.OutcomeFailed, pub.Outcome)
	assert.Equal(t, connector.CodeWrongOrg, pub.Problem.Code)
	assert.Contains(t, pub.Problem.Message, "belongs to the org "+other.OrgID())
	assert.Contains(t, pub.Problem.Message, "nothing was sent or written")
	assert.Contains(t, pub.Problem.Fix, "Authorize Lightning/Sandbox again")
	assert.Len(t, other.Requests(), before, "not one request to the other org")
	assert.Nil(t, other.Resource(connector.DefaultResourceName))
	st := e.svc.Status(e.ctx, sbKey)
	assert.Equal(t, connector.StateNeedsReauth, st.State)
	assert.Contains(t, st.Message, "belongs to the org")
}

// TestInterruptedReauthorizationChangesNothing: a re-authorization with
// another login URL or client ID that is denied, canceled or times out
// leaves the connector and its tokens exactly as they were, and the next
// refresh still goes to the host that issued the refresh token.
func TestInterruptedReauthorizationChangesNothing(t *testing.T) {
	cases := []struct {
		name string
		run  func(e *coreEnv, opts auth.AuthorizeOptions) error
		code string
	}{
		{"denied", func(e *coreEnv, opts auth.AuthorizeOptions) error {
			e.allow = false
			defer func() { e.allow = true }()
			_, err := e.authorizeWith(e.svc, sbKey, opts)
			return err
		}, connector.CodeAccessDenied},
		{"timed out", func(e *coreEnv, opts auth.AuthorizeOptions) error {
			opts.Timeout, opts.NoBrowser = 300*time.Millisecond, true
			_, err := e.authorizeWith(e.svc, sbKey, opts)
			return err
		}, connector.CodeTimeout},
		{"canceled", func(e *coreEnv, opts auth.AuthorizeOptions) error {
			f, err := e.svc.StartAuthorize(e.ctx, sbKey, opts)
			if err != nil {
				return err
			}
			f.Cancel()
			_, err = f.Wait(e.ctx)
			return err
		}, connector.CodeCanceled},
	}
	for _, tc := range cases {
		for _, change := range []string{"login URL", "client ID"} {
			t.Run(tc.name+" with another "+change, func(t *testing.T) {
				e := newCoreEnv(t, sfsim.Options{Sandbox: true})
				kr := realKeyring(t)
				e.svc = e.newService(t.TempDir(), kr)
				// a second login host that records any refresh attempt
				second := e.addOrg(sfsim.Options{Sandbox: true, Callbacks: map[string][]string{"OtherApp": {e.redirectURI()}, connector.DefaultClientID: {e.redirectURI()}}})
				e.org.RegisterCallback("OtherApp", e.redirectURI())
				first, err := e.authorize(sbKey)
				require.NoError(t, err)
				tokBefore, err := kr.Load(first.Connector.TokenKey())
				require.NoError(t, err)
				regBefore, err := os.ReadFile(e.svc.Registry.Path())
				require.NoError(t, err)

				opts := e.opts()
				if change == "login URL" {
					opts.LoginURL = second.LoginURL()
				} else {
					opts.ClientID = "OtherApp"
				}
				opts.ResourceName = "Other_Name"
				opts.Ports = []int{e.port}
				err = tc.run(e, opts)
				require.Error(t, err)
				assert.Equal(t, tc.code, connector.AsProblem(err).Code, err.Error())

				regAfter, err := os.ReadFile(e.svc.Registry.Path())
				require.NoError(t, err)
				assert.Equal(t, string(regBefore), string(regAfter), "the connector is exactly as it was")
				tokAfter, err := kr.Load(first.Connector.TokenKey())
				require.NoError(t, err)
				assert.Equal(t, tokBefore, tokAfter, "its tokens are exactly as they were")

				// the next refresh goes to the issuing host, with the issuing client ID
				e.org.ExpireSessions()
				st := e.svc.Status(e.ctx, sbKey)
				assert.Equal(t, connector.StateConnected, st.State, st.Message)
				assert.Zero(t, tokenGrants(second), "no token ever reached the second host")
			})
		}
	}
}

// TestRefreshTokenOnlyToItsIssuer: even when the connector's login URL
// changed without a new authorization (a hand-edited file, or a connector
// repointed by an older version), the refresh token goes back only to the
// host that issued it.
func TestRefreshTokenOnlyToItsIssuer(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	second := e.addOrg(sfsim.Options{Sandbox: true})
	e.mustAuthorize(sbKey)
	_, err := e.svc.Registry.Update(sbKey, func(c *connector.Connector) error { c.LoginURL = second.LoginURL(); return nil })
	require.NoError(t, err)
	e.org.ExpireSessions()
	st := e.svc.Status(e.ctx, sbKey)
	assert.Equal(t, connector.StateConnected, st.State, st.Message)
	assert.Zero(t, tokenGrants(second))
	assert.True(t, strings.Contains(e.logs.String(), "login="+connector.HostOf(e.org.LoginURL())), "the refresh names its issuer in the log")
}

// TestFailedFirstAuthorizationCreatesNothing: a denied first
// authorization leaves no connector behind.
func TestFailedFirstAuthorizationCreatesNothing(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.allow = false
	_, err := e.authorize(sbKey)
	require.Equal(t, connector.CodeAccessDenied, connector.AsProblem(err).Code)
	_, err = e.svc.Registry.Get(sbKey)
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code)
}
