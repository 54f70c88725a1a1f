package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestAddNamedEnvironment: an admin adds a UAT sandbox next to the client's
// Sandbox in the window; it is offered in the environment select, and
// authorizing it checks for a sandbox org.
func TestAddNamedEnvironment(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.ui(func() { test.Tap(h.v.list.addBtn) })
	require.NotNil(t, h.v.list.addDialog)
	h.ui(func() {
		h.v.list.addName.SetText("Demo")
		h.v.list.addEnv.SetSelectedIndex(len(connector.Environments)) // Other sandbox
		h.v.list.addNamed.SetText("UAT")
		h.v.list.addDialog.Submit()
	})
	h.waitIdle()
	uat := connector.Key{System: "Demo", Environment: "uat:sandbox"}
	c, err := h.svc.Registry.Get(uat)
	require.NoError(t, err)
	assert.Equal(t, "https://test.salesforce.com", c.LoginURL)
	assert.Equal(t, uat, h.v.selected)
	assert.Equal(t, []string{"Production", "Sandbox", "Test", "UAT"}, h.v.auth.env.Options)
	assert.Equal(t, "UAT", h.v.auth.env.Selected)

	// the environment select switches between Sandbox and UAT of the system
	h.ui(func() { h.v.auth.env.SetSelectedIndex(1) })
	assert.Equal(t, h.key, h.v.selected)
	h.ui(func() { h.v.auth.env.SetSelectedIndex(3) })
	assert.Equal(t, uat, h.v.selected)

	// a UAT sandbox connector accepts the sandbox org
	demo, err := h.svc.Registry.Get(h.key)
	require.NoError(t, err)
	_, err = h.svc.Registry.Update(uat, func(c *connector.Connector) error {
		c.LoginURL, c.CallbackPorts = h.org.LoginURL(), demo.CallbackPorts
		return nil
	})
	require.NoError(t, err)
	h.v.reload(false)
	h.waitIdle()
	h.authorize(true)
	assert.Equal(t, connector.StateConnected, h.v.status[uat].State)
	assert.Equal(t, "UAT", h.v.auth.envBadge.text)
}
