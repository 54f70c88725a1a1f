package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/connectors-app/connectors/connector"
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
