package ui

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/assets"
	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/connector/tokenstore/storetest"
	"github.com/connectors-app/connectors/packaging"
)

// useLanguage forces the window's language for one test through the
// locale environment Fyne's lang package reads, and restores it after.
func useLanguage(t *testing.T, code string) {
	t.Helper()
	t.Cleanup(func() { _ = LoadTranslations() }) // runs after the env is restored
	t.Setenv("LC_ALL", code)
	t.Setenv("LANGUAGE", "")
	require.NoError(t, LoadTranslations())
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// harness is the window on a simulated org, with a scripted browser.
type harness struct {
	t      *testing.T
	ctx    context.Context
	org    *sfsim.Org
	svc    *service.Service
	tokens tokenstore.Store
	v      *view
	w      fyne.Window
	key    connector.Key
	opened chan string // authorize URLs the "browser" was asked to open
}

type harnessOpts struct {
	key     connector.Key
	org     sfsim.Options
	demo    bool
	noStart bool
}

func newHarness(t *testing.T, o harnessOpts) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	a := test.NewTempApp(t)
	if o.key == (connector.Key{}) {
		o.key = connector.Key{System: "Demo", Environment: connector.Sandbox}
	}
	port := freePort(t)
	o.org.Callbacks = map[string][]string{connector.DefaultClientID: {}}
	org, err := sfsim.Start(o.org)
	require.NoError(t, err)
	t.Cleanup(func() { _ = org.Close() })
	org.RegisterCallback(connector.DefaultClientID, fmt.Sprintf("http://localhost:%d%s", port, connector.CallbackPath))

	tokens := storetest.Store(t)
	svc, err := service.NewService(t.TempDir(), tokens)
	require.NoError(t, err)
	_, err = svc.Registry.Upsert(o.key, func(c *connector.Connector) error {
		c.LoginURL = org.LoginURL()
		c.CallbackPorts = []int{port}
		return nil
	})
	require.NoError(t, err)

	h := &harness{t: t, ctx: ctx, org: org, svc: svc, tokens: tokens, key: o.key, opened: make(chan string, 4)}
	deps := Deps{
		Service:        svc,
		Version:        "1.2.3-test",
		StatusInterval: -1,
		OpenBrowser: func(u string) error {
			h.opened <- u
			return nil
		},
	}
	if o.demo {
		b, err := packaging.FromFS(assets.SampleContent(), "sample content")
		require.NoError(t, err)
		deps.Demo = &Demo{Key: o.key, Username: org.Username(), Password: org.Password(), Bundle: b}
	}
	h.v = newView(a, nil, deps)
	h.w = test.NewTempWindow(t, h.v.build())
	h.v.win = h.w
	h.w.Resize(fyne.NewSize(1000, 700))
	t.Cleanup(func() {
		h.v.stop()
		h.waitIdle()
	})
	if !o.noStart {
		h.v.start()
		h.waitIdle()
	}
	return h
}

// waitIdle waits until no background work is in flight (bounded).
func (h *harness) waitIdle() {
	h.t.Helper()
	h.waitJobs(0)
}

// waitJobs waits until at most n background jobs are in flight (bounded).
func (h *harness) waitJobs(n int64) {
	h.t.Helper()
	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for h.v.jobs.Load() > n {
		select {
		case <-deadline:
			h.t.Fatalf("background work still running after 20s (%d jobs)", h.v.jobs.Load())
		case <-tick.C:
		}
	}
}

// nextOpened returns the next URL the window asked the browser to open.
func (h *harness) nextOpened() string {
	h.t.Helper()
	select {
	case u := <-h.opened:
		return u
	case <-time.After(15 * time.Second):
		h.t.Fatalf("the browser was never opened (error shown: %v)", h.v.auth.lastErr)
	}
	return ""
}

