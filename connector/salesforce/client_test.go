package salesforce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeTokens is a TokenSource that counts calls and hands out tok-1, tok-2, ...
type fakeTokens struct {
	mu         sync.Mutex
	current    string
	n          int
	accessN    int
	refreshN   int
	failed     []string
	refreshErr error
}

func newFakeTokens() *fakeTokens { return &fakeTokens{current: "tok-1", n: 1} }

func (f *fakeTokens) AccessToken(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.accessN++
	return f.current, nil
}

func (f *fakeTokens) Refresh(_ context.Context, failed string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.refreshN++
	f.failed = append(f.failed, failed)
	if f.refreshErr != nil {
		return "", f.refreshErr
	}
	f.n++
	f.current = fmt.Sprintf("tok-%d", f.n)
	return f.current, nil
}

func (f *fakeTokens) refreshes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refreshN
}

func testCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newTestClient serves h and returns a client on it with fast backoff.
func newTestClient(t *testing.T, h http.HandlerFunc) (*Client, *fakeTokens) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	tokens := newFakeTokens()
	c := New(srv.URL+"/", tokens, srv.Client())
	c.backoff = []time.Duration{time.Millisecond, 2 * time.Millisecond}
	return c, tokens
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

const invalidSession = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://acme.my.salesforce.com", true},
		{"https://acme.my.salesforce.com/", true},
		{"http://localhost:8080", true},
		{"http://LOCALHOST:8080", true},
		{"http://127.0.0.1:1234", true},
		{"http://127.9.9.9", true},
		{"http://[::1]:99", true},
		{"http://acme.my.salesforce.com", false},
		{"http://10.0.0.1", false},
		{"http://localhost.evil.example", false},
		{"ftp://localhost", false},
		{"acme.my.salesforce.com", false},
		{"", false},
		{"https://user:pw@acme.my.salesforce.com", false},
		{"https://acme.my.salesforce.com?x=1", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := CheckURL(strings.TrimRight(tt.url, "/"))
			if tt.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}

func TestNewRejectsInsecureURLOnFirstCall(t *testing.T) {
	// Given a client on a plain-http non-loopback host
	tokens := newFakeTokens()
	var hits int
	hc := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		hits++
		return nil, errors.New("must not be called")
	})}
	c := New("http://acme.my.salesforce.com", tokens, hc)
	// When it is used
	_, err := c.Organization(testCtx(t))
	// Then it fails clearly without sending anything (not even asking for a token)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "https")
	assert.Equal(t, 0, hits)
	assert.Equal(t, 0, tokens.accessN)
	assert.Equal(t, 0, c.Requests())
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestAuthHeaderUsageAndRequests(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "Bearer tok-1", r.Header.Get("Authorization"))
		assert.Equal(t, "/services/data/v63.0/query/", r.URL.Path)
		w.Header().Set("Sforce-Limit-Info", "api-usage=25/5000; per-app-api-usage=17/250(appName=x)")
		writeJSON(w, 200, `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"Organization"},"Id":"00D000000000001AAA","Name":"Acme","IsSandbox":true,"OrganizationType":"Developer Edition","InstanceName":"CS42"}]}`)
	})
	assert.Nil(t, c.LastUsage())
	org, err := c.Organization(testCtx(t))
	require.NoError(t, err)
	assert.Equal(t, &Organization{ID: "00D000000000001AAA", Name: "Acme", IsSandbox: true, OrganizationType: "Developer Edition", InstanceName: "CS42"}, org)
	assert.Equal(t, &Usage{Used: 25, Max: 5000}, c.LastUsage())
	assert.Equal(t, 1, c.Requests())
	assert.Equal(t, strings.TrimSuffix(c.InstanceURL(), "/"), c.InstanceURL())
}

func TestParseUsage(t *testing.T) {
	tests := []struct {
		in   string
		want *Usage
	}{
		{"api-usage=10018/100000", &Usage{10018, 100000}},
		{"api-usage=25/5000; per-app-api-usage=17/250(appName=sample-app)", &Usage{25, 5000}},
		{"per-app-api-usage=17/250(appName=x); api-usage=3/15000", &Usage{3, 15000}},
		{" api-usage = 1/2 ", &Usage{1, 2}},
		{"", nil},
		{"api-usage=abc/5000", nil},
		{"api-usage=25", nil},
		{"api-usage=5/0", nil},
		{"per-app-api-usage=17/250(appName=x)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, ParseUsage(tt.in))
		})
	}
}

func TestRefreshOnInvalidSession(t *testing.T) {
	tests := []struct {
		name         string
		status       []int  // per request
		body         string // error body for non-200
		wantErrCode  string
		wantRefresh  int
		wantRequests int
	}{
		{"refresh then success", []int{401, 200}, invalidSession, "", 1, 2},
		{"second 401 returns the error", []int{401, 401}, invalidSession, "INVALID_SESSION_ID", 1, 2},
		{"other 401 is not refreshed", []int{401}, `[{"message":"INVALID_HEADER_TYPE","errorCode":"INVALID_AUTH_HEADER"}]`, "INVALID_AUTH_HEADER", 0, 1},
		{"403 is not refreshed", []int{403}, `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`, "API_DISABLED_FOR_ORG", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			var auths []string
			c, tokens := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				i := len(auths)
				auths = append(auths, r.Header.Get("Authorization"))
				mu.Unlock()
				if tt.status[i] != 200 {
					writeJSON(w, tt.status[i], tt.body)
					return
				}
				writeJSON(w, 200, `{"done":true,"records":[{"PermissionsApiEnabled":true,"PermissionsCustomizeApplication":true}]}`)
			})
			ok, err := c.CustomizeApplication(testCtx(t))
			if tt.wantErrCode == "" {
				require.NoError(t, err)
				assert.True(t, ok)
			} else {
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.wantErrCode, ae.ErrorCode)
				assert.Equal(t, "GET", ae.Method)
				assert.Equal(t, "/services/data/v63.0/query/", ae.Path)
				assert.NotContains(t, err.Error(), "tok-")
			}
			assert.Equal(t, tt.wantRefresh, tokens.refreshes())
			assert.Equal(t, tt.wantRequests, c.Requests())
			if tt.wantRefresh == 1 {
				assert.Equal(t, []string{"tok-1"}, tokens.failed)
				assert.Equal(t, []string{"Bearer tok-1", "Bearer tok-2"}, auths)
			}
		})
	}
}

