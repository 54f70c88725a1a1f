package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// focusOn presses Tab until target has focus (at most 60 times), like a
// user looking for it.
func (h *harness) focusOn(target fyne.Focusable) {
	h.t.Helper()
	c := h.w.Canvas()
	for range 60 {
		if c.Focused() == target {
			return
		}
		h.ui(func() { test.FocusNext(c) })
	}
	h.t.Fatalf("Tab never reaches %T", target)
}

// press types a key on the focused control, else on the window.
func (h *harness) press(key fyne.KeyName) {
	h.t.Helper()
	h.ui(func() {
		ev := &fyne.KeyEvent{Name: key}
		if f := h.w.Canvas().Focused(); f != nil {
			f.TypedKey(ev)
			return
		}
		if on := h.w.Canvas().OnTypedKey(); on != nil {
			on(ev)
		}
	})
}

// shortcut types a shortcut on the window.
func (h *harness) shortcut(key fyne.KeyName, mod fyne.KeyModifier) {
	h.ui(func() {
		h.w.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod})
	})
}

// TestKeyboardOnly: Authorize, then the sample content, then Publish, with
// the keyboard alone: Tab reaches the buttons, Enter presses them, Ctrl+2
// opens the Content bundle tab. Escape cancels the wait for the browser.
func TestKeyboardOnly(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.v.addShortcuts()

	// Escape cancels a wait for the browser
	h.focusOn(h.v.auth.authBtn)
	h.press(fyne.KeyReturn)
	h.nextOpened()
	h.ui(func() { h.w.Canvas().Unfocus() })
	h.press(fyne.KeyEscape)
	h.waitIdle()
	require.Nil(t, h.v.auth.flowCancel, "Escape canceled the wait")

	// Authorize by keyboard
	h.focusOn(h.v.auth.authBtn)
	assert.True(t, h.v.auth.authBtn.focused, "the focused button shows it")
	h.press(fyne.KeyReturn)
	h.browse(h.nextOpened(), true)
	h.waitIdle()
	require.Equal(t, connector.StateConnected, h.v.status[h.key].State)

	// Ctrl+2: the Content bundle tab, with the sample content chosen
	h.shortcut(fyne.Key2, fyne.KeyModifierShortcutDefault)
	require.Equal(t, 1, h.v.tabs.SelectedIndex())
	assert.Equal(t, "Sample content (built in)", h.v.pub.source.Text)

	// Publish by keyboard
	h.focusOn(h.v.pub.publishBtn)
	h.press(fyne.KeyEnter)
	h.waitIdle()
	require.NotNil(t, h.org.Resource(connector.DefaultResourceName), "the content landed")
	assert.Contains(t, h.v.pub.rows[h.key].outcome.Text, "Published")

	// Ctrl+1, Ctrl+3 and Ctrl+Tab move between the tabs
	h.shortcut(fyne.Key1, fyne.KeyModifierShortcutDefault)
	assert.Equal(t, 0, h.v.tabs.SelectedIndex())
	h.shortcut(fyne.KeyTab, fyne.KeyModifierControl)
	assert.Equal(t, 1, h.v.tabs.SelectedIndex())
	h.shortcut(fyne.KeyTab, fyne.KeyModifierControl)
	assert.Equal(t, 2, h.v.tabs.SelectedIndex(), "the Fleet tab")
	h.shortcut(fyne.KeyTab, fyne.KeyModifierControl)
	assert.Equal(t, 0, h.v.tabs.SelectedIndex())
	h.shortcut(fyne.Key3, fyne.KeyModifierShortcutDefault)
	assert.Equal(t, 2, h.v.tabs.SelectedIndex())
	h.waitIdle()
}

// TestEscapeAndEnterInDialogs: Escape closes a dialog without acting,
// Enter takes a dialog's default action.
func TestEscapeAndEnterInDialogs(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.v.addShortcuts()
	h.authorize(true)

	h.ui(func() { test.Tap(h.v.auth.removeBtn) })
	require.NotNil(t, h.v.modal)
	h.ui(func() { h.w.Canvas().Unfocus() })
	h.press(fyne.KeyEscape)
	assert.Nil(t, h.v.modal, "Escape closed it")
	_, err := h.svc.Registry.Get(h.key)
	require.NoError(t, err, "and nothing was removed")

	h.ui(func() { test.Tap(h.v.auth.renameBtn) })
	h.ui(func() {
		h.v.auth.renameEntry.SetText("Renamed")
		h.v.auth.renameEntry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	h.waitIdle()
	_, err = h.svc.Registry.Get(connector.Key{System: "Renamed", Environment: connector.Sandbox})
	assert.NoError(t, err, "Enter in the dialog renamed it")
}

// TestFocusedButtonScrollsIntoView: a button reached with Tab below the
// visible part of its tab is scrolled into view.
func TestFocusedButtonScrollsIntoView(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	h.v.tabs.SelectIndex(1)
	h.w.Resize(fyne.NewSize(800, 300))
	sc := h.v.pub.scroll
	require.Zero(t, sc.Offset.Y)
	h.focusOn(h.v.pub.publishBtn)
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(h.v.pub.publishBtn).Y - d.AbsolutePositionForObject(sc.Content).Y
	assert.Positive(t, sc.Offset.Y, "the tab scrolled")
	assert.GreaterOrEqual(t, top, sc.Offset.Y)
	assert.LessOrEqual(t, top+h.v.pub.publishBtn.Size().Height, sc.Offset.Y+sc.Size().Height, "the button is in view")
}
