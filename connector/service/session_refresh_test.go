package service

import (
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

func TestSessionRefreshesOnceOnExpiry(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	before := e.mustAuthorize(sbKey)
	e.org.ExpireSessions()
	e.org.ResetRequests()

	client, _, err := e.svc.Session(e.ctx, sbKey)
	require.NoError(t, err)
	org, err := client.Organization(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, e.org.OrgID(), org.ID)
	assert.Equal(t, 1, e.countRequests("/services/oauth2/token"), "one refresh")
	assert.Equal(t, 2, e.countRequests("/services/data/"), "the call, then its retry")

	after, err := e.storedTokens(sbKey)
	require.NoError(t, err)
	assert.NotEqual(t, before.AccessToken, after.AccessToken, "new access token stored")
	assert.Equal(t, before.RefreshToken, after.RefreshToken, "no rotation: same refresh token")

	// a new session uses the stored token: no refresh
	e.org.ResetRequests()
	client, _, err = e.svc.Session(e.ctx, sbKey)
	require.NoError(t, err)
	_, err = client.Organization(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 0, e.countRequests("/services/oauth2/token"))
	assertNoSecrets(t, e.svc.Registry.Dir(), e.logs.String(), after.AccessToken, after.RefreshToken, before.AccessToken)
}

// orderStore records Save calls in a shared event log.
type orderStore struct {
	tokenstore.Store
	mu     *sync.Mutex
	events *[]string
}

func (s orderStore) Save(key string, t *tokenstore.Tokens) error {
	s.mu.Lock()
	*s.events = append(*s.events, "save")
	s.mu.Unlock()
	return s.Store.Save(key, t)
}

func TestSessionRotatedRefreshTokenStoredBeforeUse(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true, RotateRefreshTokens: true})
	before := e.mustAuthorize(sbKey)

	var mu sync.Mutex
	var events []string
	svc := e.newService(e.svc.Registry.Dir(), orderStore{Store: e.store, mu: &mu, events: &events})
	e.org.OnRequest(func(r *http.Request) {
		mu.Lock()
		events = append(events, r.URL.Path)
		mu.Unlock()
	})
	e.org.ExpireSessions()

	client, _, err := svc.Session(e.ctx, sbKey)
	require.NoError(t, err)
	_, err = client.Organization(e.ctx)
	require.NoError(t, err)

	mu.Lock()
	got := append([]string(nil), events...)
	mu.Unlock()
	require.Len(t, got, 4, "%v", got)
	assert.Equal(t, []string{"/services/data/v63.0/query/", "/services/oauth2/token", "save", "/services/data/v63.0/query/"}, got,
		"the rotated token is saved before the retried call")

	after, err := e.storedTokens(sbKey)
	require.NoError(t, err)
	assert.NotEqual(t, before.RefreshToken, after.RefreshToken, "rotated refresh token stored")

	// the stored (rotated) token keeps working; the old one is dead
	e.org.ExpireSessions()
	client, _, err = svc.Session(e.ctx, sbKey)
	require.NoError(t, err)
	_, err = client.Organization(e.ctx)
	require.NoError(t, err)
}

func TestSessionRevokedRefreshTokenNeedsReauth(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.mustAuthorize(sbKey)
	e.org.RevokeRefreshTokens()

	client, _, err := e.svc.Session(e.ctx, sbKey)
	require.NoError(t, err)
	_, err = client.Organization(e.ctx)
	p := connector.AsProblem(err)
	require.Equal(t, connector.CodeNeedsReauth, p.Code)
	assert.Contains(t, p.Message, "The authorization of Lightning/Sandbox has expired or was revoked.")
	for _, cause := range []string{"sandbox was refreshed", "revoked in Setup", "policy for the app ended the sign-in", "more than five times"} {
		assert.Contains(t, p.Message, cause)
	}
	assert.Contains(t, p.Fix, "Authorize it again")

	c, err := e.svc.Registry.Get(sbKey)
	require.NoError(t, err)
	assert.True(t, c.NeedsReauth)
	assert.Equal(t, connector.StateNeedsReauth, c.LastState)

	// authorizing again clears it
	res, err := e.authorize(sbKey)
	require.NoError(t, err)
	assert.False(t, res.Connector.NeedsReauth)
}

// TestSessionConcurrentRefreshAcrossServices: two Services (the window and
// connectorctl) on one config dir and one keyring hit an expired session at
// the same time; only one refresh grant reaches Salesforce.
func TestSessionConcurrentRefreshAcrossServices(t *testing.T) {
	for _, rotate := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "rotating"}[rotate], func(t *testing.T) {
			e := newCoreEnv(t, sfsim.Options{Sandbox: true, RotateRefreshTokens: rotate})
			e.mustAuthorize(sbKey)
			other := e.newService(e.svc.Registry.Dir(), e.store)
			// both hold a session with the same (soon dead) access token
			c1, _, err := e.svc.Session(e.ctx, sbKey)
			require.NoError(t, err)
			c2, _, err := other.Session(e.ctx, sbKey)
			require.NoError(t, err)
			e.org.ExpireSessions()
			e.org.ResetRequests()

			var wg sync.WaitGroup
			errs := make([]error, 8)
			for i := range errs {
				c := c1
				if i%2 == 1 {
					c = c2
				}
				wg.Go(func() { _, errs[i] = c.Organization(e.ctx) })
			}
			wg.Wait()
			for _, err := range errs {
				require.NoError(t, err)
			}
			assert.Equal(t, 1, e.countRequests("/services/oauth2/token"), "exactly one refresh grant")
		})
	}
}