func TestRefreshErrorIsWrapped(t *testing.T) {
	errGrant := errors.New("invalid_grant")
	c, tokens := newTestClient(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 401, invalidSession)
	})
	tokens.refreshErr = errGrant
	_, err := c.ListStaticResources(testCtx(t))
	require.ErrorIs(t, err, errGrant)
	assert.Equal(t, 1, c.Requests())
}

func TestAPIErrors(t *testing.T) {
	maintenance := "<html><head><title>Down</title><style>body{color:red}</style><script>var x=1;</script></head>" +
		"<body><h1>Salesforce is down for maintenance</h1><p>We&#39;ll be back &amp; running soon.</p>" +
		strings.Repeat("<p>filler text</p>", 50) + "</body></html>"
	tests := []struct {
		name   string
		status int
		ctype  string
		body   string
		want   APIError
	}{
		{
			name: "json with fields", status: 400, ctype: "application/json",
			body: `[{"fields":["FolderId"],"message":"Folder ID: bad","errorCode":"MALFORMED_ID"},{"message":"second","errorCode":"OTHER"}]`,
			want: APIError{StatusCode: 400, ErrorCode: "MALFORMED_ID", Message: "Folder ID: bad", Fields: []string{"FolderId"}},
		},
		{
			name: "html maintenance page", status: 503, ctype: "text/html", body: maintenance,
			want: APIError{StatusCode: 503, Message: "Down Salesforce is down for maintenance We'll be back & running soon. " +
				strings.TrimSpace(strings.Repeat("filler text ", 10)) + " filler te…"},
		},
		{
			name: "plain text", status: 502, ctype: "text/plain", body: "Bad Gateway\n",
			want: APIError{StatusCode: 502, Message: "Bad Gateway"},
		},
		{
			name: "empty body", status: 500, ctype: "text/plain",
			want: APIError{StatusCode: 500, Message: "Internal Server Error"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tt.ctype)
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			})
			_, err := c.GetStaticResource(testCtx(t), "081000000000001AAA")
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			want := tt.want
			want.Method, want.Path = "GET", "/services/data/v63.0/sobjects/StaticResource/081000000000001AAA"
			assert.Equal(t, &want, ae)
			assert.LessOrEqual(t, len([]rune(ae.Message)), 200)
			if tt.status >= 500 {
				assert.Equal(t, readAttempts, c.Requests(), "a GET is retried on 5xx")
			} else {
				assert.Equal(t, 1, c.Requests(), "a GET is not retried on 4xx")
			}
		})
	}
}

func TestAPIErrorString(t *testing.T) {
	e := &APIError{StatusCode: 400, ErrorCode: "DUPLICATE_VALUE", Message: "duplicate value found", Method: "POST", Path: "/x"}
	assert.Equal(t, "POST /x: http 400 DUPLICATE_VALUE: duplicate value found", e.Error())
	assert.True(t, IsErrorCode(fmt.Errorf("wrap: %w", e), "DUPLICATE_VALUE"))
	assert.False(t, IsErrorCode(e, "NOT_FOUND"))
	assert.False(t, IsErrorCode(errors.New("x"), "NOT_FOUND"))
}

func TestNetworkErrorIsWrapped(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens any more
	c := New(url, newFakeTokens(), nil)
	_, err := c.UserInfo(testCtx(t))
	require.Error(t, err)
	var ae *APIError
	assert.NotErrorAs(t, err, &ae)
	assert.True(t, Retryable(err), "connection refused counts as a connection error: %v", err)
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"plain", "plain"},
		{"  a \n\t b ", "a b"},
		{"<b>bold</b>text", "bold text"},
		{"<script>alert(1)</script>ok", "ok"},
		{"<STYLE>x{}</STYLE>ok", "ok"},
		{"a &lt; b", "a &lt; b"},
		{"<p>a &lt; b</p>", "a < b"},
		{"unterminated <tag", "unterminated"},
		{strings.Repeat("é", 300), strings.Repeat("é", 199) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Excerpt([]byte(tt.in), 200))
		})
	}
}

func TestParseDateTime(t *testing.T) {
	got, err := ParseDateTime("2018-06-14T21:05:57.000+0000")
	require.NoError(t, err)
	assert.True(t, got.Equal(time.Date(2018, 6, 14, 21, 5, 57, 0, time.UTC)))
	assert.Equal(t, "2018-06-14T21:05:57.000+0000", FormatDateTime(got))

	got, err = ParseDateTime("2018-06-14T23:05:57.123+0200")
	require.NoError(t, err)
	assert.True(t, got.Equal(time.Date(2018, 6, 14, 21, 5, 57, 123e6, time.UTC)))

	got, err = ParseDateTime("2018-06-14T21:05:57Z")
	require.NoError(t, err)
	assert.True(t, got.Equal(time.Date(2018, 6, 14, 21, 5, 57, 0, time.UTC)))

	got, err = ParseDateTime("")
	require.NoError(t, err)
	assert.True(t, got.IsZero())

	_, err = ParseDateTime("yesterday")
	assert.Error(t, err)
}
