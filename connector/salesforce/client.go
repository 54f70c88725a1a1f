package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// maxErrorBody caps how much of an error response the client reads.
const maxErrorBody = 64 << 10

// defaultBackoff is the wait before the 2nd and 3rd attempt of a retried call.
var defaultBackoff = []time.Duration{200 * time.Millisecond, 800 * time.Millisecond}

const (
	// readAttempts bounds idempotent reads (GET): queries, record reads,
	// body downloads, userinfo.
	readAttempts = 3
	// maxRetryAfter is the longest Retry-After the client waits for before
	// trying again. A server asking for a longer wait (maintenance says
	// minutes) ends the retries at once: it will not be ready sooner.
	maxRetryAfter = 10 * time.Second
)

// Client calls one org's REST API. It is safe for concurrent use.
type Client struct {
	instanceURL string
	urlErr      error // set by New when instanceURL is unusable; returned by every call
	tokens      TokenSource
	http        *http.Client

	backoff []time.Duration // waits between retried attempts (tests shorten it)
	// sleep waits d or until ctx ends; tests record the waits instead.
	sleep func(ctx context.Context, d time.Duration) error

	requests atomic.Int64
	mu       sync.Mutex
	usage    *Usage
	lastDate time.Time
}

// New returns a client for the org at instanceURL (https, or http on
// loopback). An unusable URL does not fail here: every call returns the error.
// A nil hc uses a default client without timeout (uploads can be long).
func New(instanceURL string, tokens TokenSource, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{}
	}
	u := strings.TrimRight(strings.TrimSpace(instanceURL), "/")
	return &Client{
		instanceURL: u,
		urlErr:      CheckURL(u),
		tokens:      tokens,
		http:        hc,
		backoff:     defaultBackoff,
		sleep:       sleepContext,
	}
}

