package salesforce

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/sfsim"
)

// recordWaits makes c record its retry waits instead of sleeping.
func recordWaits(c *Client) *[]time.Duration {
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		return ctx.Err()
	}
	return &waits
}

// noReuse gives c connections that are never reused, so net/http's own
// replay of a GET on a reused connection cannot hide a drop from the test.
func noReuse(c *Client) {
	c.http = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
}

// statuses lists the statuses sfsim logged for instance requests on paths
// starting with prefix.
func statuses(org *sfsim.Org, prefix string) []int {
	var out []int
	for _, r := range org.Requests() {
		if r.Host == "instance" && len(r.Path) >= len(prefix) && r.Path[:len(prefix)] == prefix {
			out = append(out, r.Status)
		}
	}
	return out
}

func TestSimReadRetries(t *testing.T) {
	const query = "/services/data/" + APIVersion + "/query"
	backoff0 := 5 * time.Millisecond // simSetup's first backoff
	tests := []struct {
		name      string
		fault     sfsim.Fault
		n         int
		wantErr   bool
		wantLog   []int           // statuses sfsim logged for the query
		wantWaits []time.Duration // what the client waited before each retry
	}{
		{"one 503 without Retry-After", sfsim.Fault{Status: 503}, 1, false, []int{503, 200}, []time.Duration{backoff0}},
		{"one dropped connection", sfsim.Fault{Status: 0}, 1, false, []int{0, 200}, []time.Duration{backoff0}},
		{"one 500", sfsim.Fault{Status: 500}, 1, false, []int{500, 200}, []time.Duration{backoff0}},
		{"503 with Retry-After is honoured", sfsim.Fault{Status: 503, RetryAfter: "3"}, 1, false, []int{503, 200}, []time.Duration{3 * time.Second}},
		{"429 with Retry-After is honoured", sfsim.Fault{Status: 429, RetryAfter: "2"}, 1, false, []int{429, 200}, []time.Duration{2 * time.Second}},
		{"429 without Retry-After", sfsim.Fault{Status: 429}, 1, false, []int{429, 200}, []time.Duration{backoff0}},
		{"Retry-After over the cap: no retry", sfsim.Fault{Status: 503, RetryAfter: "120"}, 1, true, []int{503}, nil},
		{"three 503s: gives up", sfsim.Fault{Status: 503}, 3, true, []int{503, 503, 503}, []time.Duration{backoff0, 10 * time.Millisecond}},
		{"daily limit is not retried", sfsim.Fault{Status: 403}, 1, true, []int{403}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org, c, _ := simSetup(t)
			noReuse(c)
			waits := recordWaits(c)
			org.PutResource(sfsim.Resource{Name: "Existing", Body: []byte("zip")})
			org.ResetRequests()
			tt.fault.Method, tt.fault.PathPrefix = http.MethodGet, query
			org.FailNextWith(tt.n, tt.fault)
			list, err := c.ListStaticResources(testCtx(t))
			assert.Equal(t, tt.wantLog, statuses(org, query))
			assert.Equal(t, len(tt.wantLog), c.Requests())
			assert.Equal(t, tt.wantWaits, *waits)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, list.Find("Existing"))
		})
	}
}

func TestSimRetryAfterNeverPastTheDeadline(t *testing.T) {
	org, c, _ := simSetup(t)
	waits := recordWaits(c)
	org.FailNextWith(1, sfsim.Fault{Method: http.MethodGet, Status: 503, RetryAfter: "8"})
	// Given a context that ends before the wait Salesforce asks for.
	ctx, cancel := context.WithTimeout(testCtx(t), 4*time.Second)
	defer cancel()
	_, err := c.ListStaticResources(ctx)
	var ae *APIError
	require.ErrorAs(t, err, &ae, "gives up at once with Salesforce's answer")
	assert.Equal(t, 503, ae.StatusCode)
	assert.Equal(t, 8*time.Second, ae.RetryAfter)
	assert.Empty(t, *waits)
	assert.Equal(t, 1, c.Requests())
}

