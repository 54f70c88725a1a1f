package salesforce

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Integration tests against the simulated org: a token from the real OAuth
// flow (PlayUser), then the client's calls on the instance host.

const (
	simClientID = "ConnectorsSalesforceTest"
	// simCallback is registered but never listened on: PlayUser stops at the redirect.
	simCallback = "http://localhost:0/oauth/callback"
)

// simTokens is a TokenSource refreshing at the sim's token endpoint; it counts calls.
type simTokens struct {
	loginURL string
	hc       *http.Client

	mu       sync.Mutex
	access   string
	refresh  string
	refreshN int
}

func (s *simTokens) AccessToken(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.access, nil
}

func (s *simTokens) Refresh(ctx context.Context, failed string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshN++
	if failed != s.access {
		return s.access, nil // someone else refreshed already
	}
	tok, err := postToken(ctx, s.hc, s.loginURL, url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {s.refresh}, "client_id": {simClientID},
	})
	if err != nil {
		return "", err
	}
	s.access = tok.AccessToken
	if tok.RefreshToken != "" {
		s.refresh = tok.RefreshToken
	}
	return s.access, nil
}

func (s *simTokens) refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshN
}

type tokenReply struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	InstanceURL  string `json:"instance_url"`
}

type tokenError struct{ Code, Description string }

func (e *tokenError) Error() string { return "token endpoint: " + e.Code + ": " + e.Description }

func postToken(ctx context.Context, hc *http.Client, loginURL string, form url.Values) (*tokenReply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, loginURL+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		return nil, &tokenError{e.Error, e.Description}
	}
	var tok tokenReply
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		return nil, err
	}
	return &tok, nil
}

// simSetup starts an org, logs in through the OAuth flow with PKCE and
// returns a client on the instance with fast retry backoff.
func simSetup(t testing.TB) (*sfsim.Org, *Client, *simTokens) {
	t.Helper()
	ctx := testCtx(t)
	org, err := sfsim.Start(sfsim.Options{Callbacks: map[string][]string{simClientID: {simCallback}}})
	require.NoError(t, err)
	t.Cleanup(func() { org.Close() })

	verifier := base64.RawURLEncoding.EncodeToString(randomBytes(t, 32))
	sum := sha256.Sum256([]byte(verifier))
	state := rand.Text()
	authorize := org.LoginURL() + "/services/oauth2/authorize?" + url.Values{
		"response_type": {"code"}, "client_id": {simClientID}, "redirect_uri": {simCallback},
		"scope": {"api refresh_token"}, "state": {state},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"},
	}.Encode()
	redirect, err := org.PlayUser(ctx, authorize, true)
	require.NoError(t, err)
	ru, err := url.Parse(redirect)
	require.NoError(t, err)
	require.Equal(t, state, ru.Query().Get("state"))
	code := ru.Query().Get("code")
	require.NotEmpty(t, code)

	hc := &http.Client{Timeout: 30 * time.Second}
	tok, err := postToken(ctx, hc, org.LoginURL(), url.Values{
		"grant_type": {"authorization_code"}, "code": {code}, "client_id": {simClientID},
		"redirect_uri": {simCallback}, "code_verifier": {verifier},
	})
	require.NoError(t, err)
	require.NotEmpty(t, tok.RefreshToken)
	require.Equal(t, org.InstanceURL(), strings.TrimRight(tok.InstanceURL, "/"))

	tokens := &simTokens{loginURL: org.LoginURL(), hc: hc, access: tok.AccessToken, refresh: tok.RefreshToken}
	c := New(tok.InstanceURL, tokens, hc)
	c.backoff = []time.Duration{5 * time.Millisecond, 10 * time.Millisecond}
	return org, c, tokens
}

func zipSpec(name string, data []byte) UploadSpec {
	return UploadSpec{
		Name: name, Description: "Connectors bundle",
		Open:     func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		BodySize: int64(len(data)),
	}
}

