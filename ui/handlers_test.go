package ui

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// TestPublishProductionNeedsConfirmation: publishing to Production asks
// for the org's name; a wrong name publishes nothing.
func TestPublishProductionNeedsConfirmation(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	prod := connector.Key{System: "Acme", Environment: connector.Production}
	h := newHarness(t, harnessOpts{demo: true, key: prod, org: sfsim.Options{OrgName: "Acme Inc"}})
	h.authorize(true)
	rec := &recordingBackend{backend: h.v.svc}
	h.v.svc = rec

	// When the user taps Publish, a dialog names the org and nothing is sent yet
	test.Tap(h.v.pub.publishBtn)
	h.waitIdle()
	require.NotNil(t, h.v.pub.prodDialog, "a confirmation is shown")
	assert.Empty(t, rec.calls)
	top := h.w.Canvas().Overlays().Top()
	require.NotNil(t, top)
	text := allText(top)
	assert.Contains(t, text, "Acme Inc")
	assert.Contains(t, text, h.org.OrgID())
	assert.Contains(t, text, "Production")

	// A wrong name does not publish
	test.Type(h.v.pub.prodEntry, "Acme")
	h.v.pub.prodDialog.Submit()
	h.waitIdle()
	assert.Empty(t, rec.calls)
	assert.NotNil(t, h.w.Canvas().Overlays().Top(), "the dialog stays open")

	// The org's name does, confirming this target
	test.Type(h.v.pub.prodEntry, " Inc")
	h.v.pub.prodDialog.Submit()
	h.waitIdle()
	require.Len(t, rec.calls, 1)
	assert.Equal(t, []connector.Key{prod}, rec.calls[0])
	assert.Equal(t, []connector.Key{prod}, rec.opts[0].ConfirmedKeys, "this target, confirmed by its name")
	assert.False(t, rec.opts[0].ConfirmProduction, "no blanket confirmation")
	assert.NotNil(t, h.org.Resource(connector.DefaultResourceName), "the content landed")
	assert.Contains(t, h.v.pub.rows[prod].outcome.Text, "Published")
}

// TestRetryFailed: a failed target shows the message and fix; Retry failed
// publishes again to the failed ones only.
func TestRetryFailed(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	other := connector.Key{System: "Other", Environment: connector.Test}
	_, err := h.svc.Registry.Upsert(other, func(c *connector.Connector) error { c.LoginURL = h.org.LoginURL(); return nil })
	require.NoError(t, err)
	h.v.reload(true)
	h.waitIdle()
	h.authorize(true)
	// Other is signed in elsewhere as far as the window knows (its publish
	// is played by the recording backend): it is not left out before publishing
	h.ui(func() {
		h.v.putStatus(connector.Status{Key: other, State: connector.StateConnected, TokensPresent: true})
	})

	rec := &recordingBackend{backend: h.v.svc}
	rec.results = func(call int, keys []connector.Key) []service.PublishResult {
		out := make([]service.PublishResult, len(keys))
		for i, k := range keys {
			out[i] = service.PublishResult{Key: k, Outcome: service.OutcomeUpdated, Resource: "WalkMe_Content", Size: 10}
			if k == other && call == 1 {
				out[i] = service.PublishResult{Key: k, Outcome: service.OutcomeFailed, Problem: &connector.Problem{
					Code: connector.CodeUnreachable, Message: "Salesforce did not answer.", Fix: "Check your network and try again."}}
			}
		}
		return out
	}
	h.v.svc = rec
	h.v.list.onChecked(h.key, true)
	h.v.list.onChecked(other, true)
	assert.Contains(t, h.v.pub.targets.Text, "Other")

	test.Tap(h.v.pub.publishBtn)
	h.waitIdle()
	require.Len(t, rec.calls, 1)
	assert.ElementsMatch(t, []connector.Key{h.key, other}, rec.calls[0])
	assert.Equal(t, []connector.Key{other}, h.v.pub.failed)
	assert.False(t, h.v.pub.retryBtn.Disabled())
	assert.Equal(t, "Failed: Salesforce did not answer.", h.v.pub.rows[other].outcome.Text)
	assert.Equal(t, "Check your network and try again.", h.v.pub.rows[other].fix.Text)
	assert.Contains(t, h.v.pub.rows[h.key].outcome.Text, "Published")

	test.Tap(h.v.pub.retryBtn)
	h.waitIdle()
	require.Len(t, rec.calls, 2)
	assert.Equal(t, []connector.Key{other}, rec.calls[1], "only the failed target again")
	assert.Empty(t, h.v.pub.failed)
	assert.True(t, h.v.pub.retryBtn.Disabled())
}

