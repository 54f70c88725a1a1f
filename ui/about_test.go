package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/connectors-app/connectors/internal/update"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Help → About shows the version and commit the window was started with,
// and the Go version: what support asks for first.
func TestAboutShowsVersion(t *testing.T) {
	a := test.NewTempApp(t)
	w := a.NewWindow("Connectors")
	w.Resize(fyne.NewSize(800, 600))
	menu := HelpMenu(w, "1.2.3-4-gabc1234 (commit abc1234)", nil)
	require.Len(t, menu.Items, 1)
	require.Len(t, menu.Items[0].Items, 1)
	assert.Equal(t, "About Connectors", menu.Items[0].Items[0].Label)
	menu.Items[0].Items[0].Action()

	top := w.Canvas().Overlays().Top()
	require.NotNil(t, top, "the About dialog is shown")
	text := allText(top)
	assert.Contains(t, text, "Version 1.2.3-4-gabc1234 (commit abc1234)")
	assert.Contains(t, text, runtime.Version())
	assert.Contains(t, text, runtime.GOOS+"/"+runtime.GOARCH)
}

// TestUpdateNoticeInTheWindow: a release build learns from a local feed
// that a newer release exists: a quiet line under the banner names it
// with its page (once a day), and Help → About says it too; a feed that
// names the same version shows nothing.
func TestUpdateNoticeInTheWindow(t *testing.T) {
	useLanguage(t, "en")
	for _, tc := range []struct {
		name, tag string
		want      bool
	}{{"newer", "v1.5.0", true}, {"same", "v1.4.0", false}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = fmt.Fprintf(w, `{"tag_name":%q,"html_url":"https://github.com/connectors-app/connectors/releases/tag/%s"}`, tc.tag, tc.tag)
			}))
			t.Cleanup(srv.Close)
			u := &Updates{Current: "1.4.0", Checker: &update.Checker{Feed: srv.URL, StateFile: filepath.Join(t.TempDir(), "update.json")}}
			a := test.NewTempApp(t)
			v := newView(a, nil, Deps{StatusInterval: -1, Updates: u})
			w := test.NewTempWindow(t, v.build())
			v.win = w
			w.Resize(fyne.NewSize(1000, 700))
			v.start()
			require.Eventually(t, func() bool { return v.jobs.Load() == 0 }, 10*time.Second, 10*time.Millisecond)
			v.uiMu.Lock()
			banner := allText(v.top)
			v.uiMu.Unlock()
			menu := HelpMenu(w, "1.4.0 (commit abc1234)", u)
			menu.Items[0].Items[0].Action()
			about := allText(w.Canvas().Overlays().Top())
			if !tc.want {
				assert.NotContains(t, banner, "is available")
				assert.NotContains(t, about, "newer release")
				return
			}
			assert.Contains(t, banner, "Connectors 1.5.0 is available (you have 1.4.0).")
			assert.Contains(t, about, "A newer release exists: Connectors 1.5.0.")
			assert.Nil(t, u.check(context.Background()), "announced once a day")
		})
	}
}
