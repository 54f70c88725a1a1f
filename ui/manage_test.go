package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestRenameAndRemoveInWindow: a typo in a system name can be fixed in
// the window (the connector keeps its ID and sign-in), and a connector can
// be removed after a confirmation, which revokes its access at the org.
func TestRenameAndRemoveInWindow(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	before, err := h.svc.Registry.Get(h.key)
	require.NoError(t, err)

	h.ui(func() {
		require.True(t, h.v.auth.renameBtn.Visible())
		test.Tap(h.v.auth.renameBtn)
		require.NotNil(t, h.v.auth.renameDialog)
		h.v.auth.renameEntry.SetText("Demo CRM")
		h.v.auth.renameDialog.Submit()
	})
	h.waitIdle()
	renamed := connector.Key{System: "Demo CRM", Environment: connector.Sandbox}
	after, err := h.svc.Registry.Get(renamed)
	require.NoError(t, err)
	assert.Equal(t, before.ID, after.ID)
	assert.Equal(t, renamed, h.v.selected)
	assert.Equal(t, connector.StateConnected, h.v.status[renamed].State, "the status follows the new name")
	assert.Equal(t, "Demo CRM", h.v.auth.system.Text)

	h.ui(func() { test.Tap(h.v.auth.removeBtn) })
	require.NotNil(t, h.v.auth.removeDialog)
	h.ui(func() { h.v.auth.removeDialog.Confirm() })
	h.waitIdle()
	_, err = h.svc.Registry.Get(renamed)
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code)
	_, ok := h.v.connectorFor(renamed)
	assert.False(t, ok)
	revoked := false
	for _, r := range h.org.Requests() {
		if r.Path == "/services/oauth2/revoke" && r.Status == 200 {
			revoked = true
		}
	}
	assert.True(t, revoked, "the access was revoked at the org")
}
