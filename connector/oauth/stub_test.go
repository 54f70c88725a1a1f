package oauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

// stubOrg is a tiny authorization server: /authorize redirects at once
// (approve or deny), /token checks code, verifier and redirect_uri.
type stubOrg struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	deny       bool
	codes      map[string]authReq // code -> the authorize request it answers
	tokenForms []url.Values
	// tokenStatus/tokenBody/tokenType override the token response when set.
	tokenStatus int
	tokenBody   string
	tokenType   string
	rotate      bool
	// tokenGate, when set, holds token requests until closed.
	tokenGate chan struct{}
}

type authReq struct{ challenge, redirectURI, clientID string }

func newStubOrg(t *testing.T) *stubOrg {
	s := &stubOrg{t: t, codes: map[string]authReq{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /services/oauth2/authorize", s.authorize)
	mux.HandleFunc("POST /services/oauth2/token", s.token)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *stubOrg) URL() string { return s.srv.URL }

func randString(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *stubOrg) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	target, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" {
		http.Error(w, "bad authorize request", http.StatusBadRequest)
		return
	}
	back := url.Values{"state": {q.Get("state")}}
	s.mu.Lock()
	if s.deny {
		back.Set("error", "access_denied")
		back.Set("error_description", "end-user denied authorization")
	} else {
		code := "aPrx" + randString(40) + "=="
		s.codes[code] = authReq{challenge: q.Get("code_challenge"), redirectURI: q.Get("redirect_uri"), clientID: q.Get("client_id")}
		back.Set("code", code)
	}
	s.mu.Unlock()
	target.RawQuery = back.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

func (s *stubOrg) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.tokenForms = append(s.tokenForms, r.PostForm)
	gate, status, body, ctype, rotate := s.tokenGate, s.tokenStatus, s.tokenBody, s.tokenType, s.rotate
	req, known := s.codes[r.PostForm.Get("code")]
	delete(s.codes, r.PostForm.Get("code"))
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	if status != 0 {
		if ctype == "" {
			ctype = "application/json"
		}
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
		return
	}
	fail := func(code, desc string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
	}
	resp := map[string]string{
		"access_token": "00D000000000001!AQQAQ" + randString(30),
		"signature":    "d/SxeYBxH0GSVko0HMgcUxuZy0PA2cDDz1u7g7JtDHw=",
		"scope":        "api refresh_token web",
		"id_token":     "eyJraWQiOiIyMjAiLCJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.sig",
		"instance_url": s.srv.URL + "/",
		"id":           "https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA",
		"token_type":   "Bearer",
		"issued_at":    "1558553873237",
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		switch {
		case r.PostForm.Has("client_secret"):
			fail("invalid_client", "invalid client credentials")
			return
		case !known:
			fail("invalid_grant", "expired authorization code")
			return
		case r.PostForm.Get("redirect_uri") != req.redirectURI:
			fail("redirect_uri_mismatch", "redirect_uri must match configuration")
			return
		case oauth2.S256ChallengeFromVerifier(r.PostForm.Get("code_verifier")) != req.challenge:
			fail("invalid_grant", "invalid code verifier")
			return
		}
		resp["refresh_token"] = "5Aep861" + randString(30)
	case "refresh_token":
		if r.PostForm.Get("refresh_token") != "5Aep861good" {
			fail("invalid_grant", "expired access/refresh token")
			return
		}
		if rotate {
			resp["refresh_token"] = "5Aep861rotated"
		}
	default:
		fail("unsupported_grant_type", "grant type not supported")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(resp)
}

func (s *stubOrg) forms() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]url.Values(nil), s.tokenForms...)
}

// testCtx bounds an async test.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// startFlow starts a flow on a free port against org.
func startFlow(t *testing.T, ctx context.Context, org *stubOrg, mod func(*Config)) *Flow {
	t.Helper()
	cfg := Config{LoginURL: org.URL(), Ports: []int{0}}
	if mod != nil {
		mod(&cfg)
	}
	f, err := Start(ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(f.Cancel)
	return f
}

// browse follows redirects like a browser and returns the final response's
// URL, status and body.
func browse(t testing.TB, ctx context.Context, raw string) (*url.URL, int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.Request.URL, resp.StatusCode, string(body)
}
