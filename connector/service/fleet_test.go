package service

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// fleetSnapshot is every file under the dirs (path → bytes) and every
// connector's stored tokens: what "fleet writes nothing" compares.
type fleetSnapshot struct {
	files  map[string]string
	tokens map[string]tokenstore.Tokens
}

func snapshotFleet(t *testing.T, svc *Service, dirs ...string) fleetSnapshot {
	t.Helper()
	s := fleetSnapshot{files: map[string]string{}, tokens: map[string]tokenstore.Tokens{}}
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) {
					return nil
				}
				return err
			}
			if d.IsDir() {
				s.files[p+"/"] = ""
				return nil
			}
			b, err := os.ReadFile(p)
			s.files[p] = string(b)
			return err
		})
		require.NoError(t, err)
	}
	list, err := svc.Registry.List()
	require.NoError(t, err)
	for _, c := range list {
		if tok, err := svc.Tokens.Load(c.TokenKey()); err == nil && tok != nil {
			s.tokens[c.TokenKey()] = *tok
		}
	}
	return s
}

// TestFleetStatesAndWritesNothing: from a folder that never published,
// the fleet check of seven orgs says where each stands (one current, one
// behind, one edited in Setup by someone else, one holding a same-name
// resource never published with Connectors, one absent, one never
// authorized here, one unreachable), costs one request per reachable org
// (stored tokens: no grant), and writes nothing at all.
func TestFleetStatesAndWritesNothing(t *testing.T) {
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	teammate := newTestService(t) // publishes from another computer
	svc := newTestService(t)      // the fleet check's fresh folder

	names := []string{"Current", "Behind", "Outside", "Foreign", "Absent", "Down"}
	orgs := map[string]*sfsim.Org{}
	keys := map[string]connector.Key{}
	for _, n := range names {
		org := startTestOrg(t, sfsim.Options{Sandbox: true, OrgName: n + " UAT"})
		k := connector.Key{System: n, Environment: connector.Sandbox}
		authorizeTestConnector(t, teammate, org, k)
		authorizeTestConnector(t, svc, org, k)
		orgs[n], keys[n] = org, k
	}
	requireOK(t, teammate.Publish(ctx, keys["Current"], v2, publish.PublishOptions{}), publish.OutcomeCreated)
	requireOK(t, teammate.Publish(ctx, keys["Behind"], v1, publish.PublishOptions{}), publish.OutcomeCreated)
	requireOK(t, teammate.Publish(ctx, keys["Outside"], v2, publish.PublishOptions{}), publish.OutcomeCreated)
	// Jane uploads another file in Setup: the Description (our record) stays.
	pub := requireOneResource(t, orgs["Outside"], connector.DefaultResourceName)
	orgs["Outside"].PutResource(sfsim.Resource{ID: pub.ID, Name: pub.Name, ContentType: pub.ContentType, CacheControl: pub.CacheControl,
		Description: pub.Description, Body: []byte("edited body"), LastModifiedDate: time.Now().Add(3 * time.Second),
		LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe"})
	orgs["Foreign"].PutResource(sfsim.Resource{Name: connector.DefaultResourceName, Body: []byte("by hand"), Description: "uploaded by hand",
		LastModifiedDate: time.Now(), LastModifiedByID: "005000000000888AAA", LastModifiedByName: "Bob Admin"})
	require.NoError(t, orgs["Down"].Close())
	never := connector.Key{System: "Never", Environment: connector.Sandbox}
	_, err := svc.Registry.Upsert(never, func(c *connector.Connector) error {
		c.System, c.Environment, c.LoginURL = never.System, never.Environment, "https://test.salesforce.com"
		return nil
	})
	require.NoError(t, err)

	all := []connector.Key{keys["Current"], keys["Behind"], keys["Outside"], keys["Foreign"], keys["Absent"], never, keys["Down"]}
	for _, org := range orgs {
		org.ResetRequests()
	}
	before := snapshotFleet(t, svc, svc.Registry.Dir(), svc.BackupDir)
	rows := svc.Fleet(ctx, all, v2.Fingerprint(), v2.Size(), "", 0)
	after := snapshotFleet(t, svc, svc.Registry.Dir(), svc.BackupDir)

	require.Len(t, rows, len(all))
	got := map[string]FleetRow{}
	for i, r := range rows {
		assert.Equal(t, all[i], r.Key, "rows in the order of keys")
		got[r.Key.System] = r
	}
	want := map[string]connector.FleetState{
		"Current": connector.FleetCurrent, "Behind": connector.FleetBehind, "Outside": connector.FleetChangedOutside,
		"Foreign": connector.FleetChangedOutside, "Absent": connector.FleetAbsent, "Never": connector.FleetNeedsAuthorization,
		"Down": connector.FleetUnreachable,
	}
	for n, st := range want {
		assert.Equal(t, st, got[n].State, "%s: %+v", n, got[n].Problem)
	}

	// The version as the org records it.
	cur := got["Current"].Version
	require.NotNil(t, cur)
	assert.Equal(t, connector.ProvConnectors, cur.Provenance, "published elsewhere")
	assert.Equal(t, v2.Fingerprint(), cur.Fingerprint)
	assert.Equal(t, orgs["Current"].Username(), cur.Publisher)
	assert.False(t, cur.PublishedAt.IsZero())
	assert.Equal(t, v1.Fingerprint(), got["Behind"].Version.Fingerprint)
	assert.Equal(t, "Jane Doe", got["Outside"].Version.Who())
	assert.Equal(t, connector.ProvOutside, got["Outside"].Version.Provenance)
	assert.Equal(t, connector.ProvForeign, got["Foreign"].Version.Provenance)
	assert.Equal(t, "Bob Admin", got["Foreign"].Version.Who())
	assert.Equal(t, connector.ProvAbsent, got["Absent"].Version.Provenance)
	for _, n := range []string{"Never", "Down"} {
		p := got[n].Problem
		require.NotNil(t, p, n)
		assert.NotEmpty(t, p.Message, n)
		assert.NotEmpty(t, p.Fix, n)
		assert.Nil(t, got[n].Version, n)
	}
	assert.Equal(t, connector.CodeNotAuthorized, got["Never"].Problem.Code)
	assert.Equal(t, connector.CodeUnreachable, got["Down"].Problem.Code)
	assert.Equal(t, connector.DefaultResourceName, got["Current"].Resource)
	require.NotNil(t, got["Current"].Org)
	assert.Equal(t, orgs["Current"].OrgID(), got["Current"].Org.OrgID)

	// One query per reachable org; stored tokens need no grant.
	for n, org := range orgs {
		if n == "Down" {
			continue
		}
		reqs := org.Requests()
		assert.Len(t, reqs, 1, "%s: %v", n, reqs)
		for _, r := range reqs {
			assert.Equal(t, "GET", r.Method, n)
			assert.Contains(t, r.Path, "/query", n)
		}
	}

	// Nothing written: no registry change, no history, no backup, no
	// intent, no token stored.
	assert.Equal(t, before.files, after.files)
	assert.True(t, maps.Equal(before.tokens, after.tokens), "tokens unchanged")
	assert.NoFileExists(t, svc.HistoryPath(), "no history line")
	hist, err := svc.History(nil)
	require.NoError(t, err)
	assert.Empty(t, hist)
}

// TestFleetJWTIsOneGrantAndOneQuery: a connector that mints its session
// per run (JWT) costs a token grant and one query, and never the keyring.
func TestFleetJWTIsOneGrantAndOneQuery(t *testing.T) {
	h := newHeadlessEnv(t, sfsim.Options{Sandbox: true, OrgName: "Acme UAT"})
	k := connector.Key{System: "Acme", Environment: connector.Sandbox}
	_, err := h.svc.AuthorizeHeadless(testCtx(t), k, h.jwtOpts())
	require.NoError(t, err)
	b := versionBundle(t, 1)
	requireOK(t, h.svc.Publish(testCtx(t), k, b, publish.PublishOptions{}), publish.OutcomeCreated)

	// A new run on the same folder (a CI job): no session yet.
	run, err := NewService(h.svc.Registry.Dir(), h.keys)
	require.NoError(t, err)
	run.Getenv, run.AllowLoginHosts = h.svc.Getenv, h.svc.AllowLoginHosts
	h.org.ResetRequests()
	rows := run.Fleet(testCtx(t), []connector.Key{k}, b.Fingerprint(), b.Size(), "", 0)
	require.Len(t, rows, 1)
	assert.Equal(t, connector.FleetCurrent, rows[0].State, "%+v", rows[0].Problem)
	var paths []string
	for _, r := range h.org.Requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	require.Len(t, paths, 2, "%v", paths)
	assert.Equal(t, "POST /services/oauth2/token", paths[0])
	assert.Contains(t, paths[1], "/query")
	assert.Empty(t, h.keys.Calls(), "the keyring was never asked")
}

// BenchmarkFleet40Orgs: the fleet check of 40 orgs at 100 ms latency
// against one org's in the same run; the ratio is reported (goal ≤ 1.5),
// with the requests per org.
func BenchmarkFleet40Orgs(b *testing.B) {
	const n = 40
	svc := newTestService(b)
	bundle := versionBundle(b, 1)
	orgs := make([]*sfsim.Org, n)
	keys := make([]connector.Key, n)
	for i := range n {
		orgs[i] = startTestOrg(b, sfsim.Options{Sandbox: true})
		keys[i] = connector.Key{System: "Client" + itoa(i), Environment: connector.Sandbox}
		authorizeTestConnector(b, svc, orgs[i], keys[i])
		if i%2 == 0 {
			res := svc.Publish(testCtx(b), keys[i], bundle, publish.PublishOptions{})
			require.Nil(b, res.Problem)
		}
		orgs[i].SetLatency(100 * time.Millisecond)
		orgs[i].ResetRequests()
	}
	ctx := testCtx(b)
	var fleetTime, oneTime time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		rows := svc.Fleet(ctx, keys, bundle.Fingerprint(), bundle.Size(), "", 0)
		fleetTime += time.Since(start)
		start = time.Now()
		one := svc.Fleet(ctx, keys[:1], bundle.Fingerprint(), bundle.Size(), "", 0)
		oneTime += time.Since(start)
		b.StopTimer()
		require.Equal(b, connector.FleetCurrent, one[0].State)
		for i, r := range rows {
			require.Nil(b, r.Problem, "%d", i)
		}
		b.StartTimer()
	}
	b.StopTimer()
	reqs := 0
	for _, o := range orgs {
		reqs += len(o.Requests())
	}
	b.ReportMetric(fleetTime.Seconds()/float64(b.N), "s-40orgs/op")
	b.ReportMetric(oneTime.Seconds()/float64(b.N), "s-1org/op")
	b.ReportMetric(fleetTime.Seconds()/oneTime.Seconds(), "ratio")
	b.ReportMetric(float64(reqs)/float64(n*b.N+b.N), "requests/org")
}
