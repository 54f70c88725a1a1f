// Package oauth runs the OAuth 2.0 authorization-code flow with PKCE (S256)
// over a loopback redirect: it listens on 127.0.0.1 and ::1 at the first
// usable port of an ordered list, builds the authorize URL with a 32-byte
// random state, accepts exactly one callback on the callback path (or a
// pasted callback URL), checks the state and exchanges the code.
//
// It never opens a browser itself: the caller opens URL().
package oauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// Defaults applied by Start for zero Config fields.
const (
	DefaultClientID     = "PlatformCLI"
	DefaultCallbackPath = "/OauthRedirect"
	DefaultTimeout      = 3 * time.Minute
)

// DefaultPorts and DefaultScopes are used when Config leaves them empty.
var (
	DefaultPorts  = []int{1717}
	DefaultScopes = []string{"api", "refresh_token", "web"}
)

var defaultHTTPClient = &http.Client{Timeout: 60 * time.Second}

// Config describes one authorization. Zero fields take the defaults noted.
type Config struct {
	// LoginURL is https://login.salesforce.com, https://test.salesforce.com,
	// a My Domain, or http://localhost:PORT (the simulated org; http is
	// accepted only for loopback hosts). Required.
	LoginURL string
	// ClientID is the consumer key; empty means "PlatformCLI".
	ClientID string
	// Ports are the loopback callback ports tried in order; empty means
	// [1717]. Each must be registered as http://localhost:PORT{CallbackPath}
	// in the External Client App. 0 picks a free port (tests only: it cannot
	// be registered ahead).
	Ports []int
	// CallbackPath is the redirect path; empty means "/OauthRedirect".
	CallbackPath string
	// Scopes requested; empty means api, refresh_token, web.
	Scopes []string
	// Timeout bounds the whole flow from Start; zero means 3 minutes.
	Timeout time.Duration
	// HTTPClient calls the token endpoint; nil means a client with a 60 s timeout.
	HTTPClient *http.Client
	// Pages is the wording of the browser's result pages, in the app's
	// language; zero fields are English.
	Pages PageText
	// Identify, when set, names the org the fresh tokens belong to for the
	// success page ("Acme Corp (00D…)"): it runs after the token exchange,
	// before the browser is sent to the page. An empty answer falls back
	// to the org's host and ID.
	Identify func(ctx context.Context, res *Result) string
}

