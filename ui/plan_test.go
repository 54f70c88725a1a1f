package ui

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// capture saves what canvas c shows as name-<lang>.png into
// $CONNECTORS_SCREENSHOTS, when set (to look at them).
func capture(t *testing.T, c fyne.Canvas, name, lang string) {
	t.Helper()
	dir := os.Getenv("CONNECTORS_SCREENSHOTS")
	if dir == "" {
		return
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	f, err := os.Create(filepath.Join(dir, name+"-"+lang+".png"))
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, png.Encode(f, c.Capture()))
}

func fsBundle(t *testing.T, files map[string]string) *packaging.Bundle {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, content := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(content), Mode: 0o644}
	}
	b, err := packaging.FromFS(fsys, "content")
	require.NoError(t, err)
	return b
}

// driftVisible reports whether a list row shows the Changed outside badge,
// and its text.
func driftVisible(h *harness) (bool, string) {
	for _, r := range h.v.list.rows {
		if r.drift.Visible() {
			return true, r.drift.text
		}
	}
	return false, ""
}

// TestPlanDriftHistory: Review changes shows the plan before publishing;
// a resource edited in the org shows the Changed outside badge, and a
// publish over it asks first, then publishes with Force (backed up); the
// History view lists what happened. In English and French.
func TestPlanDriftHistory(t *testing.T) {
	for _, tt := range []struct {
		locale, lang, plan, drift, history string
		sizes                              [3]string // the plan's lines, with sizes in the language's units
	}{
		{"en_US.UTF-8", "en", "1 added, 1 removed, 1 changed, 1 unchanged", "Changed outside", "History of Demo · Sandbox (org Demo Org)",
			[3]string{"+ new.css (3 B)", "− old.css (3 B)", "~ index.html (9 B → 16 B)"}},
		{"fr_FR.UTF-8", "fr", "1 ajoutés, 1 supprimés, 1 modifiés, 1 inchangés", "Modifiée ailleurs", "Historique de Demo · Sandbox (org Demo Org)",
			[3]string{"+ new.css (3 octets)", "− old.css (3 octets)", "~ index.html (9 octets → 16 octets)"}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			useLanguage(t, tt.locale)
			h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
			h.authorize(true)
			v1 := fsBundle(t, map[string]string{"index.html": "<p>v1</p>", "js/app.js": "console.log(1)", "old.css": "a{}"})
			v2 := fsBundle(t, map[string]string{"index.html": "<p>version 2</p>", "js/app.js": "console.log(1)", "new.css": "b{}"})
			h.ui(func() { h.v.pub.setBundle(v1, nil) })
			h.ui(func() { test.Tap(h.v.pub.publishBtn) })
			h.waitIdle()
			require.Equal(t, v1.Bytes(), h.org.Resource(connector.DefaultResourceName).Body)

			// The plan before publishing v2.
			h.ui(func() { h.v.pub.setBundle(v2, nil) })
			h.ui(func() { test.Tap(h.v.pub.plan.reviewBtn) })
			h.waitIdle()
			require.NotNil(t, h.v.pub.plan.dialog, "the plan is shown")
			text := allText(h.v.pub.plan.content)
			assert.Contains(t, text, tt.plan)
			for _, line := range tt.sizes {
				assert.Contains(t, text, line)
			}
			assert.Equal(t, v1.Bytes(), h.org.Resource(connector.DefaultResourceName).Body, "nothing written yet")
			capture(t, h.w.Canvas(), "plan", tt.lang)
			h.ui(func() { h.v.pub.plan.dialog.Confirm() })
			h.waitIdle()
			require.Equal(t, v2.Bytes(), h.org.Resource(connector.DefaultResourceName).Body)

			// Someone edits the resource in Setup; a check shows the badge.
			cur := h.org.Resource(connector.DefaultResourceName)
			h.org.PutResource(sfsim.Resource{ID: cur.ID, Name: cur.Name, Body: []byte("edited in Setup"), Description: "edited",
				LastModifiedDate: time.Now().Add(3 * time.Second), LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe"})
			shown, _ := driftVisible(h)
			assert.False(t, shown)
			h.ui(func() { h.v.checkAll(h.v.keys()) })
			h.waitIdle()
			h.ui(func() { h.v.list.list.Refresh() })
			shown, badge := driftVisible(h)
			assert.True(t, shown, "the list shows the drift")
			assert.Equal(t, tt.drift, badge)
			assert.Contains(t, allText(h.w.Content()), "Jane Doe", "when and by whom")
			h.ui(func() { h.w.Resize(fyne.NewSize(1000, 860)) })
			capture(t, h.w.Canvas(), "drift-badge", tt.lang)
			h.ui(func() { h.w.Resize(fyne.NewSize(1000, 700)) })

			// Publishing over it asks first; nothing is written until then.
			v3 := fsBundle(t, map[string]string{"index.html": "<p>v3</p>"})
			h.ui(func() { h.v.pub.setBundle(v3, nil) })
			h.ui(func() { test.Tap(h.v.pub.publishBtn) })
			h.waitIdle()
			require.NotNil(t, h.v.pub.plan.driftAsk, "asked first")
			assert.Equal(t, []byte("edited in Setup"), h.org.Resource(connector.DefaultResourceName).Body)
			assert.Contains(t, allText(h.w.Canvas().Overlays().Top()), "Jane Doe")
			capture(t, h.w.Canvas(), "drift-ask", tt.lang)
			h.ui(func() { h.v.pub.plan.driftAsk.Confirm() })
			h.waitIdle()
			assert.Equal(t, v3.Bytes(), h.org.Resource(connector.DefaultResourceName).Body)
			list, err := h.svc.Backups(h.key, "")
			require.NoError(t, err)
			require.NotEmpty(t, list)
			assert.Equal(t, "Jane Doe", list[0].LastModifiedByName, "the backup keeps what was there")
			h.ui(func() { h.v.list.list.Refresh() })
			shown, _ = driftVisible(h)
			assert.False(t, shown, "the publish cleared it")

			// The History view.
			var hv *historyView
			h.ui(func() { hv = h.v.showHistory(h.key) })
			require.NotNil(t, hv)
			require.Len(t, hv.rows, 4, "publish, publish, refused, forced publish")
			assert.Equal(t, service.OutcomeFailed, service.PublishOutcome(hv.rows[1].Outcome))
			assert.Equal(t, connector.CodeChangedOutside, hv.rows[1].ErrorCode)
			assert.Contains(t, allText(hv.content), tt.history, "the org's name")
			assert.Equal(t, "1.2.3-test", hv.rows[0].AppVersion)
			assert.Contains(t, hv.detail.Text, hv.rows[0].Fingerprint, "the fingerprint in full")
			assert.Contains(t, hv.detail.Text, "1.2.3-test", "the version in full")
			assert.Contains(t, allText(hv.content), formatTime(hv.rows[0].Time), "dates in the language's format")
			assert.NotNil(t, h.w.Canvas().Overlays().Top(), "a dialog in the main window")
			assert.Equal(t, hv.dlg, h.v.modal, "the open dialog Escape closes")
			assert.LessOrEqual(t, hv.content.Size().Width, h.w.Canvas().Size().Width, "no wider than the window")
			capture(t, h.w.Canvas(), "history", tt.lang)
			h.v.addShortcuts()
			h.ui(func() { h.w.Canvas().Unfocus() })
			h.press(fyne.KeyEscape)
			assert.Nil(t, h.w.Canvas().Overlays().Top(), "Escape closes the History")
		})
	}
}
