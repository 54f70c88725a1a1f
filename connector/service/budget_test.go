package service

// Issue 16 #6: the API budget guard applies on every path, before any write.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// freshService is another process on the same config folder: nothing of
// the first one's memory.
func freshService(t *testing.T, svc *Service) *Service {
	t.Helper()
	svc2, err := NewService(svc.Registry.Dir(), svc.Tokens)
	require.NoError(t, err)
	svc2.BackupDir, svc2.AllowInsecureLoopback = svc.BackupDir, true
	return svc2
}

// A connector that published before takes the one-request path: its write
// must not go out when the org is within the reserve.
func TestBudgetGuardOnTheOneRequestPath(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{APIUsageMax: 5000})
	ctx := testCtx(t)
	requireOK(t, f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{APIReserve: 500}), publish.OutcomeCreated)

	f.org.SetAPIUsage(4600) // 400 left, under the reserve of 500
	for _, opts := range []publish.PublishOptions{
		{APIReserve: 500, ConfirmProduction: true}, // no live production check to read the usage
		{APIReserve: 500},
	} {
		res := freshService(t, f.svc).Publish(ctx, f.k, versionBundle(t, 2), opts)
		assert.Equal(t, publish.OutcomeSkipped, res.Outcome, "%+v", res.Problem)
		assert.Equal(t, connector.CodeAPIBudget, res.ErrorCode)
		assert.Equal(t, versionBundle(t, 1).Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body, "nothing was written")
	}

	// The same process an hour later does not trust an old answer either.
	later := time.Now().Add(time.Hour)
	f.svc.Now = func() time.Time { return later }
	res := f.svc.Publish(ctx, f.k, versionBundle(t, 2), publish.PublishOptions{APIReserve: 500, ConfirmProduction: true})
	assert.Equal(t, publish.OutcomeSkipped, res.Outcome)

	// With room again, the publish goes through.
	f.org.SetAPIUsage(100)
	res = freshService(t, f.svc).Publish(ctx, f.k, versionBundle(t, 2), publish.PublishOptions{APIReserve: 500})
	requireOK(t, res, publish.OutcomeUpdated)
}

// An org already at its daily limit refuses every request: the target is
// skipped (exit 3 in the CLI), not failed.
func TestOrgAtItsLimitIsSkipped(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{APIUsageMax: 5000})
	ctx := testCtx(t)
	f.org.SetAPIUsage(5000)
	res := f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{APIReserve: 500})
	assert.Equal(t, publish.OutcomeSkipped, res.Outcome, "%+v", res.Problem)
	assert.Equal(t, connector.CodeAPIBudget, res.ErrorCode)
	assert.Contains(t, res.Problem.Message, "used up its daily API requests")
	assert.Empty(t, f.org.Resources())

	// Without a reserve (the window) it is a plain failure that says why.
	res = f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{})
	requireFailed(t, res, connector.CodeRequestLimit)
}

// Two connectors of one org: the first answer's usage skips the second
// target before it sends anything.
func TestBudgetCheckedBeforeTheNextTargetOfTheSameOrg(t *testing.T) {
	org := startTestOrg(t, sfsim.Options{APIUsageMax: 5000, Sandbox: true})
	svc := newTestService(t)
	k1 := connector.Key{System: "Alpha", Environment: connector.Sandbox}
	k2 := connector.Key{System: "Beta", Environment: connector.Sandbox}
	authorizeTestConnector(t, svc, org, k1)
	authorizeTestConnector(t, svc, org, k2)
	org.SetAPIUsage(4700)
	res := svc.PublishMany(testCtx(t), []connector.Key{k1, k2}, versionBundle(t, 1), publish.PublishOptions{APIReserve: 500, MaxParallel: 1}, nil)
	require.Len(t, res, 2)
	for _, r := range res {
		assert.Equal(t, publish.OutcomeSkipped, r.Outcome, "%s: %+v", r.Connector, r.Problem)
	}
	// whichever ran first, its lookup told the usage; the other sent nothing
	assert.ElementsMatch(t, []int{1, 0}, []int{res[0].Requests, res[1].Requests})
	assert.Empty(t, org.Resources())
}
