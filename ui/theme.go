package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is the app's theme: Fyne's default with the status colours of the
// light variant darkened, so red, orange and green text (errors, warnings,
// results) reads at a contrast of at least 4.5:1 on the background, and
// white text on those colours (badges) does too. main sets it.
func Theme() fyne.Theme { return appTheme{theme.DefaultTheme()} }

type appTheme struct{ fyne.Theme }

// Light-variant status colours (Material 800 shades) and the primary blue.
var (
	primary      = color.NRGBA{R: 0x25, G: 0x63, B: 0xeb, A: 0xff}
	darkPrimary  = color.NRGBA{R: 0x5b, G: 0x9b, B: 0xff, A: 0xff}
	lightError   = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	lightWarning = color.NRGBA{R: 0xa8, G: 0x4f, B: 0x00, A: 0xff}
	lightSuccess = color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
)

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if n == theme.ColorNameFocus {
		// Fyne's focus tint is the primary blue: on a blue button (the file
		// dialog's Open) it cannot be seen. A shade of the text colour can.
		r, g, b, _ := t.Color(theme.ColorNameForeground, v).RGBA()
		return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: 0x66}
	}
	if v != theme.VariantLight {
		// Dark: the primary blue is text too (the selected tab), so it is
		// light, and what is drawn on it (buttons, badges) is dark.
		switch n {
		case theme.ColorNamePrimary:
			return darkPrimary
		case theme.ColorNameForegroundOnPrimary:
			return color.Black
		}
		return t.Theme.Color(n, v)
	}
	if n == theme.ColorNamePrimary { // white on it (buttons, the Sandbox badge) reads at 5.2:1
		return primary
	}
	{
		switch n {
		case theme.ColorNameError:
			return lightError
		case theme.ColorNameWarning:
			return lightWarning
		case theme.ColorNameSuccess:
			return lightSuccess
		case theme.ColorNameForegroundOnError, theme.ColorNameForegroundOnWarning, theme.ColorNameForegroundOnSuccess:
			return color.White
		}
	}
	return t.Theme.Color(n, v)
}

// contrastRatio is the WCAG 2 contrast ratio of two colours (1 to 21).
func contrastRatio(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the WCAG relative luminance of an opaque colour.
func luminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	ch := func(v uint8) float64 {
		x := float64(v) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(n.R) + 0.7152*ch(n.G) + 0.0722*ch(n.B)
}
