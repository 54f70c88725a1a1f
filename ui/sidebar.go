package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ringMove is where a key moves a list's focus ring: Up and Down one row,
// Home and End the ends, Page Up and Page Down a page; ok is false for
// any other key. The result is within [0, n).
func ringMove(key fyne.KeyName, focus, n, page int) (to int, ok bool) {
	switch key {
	case fyne.KeyDown:
		to = focus + 1
	case fyne.KeyUp:
		to = focus - 1
	case fyne.KeyHome:
		to = 0
	case fyne.KeyEnd:
		to = n - 1
	case fyne.KeyPageDown:
		to = focus + page
	case fyne.KeyPageUp:
		to = focus - page
	default:
		return focus, false
	}
	return min(max(to, 0), n-1), true
}

// connList is the sidebar's list, driven by the keyboard on its own terms
// (like the Fleet tab's table): Up and Down (Home, End, Page Up, Page Down)
// move a ring that can be seen over the connectors (group headers are
// skipped), the list scrolls to it, Enter shows the ringed connector in the
// Connectors tab, and Space ticks or unticks it. The rows' tick boxes take
// no focus of their own: the list is one stop in the Tab order, however
// many rows it has.
type connList struct {
	widget.List
	l       *listScreen
	focus   int // the connector with the ring: an index into l.shown
	focused bool
}

var _ fyne.Focusable = (*connList)(nil)

func newConnList(l *listScreen) *connList {
	c := &connList{l: l}
	c.Length = func() int { return len(l.items) }
	c.CreateItem = l.createRow
	c.UpdateItem = l.updateRow
	c.OnSelected = l.onSelected
	c.ExtendBaseWidget(c)
	return c
}

// FocusGained shows the ring on the focused row (not Fyne's faint tint).
func (c *connList) FocusGained() {
	c.focused = true
	c.focus = min(max(c.focus, 0), max(len(c.l.shown)-1, 0))
	c.refreshFocus(c.focus)
	c.reveal(c.focus)
}

// FocusLost hides the ring.
func (c *connList) FocusLost() {
	c.focused = false
	c.refreshFocus(c.focus)
}

// TypedKey moves the ring, shows the ringed connector (Enter) or ticks it
// (Space); Escape goes to the window.
func (c *connList) TypedKey(ev *fyne.KeyEvent) {
	n := len(c.l.shown)
	switch ev.Name {
	case fyne.KeyEscape:
		if c.l.act.escape != nil {
			c.l.act.escape()
		}
		return
	case fyne.KeyReturn, fyne.KeyEnter:
		if n > 0 {
			c.l.openShown(c.focus)
		}
		return
	case fyne.KeySpace:
		if n > 0 {
			c.l.toggleShown(c.focus)
		}
		return
	}
	if n == 0 {
		return
	}
	to, ok := ringMove(ev.Name, c.focus, n, c.pageRows())
	if !ok || to == c.focus {
		return
	}
	c.setFocus(to)
}

// TypedRune: typing is for the search box.
func (c *connList) TypedRune(rune) {}

// setFocus moves the ring to the i-th connector shown and scrolls to it.
func (c *connList) setFocus(i int) {
	old := c.focus
	c.focus = i
	c.refreshFocus(old)
	c.refreshFocus(i)
	c.reveal(i)
}

// refreshFocus redraws the i-th connector's row.
func (c *connList) refreshFocus(i int) {
	if it := c.l.itemOf(i); it >= 0 {
		c.RefreshItem(it)
	}
}

// reveal scrolls the list so the i-th connector's row shows in full (with
// the header above the first row of a group).
func (c *connList) reveal(i int) {
	it := c.l.itemOf(i)
	if it < 0 {
		return
	}
	if it > 0 && c.l.items[it-1].header != "" {
		c.ScrollTo(it - 1)
	}
	c.ScrollTo(it)
}

// pageRows is how many rows a page holds.
func (c *connList) pageRows() int {
	row := c.l.rowHeight() + theme.Padding()
	if row <= 0 {
		return 1
	}
	return max(int(c.Size().Height/row)-1, 1)
}

// tickBox is a row's tick: a box the pointer ticks, and that takes no
// focus (the keyboard ticks the ringed row with Space).
type tickBox struct {
	widget.BaseWidget
	icon  *widget.Icon
	on    bool
	onTap func()
}

func newTickBox() *tickBox {
	t := &tickBox{icon: widget.NewIcon(theme.CheckButtonIcon())}
	t.ExtendBaseWidget(t)
	return t
}

// Set shows on (ticked) or off.
func (t *tickBox) Set(on bool) {
	if t.on == on {
		return
	}
	t.on = on
	res := theme.CheckButtonIcon()
	if on {
		res = theme.CheckButtonCheckedIcon()
	}
	t.icon.SetResource(res)
}

// Tapped ticks or unticks.
func (t *tickBox) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap()
	}
}

// MinSize is an icon's, with room around it.
func (t *tickBox) MinSize() fyne.Size {
	return fyne.NewSquareSize(theme.IconInlineSize() + 2*theme.InnerPadding())
}

func (t *tickBox) CreateRenderer() fyne.WidgetRenderer {
	return &tickRenderer{t: t}
}

type tickRenderer struct{ t *tickBox }

func (r *tickRenderer) Layout(s fyne.Size) {
	is := theme.IconInlineSize()
	r.t.icon.Resize(fyne.NewSquareSize(is))
	r.t.icon.Move(fyne.NewPos((s.Width-is)/2, (s.Height-is)/2))
}
func (r *tickRenderer) MinSize() fyne.Size           { return r.t.MinSize() }
func (r *tickRenderer) Refresh()                     { r.t.icon.Refresh() }
func (r *tickRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.t.icon} }
func (r *tickRenderer) Destroy()                     {}

// newRing is the focus ring drawn around a row.
func newRing() *canvas.Rectangle {
	r := canvas.NewRectangle(color.Transparent)
	r.StrokeWidth = 2
	r.CornerRadius = theme.InputRadiusSize()
	return r
}
