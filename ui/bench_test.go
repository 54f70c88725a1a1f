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
