package ui

import (
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore/storetest"
)

// withMany adds n connectors (from manyConnectors) to the harness's
// registry and reloads the list.
func (h *harness) withMany(n int) []connector.Connector {
	h.t.Helper()
	list := manyConnectors(n)
	for _, c := range list {
		_, err := h.svc.Registry.Upsert(c.Key(), func(cn *connector.Connector) error {
			cn.LoginURL, cn.Org = "https://client.my.salesforce.com", c.Org
			return nil
		})
		require.NoError(h.t, err)
	}
	h.v.reload(false)
	h.waitIdle()
	return list
}

// ringedRow is the row that shows the focus ring, or nil.
func (h *harness) ringedRow() (r *row) {
	h.ui(func() {
		for _, cand := range h.v.list.rows {
			if cand.body.Visible() && cand.ring.StrokeColor != color.Transparent && cand.ring.StrokeColor != nil {
				r = cand
			}
		}
	})
	return r
}

// TestListKeyboard: the list is one stop in the Tab order; Up, Down,
// Home and End move a ring that shows on the row, and the list scrolls to
// rows beyond the visible ones; Enter shows the ringed connector in the
// Connectors tab, Space ticks and unticks it.
func TestListKeyboard(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.withMany(19)
	h.ui(func() { h.w.Resize(fyne.NewSize(800, 600)) })
	l := h.v.list
	_, focusable := any(newTickBox()).(fyne.Focusable)
	assert.False(t, focusable, "a row's tick takes no Tab stop")

	h.ui(func() { h.w.Canvas().Unfocus() })
	h.focusOn(l.list)
	r := h.ringedRow()
	require.NotNil(t, r, "the focused row shows a ring")
	key := func(i int) connector.Key { return h.v.connectors[l.shown[i]].Key() }
	assert.Equal(t, h.key.System, r.title.Text, "the ring starts on the selected connector")

	h.press(fyne.KeyHome)
	assert.Equal(t, 0, l.list.focus)
	assert.Equal(t, key(0).System, h.ringedRow().title.Text)
	h.press(fyne.KeyDown)
	h.press(fyne.KeyDown)
	assert.Equal(t, 2, l.list.focus, "Down skips the group header")
	assert.Equal(t, key(2).System, h.ringedRow().title.Text)

	h.press(fyne.KeyEnd)
	last := len(l.shown) - 1
	assert.Equal(t, last, l.list.focus)
	var offset float32
	h.ui(func() { offset = l.list.GetScrollOffset() })
	assert.Positive(t, offset, "the list scrolled to the last row")
	require.NotNil(t, h.ringedRow(), "the last row shows, with its ring")
	assert.Equal(t, key(last).System, h.ringedRow().title.Text)

	h.press(fyne.KeyUp)
	k := key(last - 1)
	h.ui(func() { h.v.tabs.SelectIndex(1) })
	h.ui(func() { h.w.Canvas().Focus(l.list) })
	h.press(fyne.KeyReturn)
	assert.Equal(t, k, h.v.selected, "Enter selects the ringed connector")
	assert.Equal(t, 0, h.v.tabs.SelectedIndex(), "and shows it in the Connectors tab")
	assert.Equal(t, k.System, h.v.auth.system.Text)

	assert.False(t, h.v.ticked[k])
	h.press(fyne.KeySpace)
	assert.True(t, h.v.ticked[k], "Space ticks it")
	assert.True(t, h.ringedRow().check.on, "the row shows the tick")
	h.press(fyne.KeySpace)
	assert.False(t, h.v.ticked[k], "Space again unticks it")
	assert.Equal(t, k, h.v.selected, "Space does not change the selection")

	// Tab leaves the list for the next control: the rows are not stops
	h.ui(func() { test.FocusNext(h.w.Canvas()) })
	h.ui(func() {
		_, isButton := h.w.Canvas().Focused().(*button)
		assert.True(t, isButton, "the next stop is a button below the list, not %T", h.w.Canvas().Focused())
	})
	assert.Nil(t, h.ringedRow(), "the ring goes with the focus")
}

