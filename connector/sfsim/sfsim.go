// Package sfsim is an in-process simulated Salesforce org: a login host
// (OAuth 2.0 web-server flow with PKCE, token, revoke, userinfo, identity
// URLs) and an instance host (REST API: versions, limits, a SOQL subset and
// StaticResource CRUD on /sobjects and /tooling/sobjects).
//
// It follows /work/shared/docs/salesforce-api.md on the wire and serves tests,
// benchmarks and the app's demo mode. It deliberately imports no other
// package of this module, so a misunderstanding of the wire format cannot
// hide on both sides.
//
// Where the reference marks a fact unconfirmed ([U]) sfsim answers with the
// suggested response by default (Options.Quirks switches to alternatives):
//   - /authorize with an unknown client_id or a redirect_uri mismatch: 302 to
//     /setup/secur/RemoteAccessErrorPage.apexp?error=invalid_client_id|redirect_uri_mismatch
//     (an HTML page on the same host), never to the redirect_uri.
//   - Wrong or missing PKCE verifier: 400 invalid_grant "invalid code verifier";
//     code_challenge_method=plain is accepted. Verifiers of any length.
//   - Codes live 15 minutes (Options.CodeTTL) and are single use; a reused or
//     expired code gives "expired authorization code", an unknown one
//     "invalid authorization code". Failed exchanges do not burn the code.
//   - Revoke errors: 400 JSON {"error":"invalid_token","error_description":"Token was invalid"}.
//   - StaticResource errors (§6.6): DUPLICATE_VALUE, FIELD_INTEGRITY_EXCEPTION
//     (name rule), STORAGE_LIMIT_EXCEEDED ("static resource cannot exceed 5MB";
//     org total), STRING_TOO_LONG, INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST,
//     REQUIRED_FIELD_MISSING, INSUFFICIENT_ACCESS_OR_READONLY, all 400 with
//     "fields". Names are unique per namespace, case-insensitively, ≤ 255.
//   - REST create requires Name, Body and ContentType (CacheControl defaults
//     to Private); Tooling create also requires CacheControl. Tooling create
//     responses carry "warnings":[] and "infos":[].
//   - Request cap: 52,428,800 bytes counted on the wire (compressed); the
//     decompressed body is capped at the same size. Over it: 413.
//   - UserPermissionAccess records have attributes {"type"} only (no url).
//   - Injected faults (FailNext, FailNextWith; §5.3, §11.3): 503 is the
//     maintenance HTML page without Retry-After unless one is asked for;
//     the concurrency limit is REQUEST_LIMIT_EXCEEDED "ConcurrentPerOrgLongTxn
//     Limit exceeded." with 429 (or 403 on request), the daily budget the
//     same code with "TotalRequests Limit exceeded." and 403. A lost answer
//     (Fault.LoseAnswer) is the request handled in full — a write lands —
//     and its answer never sent: the connection is closed, at once or after
//     Fault.Hold (a slow edge, a dropped network).
//   - Headless grants (§11.1, §11.2; headless.go): a JWT assertion with a
//     bad signature, a malformed JWT, or a missing or past exp is
//     invalid_grant "invalid assertion" (an exp far ahead is accepted: the
//     Salesforce CLI sends milliseconds and works); a subject other
//     than the org's user, like a profile not pre-authorized, is
//     invalid_grant "user hasn't approved this consumer". Both grants issue
//     scope "api id" and no refresh token.
//   - query?q=...&columns=true answers columnMetadata, never records (§11.4).
//
// The instance host also serves the login flow and the token, revoke,
// userinfo and identity endpoints (it plays the org's My Domain); token
// responses and identity URLs always name the login host.
package sfsim

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configures a simulated org. The zero value is a usable org.
type Options struct {
	// Callbacks maps client_id -> registered redirect URIs (exact match). Default (nil):
	// {"PlatformCLI": {"http://localhost:1717/OauthRedirect","http://localhost:1718/OauthRedirect","http://localhost:1719/OauthRedirect"}}.
	Callbacks map[string][]string
	// ClientSecrets maps client_id -> secret for confidential clients. A
	// client without an entry is public: any (or no) secret is accepted.
	ClientSecrets map[string]string

	Username, Password, UserDisplayName string // defaults "admin@demo.example", "demo-password", "Ada Admin"
	OrgName                             string // default "Demo Org"
	Sandbox                             bool   // Organization.IsSandbox; identity URLs use the login host either way
	RotateRefreshTokens                 bool
	Latency                             time.Duration // added to every request
	DemoHint                            bool          // login page shows the demo credentials and prefills them
	// LoginAddr, InstanceAddr are listen addresses; default "127.0.0.1:0"
	// each. LoginAddr also listens on [::1] same port when possible.
	LoginAddr, InstanceAddr string
	MaxResourceSize         int64 // default 5 MB (5*1024*1024)
	MaxOrgStorage           int64 // default 250 MB
	MaxNameLength           int   // default 255
	APIUsageMax             int   // default 15000 (for Sforce-Limit-Info and /limits)
	// MaxApprovals caps live refresh tokens per user per app (Salesforce:
	// five); the next approval silently revokes the oldest. 0: no cap.
	MaxApprovals int
	// CodeTTL is the authorization-code lifetime; default 15 minutes.
	CodeTTL time.Duration
	// Quirks switches the answers the reference marks unconfirmed ([U], §9)
	// to their alternatives, so clients can be tested against both.
	Quirks Quirks

	maxRequestSize int64 // MaxRequestSize; smaller in tests
}

