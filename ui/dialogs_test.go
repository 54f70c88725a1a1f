package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// dialogOpen reports whether a dialog is over the window.
func (h *harness) dialogOpen() (open bool) {
	h.ui(func() { open = h.w.Canvas().Overlays().Top() != nil })
	return open
}

// focusedButton is the dialog button with the keyboard focus, or nil.
func (h *harness) focusedButton() (b *button) {
	h.ui(func() { b, _ = h.w.Canvas().Focused().(*button) })
	return b
}

// TestEveryDialogEscapeAndEnter opens each dialog of the window and presses
// Escape, then opens it again and presses Enter: Escape closes it without
// acting, Enter takes its default action, and never a destructive one. The
// keys work with the focus on the dialog's default button (where it opens,
// with a visible ring) and with nothing focused.
func TestEveryDialogEscapeAndEnter(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.v.addShortcuts()
	h.authorize(true)
	a, p, l := h.v.auth, h.v.pub, h.v.list

	type opener struct {
		name string
		open func()
		// enterActs checks Enter's default action (nil: it only closes)
		enterActs func(t *testing.T)
	}
	added := connector.Key{System: "Typed", Environment: connector.Sandbox}
	openers := []opener{
		{name: "Add system", open: func() {
			test.Tap(l.addBtn)
			l.addName.SetText("Typed")
		}, enterActs: func(t *testing.T) {
			h.waitIdle()
			_, err := h.svc.Registry.Get(added)
			assert.NoError(t, err, "Enter added the system")
		}},
		{name: "Already there", open: func() { l.addSystem(h.key, addOptions{}) }},
		{name: "Rename", open: func() {
			test.Tap(a.renameBtn)
			a.renameEntry.SetText("Renamed")
		}, enterActs: func(t *testing.T) {
			h.waitIdle()
			_, err := h.svc.Registry.Get(connector.Key{System: "Renamed", Environment: connector.Sandbox})
			require.NoError(t, err, "Enter renamed it")
			h.ui(func() { a.renameDialog = nil })
			h.key = connector.Key{System: "Renamed", Environment: connector.Sandbox}
		}},
		{name: "Remove", open: func() { test.Tap(a.removeBtn) }},
		{name: "Disconnect", open: func() { test.Tap(a.disconnectBtn) }},
		{name: "Error", open: func() {
			h.v.showError("Something failed", &connector.Problem{Message: "It failed.", Fix: "Try again."})
		}},
		{name: "Review changes", open: func() {
			h.v.tabs.SelectIndex(1)
			p.onReview()
		}, enterActs: func(t *testing.T) {
			h.waitIdle()
			assert.NotNil(t, h.org.Resource(connector.DefaultResourceName), "Enter published")
		}},
		{name: "Already up to date", open: func() { p.onReview() }},
		{name: "About", open: func() { ShowAbout(h.w, "1.2.3", nil) }},
	}
	for _, o := range openers {
		for _, nothingFocused := range []bool{false, true} {
			open := func() {
				t.Helper()
				h.ui(o.open)
				h.waitIdle()
				require.True(t, h.dialogOpen(), "%s opens", o.name)
				if nothingFocused {
					h.ui(func() { h.w.Canvas().Unfocus() })
				} else if b := h.focusedButton(); b != nil {
					assert.True(t, b.focused, "%s: its ring shows", o.name)
				} else {
					var f fyne.Focusable
					h.ui(func() { f = h.w.Canvas().Focused() })
					require.IsType(t, &entry{}, f, "%s: a button, or a form's first field, has the focus", o.name)
				}
			}
			name := o.name
			if nothingFocused && o.name == "About" {
				continue // About is the Help menu's, outside the view's dialogs: its button has the keys
			}
			// Escape: closed, nothing done
			regs := h.registryKeys()
			open()
			h.press(fyne.KeyEscape)
			h.waitIdle()
			assert.False(t, h.dialogOpen(), "%s: Escape closed it", name)
			assert.Equal(t, regs, h.registryKeys(), "%s: Escape changed nothing", name)
			if o.name == "Review changes" && !nothingFocused {
				assert.Nil(t, h.org.Resource(connector.DefaultResourceName), "Escape did not publish")
			}
			// Enter: the default action
			if o.name == "Rename" && nothingFocused {
				continue // renamed once is enough
			}
			if o.name == "Review changes" && nothingFocused {
				continue // published once is enough
			}
			open()
			h.press(fyne.KeyEnter)
			h.waitIdle()
			if o.enterActs != nil {
				o.enterActs(t)
			} else {
				assert.Equal(t, regs, h.registryKeys(), "%s: Enter destroyed nothing", name)
			}
			assert.False(t, h.dialogOpen(), "%s: Enter closed it", name)
			if o.name == "Add system" {
				h.ui(func() { h.v.selectKey(h.key) })
				require.NoError(t, h.svc.Remove(h.ctx, added))
				h.v.reload(false)
				h.waitIdle()
			}
		}
	}
	_, err := h.svc.Registry.Get(h.key)
	assert.NoError(t, err, "Enter never removed the connector")
	assert.Equal(t, connector.StateConnected, h.v.status[h.key].State, "nor disconnected it")
}