// TestCopyDiagnosticsHasNoToken: the report lands on the clipboard, names
// the connector and never contains a token.
func TestCopyDiagnosticsHasNoToken(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	tok, err := h.tokens.Load(h.tokenKey())
	require.NoError(t, err)

	test.Tap(h.v.list.diagBtn)
	h.waitIdle()
	report := h.v.app.Clipboard().Content()
	require.NotEmpty(t, report)
	assert.Contains(t, report, "1.2.3-test")
	assert.Contains(t, report, "Demo")
	assert.NotContains(t, report, tok.AccessToken)
	assert.NotContains(t, report, tok.RefreshToken)
	assert.NotNil(t, h.w.Canvas().Overlays().Top(), "a confirmation is shown")
}

// TestCancelAuthorize: Cancel stops the flow and goes back to idle without an error.
func TestCancelAuthorize(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.ui(func() { test.Tap(h.v.auth.authBtn) })
	h.nextOpened()
	h.ui(func() { test.Tap(h.v.auth.cancelBtn) })
	h.waitIdle()
	assert.False(t, h.v.auth.waiting.Visible())
	assert.False(t, h.v.auth.errBox.Visible(), "canceling is not an error: %v", h.v.auth.lastErr)
	assert.False(t, h.v.auth.authBtn.Disabled())
}

// TestClosingCancelsWork: stopping the window's context ends a flow in flight.
func TestClosingCancelsWork(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.ui(func() { test.Tap(h.v.auth.authBtn) })
	h.nextOpened()
	require.Equal(t, int64(1), h.v.jobs.Load(), "the flow waits in the background")
	h.v.stop()
	h.waitIdle()
}

// TestPasteCallbackURL: when the redirect never reaches the app, pasting the
// address from the browser finishes the authorization.
func TestPasteCallbackURL(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.ui(func() { test.Tap(h.v.auth.authBtn) })
	redirect, err := h.org.PlayUser(h.ctx, h.nextOpened(), true)
	require.NoError(t, err)

	h.ui(func() {
		test.Type(h.v.auth.paste, "http://localhost:1/nope")
		test.Tap(h.v.auth.submitBtn)
	})
	h.waitJobs(1) // the submit finishes; the flow keeps waiting
	h.ui(func() {
		assert.True(t, h.v.auth.pasteErr.Visible(), "a wrong address is explained")
		h.v.auth.paste.SetText(redirect)
		test.Tap(h.v.auth.submitBtn)
	})
	h.waitIdle()
	c, ok := h.v.connectorFor(h.key)
	require.True(t, ok)
	require.NotNil(t, c.Org)
	assert.Equal(t, connector.StateConnected, h.v.status[h.key].State)
}

// TestAddSystem: a new system × environment is created and selected; an
// existing one is refused with a message.
func TestAddSystem(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	k := connector.Key{System: "Lightning", Environment: connector.Production}
	h.v.list.addSystem(k, addOptions{ClientID: "3MVG9-own-app", Ports: []int{1718, 1719}})
	h.waitIdle()
	c, err := h.svc.Registry.Get(k)
	require.NoError(t, err)
	assert.Equal(t, "https://login.salesforce.com", c.LoginURL)
	assert.Equal(t, "3MVG9-own-app", c.ClientID)
	assert.Equal(t, []int{1718, 1719}, c.CallbackPorts)
	assert.Equal(t, k, h.v.selected)
	assert.Len(t, h.v.connectors, 2)
	assert.Equal(t, connector.StateNotAuthorized, h.v.status[k].State)

	h.v.list.addSystem(h.key, addOptions{})
	require.NotNil(t, h.w.Canvas().Overlays().Top())
	assert.Contains(t, allText(h.w.Canvas().Overlays().Top()), "already exists")
	assert.Equal(t, h.key, h.v.selected)
	assert.Len(t, h.v.connectors, 2)
}

