package ui

// The system tray (desktop apps): a status summary, "Publish again" for
// the last bundle, and a notification when a watched publish fails.

import (
	"strings"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/connectors-app/connectors/connector"
)

// trayUI is the tray menu and what "Publish again" publishes to.
type trayUI struct {
	menu    *fyne.Menu
	summary *fyne.MenuItem
	again   *fyne.MenuItem
	fleet   *fyne.MenuItem // the Fleet tab's watch summary, when on
	keys    []connector.Key
}

// setupTray installs the tray menu when the app runs on a desktop.
func (s *publishScreen) setupTray() {
	s.tray.summary = fyne.NewMenuItem(s.traySummary(), nil)
	s.tray.summary.Disabled = true
	s.tray.again = fyne.NewMenuItem(lang.L("Publish again"), func() { s.act.do(s.publishAgain) })
	s.tray.again.Disabled = true
	s.tray.fleet = fyne.NewMenuItem("", nil)
	s.tray.fleet.Disabled = true
	s.tray.menu = fyne.NewMenu("Connectors", s.tray.summary, s.tray.again)
	s.act.setTray(s.tray.menu)
}

// traySummary is "All connected" or "N need attention", from the same
// rule as the list (connector.StateOf).
func (s *publishScreen) traySummary() string {
	n := 0
	for _, c := range s.m.connectors {
		var live *connector.Status
		if st, ok := s.m.status[c.Key()]; ok {
			live = &st
		}
		if connector.StateOf(c, live) != connector.StateConnected {
			n++
		}
	}
	switch {
	case len(s.m.connectors) == 0:
		return lang.L("No connectors yet")
	case n == 0:
		return lang.L("All connected")
	}
	return lang.L("{{.Count}} need attention", map[string]any{"Count": n})
}

// refreshTray updates the summary and "Publish again".
func (s *publishScreen) refreshTray() {
	if s.tray.menu == nil {
		return
	}
	s.tray.summary.Label = s.traySummary()
	s.tray.again.Disabled = s.running || s.bundle == nil || len(s.tray.keys) == 0
	s.tray.menu.Refresh()
}

// setFleetTray shows the Fleet tab's watch summary in the tray ("": none).
func (s *publishScreen) setFleetTray(summary string) {
	if s.tray.menu == nil {
		return
	}
	s.tray.fleet.Label = summary
	items := []*fyne.MenuItem{s.tray.summary}
	if summary != "" {
		items = append(items, s.tray.fleet)
	}
	s.tray.menu.Items = append(items, s.tray.again)
	s.tray.menu.Refresh()
}

// trayPublished remembers the targets of the last publish.
func (s *publishScreen) trayPublished(results []service.PublishResult) {
	keys := make([]connector.Key, 0, len(results))
	for _, r := range results {
		if r.Key != (connector.Key{}) {
			keys = append(keys, r.Key)
		}
	}
	if len(keys) > 0 {
		s.tray.keys = keys
	}
	s.refreshTray()
}

// publishAgain publishes the current bundle to the last targets again
// (production targets are confirmed as always).
func (s *publishScreen) publishAgain() {
	if len(s.tray.keys) == 0 {
		return
	}
	s.act.showWindow()
	s.publishTo(append([]connector.Key(nil), s.tray.keys...))
}

// notifyWatchFailed raises a notification for a failed watched publish.
func (s *publishScreen) notifyWatchFailed(e service.WatchEvent) {
	var names []string
	for _, r := range e.Results {
		if r.Outcome == service.OutcomeFailed {
			names = append(names, keyText(r.Key))
		}
	}
	s.act.notify(fyne.NewNotification(lang.L("Publish on change failed"),
		lang.L("The publish to {{.Targets}} failed. Open Connectors to see why.", map[string]any{"Targets": strings.Join(names, ", ")})))
}
