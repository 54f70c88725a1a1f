package ui

import (
	"testing"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/assets"
	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// TestResultsClearedWhenBundleChanges: after choosing another bundle,
// "Already up to date" from the previous one no longer shows.
func TestResultsClearedWhenBundleChanges(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	test.Tap(h.v.pub.publishBtn)
	h.waitIdle()
	test.Tap(h.v.pub.publishBtn)
	h.waitIdle()
	require.Contains(t, h.v.pub.rows[h.key].outcome.Text, "Already up to date")

	other, err := packaging.FromFS(assets.SampleContent(), "another")
	require.NoError(t, err)
	sum := other.Summary()
	require.Positive(t, sum.Files)
	h.ui(func() { h.v.pub.setBundle(other, nil) })
	// same content, another bundle object: the fingerprint decides
	assert.NotEmpty(t, h.v.pub.rows, "the same content keeps its result")

	h.ui(func() { h.v.pub.setBundle(nil, packaging.ValidateResourceName("bad name")) })
	assert.Empty(t, h.v.pub.rows, "another bundle clears the results")
	assert.Empty(t, h.v.pub.rowsBox.Objects)
}

// TestRetryFailedOnlyTicked: after unticking a target that failed, its
// failure is cleared and Retry failed never publishes to it (it retried a
// connector no longer ticked, a production one among them).
func TestRetryFailedOnlyTicked(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	prod := connector.Key{System: "Acme", Environment: connector.Production}
	other := connector.Key{System: "Other", Environment: connector.Test}
	for _, k := range []connector.Key{prod, other} {
		_, err := h.svc.Registry.Upsert(k, func(c *connector.Connector) error { c.LoginURL = h.org.LoginURL(); return nil })
		require.NoError(t, err)
	}
	h.v.reload(true)
	h.waitIdle()
	h.authorize(true)
	// Other is signed in as far as the window knows (the recording backend
	// plays its publish): it is not left out before publishing
	h.ui(func() {
		h.v.putStatus(connector.Status{Key: other, State: connector.StateConnected, TokensPresent: true})
	})

	rec := &recordingBackend{backend: h.v.svc, results: func(_ int, keys []connector.Key) []service.PublishResult {
		out := make([]service.PublishResult, len(keys))
		for i, k := range keys {
			out[i] = service.PublishResult{Key: k, Outcome: service.OutcomeFailed, Problem: &connector.Problem{Code: connector.CodeUnreachable, Message: "No."}}
			if k == h.key {
				out[i] = service.PublishResult{Key: k, Outcome: service.OutcomeUpdated, Resource: "WalkMe_Content", Size: 10}
			}
		}
		return out
	}}
	h.v.svc = rec
	h.ui(func() {
		h.v.list.onChecked(h.key, true)
		h.v.list.onChecked(other, true)
	})
	test.Tap(h.v.pub.publishBtn)
	h.waitIdle()
	require.Equal(t, []connector.Key{other}, h.v.pub.failed)

	// the user unticks the failed target: its old failure goes away
	h.ui(func() { h.v.list.onChecked(other, false) })
	assert.Empty(t, h.v.pub.failed)
	assert.Empty(t, h.v.pub.rows)
	assert.True(t, h.v.pub.retryBtn.Disabled())

	// and even with a stale failure list, Retry failed only takes ticked targets
	h.ui(func() {
		h.v.pub.failed = []connector.Key{other, prod}
		h.v.pub.onRetryFailed()
	})
	h.waitIdle()
	assert.Len(t, rec.calls, 1, "nothing ticked has failed: nothing is retried")
}

// TestSummaryLineNamesProduction: before publishing one line says how many
// targets and, in red, which production orgs are among them.
func TestSummaryLineNamesProduction(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	prod := connector.Key{System: "Acme", Environment: connector.Production}
	_, err := h.svc.Registry.Upsert(prod, func(c *connector.Connector) error {
		c.LoginURL = h.org.LoginURL()
		c.Org = &connector.OrgInfo{OrgID: "00D000000000001AAA", OrgName: "Acme Corp"}
		return nil
	})
	require.NoError(t, err)
	h.v.reload(false)
	h.waitIdle()
	h.ui(func() {
		h.v.list.onChecked(h.key, true)
		h.v.list.onChecked(prod, true)
	})
	assert.Equal(t, "2 targets,", h.v.pub.sumCount.Text)
	assert.Equal(t, "1 PRODUCTION: Acme Corp (00D000000000001AAA)", h.v.pub.sumProd.Text)
	h.ui(func() { h.v.list.onChecked(prod, false) })
	assert.Equal(t, "1 target", h.v.pub.sumCount.Text)
	assert.Empty(t, h.v.pub.sumProd.Text)
}

// TestNotificationAfterLongPublish: a publish that took longer than a few
// seconds ends with a desktop notification saying how many targets
// succeeded; a quick one does not notify.
func TestNotificationAfterLongPublish(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	test.AssertNotificationSent(t, nil, func() {
		test.Tap(h.v.pub.publishBtn)
		h.waitIdle()
	})
	h.v.pub.notifyAfter = 0 // every publish counts as long
	test.AssertNotificationSent(t, fyne.NewNotification("Publish finished", "1 of 1 targets succeeded."), func() {
		test.Tap(h.v.pub.publishBtn)
		h.waitIdle()
	})
}
