package ui

// The view's actions the screens call (screens.go hands them out): each
// updates the model after a Service call landed, then re-reads the
// registry through the Service.

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/connectors-app/connectors/connector/service"

	"github.com/connectors-app/connectors/connector"
)

// added selects the connector just added (even when it was selected
// already, so the tabs show it), then re-reads and checks every connector.
func (v *view) added(k connector.Key) {
	v.selected = connector.Key{} // force selectKey to act
	v.selectKey(k)
	v.reload(true)
}

// authorized records what an authorization of k found: its connector,
// permissions and status.
func (v *view) authorized(k connector.Key, res *service.AuthorizeResult) {
	v.perms[k] = res.Permissions
	v.putConnector(res.Connector)
	st := res.Status // derived in connector by the same rule as a live check
	st.Key = k
	v.putStatus(st)
	v.reload(false)
	v.focusNextStep(false) // back from the browser: the next step has the focus
}

// signedOut records a disconnect of k: what was known live goes, the
// status after it comes in, and every connector is checked again.
func (v *view) signedOut(k connector.Key, st connector.Status) {
	v.forget(k)
	v.putStatus(st)
	v.focusNextStep(false) // Authorize: the Disconnect button is gone
	v.reload(true)
}

// renamed moves what the window knows of from to the renamed connector c
// and selects it.
func (v *view) renamed(from connector.Key, c connector.Connector) {
	to := c.Key()
	v.rekey(from, to)
	list := append([]connector.Connector(nil), v.connectors...)
	for i := range list {
		if list[i].Key() == from {
			list[i] = c
		}
	}
	v.picked = true
	v.selected = to // notified with the list
	v.replaceConnectors(list)
	v.reload(false)
}

// removed forgets k and selects the first connector left.
func (v *view) removed(k connector.Key) {
	v.rekey(k, connector.Key{})
	var kept []connector.Connector
	for _, c := range v.connectors {
		if c.Key() != k {
			kept = append(kept, c)
		}
	}
	v.picked = false
	if len(kept) > 0 {
		v.selected = kept[0].Key() // notified with the list
	}
	v.replaceConnectors(kept)
	v.reload(false)
}

// setTray installs the system tray's menu when the app runs on a desktop.
func (v *view) setTray(m *fyne.Menu) {
	if d, ok := v.app.(desktop.App); ok {
		d.SetSystemTrayMenu(m)
	}
}
