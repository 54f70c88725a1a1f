package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/connectors-app/connectors/connector"
)

// scenarioText is the menu label of a demo scenario.
func scenarioText(name string) string {
	switch name {
	case "normal":
		return lang.L("Start: not signed in")
	case "connected":
		return lang.L("Signed in")
	case "many":
		return lang.L("20 connectors")
	case "permission-missing":
		return stateText(connector.StatePermissionMissing)
	case "api-disabled":
		return lang.L("API disabled")
	case "needs-reauth":
		return stateText(connector.StateNeedsReauth)
	case "production":
		return lang.L("Production org")
	case "unreachable":
		return stateText(connector.StateUnreachable)
	case "teammate":
		return lang.L("Published by a teammate")
	case "changed-outside":
		return lang.L("Changed outside Connectors")
	case "fleet":
		return lang.L("Fleet of 20 client orgs")
	case "fleet-200":
		return lang.L("Fleet of 200 client orgs")
	}
	return name
}

// widestText is the width the longest of texts takes in a control's
// label (a Select's value: it truncates anything wider than its MinSize).
func widestText(texts []string) float32 {
	var w float32
	for _, t := range texts {
		w = max(w, fyne.MeasureText(t, theme.TextSize(), fyne.TextStyle{}).Width)
	}
	return w
}

// scenarioMenu lets support staff and trainers put the demo in each state.
func (v *view) scenarioMenu() fyne.CanvasObject {
	d := v.deps.Demo
	opts := make([]string, len(d.Scenarios))
	current := 0
	for i, s := range d.Scenarios {
		opts[i] = scenarioText(s)
		if s == d.Scenario {
			current = i
		}
	}
	sel := widget.NewSelect(opts, nil)
	sel.SetSelectedIndex(current)
	sel.OnChanged = func(string) {
		if i := sel.SelectedIndex(); i >= 0 && d.Scenarios[i] != d.Scenario {
			v.setScenario(d.Scenarios[i])
		}
	}
	v.scenarioSel = sel
	// the menu is as wide as its longest choice (a Select alone is cut to
	// "Autorisatio…"): text, the drop-down icon and the paddings
	width := widestText(opts) + theme.IconInlineSize() + 4*theme.InnerPadding()
	return container.NewHBox(&widget.Label{Text: lang.L("Show:")},
		container.New(layout.NewGridWrapLayout(fyne.NewSize(width, sel.MinSize().Height)), sel))
}

// setScenario puts the demo in the named state in the background, then
// selects the connector that shows it and checks every connector.
func (v *view) setScenario(name string) {
	d := v.deps.Demo
	d.Scenario = name
	v.goWork(func(ctx context.Context) {
		k, err := d.SetScenario(ctx, name)
		v.do(func() {
			if err != nil {
				v.noteError(err)
				v.showError(lang.L("Couldn't set up the demo"), err)
			}
			if k.System != "" {
				v.selected = k
				v.picked = true
			}
			v.reload(true)
		})
	})
}