// Quirks are alternative answers for facts not verified against a real org.
// The zero value is sfsim's default (the reference's suggestion).
type Quirks struct {
	// PKCEErrorCode is the token error for a wrong or missing verifier:
	// "invalid_grant" (default, observed) or "invalid_request" (doc text).
	PKCEErrorCode string
	// RejectPlainPKCE refuses code_challenge_method=plain at /authorize.
	RejectPlainPKCE bool
	// ReusedCodeDescription is the invalid_grant description for a reused
	// code; default "expired authorization code".
	ReusedCodeDescription string
	// RevokeErrorFormEncoded answers revoke errors form-encoded, not JSON.
	RevokeErrorFormEncoded bool
	// OversizeErrorCode is the errorCode for a body over MaxResourceSize:
	// STORAGE_LIMIT_EXCEEDED (default) or FIELD_INTEGRITY_EXCEPTION.
	OversizeErrorCode string
	// InvalidNameErrorCode is the errorCode for a name breaking the rule:
	// FIELD_INTEGRITY_EXCEPTION (default) or INVALID_FIELD.
	InvalidNameErrorCode string
	// InsufficientAccessStatus is the HTTP status of
	// INSUFFICIENT_ACCESS_OR_READONLY on StaticResource writes: 400 (default) or 403.
	InsufficientAccessStatus int
	// RejectMultipart answers multipart StaticResource uploads with 415.
	RejectMultipart bool
	// CapDecompressed counts the 52,428,800-byte request cap on the
	// decompressed body as well (default: wire bytes only).
	CapDecompressed bool
	// NoDateHeader answers without a Date header (a proxy that strips it):
	// a client then cannot learn the time of its write from the answer.
	NoDateHeader bool
	// DateOffset shifts the Date header of every answer from the org's
	// clock (an edge server whose clock is behind the records' clock, or
	// an answer held back by a slow edge): the time of an answer is not
	// the time of the write.
	DateOffset time.Duration
}

// RequestLog records one request on either host.
type RequestLog struct {
	Time     time.Time
	Host     string // "login" or "instance"
	Method   string
	Path     string
	RawQuery string
	Status   int // 0 when sfsim dropped the connection (FailNext with status 0, a lost answer)
	// LostStatus is the status of the answer a LoseAnswer fault never sent
	// (the request was handled in full); Status is then 0.
	LostStatus      int
	BytesIn         int64  // request body bytes on the wire (compressed if sent compressed)
	BytesOut        int64  // response body bytes on the wire (compressed if sent compressed)
	ContentEncoding string // the request's Content-Encoding header
	Authorization   bool   // had a bearer token (never the token)
}

// Resource is a StaticResource record.
type Resource struct {
	ID, Name, NamespacePrefix, ContentType, CacheControl, Description string
	Body                                                              []byte
	CreatedDate, LastModifiedDate                                     time.Time
	// LastModifiedByID and LastModifiedByName are the user who last wrote
	// the record (the LastModifiedBy relationship); empty in PutResource
	// means the org's own user (UserID, Options.UserDisplayName).
	LastModifiedByID, LastModifiedByName string
}

