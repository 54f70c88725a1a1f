package ui

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"testing/fstest"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// fleetOrg is one org of a test fleet and the state it is put in.
type fleetOrg struct {
	name  string
	prod  bool
	state connector.FleetState
	org   *sfsim.Org
}

// addFleet adds a JWT connector per org, each its own simulated org in
// its state, as a connectors file from CI brings them: current holds the
// harness's sample bundle, behind an older one, changed outside one edited
// in Setup by someone else.
func addFleet(t *testing.T, h *harness, orgs []*fleetOrg) {
	t.Helper()
	keyPEM, certPEM, err := oauth.NewKeyPair("fleet-test", time.Hour)
	require.NoError(t, err)
	h.svc.Getenv = func(k string) string {
		if k == connector.JWTKeyEnv {
			return string(keyPEM)
		}
		return os.Getenv(k)
	}
	h.svc.AllowLoginHosts = []string{"localhost", "127.0.0.1"}
	older, err := packaging.FromFS(fstest.MapFS{"index.html": {Data: []byte("<p>older</p>")}}, "older")
	require.NoError(t, err)
	sample := h.v.deps.Demo.Bundle
	f := &connector.ExportFile{Version: connector.ExportVersion}
	for i, o := range orgs {
		org, err := sfsim.Start(sfsim.Options{Sandbox: !o.prod, OrgName: o.name + " Org", Username: "ci@example.com"})
		require.NoError(t, err)
		t.Cleanup(func() { _ = org.Close() })
		o.org = org
		if o.state != connector.FleetNeedsAuthorization {
			require.NoError(t, org.RegisterJWTClient("CIApp", certPEM))
		}
		b := sample
		if o.state != connector.FleetCurrent {
			b = older
		}
		at := time.Date(2026, 12, 1, 9, i, 0, 0, time.UTC)
		res := sfsim.Resource{
			Name: connector.DefaultResourceName, ContentType: "application/zip", CacheControl: "Private", Body: b.Bytes(),
			Description: connector.OrgRecord{Fingerprint: b.Fingerprint(), Size: b.Size(), UserID: org.UserID(), At: at,
				AppVersion: "1.4.0", PubID: fmt.Sprintf("%016x", i+1), Publisher: "ci@example.com"}.Description(),
			LastModifiedDate: at, LastModifiedByID: org.UserID(),
		}
		if o.state == connector.FleetChangedOutside {
			res.LastModifiedByID, res.LastModifiedByName = "005000000000777AAA", "Jane Doe"
		}
		switch o.state {
		case connector.FleetCurrent, connector.FleetBehind, connector.FleetChangedOutside:
			org.PutResource(res)
		case connector.FleetUnreachable:
			org.FailNextMatching("", "", 1<<30, 0)
		}
		env := "Sandbox"
		if o.prod {
			env = "Production"
		}
		id := make([]byte, 16)
		_, _ = rand.Read(id)
		f.Connectors = append(f.Connectors, connector.ExportConnector{
			ID: hex.EncodeToString(id), System: o.name, Environment: env, LoginURL: org.LoginURL(), ClientID: "CIApp",
			AuthMethod: "jwt", Username: "ci@example.com", ResourceName: connector.DefaultResourceName, OrgID: org.OrgID(), OrgName: o.name + " Org",
		})
	}
	require.NoError(t, h.svc.ImportConnectors(f))
	h.v.reload(false)
	h.waitIdle()
}

// fleetStates is each shown row's connector and state, in table order.
func fleetStates(f *fleetScreen) []string {
	out := make([]string, len(f.shown))
	for i, j := range f.shown {
		out[i] = f.items[j].row.Connector + "=" + string(f.items[j].row.State)
	}
	return out
}

