package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// button is the window's button: a widget.Button that Enter (and Return)
// presses as well as Space, that shows a ring when focused (Fyne's focus
// tint is invisible on a blue button), and that scrolls itself into view
// when it gains focus.
type button struct {
	widget.Button
	focused bool
	// onFocus runs when the button gains focus (the view scrolls it into view).
	onFocus func(fyne.CanvasObject)
	// onEscape runs on Escape while the button has focus.
	onEscape func()
	// tip, when set, shows in tips when the pointer rests on the button
	// and when the keyboard reaches it (an icon-only button's name).
	tip  string
	tips *tipLayer
}

var _ fyne.Focusable = (*button)(nil)

// btn makes b a widget of its own (call once, on a literal).
func btn(b *button) *button {
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter, Return and Space.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() {
			b.Tapped(nil)
		}
	case fyne.KeyEscape:
		if b.onEscape != nil {
			b.onEscape()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// FocusGained draws the focus ring and scrolls the button into view.
func (b *button) FocusGained() {
	b.focused = true
	b.Button.FocusGained()
	b.Refresh()
	if b.onFocus != nil {
		b.onFocus(b)
	}
	if b.tip != "" && b.tips != nil {
		b.tips.schedule(b, b.tip)
	}
}

// FocusLost removes the focus ring.
func (b *button) FocusLost() {
	b.focused = false
	b.Button.FocusLost()
	b.Refresh()
	if b.tips != nil {
		b.tips.cancel(b)
	}
}

// MouseIn shows the tooltip after a rest.
func (b *button) MouseIn(ev *desktop.MouseEvent) {
	b.Button.MouseIn(ev)
	if b.tip != "" && b.tips != nil {
		b.tips.schedule(b, b.tip)
	}
}

// MouseOut hides the tooltip.
func (b *button) MouseOut() {
	b.Button.MouseOut()
	if b.tips != nil && !b.focused {
		b.tips.cancel(b)
	}
}

// CreateRenderer adds the focus ring to the button's own renderer.
func (b *button) CreateRenderer() fyne.WidgetRenderer {
	ring := canvas.NewRectangle(color.Transparent)
	ring.StrokeWidth = 2
	ring.CornerRadius = theme.InputRadiusSize()
	r := &ringRenderer{WidgetRenderer: b.Button.CreateRenderer(), ring: ring, b: b}
	r.update()
	return r
}

type ringRenderer struct {
	fyne.WidgetRenderer
	ring *canvas.Rectangle
	b    *button
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Move(fyne.NewPos(-1, -1))
	r.ring.Resize(size.AddWidthHeight(2, 2))
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(r.WidgetRenderer.Objects(), r.ring)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.update()
}

func (r *ringRenderer) update() {
	c := color.Color(color.Transparent)
	if r.b.focused {
		c = theme.Color(theme.ColorNameForeground)
	}
	r.ring.StrokeColor = c
	r.ring.Refresh()
}

// scrollIntoView scrolls s so o (inside it) is fully visible.
func scrollIntoView(s *container.Scroll, o fyne.CanvasObject) {
	if s == nil || s.Content == nil {
		return
	}
	d := fyne.CurrentApp().Driver()
	top := d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(s.Content).Y
	bottom := top + o.Size().Height
	view := s.Size().Height
	switch {
	case top < s.Offset.Y:
		s.ScrollToOffset(fyne.NewPos(s.Offset.X, top))
	case bottom > s.Offset.Y+view:
		s.ScrollToOffset(fyne.NewPos(s.Offset.X, bottom-view))
	}
}

// keyboard makes each button scroll itself into view inside s (nil: no
// scrolling) when it gains focus, and hand Escape to the window.
func (v *view) keyboard(s *container.Scroll, buttons ...*button) {
	for _, b := range buttons {
		if s != nil {
			b.onFocus = func(o fyne.CanvasObject) { scrollIntoView(s, o) }
		}
		b.onEscape = v.onEscape
	}
}

// track remembers d as the open dialog: Escape dismisses it, and Enter
// (when no control takes it) runs onEnter, its default action (nil: none,
// for the dialogs whose default would destroy something).
//
// Dialogs stack: a dialog opened over another (an error over a form) is
// the one the keys act on until it closes.
func (v *view) track(d dialog.Dialog, onEnter func()) {
	v.modals = append(v.modals, tracked{d, onEnter})
	v.modal, v.modalEnter = d, onEnter
	d.SetOnClosed(func() {
		for i, t := range v.modals {
			if t.d == d {
				v.modals = append(v.modals[:i], v.modals[i+1:]...)
				break
			}
		}
		v.modal, v.modalEnter = nil, nil
		if n := len(v.modals); n > 0 {
			v.modal, v.modalEnter = v.modals[n-1].d, v.modals[n-1].onEnter
		}
	})
}

// tracked is an open dialog and its default action.
type tracked struct {
	d       dialog.Dialog
	onEnter func()
}

// addShortcuts registers the window's keys: Ctrl+1, Ctrl+2 and Ctrl+3 open
// the Connectors, Content bundle and Fleet tabs, Ctrl+Tab and Ctrl+Shift+Tab cycle
// them, and Escape (when no control takes it) cancels a wait.
func (v *view) addShortcuts() {
	if v.win == nil || v.tabs == nil {
		return
	}
	c := v.win.Canvas()
	mod := fyne.KeyModifierShortcutDefault
	for i, key := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3} {
		c.AddShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod}, func(fyne.Shortcut) { v.tabs.SelectIndex(i) })
	}
	next := func(step int) {
		n := len(v.tabs.Items)
		v.tabs.SelectIndex((v.tabs.SelectedIndex() + step + n) % n)
	}
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl}, func(fyne.Shortcut) { next(1) })
	c.AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyTab, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}, func(fyne.Shortcut) { next(-1) })
	c.SetOnTypedKey(v.onTypedKey)
}

