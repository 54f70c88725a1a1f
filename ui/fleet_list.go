package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// fleetList is the Fleet tab's table: a list of rows in four columns that
// the keyboard drives on its own terms. Up and Down (Home, End, Page Up,
// Page Down) move a ring that can be seen, Enter or Space shows the row in
// full; Fyne's own focus tint is too faint to find on a long list.
type fleetList struct {
	widget.List
	f     *fleetScreen
	focus int // the row with the ring, an index into f.shown
	// selected is the highlighted row (an index into f.shown; -1: none)
	selected int
	focused  bool
	rows     map[fyne.CanvasObject]*fleetRowUI
}

// fleetRowUI is one row's widgets.
type fleetRowUI struct {
	ring    *canvas.Rectangle
	name    *widget.Label
	org     *widget.Label
	prod    *statusBadge
	state   *statusBadge
	version *widget.Label
	detail  *widget.Label
}

var _ fyne.Focusable = (*fleetList)(nil)

func newFleetList(f *fleetScreen) *fleetList {
	l := &fleetList{f: f, rows: map[fyne.CanvasObject]*fleetRowUI{}, selected: -1}
	l.OnUnselected = func(widget.ListItemID) { l.selected = -1 }
	l.Length = func() int { return len(f.shown) }
	l.CreateItem = l.createRow
	l.UpdateItem = l.updateRow
	l.OnSelected = func(id widget.ListItemID) {
		l.selected = id
		if id != l.focus {
			old := l.focus
			l.focus = id
			l.RefreshItem(old)
			l.RefreshItem(id)
		}
		f.selectShown(id)
	}
	l.ExtendBaseWidget(l)
	return l
}

func (l *fleetList) createRow() fyne.CanvasObject {
	r := &fleetRowUI{
		ring:    canvas.NewRectangle(color.Transparent),
		name:    &widget.Label{TextStyle: fyne.TextStyle{Bold: true}, Truncation: fyne.TextTruncateEllipsis},
		org:     &widget.Label{SizeName: theme.SizeNameCaptionText, Truncation: fyne.TextTruncateEllipsis},
		prod:    newStatusBadge(strings.ToUpper(envText(connector.Production)), toneDanger),
		state:   newStatusBadge("", toneNeutral),
		version: &widget.Label{Truncation: fyne.TextTruncateEllipsis},
		detail:  &widget.Label{SizeName: theme.SizeNameCaptionText, Truncation: fyne.TextTruncateEllipsis},
	}
	r.ring.StrokeWidth = 2
	r.ring.CornerRadius = theme.InputRadiusSize()
	cols := container.New(newFleetColumns(),
		container.New(&tightVBox{}, r.name, r.org), r.prod, r.state, container.New(&tightVBox{}, r.version, r.detail))
	c := container.NewStack(r.ring, cols)
	l.rows[c] = r
	return c
}

func (l *fleetList) updateRow(id widget.ListItemID, obj fyne.CanvasObject) {
	r := l.rows[obj]
	if r == nil || id < 0 || id >= len(l.f.shown) {
		return
	}
	it := &l.f.items[l.f.shown[id]]
	setLabel(r.name, it.name)
	setLabel(r.org, it.org)
	env, t := strings.ToUpper(envText(connector.Production)), toneDanger
	if !it.row.Production {
		env, t = envText(it.row.Key.Environment), toneNeutral // only production stands out
	}
	if r.prod.text != env || r.prod.tone != t {
		r.prod.Set(env, t)
	}
	if r.state.text != it.state || r.state.tone != it.tone {
		r.state.Set(it.state, it.tone)
	}
	setLabel(r.version, it.version)
	setLabel(r.detail, it.detail)
	ring := color.Color(color.Transparent)
	if l.focused && id == l.focus {
		ring = theme.Color(theme.ColorNameForeground)
	}
	if r.ring.StrokeColor != ring {
		r.ring.StrokeColor = ring
		r.ring.Refresh()
	}
}

// FocusGained shows the ring on the focused row (not Fyne's tint).
func (l *fleetList) FocusGained() {
	l.focused = true
	l.RefreshItem(l.focus)
}

// FocusLost hides the ring.
func (l *fleetList) FocusLost() {
	l.focused = false
	l.RefreshItem(l.focus)
}

// TypedKey moves the ring, or shows the ringed row in full.
func (l *fleetList) TypedKey(ev *fyne.KeyEvent) {
	n := len(l.f.shown)
	if n == 0 {
		return
	}
	if ev.Name == fyne.KeySpace || ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		l.Select(l.focus)
		return
	}
	to, ok := ringMove(ev.Name, l.focus, n, l.pageRows())
	if !ok {
		return
	}
	if to == l.focus {
		return
	}
	old := l.focus
	l.focus = to
	l.RefreshItem(old)
	l.RefreshItem(to)
	l.ScrollTo(to)
}

// TypedRune: typing is for the search box.
func (l *fleetList) TypedRune(rune) {}

// pageRows is how many rows a page holds.
func (l *fleetList) pageRows() int {
	h := l.Size().Height
	row := l.CreateItem().MinSize().Height + theme.SeparatorThicknessSize()
	if row <= 0 {
		return 1
	}
	return max(int(h/row)-1, 1)
}

// emptyText is what the table says when it has no row to show.
func (f *fleetScreen) emptyText() string {
	switch {
	case len(f.items) == 0 || len(f.shown) > 0:
		return ""
	case f.query != "":
		return lang.L("No connector or org matches “{{.Query}}”.", map[string]any{"Query": f.search.Text})
	}
	return lang.L("No connector in this state.")
}