func (c *Config) setDefaults() error {
	base, err := checkLoginURL(c.LoginURL)
	if err != nil {
		return err
	}
	c.LoginURL = base
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	if len(c.Ports) == 0 {
		c.Ports = DefaultPorts
	}
	if c.CallbackPath == "" {
		c.CallbackPath = DefaultCallbackPath
	}
	if !strings.HasPrefix(c.CallbackPath, "/") {
		c.CallbackPath = "/" + c.CallbackPath
	}
	if len(c.Scopes) == 0 {
		c.Scopes = DefaultScopes
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HTTPClient == nil {
		c.HTTPClient = defaultHTTPClient
	}
	return nil
}

// Paths of the result pages our loopback server shows after the callback.
const (
	successPath = "/OauthSuccess"
	errorPath   = "/OauthError"
)

// shutdownGrace is how long the server lingers after the flow ends so the
// browser can load the result page, and how long Shutdown may take.
const (
	pageGrace     = 3 * time.Second
	shutdownGrace = 500 * time.Millisecond
)

// Flow is one authorization in progress: a loopback server waiting for the
// browser's redirect. Create it with Start; all methods are safe for
// concurrent use.
type Flow struct {
	cfg         Config
	text        PageText // cfg.Pages with the English defaults
	state       string
	verifier    string
	port        int
	redirectURI string
	authURL     string

	srv       *http.Server
	listeners []net.Listener

	// ctx ends when the flow ends; it bounds the code exchange.
	ctx    context.Context
	cancel context.CancelFunc

	claimMu  sync.Mutex
	claimed  bool // a callback with the right state is being (or was) handled
	mismatch atomic.Int32

	finishOnce sync.Once
	done       chan struct{} // closed when result/err are set
	result     *Result
	err        error
	// orgName is what Identify said, for the success page; set before done.
	orgName string

	// pending counts browsers sent (or about to be sent) to a result page
	// that have not loaded it yet; pageServed signals each load.
	pending      atomic.Int32
	pageServed   chan struct{}
	serverClosed chan struct{} // closed when the listeners are shut
}

// Start prepares an authorization:
//  1. applies the Config defaults and validates the login URL;
//  2. binds the first usable callback port on 127.0.0.1 and ::1 (refusing a
//     port where something already answers) or returns a *PortError;
//  3. creates the PKCE verifier and a 32-byte random state;
//  4. serves the callback until the flow ends: a code with the right state,
//     an error redirect, Submit, Cancel, ctx's end or Config.Timeout.
//
// The caller opens URL() in a browser (OpenBrowser) and calls Wait.
func Start(ctx context.Context, cfg Config) (*Flow, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, fmt.Errorf("start authorization: %w", err)
	}
	lns, port, err := listenFirst(ctx, cfg.Ports)
	if err != nil {
		return nil, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		closeAll(lns)
		return nil, fmt.Errorf("generate state: %w", err)
	}
	f := &Flow{
		cfg:          cfg,
		text:         cfg.Pages.withDefaults(),
		state:        base64.RawURLEncoding.EncodeToString(raw[:]),
		verifier:     oauth2.GenerateVerifier(),
		port:         port,
		redirectURI:  "http://localhost:" + strconv.Itoa(port) + cfg.CallbackPath,
		listeners:    lns,
		done:         make(chan struct{}),
		pageServed:   make(chan struct{}, 1),
		serverClosed: make(chan struct{}),
	}
	oc := oauth2.Config{
		ClientID:    cfg.ClientID,
		Endpoint:    oauth2.Endpoint{AuthURL: cfg.LoginURL + "/services/oauth2/authorize"},
		RedirectURL: f.redirectURI,
		Scopes:      cfg.Scopes,
	}
	f.authURL = oc.AuthCodeURL(f.state, oauth2.S256ChallengeOption(f.verifier),
		oauth2.SetAuthURLParam("prompt", "login"))
	// The flow's own context ends with the flow; watch ends the flow when
	// ctx ends.
	f.ctx, f.cancel = context.WithCancel(context.WithoutCancel(ctx))
	f.srv = &http.Server{
		Handler:           f.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       20 * time.Second,
		WriteTimeout:      90 * time.Second,
		IdleTimeout:       10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	var served sync.WaitGroup
	for _, ln := range lns {
		served.Add(1)
		go func() {
			defer served.Done()
			_ = f.srv.Serve(ln) // returns http.ErrServerClosed on shutdown
		}()
	}
	go f.watch(ctx, &served)
	return f, nil
}

// watch ends the flow on timeout or ctx's end, then shuts the server down
// once the browser had a chance to load the result page.
func (f *Flow) watch(ctx context.Context, served *sync.WaitGroup) {
	timer := time.NewTimer(f.cfg.Timeout)
	defer timer.Stop()
	select {
	case <-f.done:
	case <-ctx.Done():
		f.finish(nil, fmt.Errorf("%w: %w", ErrCanceled, context.Cause(ctx)))
	case <-timer.C:
		err := fmt.Errorf("%w (no answer within %s)", ErrTimeout, f.cfg.Timeout)
		if n := f.mismatch.Load(); n > 0 {
			err = fmt.Errorf("%w (no answer within %s); %d callback(s) with a different state were refused: %w",
				ErrTimeout, f.cfg.Timeout, n, ErrStateMismatch)
		}
		f.finish(nil, err)
	}
	// Let the browser load the result page it was redirected to.
	page := time.NewTimer(pageGrace)
wait:
	for f.pending.Load() > 0 {
		select {
		case <-f.pageServed:
		case <-page.C:
			break wait
		}
	}
	page.Stop()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	if err := f.srv.Shutdown(sctx); err != nil {
		_ = f.srv.Close()
	}
	cancel()
	served.Wait()
	close(f.serverClosed)
}

func closeAll(lns []net.Listener) {
	for _, ln := range lns {
		_ = ln.Close()
	}
}

// URL is the authorize URL to open in the browser: response_type=code,
// client_id, redirect_uri, scope, state, code_challenge (S256),
// code_challenge_method=S256 and prompt=login.
func (f *Flow) URL() string { return f.authURL }

// RedirectURI is the callback URL in use, http://localhost:PORT{CallbackPath}.
func (f *Flow) RedirectURI() string { return f.redirectURI }

// Port is the callback port in use.
func (f *Flow) Port() int { return f.port }

// Wait blocks until the flow ends and returns the tokens, or the reason it
// failed: *AuthError, *ExchangeError, ErrTimeout, ErrCanceled. If ctx ends
// first, the flow is canceled. When Wait returns, the browser has loaded
// its result page (or had 3 s to do so) and the callback port is free
// again, so a retry can bind it.
func (f *Flow) Wait(ctx context.Context) (*Result, error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		f.finish(nil, fmt.Errorf("%w: %w", ErrCanceled, context.Cause(ctx)))
	}
	<-f.serverClosed // bounded: pageGrace + shutdownGrace
	return f.result, f.err
}

