package oauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestAuthorizeURL(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)
	f := startFlow(t, ctx, org, nil)

	u, err := url.Parse(f.URL())
	require.NoError(t, err)
	assert.Equal(t, org.URL()+"/services/oauth2/authorize", u.Scheme+"://"+u.Host+u.Path)
	q := u.Query()
	assert.Equal(t, "code", q.Get("response_type"))
	assert.Equal(t, "PlatformCLI", q.Get("client_id"))
	assert.Equal(t, "http://localhost:"+strconv.Itoa(f.Port())+"/OauthRedirect", q.Get("redirect_uri"))
	assert.Equal(t, f.RedirectURI(), q.Get("redirect_uri"))
	assert.Equal(t, "api refresh_token web", q.Get("scope"))
	assert.Equal(t, "S256", q.Get("code_challenge_method"))
	assert.Equal(t, "login", q.Get("prompt"))
	assert.Len(t, q.Get("state"), 43, "32 random bytes, base64url without padding")
	assert.NotContains(t, q.Get("state"), "=")
	assert.Equal(t, oauth2.S256ChallengeFromVerifier(f.verifier), q.Get("code_challenge"))
	assert.Len(t, q.Get("code_challenge"), 43)
	assert.False(t, q.Has("client_secret"))

	// Given a second flow, its state and verifier differ.
	g := startFlow(t, ctx, org, func(c *Config) {
		c.ClientID, c.Scopes, c.CallbackPath = "3MVG9custom", []string{"api", "id"}, "oauth/callback"
	})
	v, err := url.Parse(g.URL())
	require.NoError(t, err)
	assert.NotEqual(t, q.Get("state"), v.Query().Get("state"))
	assert.NotEqual(t, q.Get("code_challenge"), v.Query().Get("code_challenge"))
	assert.Equal(t, "3MVG9custom", v.Query().Get("client_id"))
	assert.Equal(t, "api id", v.Query().Get("scope"))
	assert.True(t, strings.HasSuffix(g.RedirectURI(), "/oauth/callback"), g.RedirectURI())
}

func TestFlowSuccess(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)
	f := startFlow(t, ctx, org, nil)

	// When the browser follows the authorize URL
	final, status, body := browse(t, ctx, f.URL())

	// Then it lands on our success page, and Wait has the tokens.
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "/OauthSuccess", final.Path)
	assert.Equal(t, "localhost:"+strconv.Itoa(f.Port()), final.Host)
	// The page names the org and does not claim success: the app still
	// checks the org and may refuse it.
	assert.Contains(t, body, "Almost done: return to Connectors")
	assert.Contains(t, body, "You signed in to 127.0.0.1 (00D000000000001AAA).")
	assert.NotContains(t, body, "is authorized")
	res, err := f.Wait(ctx)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(res.AccessToken, "00D000000000001!"))
	assert.True(t, strings.HasPrefix(res.RefreshToken, "5Aep861"))
	assert.Equal(t, org.URL(), res.InstanceURL, "trailing slash trimmed")
	assert.Equal(t, "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA", res.IDURL)
	assert.Equal(t, "api refresh_token web", res.Scope)
	assert.Equal(t, time.UnixMilli(1558553873237).UTC(), res.IssuedAt)
	assert.NotContains(t, body, res.AccessToken)

	// The token request carried exactly the PKCE exchange, no secret.
	forms := org.forms()
	require.Len(t, forms, 1)
	form := forms[0]
	assert.Equal(t, "authorization_code", form.Get("grant_type"))
	assert.Equal(t, "PlatformCLI", form.Get("client_id"))
	assert.Equal(t, f.RedirectURI(), form.Get("redirect_uri"))
	assert.Equal(t, f.verifier, form.Get("code_verifier"))
	assert.False(t, form.Has("client_secret"))
	assert.Len(t, form, 5)

	// And the listeners shut down after the page was served.
	select {
	case <-f.serverClosed:
	case <-ctx.Done():
		t.Fatal("server not shut down")
	}
	_, err = net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.Port())), time.Second)
	require.Error(t, err)
}

