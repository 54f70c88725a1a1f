package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestPublishWarnsBeforeUnauthorized: publishing to targets of which some
// are not signed in names them before anything is sent (it used to start
// without a word and show a failure row each); Publish to the N that can
// publishes only to the others, and the end is one summary line, with no
// progress bar on the rows that never started.
func TestPublishWarnsBeforeUnauthorized(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	acme := connector.Key{System: "Acme", Environment: connector.Sandbox}
	globex := connector.Key{System: "Globex", Environment: connector.Sandbox}
	for _, k := range []connector.Key{acme, globex} {
		_, err := h.svc.Registry.Upsert(k, func(c *connector.Connector) error { c.LoginURL = h.org.LoginURL(); return nil })
		require.NoError(t, err)
	}
	h.v.reload(true)
	h.waitIdle()
	h.authorize(true)
	rec := &recordingBackend{backend: h.v.svc}
	h.v.svc = rec
	h.ui(func() {
		for _, k := range []connector.Key{acme, h.key, globex} {
			h.v.list.onChecked(k, true)
		}
	})

	// When the user publishes to the three
	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()

	// Then nothing is sent yet, and a question names the two that cannot be published to
	assert.Empty(t, rec.calls)
	require.NotNil(t, h.v.pub.skipDialog)
	text := h.v.pub.skipText
	assert.Contains(t, text, "2 of the 3 targets cannot be published to:")
	assert.Contains(t, text, "Acme · Sandbox: not signed in")
	assert.Contains(t, text, "Globex · Sandbox: not signed in")
	assert.NotContains(t, text, "Demo · Sandbox")
	assert.Contains(t, allText(h.w.Canvas().Overlays().Top()), "Publish to the one that can")

	// When the user publishes to the one that can
	h.ui(func() { h.v.pub.skipDialog.Confirm() })
	h.waitIdle()

	// Then only it is published, and one line sums it up
	require.Len(t, rec.calls, 1)
	assert.Equal(t, []connector.Key{h.key}, rec.calls[0])
	assert.Equal(t, "1 published, 2 skipped: not signed in.", h.v.pub.resultLine.Text)
	assert.True(t, h.v.pub.resultLine.Visible())
	assert.Contains(t, h.v.pub.rows[h.key].outcome.Text, "Published")
	assert.False(t, h.v.pub.rows[h.key].bar.Visible(), "a finished row shows its outcome, not a bar")
	text = allText(h.v.pub.rowsBox)
	assert.Contains(t, text, "Skipped: not signed in")
	bars := 0
	for _, o := range h.v.pub.rowsBox.Objects {
		bars += countVisibleBars(o)
	}
	assert.Zero(t, bars, "no progress bar on rows that never started")

	// Cancel publishes nothing
	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()
	require.NotNil(t, h.v.pub.skipDialog)
	h.ui(func() { h.v.pub.skipDialog.Dismiss() })
	h.waitIdle()
	assert.Len(t, rec.calls, 1)
}

// TestPublishNoneCanBePublished: when no target can be published to, the
// window says which and why, and offers nothing to confirm.
func TestPublishNoneCanBePublished(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	rec := &recordingBackend{backend: h.v.svc}
	h.v.svc = rec
	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()
	assert.Empty(t, rec.calls)
	assert.Nil(t, h.v.pub.skipDialog)
	top := allText(h.w.Canvas().Overlays().Top())
	assert.Contains(t, top, "Nothing can be published")
	assert.Contains(t, top, "Demo · Sandbox: not signed in")
}

