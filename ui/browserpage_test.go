package ui

import (
	"io"
	"net/http"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestBrowserPageInAppLanguage: the page the browser lands on after
// signing in speaks the app's language, names the org and says "almost
// done" (the app then checks the org); it was English only and claimed
// "Connectors is authorized" even for an org the app then refused.
func TestBrowserPageInAppLanguage(t *testing.T) {
	useLanguage(t, "fr_FR.UTF-8")
	h := newHarness(t, harnessOpts{demo: true, org: sfsim.Options{Sandbox: true}})
	h.ui(func() { test.Tap(h.v.auth.authBtn) })
	redirect, err := h.org.PlayUser(h.ctx, h.nextOpened(), true)
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(h.ctx, http.MethodGet, redirect, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = resp.Body.Close()
	h.waitIdle()

	page := string(body)
	assert.Contains(t, page, `<html lang="fr">`)
	assert.Contains(t, page, "Presque fini : revenez à Connectors")
	assert.Contains(t, page, h.org.OrgID()[:15], "the page names the org")
	assert.Contains(t, page, "Demo Org", "by its name, not 127.0.0.1")
	assert.NotContains(t, page, "127.0.0.1")
	assert.NotContains(t, page, "authorized")
}