// CheckURL reports whether raw is an acceptable Salesforce host URL: https,
// or http only for a loopback host (localhost, 127.0.0.0/8, ::1) such as a
// local simulated org. Tokens are never sent anywhere else.
func CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("invalid salesforce url %q: %w", raw, err)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("invalid salesforce url %q: want https://host", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("insecure salesforce url %q: http is only allowed for localhost, use https", raw)
	default:
		return fmt.Errorf("invalid salesforce url %q: scheme must be https", raw)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (e *APIError) Error() string {
	var b strings.Builder
	if e.Method != "" || e.Path != "" {
		b.WriteString(e.Method + " " + e.Path + ": ")
	}
	fmt.Fprintf(&b, "http %d", e.StatusCode)
	if e.ErrorCode != "" {
		b.WriteString(" " + e.ErrorCode)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

// IsErrorCode reports whether err is (or wraps) an *APIError with the given errorCode.
func IsErrorCode(err error, code string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.ErrorCode == code
}

// InstanceURL returns the org's instance URL (without trailing slash).
func (c *Client) InstanceURL() string { return c.instanceURL }

// Requests returns how many HTTP requests the client has made to the
// instance, retried attempts included (token refreshes excluded: they go
// through the TokenSource).
func (c *Client) Requests() int { return int(c.requests.Load()) }

// LastUsage returns the API usage from the latest Sforce-Limit-Info header, or nil.
func (c *Client) LastUsage() *Usage {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.usage == nil {
		return nil
	}
	u := *c.usage
	return &u
}

// ParseUsage parses a Sforce-Limit-Info header value such as
// "api-usage=25/5000; per-app-api-usage=17/250(appName=x)"; nil if absent or malformed.
func ParseUsage(h string) *Usage {
	for part := range strings.SplitSeq(h, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || strings.TrimSpace(k) != "api-usage" {
			continue
		}
		used, max, ok := strings.Cut(strings.TrimSpace(v), "/")
		if !ok {
			return nil
		}
		var u Usage
		if _, err := fmt.Sscanf(used, "%d", &u.Used); err != nil {
			return nil
		}
		if _, err := fmt.Sscanf(max, "%d", &u.Max); err != nil {
			return nil
		}
		if u.Used < 0 || u.Max <= 0 {
			return nil
		}
		return &u
	}
	return nil
}

// call is one logical API call; do may send it several times.
type call struct {
	method string
	path   string // path below the instance URL, may carry a query string
	header http.Header
	// open returns a fresh request body per attempt; nil means no body.
	open func() (io.ReadCloser, error)
	// attempts > 1 retries what Retryable accepts, with backoff; 0 means
	// readAttempts for GET and a single attempt for any other method.
	attempts int
	// badOAuthText treats 403 "Bad_OAuth_Token" (userinfo) like INVALID_SESSION_ID.
	badOAuthText bool
}

// errPath is the request path without query string, for errors.
func (cl *call) errPath() string {
	p, _, _ := strings.Cut(cl.path, "?")
	return p
}

// bodyFinisher is a request body that can report, once the request is over,
// whether it failed on its own side (reading the bundle), as opposed to the
// transport abandoning it.
type bodyFinisher interface {
	finish() error
}

// ErrEarlierAttemptUnknown wraps the final error of a write sent again after
// an attempt whose outcome is unknown (its answer lost, or a 5xx): that
// attempt may have been applied, so the final answer (a 412 refusing the
// repeat, say) does not tell whether the write landed.
var ErrEarlierAttemptUnknown = errors.New("an earlier attempt of this write may have been applied")

// MayHaveLanded reports whether a write that failed with err may still have
// been applied: anything but a refusal the org answered with a 4xx (408
// aside) to every attempt.
func MayHaveLanded(err error) bool {
	if errors.Is(err, ErrEarlierAttemptUnknown) {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode >= 400 && ae.StatusCode < 500 && ae.StatusCode != http.StatusRequestTimeout {
		return false
	}
	return true
}

// sourceError marks an error of the request body's source: never retried.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// do sends cl with auth, refreshes the token once on 401 INVALID_SESSION_ID
// and retries once, and retries what Retryable accepts (5xx, 429, dropped
// connections) up to cl.maxAttempts times, waiting the backoff or the
// server's Retry-After (see retryWait). It returns a 2xx response (caller
// closes the body) or an error: *APIError for HTTP errors, the wrapped
// transport error for network failures.
func (c *Client) do(ctx context.Context, cl *call) (*http.Response, error) {
	if c.urlErr != nil {
		return nil, c.urlErr
	}
	token, err := c.tokens.AccessToken(ctx)
	if err != nil {
		return nil, fmt.Errorf("get access token: %w", err)
	}
	refreshed := false
	failures := 0
	unsure := false // a write's earlier attempt may have been applied
	for {
		resp, err := c.send(ctx, cl, token)
		if err == nil {
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				return resp, nil
			}
			apiErr := readAPIError(resp, cl.method, cl.errPath())
			if !refreshed && c.sessionInvalid(apiErr, cl) {
				refreshed = true
				token, err = c.tokens.Refresh(ctx, token)
				if err != nil {
					return nil, fmt.Errorf("refresh access token: %w", err)
				}
				continue
			}
			err = apiErr
		} else {
			var se *sourceError
			if errors.As(err, &se) {
				return nil, se.err
			}
		}
		failures++
		if stop := c.waitToRetry(ctx, cl, failures, err); stop != nil {
			if unsure {
				stop = fmt.Errorf("%w: %w", ErrEarlierAttemptUnknown, stop)
			}
			return nil, stop
		}
		unsure = unsure || (cl.method != http.MethodGet && MayHaveLanded(err))
	}
}

// waitToRetry decides what follows cl's failures-th failure, err: it waits
// before the next attempt (see retryWait) and returns nil, or returns the
// error do gives up with: err itself when no retry is due, or a "stop
// retrying" error wrapping err when one was due but ctx ended first.
func (c *Client) waitToRetry(ctx context.Context, cl *call, failures int, err error) error {
	if ctx.Err() != nil && Retryable(err) && failures < cl.maxAttempts() {
		// a retry was due, but the caller gave up: say so, with the last answer
		return fmt.Errorf("stop retrying: %w (last attempt: %w)", ctx.Err(), err)
	}
	if !Retryable(err) || failures >= cl.maxAttempts() || ctx.Err() != nil {
		return err
	}
	d, ok := c.retryWait(ctx, failures-1, err)
	if !ok {
		return err
	}
	if werr := c.sleep(ctx, d); werr != nil {
		return fmt.Errorf("stop retrying: %w (last attempt: %w)", werr, err)
	}
	return nil
}

func (cl *call) maxAttempts() int {
	switch {
	case cl.attempts > 0:
		return cl.attempts
	case cl.method == http.MethodGet:
		return readAttempts
	}
	return 1
}

func (c *Client) sessionInvalid(e *APIError, cl *call) bool {
	switch {
	case e.StatusCode == http.StatusUnauthorized && e.ErrorCode == "INVALID_SESSION_ID":
		return true
	case cl.badOAuthText && e.StatusCode == http.StatusForbidden && e.ErrorCode == "" &&
		strings.Contains(e.Message, "Bad_OAuth_Token"):
		return true
	}
	return false
}

// retryWait is the wait before the retry after the i-th failure (from 0):
// the backoff, or the server's Retry-After when it asks for longer. ok is
// false when that wait is longer than maxRetryAfter or would end past ctx's
// deadline: the call then gives up with the error it has.
func (c *Client) retryWait(ctx context.Context, i int, err error) (d time.Duration, ok bool) {
	if len(c.backoff) > 0 {
		d = c.backoff[min(i, len(c.backoff)-1)]
	}
	var ae *APIError
	if errors.As(err, &ae) && ae.RetryAfter > 0 {
		if ae.RetryAfter > maxRetryAfter {
			return 0, false
		}
		d = max(d, ae.RetryAfter)
	}
	if dl, has := ctx.Deadline(); has && time.Until(dl) < d {
		return 0, false
	}
	return d, true
}

// sleepContext waits d, or returns early with ctx's error.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// send makes one HTTP request.
func (c *Client) send(ctx context.Context, cl *call, token string) (*http.Response, error) {
	var body io.ReadCloser
	if cl.open != nil {
		b, err := cl.open()
		if err != nil {
			return nil, &sourceError{err}
		}
		body = b
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, c.instanceURL+cl.path, nil)
	if err != nil {
		if body != nil {
			body.Close()
		}
		return nil, fmt.Errorf("build request: %w", err)
	}
	if body != nil {
		req.Body = body
		req.ContentLength = -1
	}
	for k, v := range cl.header {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	c.requests.Add(1)
	resp, err := c.http.Do(req)
	var srcErr error
	if f, ok := body.(bodyFinisher); ok {
		srcErr = f.finish()
	}
	if err != nil {
		if srcErr != nil {
			return nil, &sourceError{srcErr}
		}
		return nil, fmt.Errorf("call salesforce: %w", err)
	}
	c.recordUsage(resp.Header.Get("Sforce-Limit-Info"))
	if t := serverTime(resp); !t.IsZero() {
		c.mu.Lock()
		c.lastDate = t
		c.mu.Unlock()
	}
	return resp, nil
}

// LastServerTime is the org's clock (whole seconds, the Date header) when
// it sent its latest answer, or zero when none told it.
func (c *Client) LastServerTime() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastDate
}

func (c *Client) recordUsage(h string) {
	if h == "" {
		return
	}
	if u := ParseUsage(h); u != nil {
		c.mu.Lock()
		c.usage = u
		c.mu.Unlock()
	}
}

// Retryable reports whether a failed request may be sent again unchanged:
// 5xx answers, 429 (too many requests), REQUEST_LIMIT_EXCEEDED that waiting
// can fix (limitRetryable), and connection-level failures
// (resets, broken pipes, unexpected EOF, refused connections, timeouts).
// Never a canceled or expired context, a 4xx other than 429, or a failure
// no retry can fix (an unknown host, an untrusted certificate). It is the
// one retry rule: the client's own retries and the publisher's decision to
// POST again both use it.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.StatusCode >= 500 || ae.StatusCode == http.StatusTooManyRequests || limitRetryable(ae)
	}
	return connectionRetryable(err)
}

// connectionRetryable is Retryable for a failure that is not an answer from
// the server: a dropped, refused or timed-out connection may be retried, an
// unknown host may not; any other network operation error may.
func connectionRetryable(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNABORTED) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// limitRetryable: a REQUEST_LIMIT_EXCEEDED refusal that waiting can fix —
// the concurrency limit ("ConcurrentPerOrgLongTxn", whatever its status),
// or any limit refusal that names its wait in Retry-After (§11.3). The
// daily budget without Retry-After is not retried: it frees up over hours.
func limitRetryable(ae *APIError) bool {
	return ae.ErrorCode == "REQUEST_LIMIT_EXCEEDED" && (ae.ConcurrentLimit() || ae.RetryAfter > 0)
}

// ConcurrentLimit reports whether a request-limit refusal is the org's
// concurrent request limit (ConcurrentPerOrgLongTxn, or a 429), which frees
// up within seconds, rather than its daily budget (TotalRequests), which
// frees up over hours. It is the one rule: the client's retries and the
// message the user reads (connector.Explain) both use it.
func (ae *APIError) ConcurrentLimit() bool {
	if ae == nil {
		return false
	}
	msg := strings.ToLower(ae.Message)
	return !strings.Contains(msg, "totalrequests") &&
		(strings.Contains(msg, "concurrent") || ae.StatusCode == http.StatusTooManyRequests)
}

// readAPIError reads and closes a non-2xx response and turns it into an *APIError.
func readAPIError(resp *http.Response, method, path string) *APIError {
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	ae := &APIError{StatusCode: resp.StatusCode, Method: method, Path: path,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	var arr []struct {
		Message   string   `json:"message"`
		ErrorCode string   `json:"errorCode"`
		Fields    []string `json:"fields"`
	}
	if err := json.Unmarshal(raw, &arr); err == nil && len(arr) > 0 && (arr[0].ErrorCode != "" || arr[0].Message != "") {
		ae.ErrorCode, ae.Message, ae.Fields = arr[0].ErrorCode, arr[0].Message, arr[0].Fields
		return ae
	}
	// OAuth-style {"error": ..., "error_description": ...} (userinfo, token hosts).
	var obj struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if err := json.Unmarshal(raw, &obj); err == nil && obj.Error != "" {
		ae.ErrorCode, ae.Message = obj.Error, obj.Description
		return ae
	}
	ae.Message = Excerpt(raw, 200)
	if ae.Message == "" {
		ae.Message = http.StatusText(resp.StatusCode)
	}
	return ae
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date
// (RFC 9110 §10.2.3). 0 when absent, malformed or already past.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		// Cap before converting: a huge value must not overflow into a short wait.
		return time.Duration(min(n, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