func TestFlowListensOnBothLoopbacks(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)
	f := startFlow(t, ctx, org, nil)
	hasV6 := false
	if ln, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		hasV6 = true
		ln.Close()
	}
	for _, host := range []string{"127.0.0.1", "::1"} {
		if host == "::1" && !hasV6 {
			assert.Len(t, f.listeners, 1)
			continue
		}
		t.Run(host, func(t *testing.T) {
			u := "http://" + net.JoinHostPort(host, strconv.Itoa(f.Port())) + "/nope"
			_, status, _ := browse(t, ctx, u)
			assert.Equal(t, http.StatusNotFound, status)
		})
	}
}

func TestFlowDeny(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)
	org.deny = true
	f := startFlow(t, ctx, org, nil)

	final, status, body := browse(t, ctx, f.URL())
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "/OauthError", final.Path)
	assert.Contains(t, body, "You clicked Deny")
	assert.Contains(t, body, "most likely not in your browser")

	_, err := f.Wait(ctx)
	var ae *AuthError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "access_denied", ae.Code)
	assert.Equal(t, "end-user denied authorization", ae.Description)
	assert.Contains(t, err.Error(), "You clicked Deny")
	assert.Empty(t, org.forms(), "no exchange after a deny")
}

func TestFlowExchangeErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body, ctyp string
		wantStatus int
		wantCode   string
		wantDesc   string
	}{
		{"invalid_grant", 400, `{"error":"invalid_grant","error_description":"expired authorization code"}`, "", 400, "invalid_grant", "expired authorization code"},
		{"redirect mismatch", 400, `{"error":"redirect_uri_mismatch","error_description":"redirect_uri must match configuration"}`, "", 400, "redirect_uri_mismatch", "redirect_uri must match configuration"},
		{"unknown client", 400, `{"error":"invalid_client_id","error_description":"client identifier invalid"}`, "", 400, "invalid_client_id", "client identifier invalid"},
		{"html from a proxy", 502, `<html><body>Bad gateway</body></html>`, "text/html", 502, "", "HTML page"},
		{"plain text", 500, "upstream\x00 broke", "text/plain", 500, "", `upstream\x00 broke`}, // a NUL shown, escaped
		{"200 without token", 200, `{"instance_url":"https://x.my.salesforce.com"}`, "", 200, "", "no access_token"},
		{"200 not json", 200, `nope`, "text/plain", 200, "", "not JSON"},
		{"200 error field", 200, `{"error":"invalid_grant","error_description":"odd"}`, "", 200, "invalid_grant", "odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testCtx(t)
			org := newStubOrg(t)
			org.tokenStatus, org.tokenBody, org.tokenType = tt.status, tt.body, tt.ctyp
			f := startFlow(t, ctx, org, nil)

			final, _, body := browse(t, ctx, f.URL())
			assert.Equal(t, "/OauthError", final.Path)
			assert.Contains(t, body, "refused to issue tokens")
			assert.Contains(t, body, "most likely not in your browser")

			_, err := f.Wait(ctx)
			var ee *ExchangeError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tt.wantStatus, ee.Status)
			assert.Equal(t, tt.wantCode, ee.Code)
			assert.Contains(t, ee.Description, tt.wantDesc)
			assert.True(t, strings.HasPrefix(err.Error(), "exchange code: "), err.Error())
		})
	}
}

func TestStateMismatchKeepsWaiting(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)
	f := startFlow(t, ctx, org, nil)

	// Given a callback from somewhere else (wrong or missing state)
	for _, q := range []string{"?code=attackercode1&state=wrong", "?code=attackercode1", "?error=access_denied&state=nope"} {
		_, status, body := browse(t, ctx, f.RedirectURI()+q)
		assert.Equal(t, http.StatusBadRequest, status, q)
		assert.Contains(t, body, "another login attempt")
	}
	// Then the flow is still waiting
	select {
	case <-f.Done():
		t.Fatal("a mismatched callback ended the flow")
	default:
	}
	assert.Empty(t, org.forms())

	// And the real browser round trip still succeeds.
	final, _, _ := browse(t, ctx, f.URL())
	assert.Equal(t, "/OauthSuccess", final.Path)
	_, err := f.Wait(ctx)
	require.NoError(t, err)
}

