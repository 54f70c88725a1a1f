package service

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/health"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

func TestStatusConnected(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true, OrgName: "Acme UAT"})
	e.mustAuthorize(sbKey)
	fp := "sha256:" + fmt.Sprintf("%064x", 42)
	e.org.PutResource(sfsim.Resource{Name: connector.DefaultResourceName, ContentType: "application/zip", Description: connector.DescriptionFor(fp), Body: []byte("zipbytes")})

	st := e.svc.Status(e.ctx, connector.Key{System: "lightning", Environment: connector.Sandbox})
	assert.Equal(t, connector.StateConnected, st.State, st.Message)
	assert.Equal(t, "Lightning/Sandbox", st.Connector)
	assert.True(t, st.TokensPresent)
	assert.True(t, st.SessionValid)
	assert.True(t, st.EnvironmentOK)
	assert.Equal(t, connector.Permissions{APIEnabled: true, CustomizeApplication: true, Checked: true, CustomizeApplicationChecked: true}, st.Permissions)
	require.NotNil(t, st.Org)
	assert.Equal(t, e.org.OrgID(), st.Org.OrgID)
	assert.Equal(t, "Acme UAT", st.Org.OrgName)
	assert.Contains(t, st.Message, `connected to "Acme UAT"`)
	require.NotNil(t, st.APIUsage)
	assert.Positive(t, st.APIUsage.Used)
	assert.Equal(t, 15000, st.APIUsage.Max)
	require.NotNil(t, st.Resource)
	assert.Equal(t, int64(8), st.Resource.Size)
	assert.Equal(t, fp, st.Resource.Fingerprint)
	assert.False(t, st.Resource.LastModified.IsZero())
	assert.Positive(t, st.Duration)

	c, err := e.svc.Registry.Get(sbKey)
	require.NoError(t, err)
	assert.Equal(t, connector.StateConnected, c.LastState)
	require.NotNil(t, c.LastCheck)
	assert.WithinDuration(t, st.CheckedAt, *c.LastCheck, time.Second)
}

func TestStatusStates(t *testing.T) {
	tests := []struct {
		name  string
		setup func(e *coreEnv)
		state connector.State
		msg   string
	}{
		{"not authorized", func(e *coreEnv) {
			_, err := e.svc.Registry.Upsert(sbKey, nil)
			require.NoError(e.t, err)
		}, connector.StateNotAuthorized, "not authorized yet"},
		{"session expired is refreshed", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			e.org.ExpireSessions()
		}, connector.StateConnected, "is connected"},
		{"revoked", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			e.org.RevokeRefreshTokens()
		}, connector.StateNeedsReauth, "has expired or was revoked"},
		{"api disabled", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			e.org.SetAPIEnabled(false)
		}, connector.StatePermissionMissing, "API Enabled"},
		{"customize application missing", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			e.org.SetCustomizeApplication(false)
		}, connector.StatePermissionMissing, "Customize Application"},
		{"environment mismatch", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			e.org.SetSandbox(false)
		}, connector.StateEnvMismatch, "connected to a production org"},
		{"tokens of another org", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			_, err := e.svc.Registry.Update(sbKey, func(c *connector.Connector) error { c.Org.OrgID = "00D000000000001AAA"; return nil })
			require.NoError(e.t, err)
		}, connector.StateNeedsReauth, "belongs to the org "},
		{"sandbox refreshed after the org id changed", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			_, err := e.svc.Registry.Update(sbKey, func(c *connector.Connector) error { c.LastState = connector.StateSandboxRefreshed; return nil })
			require.NoError(e.t, err)
			e.org.RefreshSandbox()
		}, connector.StateSandboxRefreshed, "the sandbox was refreshed"},
		{"maintenance", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			e.org.FailNext(10, http.StatusServiceUnavailable)
		}, connector.StateUnreachable, "maintenance"},
		{"server error", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			e.org.FailNext(10, http.StatusInternalServerError)
		}, connector.StateUnreachable, "server error"},
		{"offline", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			e.org.Close()
		}, connector.StateUnreachable, "could not reach Salesforce"},
		{"keyring unavailable", func(e *coreEnv) {
			e.mustAuthorize(sbKey)
			e.svc.Tokens = &failingStore{tokenstore.NewMemory()}
		}, connector.StateKeyringError, "The keyring is locked."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCoreEnv(t, sfsim.Options{Sandbox: true})
			tt.setup(e)
			st := e.svc.Status(e.ctx, sbKey)
			assert.Equal(t, tt.state, st.State, st.Message)
			assert.Contains(t, st.Message, tt.msg)
			if tt.state != connector.StateConnected {
				assert.NotEmpty(t, st.Fix, "every problem state names a fix")
			}
			c, err := e.svc.Registry.Get(sbKey)
			require.NoError(t, err)
			assert.Equal(t, tt.state, c.LastState)
		})
	}
}