// TestFleetTab: opening the tab checks every org against the chosen
// bundle; the table is sorted worst first, counted per state, filtered by
// state and by search, sorted by a header, driven by the keyboard; and
// "Publish to the N behind" publishes to exactly the behind and absent
// ones, then the table refreshes, every one of them now current.
func TestFleetTab(t *testing.T) {
	useLanguage(t, "en")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	orgs := []*fleetOrg{
		{name: "Acme", state: connector.FleetCurrent},
		{name: "Globex", state: connector.FleetBehind},
		{name: "Initech", state: connector.FleetChangedOutside},
		{name: "Hooli", state: connector.FleetAbsent},
		{name: "Umbrella", state: connector.FleetNeedsAuthorization},
		{name: "Soylent", state: connector.FleetUnreachable},
		{name: "Stark", prod: true, state: connector.FleetCurrent},
	}
	addFleet(t, h, orgs)
	h.svc.CheckTimeout = 3 * time.Second
	f := h.v.fleet

	h.ui(func() { h.v.tabs.SelectIndex(2) })
	h.waitIdle()
	h.ui(func() {
		// worst first, then by name; the demo connector's org holds nothing yet
		// (the demo connector is not signed in yet)
		assert.Equal(t, []string{
			"Demo/Sandbox=needs_authorization", "Umbrella/Sandbox=needs_authorization", "Soylent/Sandbox=unreachable", "Initech/Sandbox=changed_outside",
			"Globex/Sandbox=behind", "Hooli/Sandbox=absent", "Acme/Sandbox=current", "Stark/Production=current",
		}, fleetStates(f))
		assert.Equal(t, "Current: 2  ·  Behind: 1  ·  Changed outside: 1  ·  Absent: 1  ·  Needs authorization: 2  ·  Unreachable: 1", f.counts.Text)
		assert.Equal(t, "Publish to the 2 not up to date", f.publishBtn.Text)
		assert.Equal(t, f.list, h.w.Canvas().Focused(), "the rows are the next step: they have focus")
		assert.True(t, f.items[f.shown[7]].row.Production, "Stark is marked production")
		assertRowsRightBelowHeader(t, f)

		f.stateSel.SetSelected("Behind: 1")
		assert.Equal(t, []string{"Globex/Sandbox=behind"}, fleetStates(f))
		f.stateSel.SetSelectedIndex(0)
		f.search.SetText("org ") // the org names: "Acme Org"…
		assert.Len(t, f.shown, 7, "every org but the demo's, whose org is unnamed here")
		f.search.SetText("ACME")
		assert.Equal(t, []string{"Acme/Sandbox=current"}, fleetStates(f))
		f.search.SetText("nothing like it")
		assert.Empty(t, f.shown)
		assert.Contains(t, f.empty.Text, "nothing like it")
		f.search.SetText("")

		test.Tap(f.header[sortConnector])
		assert.Equal(t, "Acme/Sandbox=current", fleetStates(f)[0])
		test.Tap(f.header[sortConnector])
		assert.Equal(t, "Umbrella/Sandbox=needs_authorization", fleetStates(f)[0], "again: the other way")
		assert.Equal(t, "Acme/Sandbox=current", fleetStates(f)[7])
		test.Tap(f.header[sortState])

		// the keyboard: Down three times, Enter shows the fourth row in full
		h.w.Canvas().Focus(f.list)
		f.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		f.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		f.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		f.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		assert.Contains(t, f.detail.Text, "Initech · Sandbox (Initech Org) — Changed outside")
		assert.Contains(t, f.detailFix.Text, "by Jane Doe")
		f.stateSel.SetSelected("Changed outside: 1")
		assert.Equal(t, []string{"Initech/Sandbox=changed_outside"}, fleetStates(f))
		assert.Equal(t, 0, f.list.selected, "the list's highlight stays on the row shown in full")
		f.stateSel.SetSelected("Behind: 1")
		assert.Equal(t, -1, f.list.selected, "no highlight on a row that is not the one shown in full")
		f.stateSel.SetSelectedIndex(0)
		f.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
		f.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		assert.Contains(t, f.detail.Text, "PRODUCTION · Stark · Production")
		test.Tap(f.openBtn)
		assert.Equal(t, connector.Key{System: "Stark", Environment: connector.Production}, h.v.selected)
		assert.Equal(t, 0, h.v.tabs.SelectedIndex(), "the connector is shown in the Connectors tab")
		h.v.tabs.SelectIndex(2)
	})

	initech := orgs[2].org.Resources()
	h.ui(func() { test.Tap(f.publishBtn) })
	h.waitIdle()
	h.ui(func() {
		assert.ElementsMatch(t, []connector.Key{
			{System: "Globex", Environment: connector.Sandbox}, {System: "Hooli", Environment: connector.Sandbox}}, h.v.tickedKeys(),
			"the publish went to the behind and absent ones, ticked in the Content bundle tab")
	})
	h.waitIdle() // the re-check after the publish
	h.ui(func() {
		assert.Equal(t, []string{
			"Demo/Sandbox=needs_authorization", "Umbrella/Sandbox=needs_authorization", "Soylent/Sandbox=unreachable", "Initech/Sandbox=changed_outside",
			"Acme/Sandbox=current", "Globex/Sandbox=current", "Hooli/Sandbox=current", "Stark/Production=current",
		}, fleetStates(f))
		assert.False(t, f.publishBtn.Visible(), "nothing left behind")
		assert.Contains(t, f.changes.Text, "Globex · Sandbox: Behind → Current")
	})
	assert.Equal(t, initech, orgs[2].org.Resources(), "the resource changed outside Connectors is left alone")
}