func TestCallbackWithoutCodeKeepsWaiting(t *testing.T) {
	ctx := testCtx(t)
	f := startFlow(t, ctx, newStubOrg(t), nil)
	_, status, _ := browse(t, ctx, f.RedirectURI()+"?state="+url.QueryEscape(f.state))
	assert.Equal(t, http.StatusBadRequest, status)
	_, status, _ = browse(t, ctx, f.RedirectURI()+"?code=abc&state="+url.QueryEscape(f.state))
	assert.Equal(t, http.StatusBadRequest, status, "codes of 4 chars or fewer are refused")
	select {
	case <-f.Done():
		t.Fatal("flow ended")
	default:
	}
}

func TestTimeout(t *testing.T) {
	t.Run("plain", func(t *testing.T) {
		ctx := testCtx(t)
		f := startFlow(t, ctx, newStubOrg(t), func(c *Config) { c.Timeout = 50 * time.Millisecond })
		_, err := f.Wait(ctx)
		require.ErrorIs(t, err, ErrTimeout)
		assert.NotErrorIs(t, err, ErrStateMismatch)
	})
	t.Run("after a mismatched callback", func(t *testing.T) {
		ctx := testCtx(t)
		f := startFlow(t, ctx, newStubOrg(t), func(c *Config) { c.Timeout = 300 * time.Millisecond })
		_, status, _ := browse(t, ctx, f.RedirectURI()+"?code=attackercode1&state=wrong")
		require.Equal(t, http.StatusBadRequest, status)
		_, err := f.Wait(ctx)
		require.ErrorIs(t, err, ErrTimeout)
		require.ErrorIs(t, err, ErrStateMismatch)
		assert.Contains(t, err.Error(), "1 callback(s) with a different state")
	})
}

func TestCancel(t *testing.T) {
	t.Run("Cancel", func(t *testing.T) {
		ctx := testCtx(t)
		f := startFlow(t, ctx, newStubOrg(t), nil)
		go f.Cancel()
		_, err := f.Wait(ctx)
		require.ErrorIs(t, err, ErrCanceled)
		f.Cancel() // idempotent
	})
	t.Run("Start ctx", func(t *testing.T) {
		ctx := testCtx(t)
		sctx, cancel := context.WithCancel(ctx)
		f := startFlow(t, sctx, newStubOrg(t), nil)
		cancel()
		_, err := f.Wait(ctx)
		require.ErrorIs(t, err, ErrCanceled)
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("Wait ctx", func(t *testing.T) {
		ctx := testCtx(t)
		f := startFlow(t, ctx, newStubOrg(t), nil)
		wctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		_, err := f.Wait(wctx)
		require.ErrorIs(t, err, ErrCanceled)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		select {
		case <-f.serverClosed:
		case <-ctx.Done():
			t.Fatal("server not shut down after cancel")
		}
	})
	t.Run("during the exchange", func(t *testing.T) {
		ctx := testCtx(t)
		org := newStubOrg(t)
		org.tokenGate = make(chan struct{})
		defer close(org.tokenGate)
		f := startFlow(t, ctx, org, nil)
		go func() {
			// once the token request arrives, cancel
			for len(org.forms()) == 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
			f.Cancel()
		}()
		final, _, body := browse(t, ctx, f.URL())
		assert.Equal(t, "/OauthError", final.Path)
		assert.Contains(t, body, "canceled")
		_, err := f.Wait(ctx)
		require.ErrorIs(t, err, ErrCanceled)
	})
}

func TestServerRoutes(t *testing.T) {
	ctx := testCtx(t)
	f := startFlow(t, ctx, newStubOrg(t), nil)
	base := "http://127.0.0.1:" + strconv.Itoa(f.Port())
	tests := []struct {
		method, path string
		header       map[string]string
		want         int
	}{
		{"GET", "/", nil, 404},
		{"GET", "/favicon.ico", nil, 404},
		{"GET", "/OauthSuccess", nil, 404},
		{"GET", "/OauthError", nil, 404},
		{"POST", "/OauthRedirect", nil, 405},
		{"PUT", "/OauthRedirect", nil, 405},
		{"OPTIONS", "/OauthRedirect", nil, 405},
		{"OPTIONS", "/OauthRedirect", map[string]string{"Access-Control-Request-Private-Network": "true", "Access-Control-Request-Method": "GET"}, 204},
		{"GET", "/OauthRedirect/extra", nil, 404},
		{"GET", "/OauthRedirect?code=abcdef&state=x", map[string]string{"Host": "evil.example:" + strconv.Itoa(f.Port())}, 421},
		{"GET", "/nope", map[string]string{"Host": "localhost:1"}, 421},
		{"GET", "/nope", map[string]string{"Host": "LOCALHOST:" + strconv.Itoa(f.Port())}, 404},
		{"GET", "/nope", map[string]string{"Host": "[::1]:" + strconv.Itoa(f.Port())}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequestWithContext(ctx, tt.method, base+tt.path, nil)
			require.NoError(t, err)
			for k, v := range tt.header {
				if k == "Host" {
					req.Host = v
					continue
				}
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
			if tt.want == 405 {
				assert.Equal(t, "GET", resp.Header.Get("Allow"))
			}
		})
	}
	select {
	case <-f.Done():
		t.Fatal("a stray request ended the flow")
	default:
	}
}

func TestDuplicateCallbackShowsFirstOutcome(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)
	org.tokenGate = make(chan struct{})
	f := startFlow(t, ctx, org, nil)
	// Given the authorize redirect, captured instead of followed
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL(), nil)
	require.NoError(t, err)
	resp, err := noFollow.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	callback := resp.Header.Get("Location")
	require.NotEmpty(t, callback)

	// When the callback is loaded twice concurrently (a reload)
	var wg sync.WaitGroup
	paths := make([]string, 2)
	for i := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			final, _, _ := browse(t, ctx, callback)
			paths[i] = final.Path
		}()
	}
	// (hold the exchange until both callbacks are in)
	for f.pending.Load() < 2 {
		select {
		case <-ctx.Done():
			t.Fatal("callbacks did not arrive")
		case <-time.After(2 * time.Millisecond):
		}
	}
	close(org.tokenGate)
	wg.Wait()
	// Then both show success and only one exchange happened.
	assert.Equal(t, []string{"/OauthSuccess", "/OauthSuccess"}, paths)
	assert.Len(t, org.forms(), 1)
	_, err = f.Wait(ctx)
	require.NoError(t, err)
}