// browse plays the user on the authorize URL (allow or deny) and follows the
// redirect to the loopback server, like a browser.
func (h *harness) browse(u string, allow bool) {
	h.t.Helper()
	redirect, err := h.org.PlayUser(h.ctx, u, allow)
	require.NoError(h.t, err)
	req, err := http.NewRequestWithContext(h.ctx, http.MethodGet, redirect, nil)
	require.NoError(h.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(h.t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
}

// authorize taps Authorize and completes the flow as the user.
func (h *harness) authorize(allow bool) {
	h.t.Helper()
	h.ui(func() { test.Tap(h.v.auth.authBtn) })
	h.browse(h.nextOpened(), allow)
	h.waitIdle()
}

var (
	reOrgID = regexp.MustCompile(`00D[0-9A-Za-z]{15}`)
	rePort  = regexp.MustCompile(`(localhost|127\.0\.0\.1|\[::1\]):[0-9]+`)
	reQuery = regexp.MustCompile(`\?.*$`)
	reTime  = regexp.MustCompile(`[0-9][0-9/ :-]+[0-9]`)
	// reServedAt is the timestamp in /resource/<timestamp>/Name.
	reServedAt = regexp.MustCompile(`/resource/[0-9]+/`)
)

// stabilize replaces what differs between runs (ports, org IDs, OAuth
// state) in the few labels that show it, so markup masters are stable. The
// returned func puts the real text back.
func (h *harness) stabilize() (restore func()) {
	fix := func(s string) string {
		s = reOrgID.ReplaceAllString(s, "00DORGID")
		return rePort.ReplaceAllString(s, "$1:PORT")
	}
	a, p := h.v.auth, h.v.pub
	var undo []func()
	label := func(l interface{ SetText(string) }, text string, f func(string) string) {
		l.SetText(f(text))
		undo = append(undo, func() { l.SetText(text) })
	}
	label(a.urlLabel, a.urlLabel.Text, func(s string) string { return reQuery.ReplaceAllString(fix(s), "?…") })
	label(a.domainHint, a.domainHint.Text, fix)
	label(a.loginURL, a.loginURL.Text, fix)
	label(p.targets, p.targets.Text, fix)
	label(a.lastChecked, a.lastChecked.Text, func(s string) string { return reTime.ReplaceAllString(s, "TIME") })
	for _, r := range p.rows { // where a published resource is served: its time and port
		label(r.fix, r.fix.Text, func(s string) string { return reServedAt.ReplaceAllString(fix(s), "/resource/TIMESTAMP/") })
	}
	sub := a.orgCard.Subtitle
	a.orgCard.SetSubTitle(fix(sub))
	undo = append(undo, func() { a.orgCard.SetSubTitle(sub) })
	// the entry's text is user input: swap it without firing OnChanged
	on, text := a.domain.OnChanged, a.domain.Text
	a.domain.OnChanged = nil
	a.domain.SetText(fix(text))
	undo = append(undo, func() { a.domain.SetText(text); a.domain.OnChanged = on })
	return func() {
		for i := len(undo) - 1; i >= 0; i-- {
			undo[i]()
		}
	}
}

// ui runs fn like a user event while background work may be landing: the
// test driver runs fyne.Do inline on worker goroutines, so the test takes
// the same lock the workers' updates take.
func (h *harness) ui(fn func()) {
	h.v.uiMu.Lock()
	defer h.v.uiMu.Unlock()
	fn()
}

// assertMarkup stabilizes the window and compares it with the master.
func (h *harness) assertMarkup(name string) {
	h.t.Helper()
	h.v.uiMu.Lock()
	defer h.v.uiMu.Unlock()
	restore := h.stabilize()
	defer restore()
	test.AssertRendersToMarkup(h.t, name, h.w.Canvas())
}

// pausingBackend stops PublishMany until released, so a test can look at
// the window while a publish is in flight.
type pausingBackend struct {
	backend
	entered chan struct{}
	release chan struct{}
}

func (p *pausingBackend) PublishMany(ctx context.Context, keys []connector.Key, b service.Bundle, opts service.PublishOptions,
	progress func(k connector.Key, sent, total int64),
) []service.PublishResult {
	p.entered <- struct{}{}
	select {
	case <-p.release:
	case <-ctx.Done():
	}
	return p.backend.PublishMany(ctx, keys, b, opts, progress)
}

// recordingBackend records PublishMany calls and can script their results.
type recordingBackend struct {
	backend
	calls   [][]connector.Key
	opts    []service.PublishOptions
	results func(call int, keys []connector.Key) []service.PublishResult // nil: the real service
}

func (r *recordingBackend) PublishMany(ctx context.Context, keys []connector.Key, b service.Bundle, opts service.PublishOptions,
	progress func(k connector.Key, sent, total int64),
) []service.PublishResult {
	r.calls = append(r.calls, keys)
	r.opts = append(r.opts, opts)
	if r.results != nil {
		return r.results(len(r.calls), keys)
	}
	return r.backend.PublishMany(ctx, keys, b, opts, progress)
}

// tokenKey is the keyring entry of the harness's connector (keyed by its ID).
func (h *harness) tokenKey() string {
	h.t.Helper()
	c, err := h.svc.Registry.Get(h.key)
	if err != nil {
		h.t.Fatalf("connector %s: %v", h.key, err)
	}
	return c.TokenKey()
}
