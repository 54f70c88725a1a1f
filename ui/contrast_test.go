package ui

import (
	"image/color"
	"sort"
	"strconv"
	"testing"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/assert"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// variantTheme is the app theme pinned to one variant.
type variantTheme struct {
	fyne.Theme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.v)
}

// onColour names the colours text is drawn on something other than the
// window background (badges, buttons), and disabled text, which WCAG exempts.
func onColour(th fyne.Theme, v fyne.ThemeVariant, c color.Color) bool {
	same := func(n fyne.ThemeColorName) bool {
		a, b := color.NRGBAModel.Convert(c), color.NRGBAModel.Convert(th.Color(n, v))
		return a == b
	}
	for _, n := range []fyne.ThemeColorName{
		theme.ColorNameForegroundOnPrimary, theme.ColorNameForegroundOnError, theme.ColorNameForegroundOnWarning,
		theme.ColorNameForegroundOnSuccess, theme.ColorNamePlaceHolder,
	} {
		if same(n) && !same(theme.ColorNameForeground) {
			return true
		}
	}
	return false
}

// TestTextContrast measures every visible text of the window (the hint
// card on first run, an authorization error with its fix, the permission
// check with its fix) against the background, in the light and the dark
// variant of the app theme: each is at least 4.5:1. Fix lines used to be
// the disabled colour: 1.55:1 on the dark background, 1.28:1 on the light.
func TestTextContrast(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	screens := map[string]func(){
		"first run": func() {},
		"error":     func() { h.authorize(false) },
		"permission missing": func() {
			h.org.SetCustomizeApplication(false)
			h.authorize(true)
		},
	}
	screens["publish failed"] = func() {
		h.v.tabs.SelectIndex(1)
		rec := &recordingBackend{backend: h.v.svc, results: func(_ int, keys []connector.Key) []service.PublishResult {
			return []service.PublishResult{{Key: keys[0], Outcome: service.OutcomeFailed,
				Problem: &connector.Problem{Code: connector.CodeUnreachable, Message: "Salesforce can't be reached.", Fix: "Check your network and try again."}}}
		}}
		h.v.svc = rec
		h.ui(func() { test.Tap(h.v.pub.publishBtn) })
		h.waitIdle()
		h.v.svc = rec.backend
	}
	names := []string{"first run", "error", "permission missing", "publish failed"}
	for _, name := range names {
		screens[name]()
		for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
			th := variantTheme{Theme(), v}
			bg := th.Color(theme.ColorNameBackground, v)
			ratios := map[string]float64{}
			h.ui(func() {
				test.ApplyTheme(t, th)
				for _, txt := range visibleTexts(h.w.Content()) {
					if txt.Text == "" || onColour(th, v, txt.Color) {
						continue
					}
					r := contrastRatio(txt.Color, bg)
					ratios[txt.Text] = r
					assert.GreaterOrEqual(t, r, 4.5, "%s, variant %d: %q", name, v, txt.Text)
				}
			})
			lowest, at := 21.0, ""
			for text, r := range ratios {
				if r < lowest {
					lowest, at = r, text
				}
			}
			t.Logf("%-18s variant %d: %d texts, lowest %.2f:1 (%q)", name, v, len(ratios), lowest, at)
		}
	}
	// The colours themselves, for the record.
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th := Theme()
		bg := th.Color(theme.ColorNameBackground, v)
		var lines []string
		for _, n := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameError, theme.ColorNameWarning, theme.ColorNameSuccess} {
			lines = append(lines, string(n)+" "+ratioText(contrastRatio(th.Color(n, v), bg)))
		}
		for _, p := range [][2]fyne.ThemeColorName{
			{theme.ColorNameForegroundOnError, theme.ColorNameError},
			{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
			{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
			{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
		} {
			lines = append(lines, "badge "+string(p[1])+" "+ratioText(contrastRatio(th.Color(p[0], v), th.Color(p[1], v))))
		}
		sort.Strings(lines)
		t.Logf("variant %d: %v", v, lines)
	}
}

func ratioText(r float64) string {
	return strconvFloat(r) + ":1"
}

func strconvFloat(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// visibleTexts are the texts drawn on screen: hidden objects and their
// children, and disabled controls, are skipped.
func visibleTexts(o fyne.CanvasObject) []*canvas.Text {
	if o == nil || !o.Visible() {
		return nil
	}
	switch x := o.(type) {
	case *canvas.Text:
		return []*canvas.Text{x}
	case *fyne.Container:
		var out []*canvas.Text
		for _, c := range x.Objects {
			out = append(out, visibleTexts(c)...)
		}
		return out
	case fyne.Widget:
		if d, ok := x.(fyne.Disableable); ok && d.Disabled() {
			return nil // WCAG exempts disabled controls
		}
		var out []*canvas.Text
		for _, c := range test.WidgetRenderer(x).Objects() {
			out = append(out, visibleTexts(c)...)
		}
		return out
	}
	return nil
}