func TestSubmit(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)
	f := startFlow(t, ctx, org, nil)
	state := url.QueryEscape(f.state)
	bad := []struct{ name, raw, want string }{
		{"empty", "  ", "empty"},
		{"not a url", "http://%zz", "not a URL"},
		{"wrong path", "http://localhost:1717/other?code=abcdef&state=" + state, "path"},
		{"no state", f.RedirectURI() + "?code=abcdef", "no state"},
		{"wrong state", f.RedirectURI() + "?code=abcdef&state=other", "another login attempt"},
		{"no code", f.RedirectURI() + "?state=" + state, "no authorization code"},
		{"truncated code", f.RedirectURI() + "?code=ab&state=" + state, "no authorization code"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			err := f.Submit(tt.raw)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			select {
			case <-f.Done():
				t.Fatal("a bad paste ended the flow")
			default:
			}
		})
	}
	require.ErrorIs(t, f.Submit(f.RedirectURI()+"?code=abcdef&state=other"), ErrStateMismatch)

	// Given the code from a real authorize redirect, pasted without the scheme
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL(), nil)
	require.NoError(t, err)
	resp, err := noFollow.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	pasted := strings.TrimPrefix(resp.Header.Get("Location"), "http://")
	require.NoError(t, f.Submit(" "+pasted+"\n"))
	res, err := f.Wait(ctx)
	require.NoError(t, err)
	assert.NotEmpty(t, res.AccessToken)
	assert.ErrorIs(t, f.Submit(resp.Header.Get("Location")), ErrFinished)
}

func TestSubmitError(t *testing.T) {
	ctx := testCtx(t)
	f := startFlow(t, ctx, newStubOrg(t), nil)
	require.NoError(t, f.Submit(f.RedirectURI()+"?error=access_denied&error_description=end-user+denied+authorization&state="+url.QueryEscape(f.state)))
	_, err := f.Wait(ctx)
	var ae *AuthError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "access_denied", ae.Code)
}