// TestMyDomainPreview shows the resolved login URL live, or why not.
func TestMyDomainPreview(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.v.selectKey(connector.Key{System: "Acme", Environment: connector.Production})
	a := h.v.auth
	assert.Equal(t, "", a.domain.Text)
	assert.Equal(t, "Signs in at https://login.salesforce.com", a.domainHint.Text)
	test.Type(a.domain, "acme")
	assert.Equal(t, "Signs in at https://acme.my.salesforce.com", a.domainHint.Text)
	a.domain.SetText("https://exa mple")
	assert.True(t, strings.HasPrefix(a.domainHint.Text, "Can't use this address: "), a.domainHint.Text)
	assert.Equal(t, widget.DangerImportance, a.domainHint.Importance)
}

// TestBundleValidationError names the offending entry.
func TestBundleValidationError(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{org: sfsim.Options{Sandbox: true}})
	path := filepath.Join(t.TempDir(), "bad.zip")
	f, err := os.Create(path)
	require.NoError(t, err)
	zw := zip.NewWriter(f)
	w, err := zw.Create("../evil.js")
	require.NoError(t, err)
	_, _ = w.Write([]byte("alert(1)"))
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())

	h.v.pub.load(path)
	h.waitIdle()
	assert.Nil(t, h.v.pub.bundle)
	assert.Equal(t, widget.DangerImportance, h.v.pub.valid.Importance)
	assert.Contains(t, h.v.pub.valid.Text, "../evil.js")
	assert.True(t, h.v.pub.validFix.Visible())
	assert.True(t, h.v.pub.publishBtn.Disabled())

	// a folder is a bundle too
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "loader.js"), []byte("console.log(1)"), 0o600))
	h.v.pub.load(dir)
	h.waitIdle()
	require.NotNil(t, h.v.pub.bundle)
	assert.Equal(t, "Valid: ready to publish.", h.v.pub.valid.Text)
	assert.Contains(t, h.v.pub.summary.Text, "1 file, ")
}

// TestDisconnect revokes and deletes the tokens after a confirmation.
func TestDisconnect(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	test.Tap(h.v.auth.disconnectBtn)
	top := h.w.Canvas().Overlays().Top()
	require.NotNil(t, top, "Disconnect asks first")
	assert.Contains(t, allText(top), "Demo Org")
	_, err := h.tokens.Load(h.tokenKey())
	require.NoError(t, err, "nothing happens before the confirmation")

	h.v.auth.disconnect(h.key)
	h.waitIdle()
	_, err = h.tokens.Load(h.tokenKey())
	assert.Error(t, err, "the tokens are gone")
	assert.Equal(t, connector.StateNotAuthorized, h.v.status[h.key].State)
	assert.False(t, h.v.auth.orgBox.Visible())
}

// TestStatusBadgeTones: every state has a label and a colour family.
func TestStatusBadgeTones(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	tests := []struct {
		state connector.State
		text  string
		tone  tone
	}{
		{connector.StateConnected, "Connected", toneGood},
		{connector.StateNeedsReauth, "Needs re-authorization", toneWarn},
		{connector.StateSandboxRefreshed, "Sandbox refreshed", toneWarn},
		{connector.StatePermissionMissing, "Permission missing", toneWarn},
		{connector.StateUnreachable, "Unreachable", toneWarn},
		{connector.StateNotAuthorized, "Not authorized", toneNeutral},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.text, stateText(tt.state))
		assert.Equal(t, tt.tone, stateTone(tt.state))
	}
	assert.Equal(t, toneDanger, envTone(connector.Production))
	assert.NotEqual(t, envTone(connector.Production), envTone(connector.Sandbox))
	// Red means production (and destructive actions): no state, unreachable
	// included, is drawn in the production badge's colour.
	prodBg, _ := newStatusBadge("", envTone(connector.Production)).colors()
	for _, st := range connector.States() {
		bg, _ := newStatusBadge("", stateTone(st)).colors()
		assert.NotEqual(t, prodBg, bg, "state %s looks like production", st)
	}
	for _, st := range []connector.FleetState{connector.FleetCurrent, connector.FleetBehind, connector.FleetChangedOutside,
		connector.FleetAbsent, connector.FleetNeedsAuthorization, connector.FleetUnreachable} {
		bg, _ := newStatusBadge("", fleetTone(st)).colors()
		assert.NotEqual(t, prodBg, bg, "fleet state %s looks like production", st)
	}
}

