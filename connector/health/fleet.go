package health

import (
	"context"
	"sync"

	"github.com/connectors-app/connectors/connector"
)

// FleetConcurrency is how many orgs Fleet reads at once unless told: each
// org is read once, so a fleet of this size costs about one org's check.
const FleetConcurrency = 50

// FleetRow is where one connector's org stands against a bundle.
type FleetRow struct {
	Key       connector.Key
	Connector string
	State     connector.FleetState
	// Org is the org the connector was authorized for (nil when never).
	Org *connector.OrgInfo
	// Production: the connector sits in the production slot.
	Production bool
	// Resource is the StaticResource read.
	Resource string
	// Version is the resource as the org holds it, judged from its record;
	// nil when the org could not be read.
	Version *connector.OrgVersion
	// Problem says why the org could not be read, and the fix.
	Problem *connector.Problem
}

// Fleet reads, in every org of keys at once (at most maxParallel at a
// time; 0: FleetConcurrency), the version of the resource it holds, and
// says where it stands against the bundle of fingerprint fp and size
// bytes. resource "" is each connector's own. Each org costs a session
// (a token grant only for a connector that mints one per run) and one
// query. It writes nothing: no registry, history, backup or intent, no
// reconciling of a lost answer (the status check does that); only a
// session refresh stores the tokens it is given. Rows come back in the
// order of keys.
func (s *Checker) Fleet(ctx context.Context, keys []connector.Key, fp string, size int64, resource string, maxParallel int) []FleetRow {
	if maxParallel <= 0 {
		maxParallel = FleetConcurrency
	}
	out := make([]FleetRow, len(keys))
	sem := make(chan struct{}, maxParallel)
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
			}
			out[i] = s.fleetRow(ctx, k, fp, size, resource)
		})
	}
	wg.Wait()
	return out
}

// fleetRow reads one org, bounded by the per-check timeout.
func (s *Checker) fleetRow(ctx context.Context, k connector.Key, fp string, size int64, resource string) FleetRow {
	row := FleetRow{Key: k, Connector: k.String(), Resource: resource}
	conn, err := s.Registry.Get(k)
	if err != nil {
		return s.fleetFailed(row, err)
	}
	row.Key, row.Connector = conn.Key(), conn.Key().String()
	row.Production = conn.Environment.IsProduction()
	if conn.Org != nil {
		org := *conn.Org
		row.Org = &org
	}
	if row.Resource == "" {
		row.Resource = conn.EffectiveResourceName()
	}
	ctx, cancel := context.WithTimeout(ctx, s.checkTimeout())
	defer cancel()
	client, _, err := s.Session(ctx, row.Key)
	if err != nil {
		return s.fleetFailed(row, err)
	}
	list, err := client.ListStaticResources(ctx)
	if err != nil {
		return s.fleetFailed(row, err)
	}
	_, row.Version = s.LiveDrift(conn, row.Resource, list.Find(row.Resource))
	row.State = connector.FleetStateOf(row.Version, fp, size)
	return row
}

// fleetFailed is the row of an org that could not be read: the problem
// (what happened, the fix), and the state its fix implies.
func (s *Checker) fleetFailed(row FleetRow, err error) FleetRow {
	p := connector.Explain(err)
	row.Problem = p
	row.State = connector.FleetStateOfProblem(p)
	s.Log().Info("fleet: org not read", "connector", row.Connector, "state", row.State, "code", p.Code)
	return row
}

// Seen is what the next check of a watch compares this row with.
func (r FleetRow) Seen() connector.FleetSeen {
	return connector.FleetSeenOf(r.Connector, r.State, r.Version)
}