// TestFleetWatchNotifies: with the watch on, a check that finds a change
// for the worse (an edit in Setup by someone else) raises a desktop
// notification naming it; a check that finds nothing new raises none.
func TestFleetWatchNotifies(t *testing.T) {
	useLanguage(t, "en")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	orgs := []*fleetOrg{{name: "Acme", state: connector.FleetCurrent}, {name: "Globex", state: connector.FleetCurrent}}
	addFleet(t, h, orgs)
	f := h.v.fleet
	f.every = time.Hour // the test runs the checks itself
	h.ui(func() {
		h.v.pub.setupTray() // as on a desktop
		h.v.tabs.SelectIndex(2)
		f.watchCheck.SetChecked(true)
	})
	h.waitIdle()
	check := func() {
		h.ui(f.check)
		h.waitIdle()
	}
	test.AssertNotificationSent(t, nil, check)

	// someone edits Globex's resource in Setup
	res := orgs[1].org.Resources()[0]
	res.LastModifiedByID, res.LastModifiedByName, res.LastModifiedDate = "005000000000777AAA", "Jane Doe", time.Now()
	orgs[1].org.PutResource(res)
	test.AssertNotificationSent(t, fyne.NewNotification("Fleet: 1 changes need attention", "Globex · Sandbox: Current → Changed outside"), check)
	h.ui(func() {
		assert.Contains(t, f.changes.Text, "Globex · Sandbox: Current → Changed outside")
		menu := h.v.pub.tray.menu
		require.Len(t, menu.Items, 3, "the tray shows the fleet's summary while the watch is on")
		assert.Equal(t, "Fleet: Current: 1  ·  Changed outside: 1  ·  Needs authorization: 1", menu.Items[1].Label)
	})

	test.AssertNotificationSent(t, nil, check)
	h.ui(func() {
		f.watchCheck.SetChecked(false)
		assert.Nil(t, f.watchStop)
		assert.Len(t, h.v.pub.tray.menu.Items, 2, "no fleet summary once the watch is off")
	})
}

// TestFleetPublishAsksForProduction: "Publish to the N behind" with a
// production org among them asks for its name first, as every publish
// does, and writes nothing before the answer.
func TestFleetPublishAsksForProduction(t *testing.T) {
	useLanguage(t, "en")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	orgs := []*fleetOrg{{name: "Acme", prod: true, state: connector.FleetBehind}, {name: "Globex", state: connector.FleetBehind}}
	addFleet(t, h, orgs)
	f := h.v.fleet
	h.ui(func() { h.v.tabs.SelectIndex(2) })
	h.waitIdle()
	before := orgs[0].org.Resources()
	h.ui(func() {
		assert.Equal(t, "Publish to the 2 behind", f.publishBtn.Text)
		test.Tap(f.publishBtn)
	})
	h.waitIdle()
	h.ui(func() {
		require.NotNil(t, h.v.pub.prodDialog, "the production org asks for its name")
		assert.Contains(t, allText(h.w.Canvas().Overlays().Top()), "Type Acme Org to confirm")
	})
	assert.Equal(t, before, orgs[0].org.Resources(), "nothing written before the answer")
	h.ui(func() {
		h.v.pub.prodEntry.SetText("Acme Org")
		h.v.pub.prodDialog.Submit()
	})
	h.waitIdle()
	h.waitIdle()
	h.ui(func() {
		assert.Equal(t, []string{"Demo/Sandbox=needs_authorization", "Acme/Production=current", "Globex/Sandbox=current"}, fleetStates(f))
	})
}

// assertRowsRightBelowHeader: no line hidden above the rows left its
// space behind (a gap of a line's height showed in the real window).
func assertRowsRightBelowHeader(t *testing.T, f *fleetScreen) {
	t.Helper()
	y := float32(0)
	for _, o := range f.top.Objects {
		if o.Visible() {
			assert.InDelta(t, y, o.Position().Y, 1, "each shown line right below the one before")
			y = o.Position().Y + o.Size().Height + theme.Padding()
		}
	}
	assert.InDelta(t, y, f.list.Position().Y, 1, "the rows right below the header")
}