// busyPort returns a port with a listener on 127.0.0.1 that accepts.
func busyPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// freePort returns a port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

func TestPorts(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)

	t.Run("falls back to the next port", func(t *testing.T) {
		busy := busyPort(t)
		var f *Flow
		var err error
		// a free port may be grabbed by a concurrent test between pick and bind: retry a few times
		for range 5 {
			free := freePort(t)
			f, err = Start(ctx, Config{LoginURL: org.URL(), Ports: []int{busy, free}})
			if err == nil {
				assert.Equal(t, free, f.Port())
				break
			}
		}
		require.NoError(t, err)
		f.Cancel()
	})
	t.Run("all ports in use", func(t *testing.T) {
		a, b := busyPort(t), busyPort(t)
		_, err := Start(ctx, Config{LoginURL: org.URL(), Ports: []int{a, b}})
		var pe *PortError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, a, pe.Port)
		assert.True(t, pe.InUse)
		assert.False(t, pe.Forbidden)
		assert.Equal(t, []int{a, b}, pe.Ports)
		msg := err.Error()
		assert.Contains(t, msg, fmt.Sprintf("ports %d, %d", a, b))
		assert.Contains(t, msg, fmt.Sprintf("lsof -i :%d", a))
		assert.NotContains(t, msg, " (", "only the OS error is in parentheses")
		assert.Contains(t, msg, "External Client App")
	})
	t.Run("bound but not answering", func(t *testing.T) {
		// a listener that is bound but never accepts still fails the bind
		ln, err := net.Listen("tcp4", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		port := ln.Addr().(*net.TCPAddr).Port
		_, err = Start(ctx, Config{LoginURL: org.URL(), Ports: []int{port}})
		var pe *PortError
		require.ErrorAs(t, err, &pe)
		assert.True(t, pe.InUse)
	})
	t.Run("invalid port", func(t *testing.T) {
		_, err := Start(ctx, Config{LoginURL: org.URL(), Ports: []int{70000}})
		var pe *PortError
		require.ErrorAs(t, err, &pe)
		assert.Contains(t, err.Error(), "70000")
	})
}

func TestPortErrMapping(t *testing.T) {
	tests := []struct {
		err              error
		inUse, forbidden bool
		msg              string
	}{
		{&net.OpError{Op: "listen", Err: &osSyscallError{syscall.EADDRINUSE}}, true, false, "another program is using it"},
		{&net.OpError{Op: "listen", Err: &osSyscallError{syscall.EACCES}}, false, true, "refused access"},
		{errors.New("odd"), false, false, "Check local firewall"},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			pe := portErr(1717, tt.err)
			assert.Equal(t, tt.inUse, pe.InUse)
			assert.Equal(t, tt.forbidden, pe.Forbidden)
			assert.Contains(t, pe.Error(), "port 1717")
			assert.Contains(t, pe.Error(), tt.msg)
			assert.Contains(t, pe.Error(), "External Client App")
			assert.ErrorIs(t, pe, tt.err)
		})
	}
}

type osSyscallError struct{ errno syscall.Errno }

func (e *osSyscallError) Error() string { return "bind: " + e.errno.Error() }
func (e *osSyscallError) Unwrap() error { return e.errno }

func TestStartValidatesLoginURL(t *testing.T) {
	ctx := testCtx(t)
	for _, raw := range []string{"", "login.salesforce.com", "http://login.salesforce.com", "ftp://x", "https://x.my.salesforce.com?x=1"} {
		_, err := Start(ctx, Config{LoginURL: raw, Ports: []int{0}})
		require.Error(t, err, raw)
		var pe *PortError
		assert.False(t, errors.As(err, &pe))
	}
}

func TestCheckLoginURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://login.salesforce.com", "https://login.salesforce.com"},
		{"https://acme.my.salesforce.com/", "https://acme.my.salesforce.com"},
		{" https://acme--dev.sandbox.my.salesforce.com ", "https://acme--dev.sandbox.my.salesforce.com"},
		{"http://localhost:8080", "http://localhost:8080"},
		{"http://127.0.0.1:8080/", "http://127.0.0.1:8080"},
		{"http://[::1]:8080", "http://[::1]:8080"},
		{"http://acme.my.salesforce.com", ""},
		{"http://localhost.evil.example", ""},
		{"file:///etc/passwd", ""},
		{"https://user:pw@acme.my.salesforce.com", ""},
	}
	for _, tt := range tests {
		got, err := checkLoginURL(tt.in)
		if tt.want == "" {
			assert.Error(t, err, tt.in)
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got)
	}
}

func TestPortErrorFixPerPlatform(t *testing.T) {
	tests := []struct {
		goos             string
		inUse, forbidden bool
		want             string
	}{
		{"linux", true, false, "lsof -i :1717"},
		{"darwin", true, false, "lsof -i :1717"},
		{"windows", true, false, "netstat -ano | findstr 1717"},
		{"windows", false, true, "netsh interface ipv4 show excludedportrange protocol=tcp"},
		{"linux", false, true, "administrator rights"},
	}
	for _, tt := range tests {
		pe := &PortError{Port: 1717, InUse: tt.inUse, Forbidden: tt.forbidden}
		fix := pe.fix(tt.goos)
		assert.Contains(t, fix, tt.want)
		assert.Contains(t, fix, "External Client App")
		assert.NotContains(t, fix, " (")
		assert.True(t, strings.HasSuffix(fix, "."), fix)
	}
	pe := &PortError{Port: 1717, InUse: true, Err: errors.New("bind: address already in use")}
	assert.Equal(t, pe.Reason()+" "+pe.Fix()+" (bind: address already in use)", pe.Error())
	assert.Equal(t, "invalid_grant", (&ExchangeError{Code: "invalid_grant"}).GrantErrorCode())
}

func TestRetryRebindsSamePort(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)
	org.deny = true
	var f *Flow
	var err error
	for range 5 {
		port := freePort(t)
		if f, err = Start(ctx, Config{LoginURL: org.URL(), Ports: []int{port}}); err == nil {
			break
		}
	}
	require.NoError(t, err)
	// Given a flow that ended (the user clicked Deny)
	final, _, _ := browse(t, ctx, f.URL())
	require.Equal(t, "/OauthError", final.Path)
	_, err = f.Wait(ctx)
	require.Error(t, err)

	// When the user retries at once on the same port, Then it binds.
	g, err := Start(ctx, Config{LoginURL: org.URL(), Ports: []int{f.Port()}})
	require.NoError(t, err)
	g.Cancel()
	_, err = g.Wait(ctx)
	require.ErrorIs(t, err, ErrCanceled)
	h, err := Start(ctx, Config{LoginURL: org.URL(), Ports: []int{f.Port()}})
	require.NoError(t, err, "the port is free again right after Wait returns from a cancel")
	h.Cancel()
}

// TestResultPagesInAppLanguage: the browser's pages use the wording (and
// lang attribute) of the app that started the flow; untranslated fields
// stay English.
func TestResultPagesInAppLanguage(t *testing.T) {
	ctx := testCtx(t)
	org := newStubOrg(t)
	f := startFlow(t, ctx, org, func(c *Config) {
		c.Pages = PageText{Lang: "fr", AlmostTitle: "Presque fini : revenez à Connectors", AlmostLine: "Vous êtes connecté à {Org}."}
	})
	_, _, body := browse(t, ctx, f.URL())
	assert.Contains(t, body, `<html lang="fr">`)
	assert.Contains(t, body, "Presque fini : revenez à Connectors")
	assert.Contains(t, body, "Vous êtes connecté à 127.0.0.1 (00D000000000001AAA).")
	assert.Contains(t, body, "Return to the app to see the result", "a field left empty is English")
	_, err := f.Wait(ctx)
	require.NoError(t, err)

	p := PageText{Lang: "fr", Denied: "Vous avez cliqué sur Refuser."}.withDefaults()
	assert.Equal(t, "Vous avez cliqué sur Refuser.", p.message(&AuthError{Code: "access_denied"}))
	assert.Equal(t, "The login took too long and Connectors stopped waiting.", p.message(ErrTimeout))
}