// allText concatenates the text of every label, entry and button under o.
func allText(o fyne.CanvasObject) string {
	var b strings.Builder
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			b.WriteString(w.Text + "\n")
		case *widget.Button:
			b.WriteString(w.Text + "\n")
		case *widget.Entry:
			b.WriteString(w.Text + "\n")
		case *widget.RichText:
			b.WriteString(w.String() + "\n")
		}
		switch w := o.(type) {
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return b.String()
}

// TestRestorePreviousVersion puts back what was published before.
func TestRestorePreviousVersion(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	test.Tap(h.v.pub.publishBtn)
	h.waitIdle()
	first := append([]byte(nil), h.org.Resource(connector.DefaultResourceName).Body...)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "loader.js"), []byte("console.log('v2')"), 0o600))
	h.v.pub.load(dir)
	h.waitIdle()
	test.Tap(h.v.pub.publishBtn)
	h.waitIdle()
	require.NotEqual(t, first, h.org.Resource(connector.DefaultResourceName).Body)

	// When the user taps Restore, a confirmation names the org and the version
	test.Tap(h.v.pub.restoreBtn)
	top := h.w.Canvas().Overlays().Top()
	require.NotNil(t, top)
	assert.Contains(t, allText(top), "Demo Org")
	version, ok, err := h.svc.RestoreVersion(h.key, "")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Contains(t, allText(top), version.TakenAt.Local().Format("2006-01-02 15:04"))
	assert.Contains(t, allText(top), connector.FormatSize(version.Size, "en"))
	require.NotNil(t, h.v.pub.restoreDialog)
	h.ui(h.v.pub.restoreDialog.Confirm)
	h.waitIdle()
	assert.Equal(t, first, h.org.Resource(connector.DefaultResourceName).Body, "the previous version is back")
	assert.Contains(t, h.v.pub.rows[h.key].outcome.Text, "Restored the version of "+version.TakenAt.Local().Format("2006-01-02 15:04"))
}

// TestKeyringProblemShown: outside demo mode a broken keyring is shown with
// its reason and fix, never silently.
func TestKeyringProblemShown(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	a := test.NewTempApp(t)
	svc, err := service.NewService(t.TempDir(), tokenstore.NewMemory())
	require.NoError(t, err)
	v := newView(a, nil, Deps{Service: svc, StatusInterval: -1, CheckKeyring: func() error {
		return &tokenstore.UnavailableError{Op: "probe", Reason: "The Secret Service is not running.", Fix: "Start gnome-keyring and log in again."}
	}})
	w := test.NewTempWindow(t, v.build())
	v.win = w
	v.start()
	h := &harness{t: t, v: v, w: w}
	h.waitIdle()
	text := allText(v.top)
	assert.Contains(t, text, "The keyring can't be used: The Secret Service is not running.")
	assert.Contains(t, text, "Start gnome-keyring and log in again.")
	assert.NotEmpty(t, v.recent, "kept for diagnostics")
	v.stop()
}

// countingBackend counts Status calls.
type countingBackend struct {
	backend
	statuses atomic.Int64
}

func (c *countingBackend) Status(ctx context.Context, k connector.Key) connector.Status {
	c.statuses.Add(1)
	return c.backend.Status(ctx, k)
}