// maxRequestLog bounds Requests(): past it the oldest half is dropped.
const maxRequestLog = 200_000

// MaxRequestSize is Salesforce's REST request cap (bytes on the wire).
const MaxRequestSize = 52428800

// Org is a running simulated org. All methods are safe for concurrent use.
type Org struct {
	opts Options

	loginSrv, instSrv *http.Server
	loginURL, instURL string
	servers           sync.WaitGroup

	mu          sync.Mutex
	orgID       string
	userID      string
	callbacks   map[string][]string
	flows       map[string]*flow
	codes       map[string]*authCode
	sessions    map[string]*session // access token -> session
	refresh     map[string]*grant   // every refresh token ever issued -> its grant
	grants      []*grant
	apiEnabled  bool
	customize   bool
	sandbox     bool
	rotate      bool
	latency     time.Duration
	expireAfter int // -1: off; else sessions die after this many more REST requests
	failures    []*failRule
	requests    []RequestLog
	hooks       []func(*http.Request)
	writeHooks  []func(ResourceWrite)
	resources   map[string]*resource // by 18-char id
	apiUsage    int
	jwtClients  map[string]*jwtClient // client ID -> certificate (RegisterJWTClient)
	ccClients   map[string]*ccClient  // client ID -> secret (EnableClientCredentials)
	seq         int
	createdDate time.Time
}

type failRule struct {
	Fault
	n int
}

// Start starts both hosts on loopback and returns the running org.
func Start(opts Options) (*Org, error) {
	if opts.Callbacks == nil {
		opts.Callbacks = map[string][]string{"PlatformCLI": {
			"http://localhost:1717/OauthRedirect",
			"http://localhost:1718/OauthRedirect",
			"http://localhost:1719/OauthRedirect",
		}}
	}
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&opts.Username, "admin@demo.example")
	def(&opts.Password, "demo-password")
	def(&opts.UserDisplayName, "Ada Admin")
	def(&opts.OrgName, "Demo Org")
	def(&opts.LoginAddr, "127.0.0.1:0")
	def(&opts.InstanceAddr, "127.0.0.1:0")
	if opts.MaxResourceSize <= 0 {
		opts.MaxResourceSize = 5 * 1024 * 1024
	}
	if opts.MaxOrgStorage <= 0 {
		opts.MaxOrgStorage = 250 * 1024 * 1024
	}
	if opts.MaxNameLength <= 0 {
		opts.MaxNameLength = 255
	}
	if opts.APIUsageMax <= 0 {
		opts.APIUsageMax = 15000
	}
	if opts.CodeTTL <= 0 {
		opts.CodeTTL = 15 * time.Minute
	}
	if opts.maxRequestSize <= 0 {
		opts.maxRequestSize = MaxRequestSize
	}
	q := &opts.Quirks
	def(&q.PKCEErrorCode, "invalid_grant")
	def(&q.ReusedCodeDescription, "expired authorization code")
	def(&q.OversizeErrorCode, "STORAGE_LIMIT_EXCEEDED")
	def(&q.InvalidNameErrorCode, "FIELD_INTEGRITY_EXCEPTION")
	if q.InsufficientAccessStatus == 0 {
		q.InsufficientAccessStatus = http.StatusBadRequest
	}
	o := &Org{
		opts:        opts,
		orgID:       newID("00D"),
		userID:      newID("005"),
		callbacks:   map[string][]string{},
		flows:       map[string]*flow{},
		codes:       map[string]*authCode{},
		sessions:    map[string]*session{},
		refresh:     map[string]*grant{},
		apiEnabled:  true,
		customize:   true,
		sandbox:     opts.Sandbox,
		rotate:      opts.RotateRefreshTokens,
		latency:     opts.Latency,
		expireAfter: -1,
		resources:   map[string]*resource{},
		createdDate: time.Now().UTC().Add(-90 * 24 * time.Hour).Truncate(time.Second),
	}
	for id, uris := range opts.Callbacks {
		o.callbacks[id] = append([]string(nil), uris...)
	}

	loginLn, err := net.Listen("tcp", opts.LoginAddr)
	if err != nil {
		return nil, fmt.Errorf("listen login host: %w", err)
	}
	loginLns := []net.Listener{loginLn}
	if host, _, _ := net.SplitHostPort(opts.LoginAddr); host == "127.0.0.1" || host == "localhost" {
		port := loginLn.Addr().(*net.TCPAddr).Port
		if ln6, err := net.Listen("tcp", net.JoinHostPort("::1", strconv.Itoa(port))); err == nil {
			loginLns = append(loginLns, ln6)
		}
	}
	instLn, err := net.Listen("tcp", opts.InstanceAddr)
	if err != nil {
		for _, ln := range loginLns {
			_ = ln.Close()
		}
		return nil, fmt.Errorf("listen instance host: %w", err)
	}
	o.loginURL = "http://localhost:" + strconv.Itoa(loginLn.Addr().(*net.TCPAddr).Port)
	instHost := "127.0.0.1"
	if h, _, _ := net.SplitHostPort(opts.InstanceAddr); h != "" && h != "0.0.0.0" && h != "::" {
		instHost = h
	}
	o.instURL = "http://" + net.JoinHostPort(instHost, strconv.Itoa(instLn.Addr().(*net.TCPAddr).Port))

	o.loginSrv = &http.Server{Handler: o.wrap("login", http.HandlerFunc(o.serveLogin)), ReadHeaderTimeout: 30 * time.Second}
	o.instSrv = &http.Server{Handler: o.wrap("instance", http.HandlerFunc(o.serveInstance)), ReadHeaderTimeout: 30 * time.Second}
	for _, ln := range loginLns {
		o.serve(o.loginSrv, ln)
	}
	o.serve(o.instSrv, instLn)
	return o, nil
}

