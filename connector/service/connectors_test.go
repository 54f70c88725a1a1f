package service

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// windowTestService is a Service on a temporary config folder with
// in-memory tokens.
func windowTestService(t *testing.T) *Service {
	t.Helper()
	svc, err := NewService(t.TempDir(), tokenstore.NewMemory())
	require.NoError(t, err)
	return svc
}

// signInOnSim authorizes k on org for real (the Service's flow, the
// simulated user signing in), as the demo does.
func signInOnSim(t *testing.T, svc *Service, org *sfsim.Org, k connector.Key) *AuthorizeResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	org.RegisterCallback(connector.DefaultClientID, fmt.Sprintf("http://localhost:%d%s", port, connector.CallbackPath))
	flow, err := svc.StartAuthorize(ctx, k, AuthorizeOptions{LoginURL: org.LoginURL(), Ports: []int{port}, NoBrowser: true})
	require.NoError(t, err)
	redirect, err := org.PlayUser(ctx, flow.URL(), true)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, redirect, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	res, err := flow.Wait(ctx)
	require.NoError(t, err)
	return res
}

// TestAddConnector: a new connector signs in at its environment's default
// login host (or the given one) with the given client; an existing one,
// whatever the case of its name, is returned untouched.
func TestAddConnector(t *testing.T) {
	svc := windowTestService(t)
	k := connector.Key{System: "Lightning", Environment: connector.Production}
	c, added, err := svc.AddConnector(k, connector.ConnectorSettings{ClientID: " 3MVG9-own-app ", CallbackPorts: []int{1718, 1719}})
	require.NoError(t, err)
	assert.True(t, added)
	assert.Equal(t, "https://login.salesforce.com", c.LoginURL)
	assert.Equal(t, "3MVG9-own-app", c.ClientID)
	assert.Equal(t, []int{1718, 1719}, c.CallbackPorts)
	assert.NotEmpty(t, c.ID)
	assert.Nil(t, c.Org)

	uat := connector.Key{System: "Lightning", Environment: connector.Environment("uat:sandbox")}
	c2, added, err := svc.AddConnector(uat, connector.ConnectorSettings{LoginURL: "acme--uat"})
	require.NoError(t, err)
	assert.True(t, added)
	assert.Equal(t, "https://acme--uat.sandbox.my.salesforce.com", c2.LoginURL, "a My Domain is normalised")

	again, added, err := svc.AddConnector(connector.Key{System: "lightning", Environment: connector.Production}, connector.ConnectorSettings{ClientID: "other"})
	require.NoError(t, err)
	assert.False(t, added, "one connector per system and environment")
	assert.Equal(t, c, again, "returned as it is")
	stored, err := svc.Registry.Get(k)
	require.NoError(t, err)
	assert.Equal(t, c, stored, "nothing written")

	_, _, err = svc.AddConnector(connector.Key{System: "Lightning", Environment: connector.Sandbox}, connector.ConnectorSettings{LoginURL: "ftp://nope"})
	assert.Equal(t, connector.CodeInvalidLoginURL, connector.AsProblem(err).Code)
	list, err := svc.Connectors()
	require.NoError(t, err)
	assert.Len(t, list, 2)
}

// TestResetConnector: a connector authorized on an org (tokens, org,
// recorded state) is put back as never authorized, at a new login host;
// its ID stays. An absent one is created.
func TestResetConnector(t *testing.T) {
	org, err := sfsim.Start(sfsim.Options{Sandbox: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = org.Close() })
	svc := windowTestService(t)
	k := connector.Key{System: "Demo", Environment: connector.Sandbox}
	res := signInOnSim(t, svc, org, k)
	require.NotNil(t, res.Connector.Org)
	_, err = svc.Tokens.Load(res.Connector.TokenKey())
	require.NoError(t, err)

	c, err := svc.ResetConnector(k, connector.ConnectorSettings{LoginURL: "http://127.0.0.1:9", CallbackPorts: []int{1717, 1718}})
	require.NoError(t, err)
	assert.Equal(t, res.Connector.ID, c.ID, "its ID stays")
	assert.Nil(t, c.Org)
	assert.Nil(t, c.LastCheck)
	assert.Empty(t, c.LastState)
	assert.False(t, c.NeedsReauth)
	assert.Equal(t, "http://127.0.0.1:9", c.LoginURL)
	assert.Equal(t, []int{1717, 1718}, c.CallbackPorts)
	assert.Equal(t, connector.StateNotAuthorized, connector.StateOf(c, nil))
	_, err = svc.Tokens.Load(c.TokenKey())
	assert.ErrorIs(t, err, tokenstore.ErrNotFound, "its tokens are gone")
	stored, err := svc.Registry.Get(k)
	require.NoError(t, err)
	assert.Equal(t, c, stored)

	other := connector.Key{System: "Other", Environment: connector.Production}
	created, err := svc.ResetConnector(other, connector.ConnectorSettings{})
	require.NoError(t, err)
	assert.Equal(t, "https://login.salesforce.com", created.LoginURL)
}

// TestRenameAndImportThroughTheService: the window renames and the demo
// imports through the Service, each in one transaction.
func TestRenameAndImportThroughTheService(t *testing.T) {
	svc := windowTestService(t)
	k := connector.Key{System: "Acme", Environment: connector.Sandbox}
	c, _, err := svc.AddConnector(k, connector.ConnectorSettings{})
	require.NoError(t, err)
	renamed, err := svc.Rename(k, "Acme Corp")
	require.NoError(t, err)
	assert.Equal(t, c.ID, renamed.ID)
	assert.Equal(t, "Acme Corp", renamed.System)
	_, err = svc.Rename(connector.Key{System: "Nobody", Environment: connector.Sandbox}, "X")
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code)

	require.NoError(t, svc.ImportConnectors(&connector.ExportFile{Version: connector.ExportVersion, Connectors: []connector.ExportConnector{
		{System: "Globex", Environment: "Production", OrgKind: "production", LoginURL: "https://globex.my.salesforce.com",
			OrgID: "00D5g00000001AAA", OrgName: "Globex Corporation", Username: "admin@globex.example"},
		{System: "Hooli", Environment: "Sandbox", OrgKind: "sandbox", LoginURL: "https://hooli--uat.sandbox.my.salesforce.com"},
	}}))
	list, err := svc.Connectors()
	require.NoError(t, err)
	require.Len(t, list, 3)
	g, err := svc.Registry.Get(connector.Key{System: "Globex", Environment: connector.Production})
	require.NoError(t, err)
	require.NotNil(t, g.Org)
	assert.Equal(t, "Globex Corporation", g.Org.OrgName)
	assert.False(t, g.Org.IsSandbox)
	assert.True(t, g.IsProductionTarget())
}
