// Package webdriver is a minimal W3C WebDriver client for chromedriver, used
// to drive real headless Chromium in end-to-end tests and by the
// browserplayer command. Plain HTTP and JSON; no dependencies.
//
// chromedp (the DevTools protocol, straight to Chromium) would remove the
// chromedriver process and the chromium-driver package; it is not done yet:
// it means rewriting this client and the browserplayer against another API
// and adding its modules to go.mod, while Debian ships chromedriver in step
// with its Chromium, so the dependency costs one apt package today.
package webdriver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Default locations of Debian's chromium and chromium-driver packages.
const (
	DefaultChromedriver = "/usr/bin/chromedriver"
	DefaultChromium     = "/usr/bin/chromium"
)

// InstallHint tells a developer how to get the browser.
const InstallHint = "run `make deps` (it installs the chromium and chromium-driver packages)"

// ErrNotInstalled means chromedriver or Chromium is missing.
var ErrNotInstalled = errors.New("chromedriver or chromium is not installed: " + InstallHint)

// elementKey is the W3C web element identifier.
const elementKey = "element-6066-11e4-a52e-4f735466cecf"

// Driver is a running chromedriver process.
type Driver struct {
	base    string // http://127.0.0.1:PORT
	cmd     *exec.Cmd
	exited  chan struct{}
	hc      *http.Client
	chrome  string
	logMu   sync.Mutex
	logBuf  bytes.Buffer
	closeMu sync.Once

	sessMu   sync.Mutex
	sessions map[*Session]struct{} // open sessions, closed by Close
}

// Paths returns the chromedriver and Chromium binaries to use:
// $CHROMEDRIVER / $CHROME_BIN, else the Debian paths, else $PATH. It
// returns ErrNotInstalled when either is missing.
func Paths() (driver, chrome string, err error) {
	driver = find(os.Getenv("CHROMEDRIVER"), DefaultChromedriver, "chromedriver")
	chrome = find(os.Getenv("CHROME_BIN"), DefaultChromium, "chromium", "chromium-browser", "google-chrome")
	if driver == "" || chrome == "" {
		return driver, chrome, ErrNotInstalled
	}
	return driver, chrome, nil
}

func find(env, def string, names ...string) string {
	for _, p := range []string{env, def} {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() { //nolint:gosec // G703: the developer's own setting
			return p
		}
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// Start launches chromedriver on a free loopback port and waits until it
// reports ready. Close stops it.
func Start(ctx context.Context) (*Driver, error) {
	driverPath, chrome, err := Paths()
	if err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // the free port may be taken between pick and bind: retry
		d, err := start(ctx, driverPath, chrome)
		if err == nil {
			return d, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

func start(ctx context.Context, driverPath, chrome string) (*Driver, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	d := &Driver{
		base:   "http://127.0.0.1:" + strconv.Itoa(port),
		exited: make(chan struct{}),
		hc:     &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{Proxy: nil}},
		chrome: chrome,
	}
	d.cmd = exec.Command(driverPath, "--port="+strconv.Itoa(port), "--allowed-ips=127.0.0.1", "--log-level=WARNING")
	d.cmd.Stdout = (*logWriter)(d)
	d.cmd.Stderr = (*logWriter)(d)
	if err := d.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start chromedriver: %w", err)
	}
	go func() {
		_ = d.cmd.Wait()
		close(d.exited)
	}()
	if err := d.waitReady(ctx, 20*time.Second); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

type logWriter Driver

func (w *logWriter) Write(p []byte) (int, error) {
	w.logMu.Lock()
	defer w.logMu.Unlock()
	if w.logBuf.Len() < 64<<10 {
		w.logBuf.Write(p)
	}
	return len(p), nil
}

// Log returns what chromedriver printed so far (capped), for diagnostics.
func (d *Driver) Log() string {
	d.logMu.Lock()
	defer d.logMu.Unlock()
	return d.logBuf.String()
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick a port for chromedriver: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return port, ln.Close()
}

func (d *Driver) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		var st struct {
			Ready bool `json:"ready"`
		}
		if err := d.do(ctx, http.MethodGet, "/status", nil, &st); err == nil && st.Ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for chromedriver: %w", ctx.Err())
		case <-d.exited:
			return fmt.Errorf("chromedriver exited at start: %s", strings.TrimSpace(d.Log()))
		case <-deadline.C:
			return fmt.Errorf("chromedriver not ready after %s: %s", timeout, strings.TrimSpace(d.Log()))
		case <-tick.C:
		}
	}
}