func (o *Org) serve(srv *http.Server, ln net.Listener) {
	o.servers.Add(1)
	go func() {
		defer o.servers.Done()
		_ = srv.Serve(ln)
	}()
}

// Close stops both hosts and drops open connections.
func (o *Org) Close() error {
	err := errors.Join(o.loginSrv.Close(), o.instSrv.Close())
	o.servers.Wait()
	return err
}

// LoginURL is "http://localhost:PORT" (the name localhost, like a login host).
func (o *Org) LoginURL() string { return o.loginURL }

// InstanceURL is "http://127.0.0.1:PORT2", the org's API host.
func (o *Org) InstanceURL() string { return o.instURL }

// OrgID is the 18-char organization id (it changes on RefreshSandbox).
func (o *Org) OrgID() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.orgID
}

// UserID is the 18-char id of the org's user.
func (o *Org) UserID() string { return o.userID }

// Username is the login user name.
func (o *Org) Username() string { return o.opts.Username }

// Password is the login password.
func (o *Org) Password() string { return o.opts.Password }

// IssuedTokens returns every access and refresh token the org has issued
// (live or not, since the last RefreshSandbox): test beds look for them
// where no token may be.
func (o *Org) IssuedTokens() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]string, 0, len(o.sessions)+len(o.refresh))
	for t := range o.sessions {
		out = append(out, t)
	}
	for t := range o.refresh {
		out = append(out, t)
	}
	return out
}

// RegisterCallback adds a redirect URI for clientID (creating the client).
func (o *Org) RegisterCallback(clientID, redirectURI string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.callbacks[clientID] = append(o.callbacks[clientID], redirectURI)
}

// ExpireSessions kills every access token now; refresh tokens keep working.
func (o *Org) ExpireSessions() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.expireSessionsLocked()
}

func (o *Org) expireSessionsLocked() {
	for _, s := range o.sessions {
		s.dead = true
	}
}

// ExpireSessionsAfter makes every access token die after n more
// authenticated REST requests (n <= 0: now).
func (o *Org) ExpireSessionsAfter(n int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if n <= 0 {
		o.expireSessionsLocked()
		o.expireAfter = -1
		return
	}
	o.expireAfter = n
}

// RevokeRefreshTokens kills every refresh token and every access token.
func (o *Org) RevokeRefreshTokens() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, g := range o.grants {
		g.dead = true
	}
	o.expireSessionsLocked()
}

// SetAPIEnabled false makes every REST call by the user fail with 403
// API_DISABLED_FOR_ORG (the OAuth login still succeeds).
func (o *Org) SetAPIEnabled(v bool) { o.set(func() { o.apiEnabled = v }) }

