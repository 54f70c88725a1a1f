package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

var languages = []string{"en", "fr"}

// TestWindowStates drives the window through authorize and publish against
// the simulated org and checks the rendered markup of each state, in
// English and French.
func TestWindowStates(t *testing.T) {
	for _, code := range languages {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true, OrgName: "Demo Org"}})
			dir := "connectors/" + code + "/"

			// Given a fresh demo connector
			assert.Equal(t, connector.StateNotAuthorized, h.v.status[h.key].State)
			h.assertMarkup(dir + "idle.xml")

			// When the user taps Authorize, the window waits for the browser
			h.ui(func() { test.Tap(h.v.auth.authBtn) })
			u := h.nextOpened()
			h.ui(func() {
				assert.Equal(t, u, h.v.auth.urlLabel.Text, "the URL shown is the one opened")
				assert.True(t, h.v.auth.waiting.Visible())
				assert.True(t, h.v.auth.authBtn.Disabled(), "Authorize is disabled while waiting")
			})
			h.assertMarkup(dir + "waiting.xml")

			// Then signing in shows the org card
			h.browse(u, true)
			h.waitIdle()
			require.False(t, h.v.auth.waiting.Visible())
			c, ok := h.v.connectorFor(h.key)
			require.True(t, ok)
			require.NotNil(t, c.Org)
			assert.Equal(t, h.org.OrgID(), c.Org.OrgID)
			assert.Equal(t, "Demo Org", h.v.auth.orgCard.Title)
			assert.Equal(t, connector.StateConnected, h.v.status[h.key].State)
			h.assertMarkup(dir + "connected.xml")

			// When publishing, each target shows its progress
			h.v.tabs.SelectIndex(1)
			pause := &pausingBackend{backend: h.v.svc, entered: make(chan struct{}), release: make(chan struct{})}
			h.v.svc = pause
			require.False(t, h.v.pub.publishBtn.Disabled(), "the sample bundle is preselected")
			h.ui(func() { test.Tap(h.v.pub.publishBtn) })
			<-pause.entered
			h.ui(func() { assert.True(t, h.v.pub.publishBtn.Disabled()) })
			h.assertMarkup(dir + "publishing.xml")
			close(pause.release)
			h.waitIdle()
			h.v.svc = pause.backend

			// Then the result says it landed, and it did
			res := h.org.Resource(connector.DefaultResourceName)
			require.NotNil(t, res, "the resource exists in the org")
			assert.Equal(t, h.v.pub.bundle.Size(), int64(len(res.Body)))
			assert.Empty(t, h.v.pub.failed)
			h.assertMarkup(dir + "published.xml")

			// And publishing again is a no-op
			test.Tap(h.v.pub.publishBtn)
			h.waitIdle()
			require.Len(t, h.v.pub.rows, 1)
			want := map[string]string{"en": "Already up to date", "fr": "Déjà à jour"}[code]
			assert.Contains(t, h.v.pub.rows[h.key].outcome.Text, want)
		})
	}
}

// TestWindowPermissionMissing: an admin without Customize Application is
// authorized but told what is missing and how to fix it.
func TestWindowPermissionMissing(t *testing.T) {
	for _, code := range languages {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
			h.org.SetCustomizeApplication(false)
			h.authorize(true)

			assert.Equal(t, connector.StatePermissionMissing, h.v.status[h.key].State)
			p := h.v.perms[h.key]
			assert.True(t, p.Checked)
			assert.True(t, p.APIEnabled)
			assert.False(t, p.CustomizeApplication)
			h.assertMarkup("connectors/" + code + "/permission_missing.xml")
		})
	}
}

// TestWindowAuthorizeError: a user who clicks Deny sees what happened and
// the fix, and can try again.
func TestWindowAuthorizeError(t *testing.T) {
	for _, code := range languages {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
			h.authorize(false)

			require.True(t, h.v.auth.errBox.Visible())
			assert.Equal(t, connector.CodeAccessDenied, connector.AsProblem(h.v.auth.lastErr).Code)
			assert.False(t, h.v.auth.authBtn.Disabled(), "the user can try again")
			assert.NotEmpty(t, h.v.recent, "the error is kept for diagnostics")
			h.assertMarkup("connectors/" + code + "/error.xml")
		})
	}
}