// Done is closed when the flow has ended.
func (f *Flow) Done() <-chan struct{} { return f.done }

// Cancel aborts the flow; Wait returns ErrCanceled. Safe to call any time.
func (f *Flow) Cancel() { f.finish(nil, ErrCanceled) }

// finish records the outcome once and releases everything waiting.
func (f *Flow) finish(res *Result, err error) {
	f.finishOnce.Do(func() {
		f.result, f.err = res, err
		f.cancel()
		close(f.done)
	})
}

// Submit finishes the flow from a pasted callback URL (the address bar of
// the browser tab that could not reach the app), e.g.
// http://localhost:1717/OauthRedirect?code=...&state=... . It checks the
// path, the state and the code or error. A bad paste returns an error and
// the flow keeps waiting; an accepted one returns nil after the exchange
// ran, and Wait reports the outcome.
func (f *Flow) Submit(raw string) error {
	q, err := f.parsePasted(raw)
	if err != nil {
		return err
	}
	select {
	case <-f.done:
		return ErrFinished
	default:
	}
	if q.Get("state") != f.state {
		return fmt.Errorf("pasted URL: %w (it belongs to another login attempt: paste the URL from this attempt's tab)", ErrStateMismatch)
	}
	if q.Get("error") == "" && !validCode(q.Get("code")) {
		return errors.New("pasted URL: it has no authorization code: copy the whole address, including everything after the ?")
	}
	if !f.claim() {
		return ErrFinished
	}
	f.complete(q)
	return nil
}

func (f *Flow) parsePasted(raw string) (url.Values, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("pasted URL: it is empty")
	}
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("pasted URL: it is not a URL: copy the whole address from the browser's address bar")
	}
	if u.Path != f.cfg.CallbackPath {
		return nil, fmt.Errorf("pasted URL: its path is %q, not %q: copy the address of the tab that shows the failed redirect to %s", u.Path, f.cfg.CallbackPath, f.redirectURI)
	}
	q := u.Query()
	if q.Get("state") == "" {
		return nil, errors.New("pasted URL: it has no state parameter: copy the whole address, including everything after the ?")
	}
	return q, nil
}

// validCode rejects empty or absurdly short codes (sfdx-core: length > 4).
func validCode(code string) bool { return len(code) > 4 }

// claim reports whether the caller is the first valid callback.
func (f *Flow) claim() bool {
	f.claimMu.Lock()
	defer f.claimMu.Unlock()
	if f.claimed {
		return false
	}
	select {
	case <-f.done:
		return false
	default:
	}
	f.claimed = true
	return true
}

// complete ends the flow from a callback query with the right state:
// error=... gives an *AuthError, a code is exchanged.
func (f *Flow) complete(q url.Values) {
	if code := q.Get("error"); code != "" {
		f.finish(nil, &AuthError{Code: code, Description: q.Get("error_description")})
		return
	}
	res, err := f.exchange(q.Get("code"))
	if err != nil {
		if f.ctx.Err() != nil {
			// canceled or timed out meanwhile: that outcome is already recorded
			return
		}
		f.finish(nil, err)
		return
	}
	if f.cfg.Identify != nil {
		// The browser waits on the redirect meanwhile: its success page
		// names the org by the name the org gives itself.
		f.orgName = f.cfg.Identify(f.ctx, res)
	}
	f.finish(res, nil)
}

// exchange trades the code for tokens: grant_type, code, client_id,
// redirect_uri and code_verifier; never a client secret.
func (f *Flow) exchange(code string) (*Result, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"client_id":     {f.cfg.ClientID},
		"redirect_uri":  {f.redirectURI},
		"code_verifier": {f.verifier},
	}
	res, err := postToken(f.ctx, f.cfg.HTTPClient, f.cfg.LoginURL, form)
	if err != nil {
		return nil, fmt.Errorf("exchange code: %w", err)
	}
	return res, nil
}
