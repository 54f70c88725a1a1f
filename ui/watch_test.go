package ui

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// waitFor polls cond (under the UI lock) until it holds.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		h.v.uiMu.Lock()
		ok := cond()
		h.v.uiMu.Unlock()
		if ok {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("timed out waiting for %s", what)
}

// TestPublishOnChange: the switch watches the chosen folder and publishes
// each change to the Sandbox connector; switched off (or the window
// closing) it stops. The tray offers the last targets again.
func TestPublishOnChange(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	p := h.v.pub
	h.ui(p.setupTray) // New does it; the harness builds the view itself
	assert.True(t, p.watch.check.Disabled(), "the sample content is not a folder")

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>v1</p>"), 0o600))
	h.ui(func() { p.load(dir) })
	h.waitIdle()
	require.False(t, p.watch.check.Disabled(), "a folder on a Sandbox connector can be watched")
	h.ui(func() { test.Tap(p.watch.check) })
	h.waitFor("the first publish", func() bool { return h.org.Resource(connector.DefaultResourceName) != nil })

	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>v2</p>"), 0o600))
	h.waitFor("the publish of the change", func() bool {
		r := h.org.Resource(connector.DefaultResourceName)
		return r != nil && string(mustUnzipUI(t, r.Body, "index.html")) == "<p>v2</p>"
	})
	h.waitFor("the status line", func() bool { return p.watch.status.Text != "" && p.watch.status.Visible() })
	h.ui(func() {
		assert.False(t, p.tray.again.Disabled, "Publish again is offered for the last targets")
		assert.Equal(t, []connector.Key{h.key}, p.tray.keys)
		assert.Equal(t, "All connected", p.traySummary())
	})

	// Switched off: changes are no longer published.
	h.ui(func() { test.Tap(p.watch.check) })
	h.waitFor("the watch to stop", func() bool { return p.watch.cancel == nil })
	h.waitIdle()
	before := h.org.Resource(connector.DefaultResourceName).Body
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<p>v3</p>"), 0o600))
	time.Sleep(2 * service.DefaultWatchQuiet)
	assert.Equal(t, before, h.org.Resource(connector.DefaultResourceName).Body)
}

// TestPublishOnChangeRefusesProduction: the switch is off for production targets.
func TestPublishOnChangeRefusesProduction(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	prod := connector.Key{System: "Acme", Environment: connector.Production}
	h := newHarness(t, harnessOpts{demo: true, key: prod})
	h.authorize(true)
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("x"), 0o600))
	h.ui(func() { h.v.pub.load(dir) })
	h.waitIdle()
	assert.True(t, h.v.pub.watch.check.Disabled())
}

// mustUnzipUI returns the content of name in the ZIP bytes.
func mustUnzipUI(t *testing.T, data []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil
	}
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			require.NoError(t, err)
			defer rc.Close()
			b, err := io.ReadAll(rc)
			require.NoError(t, err)
			return b
		}
	}
	return nil
}