// registryKeys are the stored connectors.
func (h *harness) registryKeys() []connector.Key {
	h.t.Helper()
	list, err := h.svc.Connectors()
	require.NoError(h.t, err)
	keys := make([]connector.Key, len(list))
	for i, c := range list {
		keys[i] = c.Key()
	}
	return keys
}

// TestDialogButtonsShowFocus: a dialog's primary button draws a ring when
// focused (Fyne's blue button looks the same focused or not), and a
// destructive dialog opens with the focus on Cancel.
func TestDialogButtonsShowFocus(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	h.ui(func() { test.Tap(h.v.auth.removeBtn) })
	b := h.focusedButton()
	require.NotNil(t, b)
	assert.Equal(t, "Cancel", b.Text, "Remove opens on Cancel")
	h.ui(func() { h.v.auth.removeDialog.Hide() })

	h.ui(func() { test.Tap(h.v.auth.renameBtn) })
	h.ui(func() { test.FocusNext(h.w.Canvas()); test.FocusNext(h.w.Canvas()) })
	b = h.focusedButton()
	require.NotNil(t, b, "Tab reaches the buttons")
	assert.True(t, b.focused)
	if b.Importance != widget.HighImportance {
		h.ui(func() { test.FocusNext(h.w.Canvas()) })
		b = h.focusedButton()
	}
	require.NotNil(t, b)
	assert.Equal(t, widget.HighImportance, b.Importance, "the primary button")
	assert.True(t, b.focused, "shows its ring")
}

// TestAddSystemEscapeInAField: Escape in the Add system dialog's first
// field closes it at once (it marked the empty field as invalid and stayed
// open), and the developer settings are closed at first.
func TestAddSystemEscapeInAField(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.ui(func() { test.Tap(h.v.list.addBtn) })
	require.True(t, h.dialogOpen())
	h.ui(func() {
		assert.Equal(t, h.v.list.addName, h.w.Canvas().Focused(), "the name field has the focus")
		assert.Equal(t, -1, openIndex(h.v.list.addAdv), "For developers is closed")
	})
	h.press(fyne.KeyEscape)
	assert.False(t, h.dialogOpen(), "one Escape closed it")
}

// openIndex is the open item of a disclosure (-1: closed).
func openIndex(d *disclosure) int {
	for i, it := range d.Items {
		if it.Open {
			return i
		}
	}
	return -1
}

// TestAddSystemKeysOnTheEnvironment: with the focus on the environment
// menu, Enter adds the system and Escape closes the dialog.
func TestAddSystemKeysOnTheEnvironment(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	l := h.v.list
	h.ui(func() { test.Tap(l.addBtn) })
	h.ui(func() { h.w.Canvas().Focus(l.addEnv) })
	h.press(fyne.KeyEscape)
	assert.False(t, h.dialogOpen(), "Escape on the menu closed the dialog")

	h.ui(func() {
		test.Tap(l.addBtn)
		l.addName.SetText("Typed")
		h.w.Canvas().Focus(l.addEnv)
	})
	h.press(fyne.KeyReturn)
	h.waitIdle()
	assert.False(t, h.dialogOpen())
	_, err := h.svc.Registry.Get(connector.Key{System: "Typed", Environment: connector.Sandbox})
	assert.NoError(t, err, "Enter on the menu added the system")
}
