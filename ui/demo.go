package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
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
	}
	return name
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
	return container.NewHBox(&widget.Label{Text: lang.L("Show:")}, sel)
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
