package ui

import (
	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/packaging"
)

// model is what the screens show: the connectors, their live status and
// permissions, the selected connector and the ticked ones. It changes only
// through its methods, on the UI goroutine, and each change notifies the
// listeners; the screens listen and redraw their own part, so no screen
// reaches into another (rymdport's screens-as-structs with their own
// handlers, over one shared model).
type model struct {
	connectors []connector.Connector
	status     map[connector.Key]connector.Status
	perms      map[connector.Key]connector.Permissions
	selected   connector.Key
	ticked     map[connector.Key]bool
	bundle     *packaging.Bundle // the chosen content bundle, nil: none

	listeners []func(modelEvent)
}

// modelEvent says what changed: for statusChanged, Key is whose.
type modelEvent struct {
	Kind eventKind
	Key  connector.Key
}

type eventKind int

const (
	connectorsChanged eventKind = iota // the list of connectors (or one of them) changed
	statusChanged                      // Key's live status landed
	selectionChanged                   // another connector is selected
	ticksChanged                       // the ticked connectors changed
	bundleChanged                      // another content bundle is chosen
	publishFinished                    // a publish ended (the orgs changed)
)

func newModel() *model {
	return &model{
		status: map[connector.Key]connector.Status{},
		perms:  map[connector.Key]connector.Permissions{},
		ticked: map[connector.Key]bool{},
	}
}

// listen adds a listener; listeners run in the order they were added.
func (m *model) listen(fn func(modelEvent)) { m.listeners = append(m.listeners, fn) }

func (m *model) notify(ev modelEvent) {
	for _, fn := range m.listeners {
		fn(ev)
	}
}

// replaceConnectors sets the list; ticks of connectors that are gone are dropped.
func (m *model) replaceConnectors(list []connector.Connector) {
	m.connectors = list
	for k := range m.ticked {
		if _, ok := m.connectorFor(k); !ok {
			delete(m.ticked, k)
		}
	}
	m.notify(modelEvent{Kind: connectorsChanged})
}

// putConnector replaces the connector with c's key, or adds c.
func (m *model) putConnector(c connector.Connector) {
	for i := range m.connectors {
		if m.connectors[i].Key() == c.Key() {
			m.connectors[i] = c
			m.notify(modelEvent{Kind: connectorsChanged})
			return
		}
	}
	m.connectors = append(m.connectors, c)
	m.notify(modelEvent{Kind: connectorsChanged})
}

// putStatus records a live status (and the permissions it checked).
func (m *model) putStatus(st connector.Status) {
	m.status[st.Key] = st
	if st.Permissions.Checked {
		m.perms[st.Key] = st.Permissions
	}
	m.notify(modelEvent{Kind: statusChanged, Key: st.Key})
}

// forget drops what is known live about k (after a disconnect).
func (m *model) forget(k connector.Key) {
	delete(m.status, k)
	delete(m.perms, k)
	m.notify(modelEvent{Kind: statusChanged, Key: k})
}

// choose selects k.
func (m *model) choose(k connector.Key) {
	if k == m.selected {
		return
	}
	m.selected = k
	m.notify(modelEvent{Kind: selectionChanged})
}

// tick ticks or unticks k for publishing.
func (m *model) tick(k connector.Key, on bool) {
	if m.ticked[k] == on {
		return
	}
	if on {
		m.ticked[k] = true
	} else {
		delete(m.ticked, k)
	}
	m.notify(modelEvent{Kind: ticksChanged})
}

// setTicks ticks exactly keys (one notification).
func (m *model) setTicks(keys []connector.Key) {
	clear(m.ticked)
	for _, k := range keys {
		m.ticked[k] = true
	}
	m.notify(modelEvent{Kind: ticksChanged})
}

// setBundle records the chosen content bundle (nil: none or not valid).
func (m *model) setBundle(b *packaging.Bundle) {
	if b == m.bundle {
		return
	}
	m.bundle = b
	m.notify(modelEvent{Kind: bundleChanged})
}

// published says a publish ended: what the orgs hold may have changed.
func (m *model) published() { m.notify(modelEvent{Kind: publishFinished}) }

// tickAll ticks every key of keys at once (one notification).
func (m *model) tickAll(keys []connector.Key) {
	for _, k := range keys {
		m.ticked[k] = true
	}
	m.notify(modelEvent{Kind: ticksChanged})
}

// tickedKeys lists the ticked connectors in list order.
func (m *model) tickedKeys() []connector.Key {
	var keys []connector.Key
	for _, c := range m.connectors {
		if m.ticked[c.Key()] {
			keys = append(keys, c.Key())
		}
	}
	return keys
}

// connectorFor returns the stored connector for k.
func (m *model) connectorFor(k connector.Key) (connector.Connector, bool) {
	for _, c := range m.connectors {
		if c.Key() == k {
			return c, true
		}
	}
	return connector.Connector{}, false
}

// keys lists the known connectors in display order.
func (m *model) keys() []connector.Key {
	keys := make([]connector.Key, 0, len(m.connectors))
	for _, c := range m.connectors {
		keys = append(keys, c.Key())
	}
	return keys
}

// rekey moves what the model keeps per connector (status, permissions,
// tick, selection) from one key to another after a rename; an empty to
// forgets it (after a remove).
func (m *model) rekey(from, to connector.Key) {
	gone := to == (connector.Key{})
	if st, ok := m.status[from]; ok && !gone {
		st.Key = to
		m.status[to] = st
	}
	if p, ok := m.perms[from]; ok && !gone {
		m.perms[to] = p
	}
	if m.ticked[from] && !gone {
		m.ticked[to] = true
	}
	delete(m.status, from)
	delete(m.perms, from)
	delete(m.ticked, from)
}
