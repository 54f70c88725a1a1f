package service

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

func TestDisconnectOnline(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	tok := e.mustAuthorize(sbKey)
	res, err := e.svc.Disconnect(e.ctx, sbKey)
	require.NoError(t, err)
	assert.True(t, res.Revoked)
	assert.True(t, res.LocalDeleted)
	assert.Nil(t, res.Problem)
	_, err = e.storedTokens(sbKey)
	assert.ErrorIs(t, err, tokenstore.ErrNotFound)
	assert.Equal(t, 1, e.countRequests("/services/oauth2/revoke"))
	c, err := e.svc.Registry.Get(sbKey)
	require.NoError(t, err, "the connector definition stays")
	assert.Equal(t, connector.StateNotAuthorized, c.LastState)

	// the refresh token is dead at Salesforce, not only forgotten here
	require.NoError(t, e.store.Save(c.TokenKey(), tok))
	e.org.ExpireSessions()
	client, _, err := e.svc.Session(e.ctx, sbKey)
	require.NoError(t, err)
	_, err = client.Organization(e.ctx)
	assert.Equal(t, connector.CodeNeedsReauth, connector.AsProblem(err).Code)
	require.NoError(t, e.store.Delete(c.TokenKey()))

	// disconnecting again is harmless
	res, err = e.svc.Disconnect(e.ctx, sbKey)
	require.NoError(t, err)
	assert.False(t, res.Revoked)
	assert.True(t, res.LocalDeleted)
}

func TestDisconnectOffline(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.mustAuthorize(sbKey)
	require.NoError(t, e.org.Close())
	res, err := e.svc.Disconnect(e.ctx, sbKey)
	require.NoError(t, err)
	assert.False(t, res.Revoked)
	assert.True(t, res.LocalDeleted, "removed locally even though the revoke failed")
	require.NotNil(t, res.Problem)
	assert.Equal(t, connector.CodeRevokeFailed, res.Problem.Code)
	assert.Equal(t, "The app could not reach Salesforce to revoke the authorization, so it was only removed from this computer. "+
		"To revoke it, open Setup → Connected Apps OAuth Usage in the org and revoke the app for your user.", res.Problem.Error())
	_, err = e.storedTokens(sbKey)
	assert.ErrorIs(t, err, tokenstore.ErrNotFound)
}

func TestRemove(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.mustAuthorize(sbKey)
	require.NoError(t, e.svc.Remove(e.ctx, sbKey))
	_, err := e.svc.Registry.Get(sbKey)
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code)
	_, err = e.storedTokens(sbKey)
	assert.ErrorIs(t, err, tokenstore.ErrNotFound)
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(e.svc.Remove(e.ctx, sbKey)).Code)

	// offline: removed, and the caller learns how to revoke by hand
	e.mustAuthorize(prodKeyFor(e))
	require.NoError(t, e.org.Close())
	err = e.svc.Remove(e.ctx, prodKeyFor(e))
	assert.Equal(t, connector.CodeRevokeFailed, connector.AsProblem(err).Code)
	_, err = e.svc.Registry.Get(prodKeyFor(e))
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code)
}

func prodKeyFor(*coreEnv) connector.Key {
	return connector.Key{System: "Other", Environment: connector.Sandbox}
}