// Close ends the sessions still open (so Chromium quits and the profiles
// are removed) and stops chromedriver.
func (d *Driver) Close() {
	d.closeMu.Do(func() {
		d.sessMu.Lock()
		open := make([]*Session, 0, len(d.sessions))
		for s := range d.sessions {
			open = append(open, s)
		}
		d.sessMu.Unlock()
		for _, s := range open {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = s.Close(ctx)
			cancel()
		}
		if d.cmd.Process != nil {
			_ = d.cmd.Process.Kill()
		}
		<-d.exited
	})
}

// Error is a WebDriver error response.
type Error struct {
	Status  int
	Code    string // W3C error code, e.g. "no such element"
	Message string
}

func (e *Error) Error() string {
	msg := e.Message
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return fmt.Sprintf("webdriver: %s: %s", e.Code, msg)
}

// IsNoSuchElement reports a "no such element" error.
func IsNoSuchElement(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == "no such element"
}

// do sends a WebDriver command and decodes its "value" into out.
func (d *Driver) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, d.base+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json; charset=utf-8")
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return fmt.Errorf("webdriver %s %s: HTTP %d, not JSON", method, path, resp.StatusCode)
	}
	if resp.StatusCode >= 400 {
		var we struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(env.Value, &we)
		return &Error{Status: resp.StatusCode, Code: we.Error, Message: we.Message}
	}
	if out != nil && len(env.Value) > 0 {
		if err := json.Unmarshal(env.Value, out); err != nil {
			return fmt.Errorf("webdriver %s %s: decode: %w", method, path, err)
		}
	}
	return nil
}

// Session is one browser session.
type Session struct {
	d       *Driver
	id      string
	dataDir string
}

// ChromeArgs are the Chromium flags every session uses (plus a fresh
// --user-data-dir).
var ChromeArgs = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--disable-dev-shm-usage", "--window-size=1280,900",
}

// NewSession starts headless Chromium with a fresh profile.
func (d *Driver) NewSession(ctx context.Context) (*Session, error) {
	dir, err := os.MkdirTemp("", "webdriver-profile-")
	if err != nil {
		return nil, fmt.Errorf("create profile dir: %w", err)
	}
	args := append(append([]string(nil), ChromeArgs...), "--user-data-dir="+dir)
	caps := map[string]any{
		"capabilities": map[string]any{
			"alwaysMatch": map[string]any{
				"browserName":      "chrome",
				"pageLoadStrategy": "normal",
				"goog:chromeOptions": map[string]any{
					"binary": d.chrome,
					"args":   args,
				},
			},
		},
	}
	var out struct {
		SessionID string `json:"sessionId"`
	}
	if err := d.do(ctx, http.MethodPost, "/session", caps, &out); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("new session: %w", err)
	}
	s := &Session{d: d, id: out.SessionID, dataDir: dir}
	d.sessMu.Lock()
	if d.sessions == nil {
		d.sessions = map[*Session]struct{}{}
	}
	d.sessions[s] = struct{}{}
	d.sessMu.Unlock()
	return s, nil
}

func (s *Session) path(p string) string { return "/session/" + s.id + p }

