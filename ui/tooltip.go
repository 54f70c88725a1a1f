package ui

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tipDelay is how long the pointer rests on a label before its tooltip shows.
const tipDelay = 450 * time.Millisecond

// tipLayer draws tooltips above the window's content. It is a plain
// container stacked on top of everything: it implements no input
// interface, so taps and hovers reach the widgets below it (a pop-up would
// catch the pointer and make the tooltip flicker).
type tipLayer struct {
	root  *fyne.Container // the layer, stacked above the content
	card  *fyne.Container // background + text, moved where needed
	bg    *canvas.Rectangle
	text  *widget.Label
	mu    sync.Mutex
	timer *time.Timer
	owner fyne.CanvasObject // the label whose tip shows or is pending
	// do runs a change on the UI goroutine (the view's do, which also
	// serialises it with other workers' updates); nil means fyne.Do.
	do func(func())
}

func newTipLayer() *tipLayer {
	t := &tipLayer{
		bg:   canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground)),
		text: &widget.Label{Wrapping: fyne.TextWrapOff},
	}
	t.bg.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	t.bg.StrokeWidth = 1
	t.bg.CornerRadius = theme.InputRadiusSize()
	t.card = container.NewStack(t.bg, t.text)
	t.card.Hide()
	t.root = container.NewWithoutLayout(t.card)
	return t
}

// wrap stacks the layer above content.
func (t *tipLayer) wrap(content fyne.CanvasObject) fyne.CanvasObject {
	return container.NewStack(content, t.root)
}

// schedule shows text for owner after tipDelay, unless cancel comes first.
func (t *tipLayer) schedule(owner fyne.CanvasObject, text string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.timer != nil {
		t.timer.Stop()
	}
	t.owner = owner
	do := t.do
	if do == nil {
		do = fyne.Do
	}
	t.timer = time.AfterFunc(tipDelay, func() {
		do(func() { t.show(owner, text) })
	})
}

// show places the tip just below owner, inside the window.
func (t *tipLayer) show(owner fyne.CanvasObject, text string) {
	t.mu.Lock()
	current := t.owner == owner
	t.mu.Unlock()
	if !current || text == "" {
		return
	}
	d := fyne.CurrentApp().Driver()
	pos := d.AbsolutePositionForObject(owner).Subtract(d.AbsolutePositionForObject(t.root))
	t.text.SetText(text)
	size := t.card.MinSize()
	pos = pos.Add(fyne.NewPos(0, owner.Size().Height))
	if area := t.root.Size(); area.Width > 0 {
		pos.X = max(0, min(pos.X, area.Width-size.Width))
		if pos.Y+size.Height > area.Height { // no room below: above it
			pos.Y = max(0, pos.Y-owner.Size().Height-size.Height)
		}
	}
	t.card.Resize(size)
	t.card.Move(pos)
	t.card.Show()
	t.root.Refresh()
}

// cancel hides owner's tip (shown or pending).
func (t *tipLayer) cancel(owner fyne.CanvasObject) {
	t.mu.Lock()
	if t.owner != owner {
		t.mu.Unlock()
		return
	}
	if t.timer != nil {
		t.timer.Stop()
	}
	t.owner = nil
	t.mu.Unlock()
	t.card.Hide()
	t.root.Refresh()
}

// tipLabel is a label that shows its tooltip (the full text it may cut off)
// when the pointer rests on it.
type tipLabel struct {
	widget.Label
	tip    string
	layer  *tipLayer
	inside bool
}

var _ desktop.Hoverable = (*tipLabel)(nil)

func newTipLabel(style fyne.TextStyle, size fyne.ThemeSizeName, layer *tipLayer) *tipLabel {
	t := &tipLabel{layer: layer}
	t.TextStyle, t.SizeName, t.Truncation = style, size, fyne.TextTruncateEllipsis
	t.ExtendBaseWidget(t)
	return t
}

// SetTip sets the tooltip text ("" for none).
func (t *tipLabel) SetTip(tip string) { t.tip = tip }

// MouseIn schedules the tooltip.
func (t *tipLabel) MouseIn(*desktop.MouseEvent) {
	t.inside = true
	if t.layer != nil && t.tip != "" {
		t.layer.schedule(t, t.tip)
	}
}

// MouseMoved keeps it.
func (t *tipLabel) MouseMoved(*desktop.MouseEvent) {}

// MouseOut hides it.
func (t *tipLabel) MouseOut() {
	t.inside = false
	if t.layer != nil {
		t.layer.cancel(t)
	}
}
