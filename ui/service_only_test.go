package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestCanceledAuthorizeChangesNothing: an authorization is a transaction
// (connector.StartAuthorize): a canceled one leaves the connector's login
// URL as it was, and creates no connector. The window used to save the
// login URL itself before the flow started.
func TestCanceledAuthorizeChangesNothing(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	before, err := h.svc.Registry.Get(h.key)
	require.NoError(t, err)

	h.ui(func() { h.v.auth.domain.SetText("http://localhost:1") })
	h.ui(func() { test.Tap(h.v.auth.authBtn) })
	h.nextOpened()
	h.ui(func() { test.Tap(h.v.auth.cancelBtn) })
	h.waitIdle()
	after, err := h.svc.Registry.Get(h.key)
	require.NoError(t, err)
	assert.Equal(t, before.LoginURL, after.LoginURL, "a canceled sign-in records no login URL")

	// a connector that does not exist yet is not created by a canceled sign-in
	acme := connector.Key{System: "Acme", Environment: connector.Sandbox}
	h.ui(func() { h.v.selectKey(acme) })
	h.ui(func() { h.v.auth.domain.SetText("http://localhost:1") })
	h.ui(func() { test.Tap(h.v.auth.authBtn) })
	h.ui(func() { test.Tap(h.v.auth.cancelBtn) }) // at once: its callback port may be taken
	h.waitIdle()
	_, err = h.svc.Registry.Get(acme)
	require.Error(t, err, "a canceled sign-in creates no connector")
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code, err.Error())
}

// TestAddSystemKeepsAStoredConnector: adding a system the registry already
// holds (stored meanwhile, or under another case of its name) changes
// nothing: one connector per system and environment; it is selected. The
// window used to overwrite its client ID and ports.
func TestAddSystemKeepsAStoredConnector(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	acme := connector.Key{System: "Acme", Environment: connector.Sandbox}
	stored, added, err := h.svc.AddConnector(acme, connector.ConnectorSettings{}) // the window does not know it yet
	require.NoError(t, err)
	require.True(t, added)

	h.ui(func() {
		h.v.list.addSystem(connector.Key{System: "acme", Environment: connector.Sandbox}, addOptions{ClientID: "3MVG9-other", Ports: []int{1999}})
	})
	h.waitIdle()
	after, err := h.svc.Registry.Get(acme)
	require.NoError(t, err)
	assert.Equal(t, stored.ID, after.ID)
	assert.Equal(t, "Acme", after.System, "its name stays")
	assert.Empty(t, after.ClientID, "its client stays")
	assert.Empty(t, after.CallbackPorts, "its ports stay")
	require.NotNil(t, h.w.Canvas().Overlays().Top())
	assert.Contains(t, allText(h.w.Canvas().Overlays().Top()), "already exists")
	assert.Equal(t, acme, h.v.selected)
	_, ok := h.v.connectorFor(acme)
	assert.True(t, ok, "the window knows it now")
}