// SetCustomizeApplication false makes UserPermissionAccess report false and
// StaticResource writes fail with INSUFFICIENT_ACCESS_OR_READONLY.
func (o *Org) SetCustomizeApplication(v bool) { o.set(func() { o.customize = v }) }

// SetSandbox sets Organization.IsSandbox.
func (o *Org) SetSandbox(v bool) { o.set(func() { o.sandbox = v }) }

// Sandbox reports Organization.IsSandbox.
func (o *Org) Sandbox() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.sandbox
}

// SetRotateRefreshTokens turns refresh-token rotation on or off.
func (o *Org) SetRotateRefreshTokens(v bool) { o.set(func() { o.rotate = v }) }

// SetLatency sets the delay added to every request.
func (o *Org) SetLatency(d time.Duration) { o.set(func() { o.latency = d }) }

// RefreshSandbox simulates a sandbox refresh: a new org id, every old token,
// code and login flow dead. Resources survive.
func (o *Org) RefreshSandbox() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.orgID = newID("00D")
	o.sessions = map[string]*session{}
	o.refresh = map[string]*grant{}
	o.grants = nil
	o.codes = map[string]*authCode{}
	o.flows = map[string]*flow{}
}

// FailNext makes the next n REST requests (instance host, paths under
// /services/data) fail with status: 503 a maintenance HTML page (no
// Retry-After), 500 UNKNOWN_EXCEPTION, 403 REQUEST_LIMIT_EXCEEDED "TotalRequests
// Limit exceeded." (the daily budget), 429 REQUEST_LIMIT_EXCEEDED
// "ConcurrentPerOrgLongTxn Limit exceeded." (the concurrency limit), 0 a
// dropped connection after reading part of the request body; any other
// status a generic JSON error array. Failed requests change nothing in the
// org. FailNextWith adds a Retry-After header or the other limit message,
// or loses the answer of a request the org did handle (Fault.LoseAnswer).
func (o *Org) FailNext(n, status int) { o.FailNextMatching("", "/services/data", n, status) }

// FailNextMatching is FailNext for instance-host requests whose method
// equals method ("" any) and whose path starts with pathPrefix ("" any,
// including the OAuth endpoints the instance host serves).
func (o *Org) FailNextMatching(method, pathPrefix string, n, status int) {
	o.FailNextWith(n, Fault{Method: method, PathPrefix: pathPrefix, Status: status})
}

// Fault is a failure FailNextWith injects (§5.3, §11.3).
type Fault struct {
	// Method ("" any) and PathPrefix ("" any, including the OAuth
	// endpoints the instance host serves) select instance-host requests.
	Method, PathPrefix string
	// Status is the answer, as for FailNext (0 drops the connection).
	Status int
	// RetryAfter, when set, is sent as the Retry-After header: seconds
	// ("5") or an HTTP date. Salesforce may send one with 503 and 429 [U].
	RetryAfter string
	// Limit picks the REQUEST_LIMIT_EXCEEDED message of a 403 or 429:
	// LimitDaily ("TotalRequests Limit exceeded.", the default for 403) or
	// LimitConcurrent ("ConcurrentPerOrgLongTxn Limit exceeded.", the
	// default for 429). The status of a concurrency refusal is 403 or 429 [U].
	Limit string
	// LoseAnswer: the org handles the request in full, as without the
	// fault (a create or update lands, with everything it changes), and the
	// answer never reaches the client: the connection is closed without a
	// response. Status, RetryAfter and Limit are ignored. The request log
	// has Status 0 and the answer's status in LostStatus.
	LoseAnswer bool
	// Hold, with LoseAnswer, keeps the connection open this long before
	// closing it (a slow edge, a network that drops the answer on the way):
	// a client with a shorter timeout gives up first, and a client that
	// goes away ends the wait.
	Hold time.Duration
}

// REQUEST_LIMIT_EXCEEDED messages (§11.3).
const (
	LimitDaily      = "TotalRequests Limit exceeded."
	LimitConcurrent = "ConcurrentPerOrgLongTxn Limit exceeded."
)

// FailNextWith makes the next n instance-host requests matching f fail as f
// says. Rules are matched in the order they were added.
func (o *Org) FailNextWith(n int, f Fault) {
	if n <= 0 {
		return
	}
	f.Method = strings.ToUpper(f.Method)
	o.set(func() { o.failures = append(o.failures, &failRule{Fault: f, n: n}) })
}