func TestStatusUnknownConnector(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{})
	st := e.svc.Status(e.ctx, connector.Key{System: "Nope", Environment: connector.Test})
	assert.Equal(t, connector.StateNotAuthorized, st.State)
	assert.Contains(t, st.Message, "There is no connector Nope/Test")
}

// TestStatusAllSlowOrgTimesOut: one slow org times out as unreachable while
// the others come back, and the whole call is bounded by the per-check timeout.
func TestStatusAllSlowOrgTimesOut(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.mustAuthorize(sbKey)
	slow := e.addOrg(sfsim.Options{Sandbox: false})
	slowKey := connector.Key{System: "Slow", Environment: connector.Production}
	opts := e.opts()
	opts.LoginURL = slow.LoginURL()
	_, err := e.authorizeWith(e.svc, slowKey, opts)
	require.NoError(t, err)
	fast := connector.Key{System: "Fast", Environment: connector.Production}
	_, err = e.authorizeWith(e.svc, fast, auth.AuthorizeOptions{LoginURL: e.addOrg(sfsim.Options{}).LoginURL(), Ports: []int{e.port}, Timeout: 10 * time.Second})
	require.NoError(t, err)

	slow.SetLatency(5 * time.Second)
	e.svc.CheckTimeout = 400 * time.Millisecond
	start := time.Now()
	all := e.svc.StatusAll(e.ctx, nil)
	elapsed := time.Since(start)
	require.Len(t, all, 3)
	byName := map[string]connector.Status{}
	for _, st := range all {
		byName[st.Connector] = st
	}
	assert.Equal(t, []string{"Fast/Production", "Lightning/Sandbox", "Slow/Production"},
		[]string{all[0].Connector, all[1].Connector, all[2].Connector}, "the order of List")
	assert.Equal(t, connector.StateConnected, byName["Fast/Production"].State)
	assert.Equal(t, connector.StateConnected, byName["Lightning/Sandbox"].State)
	assert.Equal(t, connector.StateUnreachable, byName["Slow/Production"].State)
	assert.Contains(t, byName["Slow/Production"].Message, "did not answer within 400ms")
	assert.Less(t, elapsed, 4*time.Second, "bounded by the per-check timeout, not the slow org")
}

// countingTransport tracks the most requests in flight at once.
type countingTransport struct {
	base          http.RoundTripper
	inFlight, max atomic.Int32
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	for {
		m := c.max.Load()
		if n <= m || c.max.CompareAndSwap(m, n) {
			break
		}
	}
	return c.base.RoundTrip(r)
}

func TestStatusAllBound(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	tok := e.mustAuthorize(sbKey)
	src, err := e.svc.Registry.Get(sbKey)
	require.NoError(t, err)
	var keys []connector.Key
	for i := range 20 {
		k := connector.Key{System: fmt.Sprintf("S%02d", i), Environment: connector.Sandbox}
		_, err := e.svc.Registry.Upsert(k, func(c *connector.Connector) error { c.LoginURL, c.Org = src.LoginURL, src.Org; return nil })
		require.NoError(t, err)
		c, err := e.svc.Registry.Get(k)
		require.NoError(t, err)
		require.NoError(t, e.store.Save(c.TokenKey(), tok))
		keys = append(keys, k)
	}
	ct := &countingTransport{base: http.DefaultTransport}
	e.svc.HTTPClient = &http.Client{Transport: ct}
	e.org.SetLatency(30 * time.Millisecond)

	all := e.svc.StatusAll(e.ctx, keys)
	require.Len(t, all, 20)
	for i, st := range all {
		assert.Equal(t, keys[i].String(), st.Connector)
		assert.Equal(t, connector.StateConnected, st.State, st.Message)
	}
	assert.LessOrEqual(t, ct.max.Load(), int32(health.StatusConcurrency))
	assert.Greater(t, ct.max.Load(), int32(1), "checks run concurrently")
}

func TestStatusAllCanceled(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.mustAuthorize(sbKey)
	e.org.SetLatency(5 * time.Second)
	ctx, cancel := context.WithCancel(e.ctx)
	var wg sync.WaitGroup
	var got []connector.Status
	wg.Go(func() { got = e.svc.StatusAll(ctx, nil) })
	cancel()
	wg.Wait()
	require.Len(t, got, 1)
	assert.Equal(t, connector.StateUnreachable, got[0].State)
}