// TestListCountGroupsAndFilter: the list says how many connectors there
// are and how many the search or the filter shows, groups production
// apart under headers, and filters by state.
func TestListCountGroupsAndFilter(t *testing.T) {
	for _, tt := range []struct{ code, all, shown, needs, prod, others string }{
		{"en_US.UTF-8", "20 connectors", "10 of 20 shown", "Needs re-authorization (2)", "Production orgs (2)", "Sandboxes and others (18)"},
		{"fr_FR.UTF-8", "20 connecteurs", "10 sur 20 affichés", "", "Orgs de production (2)", "Sandbox et autres (18)"},
	} {
		t.Run(tt.code, func(t *testing.T) {
			useLanguage(t, tt.code)
			a := test.NewTempApp(t)
			v := newView(a, nil, Deps{StatusInterval: -1})
			w := test.NewTempWindow(t, v.build())
			v.win = w
			w.Resize(fyne.NewSize(1000, 700))
			list := manyConnectors(20)
			v.setConnectors(list)
			l := v.list
			assert.Equal(t, tt.all, l.count.Text)
			require.Len(t, l.items, 22, "20 rows and 2 headers")
			assert.Equal(t, tt.prod, l.items[0].header)
			assert.Equal(t, tt.others, l.items[3].header)

			l.search.SetText("client 01")
			assert.Equal(t, tt.shown, l.count.Text)
			l.search.SetText("")

			for _, i := range []int{3, 5} {
				v.setStatus(connector.Status{Key: list[i].Key(), State: connector.StateNeedsReauth})
			}
			opt := -1
			for i, k := range l.filterKeys {
				if k == string(connector.StateNeedsReauth) {
					opt = i
				}
			}
			require.Positive(t, opt, "the filter offers the state")
			if tt.needs != "" {
				assert.Equal(t, tt.needs, l.filter.Options[opt])
			}
			assert.Equal(t, stateText(connector.StateNeedsReauth)+" (2)", l.filter.Options[opt], "the state's own words")
			l.filter.SetSelectedIndex(opt)
			require.Len(t, l.shown, 2)
			assert.Equal(t, list[3].Key(), v.connectors[l.shown[0]].Key())
			assert.Equal(t, list[5].Key(), v.connectors[l.shown[1]].Key())
			assert.Len(t, l.items, 2, "no headers for one group")
			assert.Contains(t, l.count.Text, "2")

			// a new status that leaves the state takes the row out
			v.setStatus(connector.Status{Key: list[3].Key(), State: connector.StateConnected})
			require.Len(t, l.shown, 1)
			l.filter.SetSelectedIndex(0)
			assert.Len(t, l.shown, 20)
			assert.Equal(t, tt.all, l.count.Text)
		})
	}
}

// TestProductionBadgeNeverCut: at 800×600, with a drift badge or not, a
// production row shows PRODUCTION in full.
func TestProductionBadgeNeverCut(t *testing.T) {
	for _, code := range languages {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
			h.withMany(19)
			h.ui(func() { h.w.Resize(fyne.NewSize(800, 600)) })
			h.ui(func() { h.v.list.list.ScrollToTop() })
			found := 0
			h.ui(func() {
				for _, r := range h.v.list.rows {
					if !r.body.Visible() || !r.prod.Visible() {
						continue
					}
					found++
					need := r.prod.MinSize().Width
					assert.GreaterOrEqual(t, r.prod.Size().Width, need-0.5, "PRODUCTION has its full width")
				}
			})
			assert.Positive(t, found, "production rows are shown")
		})
	}
}