// ClearFaults drops every fault FailNext and FailNextWith injected and
// not yet used.
func (o *Org) ClearFaults() { o.set(func() { o.failures = nil }) }

// Requests returns a copy of the log of every request on both hosts.
func (o *Org) Requests() []RequestLog {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]RequestLog(nil), o.requests...)
}

// ResetRequests empties the request log.
func (o *Org) ResetRequests() { o.set(func() { o.requests = nil }) }

// OnRequest registers a hook called before each request (both hosts) is handled.
func (o *Org) OnRequest(f func(r *http.Request)) { o.set(func() { o.hooks = append(o.hooks, f) }) }

func (o *Org) set(f func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f()
}

// ---- request plumbing ----

type countingReader struct {
	r io.ReadCloser
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) Close() error { return c.r.Close() }

type logWriter struct {
	http.ResponseWriter
	status   int
	n        int64
	hijacked bool
	// onDrop logs the request of a connection about to be dropped, with
	// the status of the answer lost (0: none was made).
	onDrop func(lost int)
}

// dropped logs the request before its connection is closed.
func (w *logWriter) dropped(lost int) {
	if w.onDrop != nil {
		w.onDrop(lost)
	}
}

func (w *logWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *logWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *logWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (o *Org) wrap(host string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		// Salesforce serves //services/data/... like /services/data/...: the
		// Salesforce CLI sends it after `sf org login access-token` (its
		// instance URL keeps a trailing slash, jsforce adds another).
		for strings.Contains(r.URL.Path, "//") {
			r.URL.Path = strings.ReplaceAll(r.URL.Path, "//", "/")
			r.URL.RawPath = ""
		}
		switch {
		case o.opts.Quirks.NoDateHeader:
			w.Header()["Date"] = nil // net/http adds none then
		case o.opts.Quirks.DateOffset != 0:
			w.Header().Set("Date", time.Now().Add(o.opts.Quirks.DateOffset).UTC().Format(http.TimeFormat))
		}
		cr := &countingReader{r: r.Body}
		r.Body = cr
		lw := &logWriter{ResponseWriter: w}
		o.mu.Lock()
		hooks := append([]func(*http.Request){}, o.hooks...)
		latency := o.latency
		o.mu.Unlock()
		for _, f := range hooks {
			f(r)
		}
		if latency > 0 {
			t := time.NewTimer(latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
			}
		}
		var rule *failRule
		if host == "instance" {
			rule = o.takeFault(r)
		}
		logged := false
		record := func(status, lost int) {
			entry := RequestLog{
				Time: start, Host: host, Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
				Status: status, LostStatus: lost, BytesIn: cr.n, BytesOut: lw.n,
				ContentEncoding: r.Header.Get("Content-Encoding"),
				Authorization:   hasBearer(r),
			}
			o.mu.Lock()
			if len(o.requests) >= maxRequestLog {
				// A long-running demo org must not grow without bound.
				o.requests = append(o.requests[:0:0], o.requests[len(o.requests)-maxRequestLog/2:]...)
			}
			o.requests = append(o.requests, entry)
			o.mu.Unlock()
			logged = true
		}
		// a dropped connection is logged before it is closed: the client
		// sees the drop at once and may ask again (and read the log) before
		// this handler returns
		lw.onDrop = func(lost int) { record(0, lost) }
		lost := 0
		switch {
		case rule == nil:
			h.ServeHTTP(lw, r)
		case rule.LoseAnswer:
			lost = loseAnswer(lw, r, h, rule.Hold)
		default:
			injectFailure(lw, r, rule)
		}
		if !lw.hijacked && lw.status != http.StatusRequestEntityTooLarge {
			_, _ = io.Copy(io.Discard, io.LimitReader(cr, o.opts.maxRequestSize+1))
		}
		if logged {
			return
		}
		status := lw.status
		if status == 0 && !lw.hijacked {
			status = http.StatusOK
		}
		record(status, lost)
	})
}

func hasBearer(r *http.Request) bool {
	a := r.Header.Get("Authorization")
	return strings.HasPrefix(a, "Bearer ") || strings.HasPrefix(a, "OAuth ") || r.URL.Query().Get("oauth_token") != ""
}