// onTypedKey gets the keys no control took: Escape, and Enter for the
// open dialog's default action.
func (v *view) onTypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		v.onEscape()
	case fyne.KeyReturn, fyne.KeyEnter:
		if v.modal != nil && v.modalEnter != nil {
			v.modalEnter()
		}
	}
}

// onEscape closes the open dialog, else any other pop-up over the
// window, else cancels the authorization the window waits for.
func (v *view) onEscape() {
	switch {
	case v.modal != nil:
		v.modal.Dismiss()
	case v.win != nil && v.win.Canvas().Overlays().Top() != nil:
		v.win.Canvas().Overlays().Top().Hide()
	case v.auth.flowCancel != nil:
		v.auth.onCancel()
	}
}

// focus gives o the keyboard focus, in the window (not in a dialog).
func (v *view) focus(o fyne.Focusable) {
	if v.win == nil || o == nil {
		return
	}
	v.win.Canvas().Focus(o)
}

// unfocusHidden takes the focus from a control of a tab no longer shown
// (keys typed would act on a control out of sight); the list keeps it.
func (v *view) unfocusHidden() {
	if v.win == nil {
		return
	}
	c := v.win.Canvas()
	if f := c.Focused(); f != nil && f != fyne.Focusable(v.list.list) && f != fyne.Focusable(v.list.search) && len(c.Overlays().List()) == 0 {
		c.Unfocus()
	}
}

// focusNextStep puts the focus where the selected connector's next step
// is: Authorize (or Sign in again) when it is not signed in, Choose
// content and publish once it is, else the list. At start (onlyIfNone) a
// control the user focused keeps the focus, and a connected connector
// leaves the focus on the list, to choose among the connectors.
func (v *view) focusNextStep(onlyIfNone bool) {
	if v.win == nil || v.auth == nil || (onlyIfNone && v.win.Canvas().Focused() != nil) {
		return
	}
	a := v.auth
	c, stored := v.connectorFor(v.selected)
	var live *connector.Status
	if st, ok := v.status[v.selected]; ok {
		live = &st
	}
	state := connector.StateNotAuthorized
	if stored {
		state = connector.StateOf(c, live)
	}
	switch {
	case state == connector.StateConnected && a.nextStep.Visible() && !a.nextBtn.Disabled():
		if onlyIfNone { // at start: the list, to choose among the connectors
			v.focus(v.list.list)
			return
		}
		v.focus(a.nextBtn)
	case needsSignIn(state) && a.authBtn.Visible() && !a.authBtn.Disabled():
		v.focus(a.authBtn)
	default:
		v.focus(v.list.list)
	}
}

// needsSignIn reports whether a connector in state s waits for a sign-in.
func needsSignIn(s connector.State) bool {
	switch s {
	case connector.StateNotAuthorized, connector.StateNeedsReauth, connector.StateSandboxRefreshed, connector.StateEnvMismatch:
		return true
	}
	return false
}

// focusAtStart gives the first focus once the selected connector's state
// is known: its live status, or no connector at all.
func (v *view) focusAtStart(ev modelEvent) {
	if !v.startFocus {
		return
	}
	switch {
	case ev.Kind == connectorsChanged && len(v.connectors) == 0,
		ev.Kind == statusChanged && ev.Key == v.selected:
		v.startFocus = false
		v.focusNextStep(true)
	}
}
