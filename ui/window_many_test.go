package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestWindowManyConnectors renders the new states of a consultant's window,
// in English and French: 20 connectors with production grouped first, a
// search, the summary line naming the production org before publishing,
// and the rename dialog.
func TestWindowManyConnectors(t *testing.T) {
	for _, code := range languages {
		t.Run(code, func(t *testing.T) {
			useLanguage(t, code)
			h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true, OrgName: "Demo Org"}})
			for _, c := range manyConnectors(19) {
				_, err := h.svc.Registry.Upsert(c.Key(), func(cn *connector.Connector) error {
					cn.LoginURL, cn.Org = "https://client.my.salesforce.com", c.Org
					return nil
				})
				require.NoError(t, err)
			}
			h.v.reload(false)
			h.waitIdle()
			dir := "connectors/" + code + "/"
			h.assertMarkup(dir + "many.xml")

			h.ui(func() { h.v.list.search.SetText("client 01") })
			h.assertMarkup(dir + "many_search.xml")

			h.ui(func() {
				h.v.list.onSelectSandboxes()
				h.v.list.onChecked(connector.Key{System: "Client 010", Environment: connector.Production}, true)
				h.v.tabs.SelectIndex(1)
			})
			require.Len(t, h.v.pub.targetKeys(), 9, "Client 010 (production) and the eight sandboxes shown")
			h.assertMarkup(dir + "summary_production.xml")

			h.ui(func() {
				h.v.tabs.SelectIndex(0)
				test.Tap(h.v.auth.renameBtn)
			})
			h.assertMarkup(dir + "rename.xml")
		})
	}
}
