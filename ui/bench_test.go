package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/service"
)

// BenchmarkStatusLanding measures the UI-goroutine cost of one status
// result landing (the work fyne.Do runs per row) with 300 connectors in the
// list: it must stay far below a frame (16 ms) so background checks never
// make the window stutter.
func BenchmarkStatusLanding(b *testing.B) {
	a := test.NewTempApp(b)
	v := newView(a, nil, Deps{StatusInterval: -1})
	w := test.NewTempWindow(b, v.build())
	v.win = w
	w.Resize(fyne.NewSize(1000, 700))
	var list []connector.Connector
	for i := range 100 {
		for _, env := range connector.Environments {
			list = append(list, connector.Connector{System: fmt.Sprintf("System %03d", i), Environment: env})
		}
	}
	v.setConnectors(list)
	states := []connector.State{connector.StateConnected, connector.StateUnreachable, connector.StateNeedsReauth}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := list[i%len(list)].Key()
		v.setStatus(connector.Status{Key: k, State: states[i%len(states)]})
	}
}

// BenchmarkSetConnectors measures re-listing 300 connectors (after a reload).
func BenchmarkSetConnectors(b *testing.B) {
	a := test.NewTempApp(b)
	v := newView(a, nil, Deps{StatusInterval: -1})
	w := test.NewTempWindow(b, v.build())
	v.win = w
	w.Resize(fyne.NewSize(1000, 700))
	var list []connector.Connector
	for i := range 100 {
		for _, env := range connector.Environments {
			list = append(list, connector.Connector{System: fmt.Sprintf("System %03d", i), Environment: env})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v.setConnectors(list)
	}
}

// manyConnectors is n connectors, every tenth a production org, each with
// an org name, as a consultant with n orgs would have.
func manyConnectors(n int) []connector.Connector {
	list := make([]connector.Connector, n)
	for i := range list {
		env := connector.Sandbox
		if i%10 == 0 {
			env = connector.Production
		}
		list[i] = connector.Connector{
			ID: fmt.Sprintf("id%03d", i), System: fmt.Sprintf("Client %03d", i), Environment: env,
			Org: &connector.OrgInfo{OrgID: fmt.Sprintf("00D%015d", i), OrgName: fmt.Sprintf("Client %03d Corp", i), IsSandbox: env != connector.Production},
		}
	}
	return list
}

// BenchmarkSearchKeystroke measures one keystroke in the search box with
// 100 connectors: filtering, regrouping and redrawing the list, on the UI
// goroutine. It must stay under a frame (16 ms).
func BenchmarkSearchKeystroke(b *testing.B) {
	a := test.NewTempApp(b)
	v := newView(a, nil, Deps{StatusInterval: -1})
	w := test.NewTempWindow(b, v.build())
	v.win = w
	w.Resize(fyne.NewSize(1000, 700))
	v.setConnectors(manyConnectors(100))
	queries := []string{"c", "cl", "cli", "client 0", "client 04", "corp", ""}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		v.list.search.SetText(queries[i%len(queries)]) // OnChanged runs the filter
	}
}

// BenchmarkStatusUpdate100 measures one status result landing with 100
// connectors (the row, its badge and, for the selected one, the card).
func BenchmarkStatusUpdate100(b *testing.B) {
	a := test.NewTempApp(b)
	v := newView(a, nil, Deps{StatusInterval: -1})
	w := test.NewTempWindow(b, v.build())
	v.win = w
	w.Resize(fyne.NewSize(1000, 700))
	list := manyConnectors(100)
	v.setConnectors(list)
	states := []connector.State{connector.StateConnected, connector.StateUnreachable, connector.StateNeedsReauth}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := list[i%len(list)].Key()
		v.setStatus(connector.Status{Key: k, State: states[i%len(states)]})
	}
}

// fleetBench is the Fleet tab, shown, with a check of n orgs landed: every
// state, a production org every tenth, each with its org's version.
func fleetBench(b *testing.B, n int) (*view, []service.FleetRow) {
	a := test.NewTempApp(b)
	v := newView(a, nil, Deps{StatusInterval: -1})
	w := test.NewTempWindow(b, v.build())
	v.win = w
	w.Resize(fyne.NewSize(1000, 700))
	list := manyConnectors(n)
	v.setConnectors(list)
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	rows := make([]service.FleetRow, n)
	for i, c := range list {
		st := connector.FleetStates[i%len(connector.FleetStates)]
		rows[i] = service.FleetRow{Key: c.Key(), Connector: c.Key().String(), State: st, Org: c.Org, Production: c.IsProductionTarget(), Resource: connector.DefaultResourceName}
		switch st {
		case connector.FleetNeedsAuthorization, connector.FleetUnreachable:
			rows[i].Problem = &connector.Problem{Code: connector.CodeTimeout, Message: "The org did not answer in time.", Fix: "Try again."}
		case connector.FleetAbsent:
			rows[i].Version = &connector.OrgVersion{Provenance: connector.ProvAbsent}
		default:
			rows[i].Version = &connector.OrgVersion{Provenance: connector.ProvConnectors, Fingerprint: fmt.Sprintf("sha256:%064x", i),
				PublishedAt: at.Add(time.Duration(i) * time.Minute), Publisher: "ci@example.com", AppVersion: "1.4.0", LastModifiedDate: at}
		}
	}
	v.tabs.SelectIndex(2)
	v.fleet.setRows(rows)
	return v, rows
}

// BenchmarkFleetSearchKeystroke200 measures one keystroke in the Fleet
// tab's search with 200 orgs: filtering, sorting and redrawing the table on
// the UI goroutine. It must stay under a frame (16 ms).
func BenchmarkFleetSearchKeystroke200(b *testing.B) {
	v, _ := fleetBench(b, 200)
	queries := []string{"c", "cl", "cli", "client 0", "client 04", "corp", "behind", ""}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		v.fleet.search.SetText(queries[i%len(queries)]) // OnChanged runs the filter
	}
}

// BenchmarkFleetRefresh200 measures a fleet check of 200 orgs landing:
// the rows' texts, the changes since the last check, the counts, the
// filter's options and the table, on the UI goroutine (the reading itself
// runs off it). It must stay under a frame (16 ms).
func BenchmarkFleetRefresh200(b *testing.B) {
	v, rows := fleetBench(b, 200)
	fp := "sha256:" + fmt.Sprintf("%064x", 0)
	v.fleet.bundleFP = fp
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		v.fleet.applyCheck(fp, rows)
	}
}