// instanceRequests filters the sim's log to method on the instance host.
func instanceRequests(org *sfsim.Org, method string) []sfsim.RequestLog {
	var out []sfsim.RequestLog
	for _, r := range org.Requests() {
		if r.Host == "instance" && (method == "" || r.Method == method) {
			out = append(out, r)
		}
	}
	return out
}

func TestSimLifecycle(t *testing.T) {
	org, c, tokens := simSetup(t)
	ctx := testCtx(t)

	ui, err := c.UserInfo(ctx)
	require.NoError(t, err)
	assert.Equal(t, org.UserID(), ui.UserID)
	assert.Equal(t, org.OrgID(), ui.OrganizationID)
	assert.Equal(t, org.Username(), ui.PreferredUsername)

	o, err := c.Organization(ctx)
	require.NoError(t, err)
	assert.Equal(t, org.OrgID(), o.ID)
	assert.Equal(t, "Demo Org", o.Name)
	assert.False(t, o.IsSandbox)

	ok, err := c.CustomizeApplication(ctx)
	require.NoError(t, err)
	assert.True(t, ok)

	// Given a managed resource of the same name
	org.PutResource(sfsim.Resource{Name: "Bundle", NamespacePrefix: "ns", ContentType: "application/zip", CacheControl: "Public", Body: []byte("managed")})

	v1 := randomBytes(t, 400_000)
	org.ResetRequests()
	id, stats, err := c.CreateStaticResource(ctx, zipSpec("Bundle", v1))
	require.NoError(t, err)
	require.NotEmpty(t, id)

	// Gzip on the wire, counted the same on both sides.
	posts := instanceRequests(org, "POST")
	require.Len(t, posts, 1)
	assert.Equal(t, "gzip", posts[0].ContentEncoding)
	assert.Equal(t, stats.WireBytes, posts[0].BytesIn)
	assert.Less(t, float64(stats.WireBytes), 1.05*float64(len(v1)))

	org.ResetRequests()
	list, err := c.ListStaticResources(ctx)
	require.NoError(t, err)
	assert.Len(t, instanceRequests(org, ""), 1, "preflight is one request")
	assert.EqualValues(t, len(v1)+len("managed"), list.TotalSize)
	r := list.Find("bundle")
	require.NotNil(t, r)
	assert.Equal(t, id, r.ID)
	assert.EqualValues(t, len(v1), r.BodyLength)
	assert.Equal(t, "Private", r.CacheControl)
	assert.Equal(t, "application/zip", r.ContentType)
	assert.Equal(t, "Connectors bundle", r.Description)
	assert.WithinDuration(t, time.Now(), r.LastModifiedDate, time.Minute)
	assert.NotNil(t, c.LastUsage())

	got, err := c.GetStaticResource(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "Bundle", got.Name)
	assert.EqualValues(t, len(v1), got.BodyLength)

	var buf bytes.Buffer
	n, err := c.DownloadBody(ctx, id, &buf)
	require.NoError(t, err)
	assert.EqualValues(t, len(v1), n)
	assert.True(t, bytes.Equal(v1, buf.Bytes()))

	v2 := randomBytes(t, 300_000)
	spec := zipSpec("", v2)
	spec.Description = "v2"
	_, err = c.UpdateStaticResource(ctx, id, spec)
	require.NoError(t, err)
	buf.Reset()
	_, err = c.DownloadBody(ctx, id, &buf)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(v2, buf.Bytes()))
	got, err = c.GetStaticResource(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "v2", got.Description)

	// A duplicate name is refused and not retried.
	org.ResetRequests()
	_, _, err = c.CreateStaticResource(ctx, zipSpec("BUNDLE", []byte("x")))
	assert.True(t, IsErrorCode(err, "DUPLICATE_VALUE"), "%v", err)
	assert.Len(t, instanceRequests(org, "POST"), 1)

	require.NoError(t, c.DeleteStaticResource(ctx, id))
	list, err = c.ListStaticResources(ctx)
	require.NoError(t, err)
	assert.Nil(t, list.Find("Bundle"))
	all := org.Resources()
	require.Len(t, all, 1, "the managed resource stays")
	assert.Equal(t, "ns", all[0].NamespacePrefix)
	assert.Equal(t, 0, tokens.refreshes())
}

