package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// statusCountingBackend counts the live checks the window runs.
type statusCountingBackend struct {
	backend
	statuses int
}

func (s *statusCountingBackend) Status(ctx context.Context, k connector.Key) connector.Status {
	s.statuses++
	return s.backend.Status(ctx, k)
}

// TestPublishProductionOrgInSandboxSlotNeedsConfirmation: a production org
// authorized in a Sandbox slot (mismatch allowed) is a production target:
// Publish asks for the typed confirmation, after the authorization check.
func TestPublishProductionOrgInSandboxSlotNeedsConfirmation(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{OrgName: "Acme Inc"}}) // a production org
	_, err := h.svc.Registry.Upsert(h.key, func(c *connector.Connector) error { c.AllowEnvironmentMismatch = true; return nil })
	require.NoError(t, err)
	h.v.reload(false)
	h.waitIdle()
	h.authorize(true)
	c, err := h.svc.Registry.Get(h.key)
	require.NoError(t, err)
	require.True(t, c.IsProductionTarget(), "a production org in the Sandbox slot")
	st := &statusCountingBackend{backend: h.v.svc}
	rec := &recordingBackend{backend: st}
	h.v.svc = rec

	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()
	require.NotNil(t, h.v.pub.prodDialog, "a confirmation is shown")
	assert.Equal(t, 1, st.statuses, "after a live authorization check")
	assert.Empty(t, rec.calls, "nothing sent before the confirmation")
	assert.Contains(t, allText(h.w.Canvas().Overlays().Top()), "Acme Inc")

	test.Type(h.v.pub.prodEntry, "Acme Inc")
	h.ui(h.v.pub.prodDialog.Submit)
	h.waitIdle()
	require.Len(t, rec.calls, 1)
	assert.Equal(t, []connector.Key{h.key}, rec.opts[0].ConfirmedKeys, "this target, confirmed by its name")
	assert.False(t, rec.opts[0].ConfirmProduction, "no blanket confirmation")
	assert.Contains(t, h.v.pub.rows[h.key].outcome.Text, "Published")
}

// TestPublishProductionNotAuthorizedAsksNothing: the typed confirmation is
// never asked for a connector that is not authorized: the window says so.
func TestPublishProductionNotAuthorizedAsksNothing(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	prod := connector.Key{System: "Acme", Environment: connector.Production}
	h := newHarness(t, harnessOpts{demo: true, key: prod})
	rec := &recordingBackend{backend: h.v.svc}
	h.v.svc = rec

	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()
	assert.Nil(t, h.v.pub.prodDialog, "no production confirmation before authorization")
	assert.Empty(t, rec.calls)
	top := h.w.Canvas().Overlays().Top()
	require.NotNil(t, top, "the reason is shown")
	assert.Contains(t, allText(top), "Acme · Production: not signed in")
}

// TestPublishForeignResourceAsksToReplace: a same-name resource this app did
// not publish is not replaced; a dialog names it, its size and who last
// changed it, and Replace publishes with ReplaceExisting (after a backup).
func TestPublishForeignResourceAsksToReplace(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	theirs := []byte("window.loader = 'theirs';")
	h.org.PutResource(sfsim.Resource{
		Name: "walkme_content", ContentType: "text/javascript", Body: theirs,
		LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe",
	})
	rec := &recordingBackend{backend: h.v.svc}
	h.v.svc = rec

	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()
	require.Len(t, rec.calls, 1)
	assert.False(t, rec.opts[0].ReplaceExisting)
	assert.Equal(t, theirs, h.org.Resource(connector.DefaultResourceName).Body, "not replaced")
	require.NotNil(t, h.v.pub.replaceDialog)
	text := allText(h.w.Canvas().Overlays().Top())
	assert.Contains(t, text, "walkme_content")
	assert.Contains(t, text, "Jane Doe")
	assert.Contains(t, text, "25 B")

	h.ui(h.v.pub.replaceDialog.Confirm)
	h.waitIdle()
	require.Len(t, rec.calls, 2)
	assert.True(t, rec.opts[1].ReplaceExisting)
	assert.NotEqual(t, theirs, h.org.Resource(connector.DefaultResourceName).Body, "replaced")
	list, err := h.svc.Backups(h.key, "")
	require.NoError(t, err)
	require.Len(t, list, 1, "after a backup")
	assert.Equal(t, "walkme_content", list[0].Name)
}

// TestRestoreDisabledWithoutBackup: Restore cannot be tapped before there
// is a version to go back to.
func TestRestoreDisabledWithoutBackup(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	assert.True(t, h.v.pub.restoreBtn.Disabled(), "no backup yet")
	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()
	assert.True(t, h.v.pub.restoreBtn.Disabled(), "one version published: nothing to go back to")
}
