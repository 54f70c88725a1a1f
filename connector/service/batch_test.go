package service

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// batchFixture is one Service with n connectors, each on its own org.
func batchFixture(tb testing.TB, n int, opts sfsim.Options) (*Service, []connector.Key, []*sfsim.Org) {
	tb.Helper()
	svc := newTestService(tb)
	keys := make([]connector.Key, n)
	orgs := make([]*sfsim.Org, n)
	opts.Sandbox = true // Sandbox connectors, sandbox orgs
	for i := range n {
		orgs[i] = startTestOrg(tb, opts)
		keys[i] = connector.Key{System: fmt.Sprintf("System%02d", i), Environment: connector.Sandbox}
		authorizeTestConnector(tb, svc, orgs[i], keys[i])
	}
	return svc, keys, orgs
}

func TestPublishManyOneFailingOrg(t *testing.T) {
	svc, keys, orgs := batchFixture(t, 4, sfsim.Options{})
	ctx := testCtx(t)
	b := versionBundle(t, 1)
	// Given one org whose user lost API access.
	orgs[2].SetAPIEnabled(false)

	var mu sync.Mutex
	progress := map[connector.Key]int64{}
	results := svc.PublishMany(ctx, keys, b, publish.PublishOptions{}, func(k connector.Key, sent, total int64) {
		mu.Lock()
		defer mu.Unlock()
		progress[k] = sent
		assert.Equal(t, b.Size(), total)
	})
	require.Len(t, results, len(keys))
	for i, res := range results {
		assert.Equal(t, keys[i], res.Key, "results in the order of keys")
		assert.Equal(t, keys[i].String(), res.Connector)
		if i == 2 {
			requireFailed(t, res, connector.CodeAPIDisabled)
			assert.Empty(t, orgs[i].Resources())
			continue
		}
		requireOK(t, res, publish.OutcomeCreated)
		assert.Equal(t, b.Bytes(), requireOneResource(t, orgs[i], connector.DefaultResourceName).Body)
		mu.Lock()
		assert.Equal(t, b.Size(), progress[keys[i]], "progress per connector")
		mu.Unlock()
	}

	// Once fixed, publishing again creates it there and leaves the others up to date.
	orgs[2].SetAPIEnabled(true)
	results = svc.PublishMany(ctx, keys, b, publish.PublishOptions{}, nil)
	for i, res := range results {
		want := publish.OutcomeUpToDate
		if i == 2 {
			want = publish.OutcomeCreated
		}
		requireOK(t, res, want)
	}
}

func TestPublishManyCanceled(t *testing.T) {
	svc, keys, orgs := batchFixture(t, 3, sfsim.Options{})
	ctx, cancel := context.WithCancel(testCtx(t))
	cancel()
	results := svc.PublishMany(ctx, keys, versionBundle(t, 1), publish.PublishOptions{}, nil)
	require.Len(t, results, 3)
	for i, res := range results {
		requireFailed(t, res, connector.CodeCanceled)
		assert.Equal(t, keys[i], res.Key)
		assert.Empty(t, orgs[i].Resources())
	}
}

func TestPublishManyCanceledMidway(t *testing.T) {
	svc, keys, orgs := batchFixture(t, 3, sfsim.Options{})
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	// The first org's POST cancels the batch while it is being uploaded.
	orgs[0].OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPost {
			cancel()
			// answer only once the client has given up (it closes the
			// connection): without a read-back, an answer racing the
			// cancellation could otherwise still report the create
			select {
			case <-r.Context().Done():
			case <-time.After(500 * time.Millisecond):
			}
		}
	})
	results := svc.PublishMany(ctx, keys, versionBundle(t, 1), publish.PublishOptions{}, nil)
	require.Len(t, results, 3)
	for i, res := range results {
		switch res.Outcome {
		case publish.OutcomeCreated:
			requireOneResource(t, orgs[i], connector.DefaultResourceName)
		case publish.OutcomeFailed:
			assert.Contains(t, []string{connector.CodeCanceled, connector.CodeTimeout}, res.ErrorCode, "%s: %v", res.Connector, res.Problem)
			assert.LessOrEqual(t, len(orgs[i].Resources()), 1, "never a duplicate")
		default:
			t.Fatalf("%s: unexpected outcome %s", res.Connector, res.Outcome)
		}
	}
	assert.Equal(t, publish.OutcomeFailed, results[0].Outcome, "the canceled upload reports it")
	// Nothing is stuck: the same batch goes through afterwards (a create
	// that landed unverified is not on record, so it is updated, not skipped).
	for i, res := range svc.PublishMany(testCtx(t), keys, versionBundle(t, 1), publish.PublishOptions{}, nil) {
		require.Contains(t, []publish.PublishOutcome{publish.OutcomeCreated, publish.OutcomeUpdated, publish.OutcomeUpToDate}, res.Outcome, "%v", res.Problem)
		requireOneResource(t, orgs[i], connector.DefaultResourceName)
	}
}

func TestPublishManyDuplicateKeyPublishedOnce(t *testing.T) {
	svc, keys, orgs := batchFixture(t, 1, sfsim.Options{})
	results := svc.PublishMany(testCtx(t), []connector.Key{keys[0], keys[0]}, versionBundle(t, 1), publish.PublishOptions{}, nil)
	require.Len(t, results, 2)
	requireOK(t, results[0], publish.OutcomeCreated)
	assert.Equal(t, results[0], results[1])
	requireOneResource(t, orgs[0], connector.DefaultResourceName)
}

func TestPublishManyMixedValidation(t *testing.T) {
	svc, keys, orgs := batchFixture(t, 2, sfsim.Options{})
	unknown := connector.Key{System: "Unknown", Environment: connector.Test}
	results := svc.PublishMany(testCtx(t), []connector.Key{keys[0], unknown, keys[1]}, versionBundle(t, 1), publish.PublishOptions{}, nil)
	requireOK(t, results[0], publish.OutcomeCreated)
	requireFailed(t, results[1], connector.CodeNotFound)
	requireOK(t, results[2], publish.OutcomeCreated)
	for _, org := range orgs {
		requireOneResource(t, org, connector.DefaultResourceName)
	}
}
