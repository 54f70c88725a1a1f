package service

// Issue 16 #3: the production rule rests on what the org says, never on a
// file's claim (a connectors file, a registry entry).

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// claimSandbox rewrites the registry entry of k as a sandbox org, as a
// hand-edited or foreign file would.
func claimSandbox(t *testing.T, svc *Service, k connector.Key) {
	t.Helper()
	_, err := svc.Registry.Update(k, func(c *connector.Connector) error {
		c.Org.IsSandbox = true
		return nil
	})
	require.NoError(t, err)
	c, err := svc.Registry.Get(k)
	require.NoError(t, err)
	require.False(t, c.IsProductionTarget(), "the file claims a sandbox")
}

func TestPublishAsksTheOrgWhetherItIsProduction(t *testing.T) {
	for _, tc := range []struct {
		name    string
		kind    string // what the keyring entry says ("" for an entry of an older version)
		confirm publish.PublishOptions
	}{
		{"kind recorded at authorization", tokenstore.OrgKindProduction, publish.PublishOptions{}},
		{"kind unknown: asked live", "", publish.PublishOptions{}},
		{"another target's confirmation", "", publish.PublishOptions{ConfirmedKeys: []connector.Key{{System: "Other", Environment: connector.Production}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := startTestOrg(t, sfsim.Options{}) // a production org
			svc := newTestService(t)
			k := connector.Key{System: "Lightning", Environment: connector.Sandbox}
			ctx := testCtx(t)
			tt, err := exchangeTestTokens(ctx, org)
			require.NoError(t, err)
			tt.OrgKind = tc.kind
			saveTestConnector(t, svc, k, tt)
			claimSandbox(t, svc, k)

			res := svc.Publish(ctx, k, versionBundle(t, 1), tc.confirm)
			requireFailed(t, res, connector.CodeProductionNotConfirmed)
			assert.Contains(t, res.Problem.Message, "says it is a production org")
			assert.Empty(t, org.Resources(), "nothing was written")

			// The org's word is kept: the next publish asks upfront.
			c, err := svc.Registry.Get(k)
			require.NoError(t, err)
			assert.True(t, c.IsProductionTarget())

			// Confirming this very target writes.
			res = svc.Publish(ctx, k, versionBundle(t, 1), publish.PublishOptions{ConfirmedKeys: []connector.Key{k}})
			requireOK(t, res, publish.OutcomeCreated)
		})
	}
}

// The one-request path (a connector that published before) asks too.
func TestFastPublishAsksTheOrgWhetherItIsProduction(t *testing.T) {
	org := startTestOrg(t, sfsim.Options{})
	svc := newTestService(t)
	k := connector.Key{System: "Lightning", Environment: connector.Sandbox}
	ctx := testCtx(t)
	tt, err := exchangeTestTokens(ctx, org)
	require.NoError(t, err)
	tt.OrgKind = ""
	saveTestConnector(t, svc, k, tt)
	requireOK(t, svc.Publish(ctx, k, versionBundle(t, 1), publish.PublishOptions{ConfirmProduction: true}), publish.OutcomeCreated)
	claimSandbox(t, svc, k)

	// A fresh process (no org facts in memory) on the same folder.
	svc2, err := NewService(svc.Registry.Dir(), svc.Tokens)
	require.NoError(t, err)
	svc2.BackupDir, svc2.AllowInsecureLoopback = svc.BackupDir, true
	// Unchanged: nothing to write, nothing to confirm, one request.
	res := svc2.Publish(ctx, k, versionBundle(t, 1), publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpToDate)
	assert.Equal(t, 1, res.Requests)

	res = svc2.Publish(ctx, k, versionBundle(t, 2), publish.PublishOptions{})
	requireFailed(t, res, connector.CodeProductionNotConfirmed)
	assert.Equal(t, versionBundle(t, 1).Bytes(), requireOneResource(t, org, connector.DefaultResourceName).Body, "the org still holds v1")
	assert.Empty(t, res.BackupPath)
}

// A connectors file that calls a production org's connector a sandbox (by
// its environment, or a named environment of kind sandbox) publishes
// nothing without a confirmation.
func TestConnectorsFileCannotUnlockProduction(t *testing.T) {
	for _, env := range []string{"Sandbox", "UAT:sandbox"} {
		t.Run(env, func(t *testing.T) {
			h := newHeadlessEnv(t, sfsim.Options{}) // a production org
			k := connector.Key{System: "Acme", Environment: connector.Production}
			_, err := h.svc.AuthorizeHeadless(testCtx(t), k, h.jwtOpts())
			require.NoError(t, err)
			list, err := h.svc.Registry.List()
			require.NoError(t, err)
			f := connector.Export(list)
			f.Connectors[0].Environment, f.Connectors[0].OrgKind = env, "sandbox"
			f.Connectors[0].AllowEnvironmentMismatch = true
			raw, err := json.Marshal(f)
			require.NoError(t, err)

			got, err := connector.ReadExport(bytes.NewReader(raw), "connectors.json")
			require.NoError(t, err)
			svc2, err := NewService(t.TempDir(), h.keys)
			require.NoError(t, err)
			svc2.Getenv = h.svc.Getenv
			svc2.AllowInsecureLoopback = true
			svc2.AllowLoginHosts = h.svc.AllowLoginHosts
			require.NoError(t, svc2.Registry.Import(got))
			conns, err := svc2.Registry.List()
			require.NoError(t, err)
			require.Len(t, conns, 1)
			require.False(t, conns[0].IsProductionTarget(), "the file claims a sandbox")

			res := svc2.Publish(testCtx(t), conns[0].Key(), versionBundle(t, 1), publish.PublishOptions{})
			requireFailed(t, res, connector.CodeProductionNotConfirmed)
			assert.Empty(t, resourcesNamed(h.org, connector.DefaultResourceName), "nothing was written")
			assert.Empty(t, h.keys.Calls())
		})
	}
}
