package main

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/assets"
	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/packaging"
)

// TestDemoScenarios: demo mode shows each state support staff and trainers
// need (it could not show permission missing, needs re-authorization or a
// production org): the connector a scenario returns is in that state.
func TestDemoScenarios(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	org, err := sfsim.Start(sfsim.Options{Sandbox: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = org.Close() })
	svc, err := service.NewService(t.TempDir(), tokenstore.NewMemory())
	require.NoError(t, err)
	svc.CheckTimeout = 3 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	org.RegisterCallback(connector.DefaultClientID, fmt.Sprintf("http://localhost:%d%s", port, connector.CallbackPath))
	sample, err := packaging.FromFS(assets.SampleContent(), "sample content")
	require.NoError(t, err)
	world := newDemoWorld(org, svc, []int{port}, sample)
	t.Cleanup(func() {
		for _, o := range world.fleetOrgs {
			_ = o.Close()
		}
	})

	want := map[string]connector.State{
		"normal":             connector.StateNotAuthorized,
		"connected":          connector.StateConnected,
		"many":               connector.StateConnected,
		"permission-missing": connector.StatePermissionMissing,
		"api-disabled":       connector.StatePermissionMissing,
		"needs-reauth":       connector.StateNeedsReauth,
		"production":         connector.StateConnected,
		"unreachable":        connector.StateUnreachable,
		"teammate":           connector.StateConnected,
		"changed-outside":    connector.StateConnected,
		"fleet":              connector.StateConnected,
		"fleet-200":          connector.StateConnected,
	}
	for name := range want {
		assert.Contains(t, demoScenarios, name, "the demo offers every scenario")
	}
	for _, name := range demoScenarios {
		t.Run(name, func(t *testing.T) {
			k, err := world.scenario(ctx, name)
			require.NoError(t, err)
			st := svc.Status(ctx, k)
			assert.Equal(t, want[name], st.State, "%s: %s %s", name, st.Message, st.Fix)
			c, err := svc.Registry.Get(k)
			require.NoError(t, err)
			if name == "production" {
				assert.Equal(t, connector.Production, k.Environment)
				assert.True(t, c.IsProductionTarget())
			}
			if name == "many" {
				list, err := svc.Registry.List()
				require.NoError(t, err)
				assert.Len(t, list, 20, "the demo connector and 19 clients")
			}
			if name == "fleet" {
				assertDemoFleet(ctx, t, svc, world.sample)
			}
			if name == "api-disabled" {
				assert.False(t, st.Permissions.APIEnabled)
			}
			if name == "changed-outside" {
				require.NotNil(t, st.Drift, "the resource was edited in Setup after the publish")
				assert.Equal(t, "Jane Doe", st.Drift.By())
			}
			if name == "teammate" {
				require.NotNil(t, st.Found)
				assert.Equal(t, connector.ProvConnectors, st.Found.Provenance, "published with Connectors elsewhere")
				assert.Nil(t, st.Drift)
			}
		})
	}
	_, err = world.scenario(ctx, "nonsense")
	assert.ErrorContains(t, err, "unknown demo scenario")
}

// assertDemoFleet: the fleet scenario's 20 client orgs, read as the Fleet
// tab reads them, are in every fleet state, as fleetDemoStates lays out.
func assertDemoFleet(ctx context.Context, t *testing.T, svc *service.Service, sample *packaging.Bundle) {
	t.Helper()
	list, err := svc.Registry.List()
	require.NoError(t, err)
	var keys []connector.Key
	for _, c := range list {
		if c.AuthMethod == connector.AuthJWT {
			keys = append(keys, c.Key())
		}
	}
	require.Len(t, keys, 20)
	rows := svc.Fleet(ctx, keys, sample.Fingerprint(), sample.Size(), "", 0)
	got := map[connector.FleetState]int{}
	prod := 0
	for _, r := range rows {
		got[r.State]++
		if r.Production {
			prod++
		}
		if r.State == connector.FleetUnreachable || r.State == connector.FleetNeedsAuthorization {
			require.NotNil(t, r.Problem, r.Connector)
		}
	}
	assert.Equal(t, map[connector.FleetState]int{
		connector.FleetCurrent: 9, connector.FleetBehind: 3, connector.FleetChangedOutside: 3,
		connector.FleetAbsent: 2, connector.FleetNeedsAuthorization: 2, connector.FleetUnreachable: 1,
	}, got)
	assert.Equal(t, 4, prod, "every fifth is a production org")
}
