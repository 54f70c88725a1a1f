package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
)

// rgba builds a colour from 16-bit RGBA components with a new alpha.
func rgba(r, g, b uint32, a uint8) color.Color {
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// setVisible shows or hides o and refreshes it, so its parents lay out
// again (a Container's Show alone leaves it at its old, possibly zero, size).
// It reports whether o's visibility changed.
func setVisible(o fyne.CanvasObject, on bool) bool {
	if on == o.Visible() {
		return false
	}
	if on {
		o.Show()
	} else {
		o.Hide()
	}
	o.Refresh()
	return true
}