func TestSimRefreshOnceRetryOnce(t *testing.T) {
	org, c, tokens := simSetup(t)
	ctx := testCtx(t)

	// Given every access token expired
	org.ExpireSessions()
	org.ResetRequests()
	// When the client lists resources
	_, err := c.ListStaticResources(ctx)
	// Then it refreshed once and retried once
	require.NoError(t, err)
	assert.Equal(t, 1, tokens.refreshes())
	reqs := instanceRequests(org, "GET")
	require.Len(t, reqs, 2)
	assert.Equal(t, http.StatusUnauthorized, reqs[0].Status)
	assert.Equal(t, http.StatusOK, reqs[1].Status)

	// userinfo answers 403 Bad_OAuth_Token: same rule.
	org.ExpireSessions()
	_, err = c.UserInfo(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, tokens.refreshes())

	// An upload after expiry reopens its body for the retry.
	org.ExpireSessions()
	data := randomBytes(t, 100_000)
	id, _, err := c.CreateStaticResource(ctx, zipSpec("AfterExpiry", data))
	require.NoError(t, err)
	assert.Equal(t, 3, tokens.refreshes())
	assert.Equal(t, data, org.Resource("AfterExpiry").Body)
	assert.Equal(t, id, org.Resource("AfterExpiry").ID)

	// When the refresh token is revoked too, the refresh error comes back wrapped.
	org.RevokeRefreshTokens()
	org.ResetRequests()
	_, err = c.Organization(ctx)
	var te *tokenError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "invalid_grant", te.Code)
	assert.Equal(t, 4, tokens.refreshes())
	assert.Len(t, instanceRequests(org, ""), 1, "no retry without a new token")
}

func TestSimRefreshedTokenAlsoRejected(t *testing.T) {
	org, c, tokens := simSetup(t)
	// Given sessions that die before every request (the refreshed one too)
	org.OnRequest(func(*http.Request) { org.ExpireSessions() })
	org.ResetRequests()
	_, err := c.ListStaticResources(testCtx(t))
	// Then the second 401 is returned as is, after one refresh
	assert.True(t, IsErrorCode(err, "INVALID_SESSION_ID"), "%v", err)
	assert.Equal(t, 1, tokens.refreshes())
	assert.Len(t, instanceRequests(org, ""), 2)
}

func TestSimPermissions(t *testing.T) {
	t.Run("api disabled", func(t *testing.T) {
		org, c, _ := simSetup(t)
		org.SetAPIEnabled(false)
		_, err := c.CustomizeApplication(testCtx(t))
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, http.StatusForbidden, ae.StatusCode)
		assert.Equal(t, "API_DISABLED_FOR_ORG", ae.ErrorCode)
		_, err = c.ListStaticResources(testCtx(t))
		assert.True(t, IsErrorCode(err, "API_DISABLED_FOR_ORG"), "%v", err)
	})
	t.Run("customize application missing", func(t *testing.T) {
		org, c, _ := simSetup(t)
		org.SetCustomizeApplication(false)
		ok, err := c.CustomizeApplication(testCtx(t))
		require.NoError(t, err)
		assert.False(t, ok)
		_, _, err = c.CreateStaticResource(testCtx(t), zipSpec("Denied", []byte("zip")))
		assert.True(t, IsErrorCode(err, "INSUFFICIENT_ACCESS_OR_READONLY"), "%v", err)
	})
}