// TestFocusOnTheNextStep: at start the focus is on Authorize for a
// connector not signed in; back from the browser, on Choose content and
// publish; after it, on the content chooser; and at a start with the
// connector signed in, on the list.
func TestFocusOnTheNextStep(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	focused := func() (f fyne.Focusable) {
		h.ui(func() { f = h.w.Canvas().Focused() })
		return f
	}
	assert.Equal(t, fyne.Focusable(h.v.auth.authBtn), focused(), "Authorize, at start")

	h.ui(func() { h.v.auth.authBtn.Tapped(nil) })
	h.browse(h.nextOpened(), true)
	h.waitIdle()
	assert.Equal(t, fyne.Focusable(h.v.auth.nextBtn), focused(), "Choose content and publish, back from the browser")

	h.press(fyne.KeyReturn)
	assert.Equal(t, 1, h.v.tabs.SelectedIndex())
	assert.Equal(t, fyne.Focusable(h.v.pub.zipBtn), focused(), "the content chooser")

	// a start with the connector signed in: the list
	h.ui(func() {
		h.v.tabs.SelectIndex(0)
		h.w.Canvas().Unfocus()
		h.v.startFocus = true
		h.v.forget(h.key)
	})
	h.v.reload(true)
	h.waitIdle()
	assert.Equal(t, fyne.Focusable(h.v.list.list), focused(), "the list, to choose among the connectors")

	// after a disconnect: Authorize (the Disconnect button that had the
	// focus is gone; Enter pressed it again, found in the real window)
	h.ui(func() {
		h.v.tabs.SelectIndex(0)
		h.v.auth.disconnect(h.key)
	})
	h.waitIdle()
	assert.Equal(t, fyne.Focusable(h.v.auth.authBtn), focused(), "Authorize, after a disconnect")
}

// TestNamesInOneForm: a problem the domain words with "Black Mesa/Sandbox"
// reads "Black Mesa · Sandbox" in the window, like every other name, in
// English and French.
func TestNamesInOneForm(t *testing.T) {
	for _, code := range []string{"en_US.UTF-8", "fr_FR.UTF-8"} {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			svc, err := service.NewService(t.TempDir(), storetest.Store(t))
			require.NoError(t, err)
			first, err := svc.Registry.Upsert(connector.Key{System: "Aperture", Environment: connector.Sandbox}, func(*connector.Connector) error { return nil })
			require.NoError(t, err)
			_, err = svc.Registry.Upsert(connector.Key{System: "Black Mesa", Environment: connector.Sandbox}, func(c *connector.Connector) error {
				c.ID = first.ID // taken: the domain refuses it, naming the connector
				return nil
			})
			require.Error(t, err)
			require.Contains(t, err.Error(), "Black Mesa/Sandbox", "the domain's form")
			msg, _ := problemText(err)
			assert.Contains(t, msg, keyText(connector.Key{System: "Black Mesa", Environment: connector.Sandbox}))
			assert.NotContains(t, msg, "Black Mesa/")
		})
	}
}

// TestRingMove: the one rule of where a key moves a list's ring (the
// sidebar and the Fleet table share it): within the rows, a page at a time
// with Page Up and Page Down.
func TestRingMove(t *testing.T) {
	for _, tt := range []struct {
		key          fyne.KeyName
		from, to     int
		handledByRow bool
	}{
		{fyne.KeyDown, 3, 4, true}, {fyne.KeyDown, 9, 9, true}, {fyne.KeyUp, 0, 0, true}, {fyne.KeyUp, 3, 2, true},
		{fyne.KeyHome, 7, 0, true}, {fyne.KeyEnd, 2, 9, true}, {fyne.KeyPageDown, 2, 6, true}, {fyne.KeyPageDown, 8, 9, true},
		{fyne.KeyPageUp, 5, 1, true}, {fyne.KeyPageUp, 2, 0, true}, {fyne.KeyA, 5, 5, false},
	} {
		to, ok := ringMove(tt.key, tt.from, 10, 4)
		assert.Equal(t, tt.to, to, "%s from %d", tt.key, tt.from)
		assert.Equal(t, tt.handledByRow, ok, "%s", tt.key)
	}
}
