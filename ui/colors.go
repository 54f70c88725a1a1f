package ui

import "image/color"

// rgba builds a colour from 16-bit RGBA components with a new alpha.
func rgba(r, g, b uint32, a uint8) color.Color {
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}