func TestSimRetries(t *testing.T) {
	const sobjects = "/services/data/" + APIVersion + "/sobjects/StaticResource"
	tests := []struct {
		name      string
		method    string // request to fail
		fail      int    // how many
		status    int    // 0: dropped connection
		wantErr   bool
		wantTries int
	}{
		{"PATCH 503 twice then ok", "PATCH", 2, 503, false, 3},
		{"PATCH 500 three times", "PATCH", 3, 500, true, 3},
		{"PATCH dropped then ok", "PATCH", 1, 0, false, 2},
		{"POST 503 not retried", "POST", 1, 503, true, 1},
		{"POST dropped not retried", "POST", 1, 0, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org, c, _ := simSetup(t)
			ctx := testCtx(t)
			id := org.PutResource(sfsim.Resource{Name: "Existing", ContentType: "application/zip", CacheControl: "Private", Body: []byte("old")})
			data := randomBytes(t, 200_000)
			org.ResetRequests()
			org.FailNextMatching(tt.method, sobjects, tt.fail, tt.status)
			var err error
			if tt.method == "PATCH" {
				_, err = c.UpdateStaticResource(ctx, id, zipSpec("", data))
			} else {
				_, _, err = c.CreateStaticResource(ctx, zipSpec("Fresh", data))
			}
			assert.Len(t, instanceRequests(org, tt.method), tt.wantTries)
			if tt.wantErr {
				require.Error(t, err)
				if tt.status != 0 {
					var ae *APIError
					require.ErrorAs(t, err, &ae)
					assert.Equal(t, tt.status, ae.StatusCode)
				} else {
					assert.True(t, Retryable(err), "a drop reads as a connection error: %v", err)
				}
				assert.Nil(t, org.Resource("Fresh"))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, data, org.Resource("Existing").Body)
		})
	}
}

func TestSimMaintenancePage(t *testing.T) {
	org, c, _ := simSetup(t)
	org.FailNext(readAttempts, 503)
	_, err := c.ListStaticResources(testCtx(t))
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, 503, ae.StatusCode)
	assert.Empty(t, ae.ErrorCode)
	assert.Contains(t, ae.Message, "Down For Maintenance")
	assert.NotContains(t, ae.Message, "<")
	assert.LessOrEqual(t, len([]rune(ae.Message)), 200)
	assert.Equal(t, "/services/data/"+APIVersion+"/query/", ae.Path)
}

func TestSimRevoke(t *testing.T) {
	org, c, tokens := simSetup(t)
	ctx := testCtx(t)
	require.NoError(t, Revoke(ctx, nil, org.LoginURL(), tokens.refresh))
	// The access token died with its refresh token.
	_, err := c.Organization(ctx)
	require.Error(t, err)
	var te *tokenError
	require.ErrorAs(t, err, &te, fmt.Sprintf("%v", err))
	// Revoking garbage is a 400.
	err = Revoke(ctx, nil, org.LoginURL(), "not-a-token")
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusBadRequest, ae.StatusCode)
}

// BenchmarkUpload5MBSim updates a 5 MB incompressible bundle on the
// simulated org and reports the wire bytes the org counted per zip byte.
func BenchmarkUpload5MBSim(b *testing.B) {
	org, c, _ := simSetup(b)
	const size = 5 << 20
	data := randomBytes(b, size)
	id := org.PutResource(sfsim.Resource{Name: "Bench", Body: []byte("old")})
	spec := zipSpec("", data)
	ctx := context.Background()
	org.ResetRequests()
	b.SetBytes(size)
	for b.Loop() {
		if _, err := c.UpdateStaticResource(ctx, id, spec); err != nil {
			b.Fatal(err)
		}
	}
	var in int64
	reqs := instanceRequests(org, "PATCH")
	for _, r := range reqs {
		in += r.BytesIn
	}
	b.ReportMetric(float64(in)/float64(len(reqs))/size, "wire-bytes/zip-byte")
}
