package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestRowTooltipShowsTheFullName: in a narrow sidebar a long system or org
// name is cut off; resting the pointer on the row shows all of it, and the
// tooltip goes when the pointer leaves. The tooltip never takes the click.
func TestRowTooltipShowsTheFullName(t *testing.T) {
	useLanguage(t, "en_US.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	long := connector.Key{System: "Acme Corporation International Holdings", Environment: connector.Sandbox}
	_, err := h.svc.Registry.Upsert(long, func(c *connector.Connector) error {
		c.Org = &connector.OrgInfo{OrgID: "00D000000000042AAA", OrgName: "Acme Corporation International UAT", IsSandbox: true}
		return nil
	})
	require.NoError(t, err)
	h.ui(func() { h.w.Resize(fyne.NewSize(800, 600)) })
	h.v.reload(false)
	h.waitIdle()

	var r *row
	for _, candidate := range h.v.list.rows {
		if candidate.title.Text == long.System {
			r = candidate
		}
	}
	require.NotNil(t, r, "the long connector has a row")
	full := fyne.MeasureText(long.System, theme.TextSize(), fyne.TextStyle{Bold: true}).Width
	assert.Less(t, r.title.Size().Width, full, "the sidebar cuts the name off")

	d := fyne.CurrentApp().Driver()
	over := d.AbsolutePositionForObject(r.title).Add(fyne.NewPos(10, 10))
	h.ui(func() { test.MoveMouse(h.w.Canvas(), over) })
	visible := func() (v bool) {
		h.ui(func() { v = h.v.tips.card.Visible() })
		return v
	}
	deadline := time.Now().Add(5 * time.Second)
	for !visible() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	require.True(t, visible(), "the tooltip shows after a short rest")
	h.ui(func() {
		assert.Equal(t, "Acme Corporation International Holdings · Sandbox · Acme Corporation International UAT (00D000000000042AAA)", h.v.tips.text.Text)
		tipPos := d.AbsolutePositionForObject(h.v.tips.card)
		assert.GreaterOrEqual(t, tipPos.Y, d.AbsolutePositionForObject(r.title).Y+r.title.Size().Height-1, "below the row")
		// the click goes through to the row, which selects the connector
		test.TapCanvas(h.w.Canvas(), over)
	})
	h.waitIdle()
	h.ui(func() {
		assert.Equal(t, long, h.v.selected, "the row under the tooltip layer still takes the click")
		test.MoveMouse(h.w.Canvas(), fyne.NewPos(1, 1))
	})
	assert.False(t, visible(), "gone when the pointer leaves")
}
