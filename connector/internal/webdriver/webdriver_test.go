package webdriver

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startSession starts chromedriver and a headless session; it fails (never
// skips) when the browser is not installed.
func startSession(t *testing.T, ctx context.Context) *Session {
	t.Helper()
	_, _, err := Paths()
	require.NoError(t, err, "real-browser tests need Chromium and chromedriver: %s", InstallHint)
	d, err := Start(ctx)
	require.NoError(t, err)
	t.Cleanup(d.Close)
	s, err := d.NewSession(ctx)
	require.NoError(t, err, "chromedriver log: %s", d.Log())
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		assert.NoError(t, s.Close(cctx))
		assert.NoDirExists(t, s.dataDir)
	})
	return s
}

func testSite() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html><head><title>Form</title></head><body>
<form method="POST" action="/submit"><input id="name" name="name"><button id="go" type="submit">Go</button></form>
<div id="later-slot"></div>
<script>setTimeout(function(){ var p=document.createElement('p'); p.id='later'; p.textContent='arrived'; document.getElementById('later-slot').appendChild(p); }, 300);</script>
</body></html>`)
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/done?name="+url.QueryEscape(r.PostFormValue("name")), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /done", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Done</title></head><body><h1 id="hello">Hello %s</h1></body></html>`,
			html.EscapeString(r.URL.Query().Get("name")))
	})
	return httptest.NewServer(mux)
}

func TestBrowserRoundTrip(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	site := testSite()
	defer site.Close()
	s := startSession(t, ctx)

	require.NoError(t, s.Navigate(ctx, site.URL+"/form"))
	cur, err := s.CurrentURL(ctx)
	require.NoError(t, err)
	assert.Equal(t, site.URL+"/form", cur)
	title, err := s.Title(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Form", title)

	// A missing element is a "no such element" error.
	_, err = s.FindElement(ctx, "#nope")
	require.Error(t, err)
	assert.True(t, IsNoSuchElement(err), err)

	// An element added later by script is found by WaitFor.
	later, err := s.WaitFor(ctx, "#later", 10*time.Second)
	require.NoError(t, err)
	txt, err := later.Text(ctx)
	require.NoError(t, err)
	assert.Equal(t, "arrived", txt)

	// And WaitFor gives up on one that never comes.
	_, err = s.WaitFor(ctx, "#never", 200*time.Millisecond)
	require.ErrorIs(t, err, ErrPollTimeout)

	// Typing and clicking submit the form.
	in, err := s.FindElement(ctx, "#name")
	require.NoError(t, err)
	require.NoError(t, in.SendKeys(ctx, "Ada & co"))
	btn, err := s.FindElement(ctx, "#go")
	require.NoError(t, err)
	require.NoError(t, btn.Click(ctx))
	h, err := s.WaitFor(ctx, "#hello", 10*time.Second)
	require.NoError(t, err)
	txt, err = h.Text(ctx)
	require.NoError(t, err)
	assert.Equal(t, "Hello Ada & co", txt)
	cur, err = s.CurrentURL(ctx)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(cur, site.URL+"/done?"), cur)
	src, err := s.PageSource(ctx)
	require.NoError(t, err)
	assert.Contains(t, src, `<h1 id="hello">Hello Ada &amp; co</h1>`)
}

func TestDriverCloseEndsSessions(t *testing.T) {
	_, _, err := Paths()
	require.NoError(t, err, "real-browser tests need Chromium and chromedriver: %s", InstallHint)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	d, err := Start(ctx)
	require.NoError(t, err)
	s, err := d.NewSession(ctx)
	require.NoError(t, err, "chromedriver log: %s", d.Log())
	require.DirExists(t, s.dataDir)

	// When the driver closes with a session still open
	d.Close()

	// Then the session was ended and its profile removed, and chromedriver is gone.
	assert.NoDirExists(t, s.dataDir)
	select {
	case <-d.exited:
	default:
		t.Fatal("chromedriver still running")
	}
	require.NoError(t, s.Close(ctx), "closing again is a no-op")
	d.Close()
}

func TestErrorText(t *testing.T) {
	e := &Error{Status: 404, Code: "no such element", Message: "no such element: Unable to locate\n  (Session info: ...)"}
	assert.Equal(t, "webdriver: no such element: no such element: Unable to locate", e.Error())
	assert.True(t, IsNoSuchElement(fmt.Errorf("wrapped: %w", e)))
	assert.False(t, IsNoSuchElement(&Error{Code: "stale element reference"}))
}

func TestPathsMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	d := find("/nonexistent/chromedriver", "/nonexistent/default", "no-such-binary-xyz")
	assert.Empty(t, d)
	assert.Equal(t, DefaultChromedriver, find("", DefaultChromedriver, "x"), "the Debian path when present (make deps installs it)")
	assert.Contains(t, ErrNotInstalled.Error(), "make deps")
}
