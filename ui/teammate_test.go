package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestWindowNamesATeammatesPublish (issue 17): a version published with
// Connectors from another computer is named as such in the connector card
// and in the publish result, never as a change outside Connectors; the
// same bundle is already up to date. In English and French.
func TestWindowNamesATeammatesPublish(t *testing.T) {
	for _, tt := range []struct{ locale, card, upToDate string }{
		{"en_US.UTF-8", "published with Connectors on", "Published with Connectors on"},
		{"fr_FR.UTF-8", "publiée avec Connectors le", "Publié avec Connectors le"},
	} {
		t.Run(tt.locale, func(t *testing.T) {
			useLanguage(t, tt.locale)
			h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
			h.authorize(true)
			v1 := fsBundle(t, map[string]string{"index.html": "<p>v1</p>"})
			h.ui(func() { h.v.pub.setBundle(v1, nil) })
			h.ui(func() { test.Tap(h.v.pub.publishBtn) })
			h.waitIdle()

			// A teammate publishes v2 from another computer (same user).
			v2 := fsBundle(t, map[string]string{"index.html": "<p>v2 by a teammate</p>"})
			cur := h.org.Resource(connector.DefaultResourceName)
			require.NotNil(t, cur)
			h.org.PutResource(sfsim.Resource{ID: cur.ID, Name: cur.Name, ContentType: cur.ContentType, CacheControl: cur.CacheControl,
				Description: connector.OrgRecord{Fingerprint: v2.Fingerprint(), Size: v2.Size(), UserID: h.org.UserID(), At: time.Now(),
					PubID: "0123456789abcdef", Publisher: "teammate@demo.example"}.Description(),
				Body: v2.Bytes(), LastModifiedDate: time.Now().Add(2 * time.Second), LastModifiedByID: h.org.UserID(), LastModifiedByName: "Grace Teammate"})

			h.ui(func() { h.v.checkAll(h.v.keys()) })
			h.waitIdle()
			text := allText(h.w.Content())
			assert.Contains(t, text, tt.card)
			assert.Contains(t, text, "Grace Teammate")
			shown, _ := driftVisible(h)
			assert.False(t, shown, "no drift badge for a teammate's publish")

			h.ui(func() { h.v.pub.setBundle(v2, nil) })
			h.ui(func() { test.Tap(h.v.pub.publishBtn) })
			h.waitIdle()
			row := h.v.pub.rows[h.key]
			require.NotNil(t, row)
			assert.Contains(t, row.fix.Text, tt.upToDate)
			assert.Equal(t, v2.Bytes(), h.org.Resource(connector.DefaultResourceName).Body)
		})
	}
}
