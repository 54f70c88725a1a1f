package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/connectors-app/connectors/connector"
)

// TestModelNotifies: every change of the model reaches its listeners, with
// the key for a status; ticks of connectors that are gone are dropped.
func TestModelNotifies(t *testing.T) {
	m := newModel()
	var got []modelEvent
	m.listen(func(ev modelEvent) { got = append(got, ev) })
	a := connector.Connector{System: "A", Environment: connector.Sandbox}
	b := connector.Connector{System: "B", Environment: connector.Production}

	m.replaceConnectors([]connector.Connector{a, b})
	m.tick(a.Key(), true)
	m.tick(a.Key(), true) // no change, no event
	m.choose(b.Key())
	m.putStatus(connector.Status{Key: b.Key(), State: connector.StateConnected})
	m.replaceConnectors([]connector.Connector{b})

	assert.Equal(t, []modelEvent{
		{Kind: connectorsChanged},
		{Kind: ticksChanged},
		{Kind: selectionChanged},
		{Kind: statusChanged, Key: b.Key()},
		{Kind: connectorsChanged},
	}, got)
	assert.Empty(t, m.tickedKeys(), "A is gone, and its tick with it")

	m.rekey(b.Key(), connector.Key{System: "C", Environment: connector.Production})
	assert.Equal(t, connector.StateConnected, m.status[connector.Key{System: "C", Environment: connector.Production}].State)
	_, stale := m.status[b.Key()]
	assert.False(t, stale)
}
