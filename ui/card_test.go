package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// visibleHighButtons lists the primary (blue) buttons shown in o.
func visibleHighButtons(o fyne.CanvasObject) []string {
	if o == nil || !o.Visible() {
		return nil
	}
	switch x := o.(type) {
	case *button:
		if x.Importance == widget.HighImportance {
			return []string{x.Text}
		}
	case *fyne.Container:
		var out []string
		for _, c := range x.Objects {
			out = append(out, visibleHighButtons(c)...)
		}
		return out
	case *widget.Card:
		return visibleHighButtons(x.Content)
	}
	return nil
}

// TestCardAfterPublish: once signed in the card is the one thing shown
// (the sign-in form folded away, one primary button); after a publish it
// says when, by whom and which version was published, and a next step
// that fits (it kept saying "choose the content bundle…").
func TestCardAfterPublish(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	a := h.v.auth
	h.ui(func() {
		assert.False(t, a.authCard.Visible(), "the sign-in form does not repeat under the card")
		assert.Equal(t, []string{"Choose content and publish"}, visibleHighButtons(a.body))
		assert.Equal(t, "Not published yet", a.lastPublish.Text)
		assert.Equal(t, "Next step: choose the content bundle and publish it.", a.nextText.Text)
		c, _ := h.v.connectorFor(h.key)
		assert.Empty(t, lastPublishedShort(c, nil))
	})

	// Sign-in settings shows the form, with a button that is not a second primary one
	h.ui(func() { test.Tap(a.signInBtn) })
	h.ui(func() {
		assert.True(t, a.authCard.Visible())
		assert.Equal(t, []string{"Choose content and publish"}, visibleHighButtons(a.body))
		test.Tap(a.signInBtn)
		assert.False(t, a.authCard.Visible())
	})

	h.ui(func() { test.Tap(h.v.pub.publishBtn) })
	h.waitIdle()
	h.ui(func() {
		c, _ := h.v.connectorFor(h.key)
		require.NotNil(t, c.LastPublish)
		when := formatTime(c.LastPublish.At)
		assert.Equal(t, when+" by "+h.org.Username()+": version "+connector.ShortVersion(c.LastPublish.Fingerprint)+" of WalkMe_Content", a.lastPublish.Text)
		assert.Equal(t, "Published. Next: check it in Salesforce, and publish again when the content changes.", a.nextText.Text)
		st := h.v.status[h.key]
		assert.Equal(t, "last published "+when, lastPublishedShort(c, &st))
	})
}

// TestCardActionByMessage: what needs attention is said at the top of the
// card with its action right by it: Check again for a missing permission
// (with one fix, not two that contradict each other), Try again when
// Salesforce cannot be reached (amber, not the production red), Sign in
// again when the sign-in expired (it was below the fold).
func TestCardActionByMessage(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	a := h.v.auth
	h.org.SetCustomizeApplication(false)
	h.authorize(true)
	h.ui(func() {
		require.True(t, a.stateBox.Visible())
		assert.Equal(t, "Check again", a.stateBtn.Text)
		text := allText(a.orgCard)
		assert.Contains(t, text, "If you are a Salesforce administrator, open Setup")
		assert.Contains(t, text, "otherwise ask your Salesforce administrator")
		assert.NotContains(t, text, "Ask a Salesforce administrator to grant", "one fix, not two")
	})
	// the admin grants it, then clicks Check again
	h.org.SetCustomizeApplication(true)
	h.ui(func() { test.Tap(a.stateBtn) })
	h.waitIdle()
	h.ui(func() {
		assert.Equal(t, connector.StateConnected, h.v.status[h.key].State)
		assert.False(t, a.stateBox.Visible())
	})

	// Salesforce cannot be reached: Try again, in amber
	h.org.FailNextMatching("", "", 1<<30, 0)
	h.ui(func() { h.v.checkAll([]connector.Key{h.key}) })
	h.waitIdle()
	h.ui(func() {
		require.Equal(t, connector.StateUnreachable, h.v.status[h.key].State)
		assert.Equal(t, "Try again", a.stateBtn.Text)
		assert.True(t, a.stateBtn.Visible())
		assert.Equal(t, toneWarn, a.stateBadge.tone)
		assert.NotContains(t, a.stateMsg.Text, "HTTPS_PROXY", "the variables are for the command line")
	})
	h.org.ClearFaults()
	h.ui(func() { test.Tap(a.stateBtn) })
	h.waitIdle()
	h.ui(func() { assert.Equal(t, connector.StateConnected, h.v.status[h.key].State) })

	// the sign-in expired: Sign in again, by the message, starts the sign-in
	h.org.RevokeRefreshTokens()
	h.org.ExpireSessions()
	h.ui(func() { h.v.checkAll([]connector.Key{h.key}) })
	h.waitIdle()
	h.ui(func() {
		require.Equal(t, connector.StateNeedsReauth, h.v.status[h.key].State)
		assert.Equal(t, "Sign in again", a.stateBtn.Text)
		assert.Equal(t, widget.HighImportance, a.stateBtn.Importance)
		assert.Equal(t, []string{"Sign in again"}, visibleHighButtons(a.body), "one primary button: the one by the message")
		test.Tap(a.stateBtn)
	})
	h.browse(h.nextOpened(), true)
	h.waitIdle()
	h.ui(func() { assert.Equal(t, connector.StateConnected, h.v.status[h.key].State) })
}