// TestLiveStatus: an org going away shows as Unreachable on the next check,
// and the checks repeat in the background on their own.
func TestLiveStatus(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	require.Equal(t, connector.StateConnected, h.v.status[h.key].State)

	// the periodic re-check keeps calling Status without anyone asking
	// (the test only reads the counter while it runs)
	counter := &countingBackend{backend: h.v.svc}
	h.v.svc = counter
	h.v.deps.StatusInterval = 10 * time.Millisecond
	h.v.start()
	before := counter.statuses.Load()
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for counter.statuses.Load() < before+3 {
		select {
		case <-deadline:
			t.Fatal("no periodic status checks")
		case <-tick.C:
		}
	}
	h.v.stop()
	h.waitIdle()

	// when the org is gone, a check says Unreachable
	require.NoError(t, h.org.Close())
	h.v.ctx, h.v.stop = context.WithCancel(context.Background())
	test.Tap(h.v.list.refreshBtn)
	h.waitIdle()
	assert.Equal(t, connector.StateUnreachable, h.v.status[h.key].State)
	assert.True(t, h.v.auth.stateMsg.Visible(), "the org card says what is wrong")
}

// TestNewBuildsTheWindow: New builds the content (here without a service,
// so nothing runs in the background).
func TestNewBuildsTheWindow(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	a := test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	content := New(a, w, Deps{StatusInterval: -1})
	require.NotNil(t, content)
	w.SetContent(content)
	text := allText(content)
	// the headline says what happens (it asked for "administrator credentials"
	// next to "This app never sees your password")
	assert.Contains(t, text, "Sign in to Salesforce in your browser to let this app publish to your org.")
	assert.NotContains(t, text, "credentials")
	assert.Contains(t, text, "Authorize")
	assert.Contains(t, text, "All connectors")
}

// TestDemoBannerSaysMemoryTokens: in demo mode without a keyring the banner
// says tokens are in memory, and why (never silently).
func TestDemoBannerSaysMemoryTokens(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	a := test.NewTempApp(t)
	v := newView(a, nil, Deps{
		Demo:           &Demo{Key: connector.Key{System: "Demo", Environment: connector.Sandbox}, Username: "admin@demo.example", Password: "demo-password", MemoryTokens: true},
		KeyringProblem: &tokenstore.UnavailableError{Op: "probe", Reason: "The Secret Service is not running.", Fix: "Start it."},
	})
	content := v.build()
	text := allText(v.top)
	assert.Contains(t, text, "Demo mode: a simulated Salesforce org on this computer; nothing leaves your machine. Sign in with admin@demo.example / demo-password.")
	assert.Contains(t, text, "Tokens are kept in memory for this session only, because the system keyring can't be used: the Secret Service is not running.")
	assert.Contains(t, allText(content), "In this demo your sign-in is kept in memory only and forgotten when you quit.")
}

// TestListAndCardAgree: a connector never authorized in this folder, while
// a same-named connector elsewhere left tokens under its name, used to show
// Connected in the list and "Not authorized yet" on the card, and Check now
// did not fix it. Both now follow connector.StateOf.
func TestListAndCardAgree(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.authorize(true)
	tok, err := h.tokens.Load(h.tokenKey())
	require.NoError(t, err)
	// the other folder's tokens under the connector's name, as older versions kept them
	require.NoError(t, h.tokens.Save(h.key.String(), tok))
	c, err := h.svc.Registry.Get(h.key)
	require.NoError(t, err)
	require.NoError(t, h.svc.Registry.Delete(h.key))
	_, err = h.svc.Registry.Upsert(h.key, func(n *connector.Connector) error {
		n.LoginURL, n.CallbackPorts = c.LoginURL, c.CallbackPorts
		return nil
	})
	require.NoError(t, err)

	h.v.reload(true)
	h.waitIdle()
	test.Tap(h.v.list.refreshBtn)
	h.waitIdle()

	var listed connector.Connector
	for _, cn := range h.v.connectors {
		if cn.Key() == h.key {
			listed = cn
		}
	}
	text, _ := h.v.list.badgeFor(listed)
	assert.Equal(t, stateText(connector.StateNotAuthorized), text, "the list")
	assert.Equal(t, connector.StateNotAuthorized, h.v.status[h.key].State, "the live check")
	assert.False(t, h.v.auth.orgBox.Visible(), "the card shows no org")
	assert.True(t, h.v.auth.hintCard.Visible(), "the card offers to authorize")
	assert.Nil(t, h.org.Resource(connector.DefaultResourceName), "nothing was published")
}