// takeFault returns the first fault rule matching r, counting one use of
// it, or nil.
func (o *Org) takeFault(r *http.Request) *failRule {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i, f := range o.failures {
		if (f.Method == "" || f.Method == r.Method) && strings.HasPrefix(r.URL.Path, f.PathPrefix) {
			f.n--
			if f.n <= 0 {
				o.failures = append(o.failures[:i:i], o.failures[i+1:]...)
			}
			return f
		}
	}
	return nil
}

// sinkWriter takes an answer nobody will read.
type sinkWriter struct {
	header http.Header
	status int
}

func (s *sinkWriter) Header() http.Header { return s.header }

func (s *sinkWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}

func (s *sinkWriter) Write(p []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return len(p), nil
}

// loseAnswer handles r in full with h, throws the answer away, waits up to
// hold (or until the client goes away), then closes the connection without
// a response. It returns the status of the answer lost.
func loseAnswer(w *logWriter, r *http.Request, h http.Handler, hold time.Duration) int {
	sink := &sinkWriter{header: http.Header{}}
	h.ServeHTTP(sink, r)
	_, _ = io.Copy(io.Discard, r.Body) // the whole request was received
	if hold > 0 {
		t := time.NewTimer(hold)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	status := sink.status
	if status == 0 {
		status = http.StatusOK
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	w.hijacked = true
	w.dropped(status)
	_ = conn.Close()
	return status
}

// injectFailure answers r as rule says, handling nothing.
func injectFailure(w *logWriter, r *http.Request, rule *failRule) {
	if rule.RetryAfter != "" && rule.Status != 0 {
		w.Header().Set("Retry-After", rule.RetryAfter)
	}
	switch rule.Status {
	case 0:
		// Read part of the body, then drop the connection.
		want := r.ContentLength / 2
		if want <= 0 || want > 64*1024 {
			want = 64 * 1024
		}
		_, _ = io.CopyN(io.Discard, r.Body, want)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		w.hijacked = true
		w.dropped(0)
		_ = conn.Close()
	case http.StatusServiceUnavailable:
		w.Header().Set("Content-Type", "text/html;charset=UTF-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = io.WriteString(w, maintenancePage)
	case http.StatusInternalServerError:
		writeErrors(w, r, http.StatusInternalServerError, apiErr("UNKNOWN_EXCEPTION",
			"An unexpected error occurred. Please include this ErrorId if you contact support: 1520853318-38219 (-1438381925)"))
	case http.StatusForbidden, http.StatusTooManyRequests:
		msg := rule.Limit
		if msg == "" {
			msg = LimitDaily
			if rule.Status == http.StatusTooManyRequests {
				msg = LimitConcurrent
			}
		}
		writeErrors(w, r, rule.Status, apiErr("REQUEST_LIMIT_EXCEEDED", msg))
	default:
		writeErrors(w, r, rule.Status, apiErr("UNKNOWN_EXCEPTION", http.StatusText(rule.Status)))
	}
}

const maintenancePage = `<!DOCTYPE html>
<html><head><meta charset="UTF-8"><title>Salesforce - Down For Maintenance</title>
<style>body{font-family:Arial,Helvetica,sans-serif;background:#f4f6f9;color:#16325c;text-align:center;padding-top:80px}</style>
</head><body><h1>Down For Maintenance</h1>
<p>This Salesforce instance is currently undergoing maintenance. Please try again later.</p>
<p>For the latest information, visit <a href="https://status.salesforce.com">status.salesforce.com</a>.</p>
</body></html>
`

// ---- ids and random strings ----

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

func randString(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// newID returns an 18-char case-safe id with the given 3-char key prefix.
func newID(prefix string) string {
	return caseSafe(prefix + "5g0000" + randString(6, alnum))
}

// caseSafe appends the 3-char checksum to a 15-char id (§2.10).
func caseSafe(id15 string) string {
	const table = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	suffix := make([]byte, 3)
	for block := range 3 {
		bits := 0
		for i := range 5 {
			c := id15[block*5+i]
			if c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		suffix[block] = table[bits]
	}
	return id15 + string(suffix)
}

// sameID compares a 15- or 18-char id with an 18-char one.
func sameID(given, id18 string) bool {
	switch len(given) {
	case 15:
		return given == id18[:15]
	case 18:
		return given[:15] == id18[:15] && strings.EqualFold(given[15:], id18[15:])
	}
	return false
}