func TestSimEveryReadIsRetried(t *testing.T) {
	org, c, _ := simSetup(t)
	noReuse(c)
	waits := recordWaits(c)
	ctx := testCtx(t)
	body := randomBytes(t, 10_000)
	id := org.PutResource(sfsim.Resource{Name: "Existing", Body: body})
	sobject := "/services/data/" + APIVersion + "/sobjects/StaticResource/"

	org.FailNextWith(1, sfsim.Fault{Method: http.MethodGet, PathPrefix: sobject, Status: 503})
	r, err := c.GetStaticResource(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, int64(len(body)), r.BodyLength)

	org.FailNextWith(1, sfsim.Fault{Method: http.MethodGet, PathPrefix: sobject, Status: 0})
	var buf bytes.Buffer
	n, err := c.DownloadBody(ctx, id, &buf)
	require.NoError(t, err)
	assert.Equal(t, int64(len(body)), n)
	assert.Equal(t, body, buf.Bytes(), "the failed attempt wrote nothing")

	org.FailNextWith(1, sfsim.Fault{Method: http.MethodGet, PathPrefix: "/services/oauth2/userinfo", Status: 502})
	ui, err := c.UserInfo(ctx)
	require.NoError(t, err)
	assert.Equal(t, org.OrgID(), ui.OrganizationID)

	assert.Len(t, *waits, 3, "one retry per read")
	assert.Equal(t, 6, c.Requests())
}

func TestSimWritesAreNotRetriedAsReads(t *testing.T) {
	org, c, _ := simSetup(t)
	id := org.PutResource(sfsim.Resource{Name: "Existing", Body: []byte("zip")})
	org.FailNextWith(1, sfsim.Fault{Method: http.MethodDelete, Status: 503})
	require.Error(t, c.DeleteStaticResource(testCtx(t), id))
	assert.Equal(t, 1, c.Requests(), "DELETE is tried once")
	// A PATCH honours a Retry-After over the cap too: no second attempt.
	org.FailNextWith(1, sfsim.Fault{Method: http.MethodPatch, Status: 503, RetryAfter: "600"})
	_, err := c.UpdateStaticResource(testCtx(t), id, zipSpec("", []byte("new")))
	require.Error(t, err)
	assert.Len(t, instanceRequests(org, http.MethodPatch), 1)
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"500", &APIError{StatusCode: 500}, true},
		{"503 wrapped", fmt.Errorf("query: %w", &APIError{StatusCode: 503}), true},
		{"429", &APIError{StatusCode: 429, ErrorCode: "REQUEST_LIMIT_EXCEEDED"}, true},
		{"403 daily limit", &APIError{StatusCode: 403, ErrorCode: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded."}, false},
		{"403 concurrency limit", &APIError{StatusCode: 403, ErrorCode: "REQUEST_LIMIT_EXCEEDED", Message: "ConcurrentPerOrgLongTxn Limit exceeded."}, true},
		{"403 limit with Retry-After", &APIError{StatusCode: 403, ErrorCode: "REQUEST_LIMIT_EXCEEDED", Message: "TotalRequests Limit exceeded.", RetryAfter: 2 * time.Second}, true},
		{"400", &APIError{StatusCode: 400, ErrorCode: "DUPLICATE_VALUE"}, false},
		{"401", &APIError{StatusCode: 401, ErrorCode: "INVALID_SESSION_ID"}, false},
		{"EOF", &url.Error{Op: "Get", URL: "https://x", Err: io.EOF}, true},
		{"unexpected EOF", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{"reset", &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}}, true},
		{"refused", &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, true},
		{"timeout", &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "dial", Err: timeoutErr{}}}, true},
		{"unknown host", &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Name: "x", Err: "no such host", IsNotFound: true}}}, false},
		{"canceled", fmt.Errorf("call: %w", context.Canceled), false},
		{"deadline", &url.Error{Op: "Get", URL: "https://x", Err: context.DeadlineExceeded}, false},
		{"other", errors.New("boom"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Retryable(tt.err))
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		h    string
		want time.Duration
	}{
		{"", 0},
		{"5", 5 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"0", 0},
		{"-3", 0},
		{"soon", 0},
		{"99999999999999999", 24 * time.Hour},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		t.Run(tt.h, func(t *testing.T) {
			assert.Equal(t, tt.want, parseRetryAfter(tt.h, now))
		})
	}
}