// TestPublishSummary: the line that ends a publish counts each outcome and
// gives the failures' reasons, counted when they differ.
func TestPublishSummary(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	ok := service.PublishResult{Outcome: service.OutcomeUpdated}
	same := service.PublishResult{Outcome: service.OutcomeUpToDate}
	fail := func(code string) service.PublishResult {
		return service.PublishResult{Outcome: service.OutcomeFailed, Problem: &connector.Problem{Code: code, Message: "x"}}
	}
	notAuth := fail(connector.CodeNotAuthorized)
	many := []service.PublishResult{ok}
	for range 14 {
		many = append(many, notAuth)
	}
	assert.Equal(t, "1 published, 14 failed: not signed in.", publishSummary(many, nil))
	assert.Equal(t, "2 published, 1 already up to date.", publishSummary([]service.PublishResult{ok, ok, same}, nil))
	assert.Equal(t, "1 already up to date.", publishSummary([]service.PublishResult{same}, nil))
	assert.Equal(t, "3 failed: Salesforce could not be reached (2), not signed in (1).",
		publishSummary([]service.PublishResult{notAuth, fail(connector.CodeUnreachable), fail(connector.CodeUnreachable)}, nil))
	assert.Equal(t, "1 published, 2 skipped: its sign-in has expired (1), not signed in (1).",
		publishSummary([]service.PublishResult{ok}, []connector.Status{{State: connector.StateNeedsReauth}, {State: connector.StateNotAuthorized}}))

	useLanguage(t, "fr_FR.UTF-8")
	assert.Equal(t, "1 publiée(s), 14 en échec : connexion absente.", publishSummary(many, nil))
}

// countVisibleBars counts the progress bars shown in o.
func countVisibleBars(o fyne.CanvasObject) int {
	if o == nil || !o.Visible() {
		return 0
	}
	switch x := o.(type) {
	case *widget.ProgressBar:
		return 1
	case *fyne.Container:
		n := 0
		for _, c := range x.Objects {
			n += countVisibleBars(c)
		}
		return n
	}
	return 0
}

// TestProductionConfirmSaysWhatItWrites: the production Publish button is
// red and says Production; its confirmation names the org, the content
// (name, version) and the resource it writes, has a red confirm button and
// an empty field under "Type <org> to confirm" (the org's name in the field
// looked pre-filled); a wrong name is refused with a message, a difference
// in capitals is accepted.
func TestProductionConfirmSaysWhatItWrites(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	prod := connector.Key{System: "Acme", Environment: connector.Production}
	h := newHarness(t, harnessOpts{demo: true, key: prod, org: sfsim.Options{OrgName: "Acme Corp"}})
	h.authorize(true)
	rec := &recordingBackend{backend: h.v.svc}
	h.v.svc = rec
	h.ui(func() {
		assert.Equal(t, "Publish to Production", h.v.pub.publishBtn.Text)
		assert.Equal(t, widget.DangerImportance, h.v.pub.publishBtn.Importance)
	})

	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()
	p := h.v.pub.prodDialog
	require.NotNil(t, p)
	text := allText(h.w.Canvas().Overlays().Top())
	assert.Contains(t, text, "Acme Corp")
	assert.Contains(t, text, h.org.OrgID())
	assert.Contains(t, text, "WalkMe_Content (the file in Salesforce that holds your content)")
	b := h.v.pub.bundle
	require.NotNil(t, b)
	assert.Contains(t, text, "Sample content (built in), version "+connector.ShortVersion(b.Fingerprint()))
	assert.Contains(t, text, "Type Acme Corp to confirm")
	assert.Empty(t, p.entry.PlaceHolder, "nothing in the field looks typed already")
	assert.Equal(t, widget.DangerImportance, p.ok.Importance)
	assert.True(t, p.ok.Disabled())

	// a wrong name: refused, and the dialog says why
	h.ui(func() {
		test.Type(p.entry, "Acme")
		p.Submit()
	})
	assert.Empty(t, rec.calls)
	assert.True(t, p.hint.Visible())
	assert.Contains(t, p.hint.Text, "type Acme Corp to confirm")

	// the name in other capitals: accepted
	h.ui(func() {
		p.entry.SetText("ACME corp")
		assert.False(t, p.ok.Disabled())
		p.Submit()
	})
	h.waitIdle()
	require.Len(t, rec.calls, 1)
	assert.Equal(t, []connector.Key{prod}, rec.opts[0].ConfirmedKeys)
	assert.Nil(t, h.v.pub.prodDialog, "closed")

	// Escape, typed in the field, cancels
	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()
	require.NotNil(t, h.v.pub.prodDialog)
	h.ui(func() { h.v.pub.prodDialog.field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	h.waitIdle()
	assert.Nil(t, h.v.pub.prodDialog)
	assert.Len(t, rec.calls, 1, "nothing more published")
}