// Close ends the session (Chromium quits) and removes the profile. A
// second Close does nothing.
func (s *Session) Close(ctx context.Context) error {
	s.d.sessMu.Lock()
	_, open := s.d.sessions[s]
	delete(s.d.sessions, s)
	s.d.sessMu.Unlock()
	if !open {
		return nil
	}
	err := s.d.do(ctx, http.MethodDelete, s.path(""), nil, nil)
	_ = os.RemoveAll(s.dataDir)
	return err
}

// Navigate loads url and waits for the page load (per pageLoadStrategy).
func (s *Session) Navigate(ctx context.Context, url string) error {
	return s.d.do(ctx, http.MethodPost, s.path("/url"), map[string]string{"url": url}, nil)
}

// CurrentURL is the URL of the current page.
func (s *Session) CurrentURL(ctx context.Context) (string, error) {
	var u string
	err := s.d.do(ctx, http.MethodGet, s.path("/url"), nil, &u)
	return u, err
}

// Title is the current page's title.
func (s *Session) Title(ctx context.Context) (string, error) {
	var t string
	err := s.d.do(ctx, http.MethodGet, s.path("/title"), nil, &t)
	return t, err
}

// PageSource is the current DOM serialized as HTML.
func (s *Session) PageSource(ctx context.Context) (string, error) {
	var src string
	err := s.d.do(ctx, http.MethodGet, s.path("/source"), nil, &src)
	return src, err
}

// Element is a reference to a DOM element.
type Element struct {
	s  *Session
	id string
}

// FindElement finds the first element matching a CSS selector; a missing
// element gives an *Error for which IsNoSuchElement is true.
func (s *Session) FindElement(ctx context.Context, css string) (*Element, error) {
	var out map[string]string
	err := s.d.do(ctx, http.MethodPost, s.path("/element"), map[string]string{"using": "css selector", "value": css}, &out)
	if err != nil {
		return nil, err
	}
	id := out[elementKey]
	if id == "" {
		return nil, fmt.Errorf("find %q: no element reference in the response", css)
	}
	return &Element{s: s, id: id}, nil
}

// WaitFor polls for an element matching css until it exists or timeout.
func (s *Session) WaitFor(ctx context.Context, css string, timeout time.Duration) (*Element, error) {
	var found *Element
	err := Poll(ctx, timeout, func() (bool, error) {
		el, err := s.FindElement(ctx, css)
		if IsNoSuchElement(err) {
			return false, nil
		}
		found = el
		return err == nil, err
	})
	if err != nil {
		return nil, fmt.Errorf("wait for %q: %w", css, err)
	}
	return found, nil
}

// ErrPollTimeout is returned by Poll when the condition never held.
var ErrPollTimeout = errors.New("timed out")

// Poll calls cond every 50 ms until it returns true or an error, ctx ends,
// or timeout passes (ErrPollTimeout).
func Poll(ctx context.Context, timeout time.Duration, cond func() (bool, error)) error {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("%w after %s", ErrPollTimeout, timeout)
		case <-tick.C:
		}
	}
}

// Click clicks the element.
func (e *Element) Click(ctx context.Context) error {
	return e.s.d.do(ctx, http.MethodPost, e.s.path("/element/"+e.id+"/click"), map[string]any{}, nil)
}

// Clear empties an input.
func (e *Element) Clear(ctx context.Context) error {
	return e.s.d.do(ctx, http.MethodPost, e.s.path("/element/"+e.id+"/clear"), map[string]any{}, nil)
}

// SendKeys types text into the element.
func (e *Element) SendKeys(ctx context.Context, text string) error {
	return e.s.d.do(ctx, http.MethodPost, e.s.path("/element/"+e.id+"/value"), map[string]string{"text": text}, nil)
}

// Text is the element's rendered text.
func (e *Element) Text(ctx context.Context) (string, error) {
	var t string
	err := e.s.d.do(ctx, http.MethodGet, e.s.path("/element/"+e.id+"/text"), nil, &t)
	return t, err
}
