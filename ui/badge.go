package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tone is the colour family of a badge.
type tone int

const (
	toneNeutral tone = iota // not authorized, checking
	toneGood                // connected
	toneWarn                // needs attention: re-authorize, permission, sandbox refreshed
	toneBad                 // unreachable, keyring error
	toneDanger              // the Production environment: cannot be missed
	toneCalm                // Sandbox
	toneQuiet               // Test
)

// statusBadge is a small filled pill with a short label, coloured by tone.
type statusBadge struct {
	widget.BaseWidget
	text string
	tone tone
}

var _ fyne.Widget = (*statusBadge)(nil)

func newStatusBadge(text string, t tone) *statusBadge {
	b := &statusBadge{text: text, tone: t}
	b.ExtendBaseWidget(b)
	return b
}

// Set changes the label and tone; call it on the UI goroutine.
func (b *statusBadge) Set(text string, t tone) {
	if b.text == text && b.tone == t {
		return
	}
	b.text, b.tone = text, t
	b.Refresh()
}

func (b *statusBadge) colors() (bg, fg fyne.ThemeColorName) {
	switch b.tone {
	case toneGood:
		return theme.ColorNameSuccess, theme.ColorNameForegroundOnSuccess
	case toneWarn:
		return theme.ColorNameWarning, theme.ColorNameForegroundOnWarning
	case toneBad, toneDanger:
		return theme.ColorNameError, theme.ColorNameForegroundOnError
	case toneCalm:
		return theme.ColorNamePrimary, theme.ColorNameForegroundOnPrimary
	case toneQuiet:
		return theme.ColorNameHyperlink, theme.ColorNameForegroundOnPrimary
	}
	return theme.ColorNameDisabledButton, theme.ColorNameForeground
}

func (b *statusBadge) CreateRenderer() fyne.WidgetRenderer {
	r := &badgeRenderer{b: b, bg: canvas.NewRectangle(nil), label: canvas.NewText("", nil)}
	r.label.TextStyle = fyne.TextStyle{Bold: true}
	r.label.Alignment = fyne.TextAlignCenter
	r.update()
	return r
}

type badgeRenderer struct {
	b     *statusBadge
	bg    *canvas.Rectangle
	label *canvas.Text
}

func (r *badgeRenderer) update() {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	bg, fg := r.b.colors()
	r.bg.FillColor = th.Color(bg, v)
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius) * 2
	r.label.Text = r.b.text
	r.label.Color = th.Color(fg, v)
	r.label.TextSize = th.Size(theme.SizeNameCaptionText) + 1
}

func (r *badgeRenderer) padding() fyne.Size {
	p := r.b.Theme().Size(theme.SizeNameInnerPadding)
	return fyne.NewSize(p*1.5, p/2)
}

func (r *badgeRenderer) Layout(size fyne.Size) {
	min := r.MinSize()
	// keep the pill its natural height, centred vertically, full width
	y := (size.Height - min.Height) / 2
	if y < 0 {
		y = 0
	}
	r.bg.Move(fyne.NewPos(0, y))
	r.bg.Resize(fyne.NewSize(size.Width, min.Height))
	pad := r.padding()
	r.label.Move(fyne.NewPos(pad.Width, y+pad.Height))
	r.label.Resize(fyne.NewSize(size.Width-2*pad.Width, min.Height-2*pad.Height))
}

func (r *badgeRenderer) MinSize() fyne.Size {
	pad := r.padding()
	s := r.label.MinSize()
	return fyne.NewSize(s.Width+2*pad.Width, s.Height+2*pad.Height)
}

func (r *badgeRenderer) Refresh() {
	r.update()
	r.Layout(r.b.Size())
	r.bg.Refresh()
	r.label.Refresh()
}

func (r *badgeRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.label} }
func (r *badgeRenderer) Destroy()                     {}
