package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestFirstRunStartsOnSandbox: a new user (no connector yet) starts on
// Sandbox, like the screen this mirrors; it started on Production.
func TestFirstRunStartsOnSandbox(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	test.NewTempApp(t)
	v := newView(test.NewTempApp(t), nil, Deps{StatusInterval: -1})
	w := test.NewTempWindow(t, v.build())
	v.win = w
	assert.Equal(t, connector.Sandbox, v.selected.Environment)
	assert.Equal(t, "Sandbox", v.auth.env.Selected)
}

// TestOneSignInButton: the one sign-in button says Authorize before the
// first sign-in and Sign in again afterwards (there was a second,
// Re-authorize, doing the same); once connected the card points to the
// next step, shows when it was last checked, and sits at the top of the tab,
// so its actions are visible without scrolling at 1000×700.
func TestOneSignInButton(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	assert.Equal(t, "Authorize", h.v.auth.authBtn.Text)
	assert.False(t, h.v.auth.nextStep.Visible())
	h.authorize(true)

	h.ui(func() {
		a := h.v.auth
		assert.Equal(t, "Sign in again", a.authBtn.Text)
		assert.True(t, a.nextStep.Visible(), "the card points to the next step")
		assert.NotEqual(t, "Not checked yet", a.lastChecked.Text)
		assert.Regexp(t, `^\d{4}-\d\d-\d\d \d\d:\d\d$`, a.lastChecked.Text)
		for _, b := range []fyne.CanvasObject{a.disconnectBtn, a.nextBtn} {
			pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
			assert.Less(t, pos.Y+b.Size().Height, float32(700), "visible without scrolling at 1000×700")
		}
		test.Tap(a.nextBtn)
		assert.Equal(t, 1, h.v.tabs.SelectedIndex(), "the next step opens the Content bundle tab")
	})
	require.Equal(t, connector.StateConnected, h.v.status[h.key].State)
}

// TestCheckNowShowsProgress: Check now says how far the round is, and
// goes back to "Check now" when every result landed.
func TestCheckNowShowsProgress(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.ui(func() {
		h.v.list.showProgress(1, 3)
		assert.Equal(t, "Checking 1 of 3…", h.v.list.refreshBtn.Text)
	})
	test.Tap(h.v.list.refreshBtn)
	h.waitIdle()
	assert.Equal(t, "Check now", h.v.list.refreshBtn.Text)
	assert.Empty(t, h.v.pending)
}
