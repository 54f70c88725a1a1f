package oauth

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/sfsim"
)

// startSimFlow starts a simulated org and a flow on a free port registered
// as its callback.
func startSimFlow(t *testing.T, ctx context.Context, opts sfsim.Options) (*sfsim.Org, *Flow) {
	t.Helper()
	org, err := sfsim.Start(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = org.Close() })
	return org, simFlow(t, ctx, org)
}

// simFlow starts a flow against org on a fresh registered port; with
// lets a test change the Config first.
func simFlow(t *testing.T, ctx context.Context, org *sfsim.Org, with ...func(*Config)) *Flow {
	t.Helper()
	var f *Flow
	var err error
	for range 5 { // a free port can be taken by a concurrent test before we bind it
		port := freePort(t)
		org.RegisterCallback(DefaultClientID, "http://localhost:"+strconv.Itoa(port)+DefaultCallbackPath)
		cfg := Config{LoginURL: org.LoginURL(), Ports: []int{port}}
		for _, w := range with {
			w(&cfg)
		}
		f, err = Start(ctx, cfg)
		if err == nil {
			break
		}
	}
	require.NoError(t, err)
	t.Cleanup(f.Cancel)
	return f
}

func TestSimulatedOrgAllow(t *testing.T) {
	ctx := testCtx(t)
	org, f := startSimFlow(t, ctx, sfsim.Options{RotateRefreshTokens: true})

	// Given the scripted user signs in and clicks Allow
	redirect, err := org.PlayUser(ctx, f.URL(), true)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(redirect, f.RedirectURI()+"?"), redirect)

	// When the browser follows the redirect to our loopback server
	final, status, body := browse(t, ctx, redirect)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "/OauthSuccess", final.Path)
	assert.Contains(t, body, "Almost done: return to Connectors")

	// Then Wait has the org's tokens
	res, err := f.Wait(ctx)
	require.NoError(t, err)
	assert.Equal(t, org.InstanceURL(), res.InstanceURL)
	assert.True(t, strings.HasPrefix(res.AccessToken, "00D"), "access token shape")
	assert.NotEmpty(t, res.RefreshToken)
	assert.True(t, strings.HasSuffix(res.IDURL, "/"+org.UserID()), res.IDURL)
	assert.Contains(t, res.Scope, "refresh_token")
	assert.False(t, res.IssuedAt.IsZero())

	// And the refresh token works against the login URL, rotating.
	ref, err := Refresh(ctx, nil, org.LoginURL(), DefaultClientID, res.RefreshToken)
	require.NoError(t, err)
	assert.NotEqual(t, res.AccessToken, ref.AccessToken)
	assert.NotEmpty(t, ref.RefreshToken, "rotation is on")
	assert.NotEqual(t, res.RefreshToken, ref.RefreshToken)

	// The rotated-away token is refused with invalid_grant.
	_, err = Refresh(ctx, nil, org.LoginURL(), DefaultClientID, res.RefreshToken)
	var ee *ExchangeError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "invalid_grant", ee.Code)
}

func TestSimulatedOrgRefreshWithoutRotation(t *testing.T) {
	ctx := testCtx(t)
	org, f := startSimFlow(t, ctx, sfsim.Options{})
	redirect, err := org.PlayUser(ctx, f.URL(), true)
	require.NoError(t, err)
	require.NoError(t, f.Submit(redirect), "the paste fallback")
	res, err := f.Wait(ctx)
	require.NoError(t, err)
	ref, err := Refresh(ctx, nil, org.LoginURL(), "", res.RefreshToken)
	require.NoError(t, err)
	assert.Empty(t, ref.RefreshToken, "no rotation: the old refresh token stays")
	assert.Equal(t, org.InstanceURL(), ref.InstanceURL)

	org.RevokeRefreshTokens()
	_, err = Refresh(ctx, nil, org.LoginURL(), "", res.RefreshToken)
	var ee *ExchangeError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "invalid_grant", ee.Code)
}

func TestSimulatedOrgDeny(t *testing.T) {
	ctx := testCtx(t)
	org, f := startSimFlow(t, ctx, sfsim.Options{})
	redirect, err := org.PlayUser(ctx, f.URL(), false)
	require.NoError(t, err)
	final, _, body := browse(t, ctx, redirect)
	assert.Equal(t, "/OauthError", final.Path)
	assert.Contains(t, body, "You clicked Deny")
	_, err = f.Wait(ctx)
	var ae *AuthError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "access_denied", ae.Code)
}

func TestSimulatedOrgCodeReplayRefused(t *testing.T) {
	ctx := testCtx(t)
	org, f := startSimFlow(t, ctx, sfsim.Options{})
	redirect, err := org.PlayUser(ctx, f.URL(), true)
	require.NoError(t, err)
	require.NoError(t, f.Submit(redirect))
	_, err = f.Wait(ctx)
	require.NoError(t, err)

	// Given the same code replayed in a second flow of the same org
	g := simFlow(t, ctx, org)
	code := redirect[strings.Index(redirect, "code="):]
	code = strings.SplitN(code, "&", 2)[0]
	require.NoError(t, g.Submit(g.RedirectURI()+"?"+code+"&state="+g.state))
	_, err = g.Wait(ctx)
	var ee *ExchangeError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "invalid_grant", ee.Code)
}
