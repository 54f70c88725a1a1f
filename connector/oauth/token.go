package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/connectors-app/connectors/internal/safetext"
)

// Result is what a token response gives. The id_token is never kept.
type Result struct {
	AccessToken  string
	RefreshToken string // empty after a refresh unless the app rotates refresh tokens
	InstanceURL  string // the org's My Domain URL: use it for every API call
	IDURL        string // identity URL, https://login.salesforce.com/id/{orgId}/{userId}
	Scope        string // granted scopes, space-separated
	IssuedAt     time.Time
}

// maxTokenBody caps how much of a token response we read.
const maxTokenBody = 1 << 20

// tokenResponse is Salesforce's token endpoint JSON (success or error).
type tokenResponse struct {
	AccessToken      string          `json:"access_token"`
	RefreshToken     string          `json:"refresh_token"`
	InstanceURL      string          `json:"instance_url"`
	ID               string          `json:"id"`
	Scope            string          `json:"scope"`
	TokenType        string          `json:"token_type"`
	IssuedAt         json.RawMessage `json:"issued_at"` // a string of epoch ms; accept a number too
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
}

// Refresh runs the refresh-token grant against loginURL (the login URL used
// at login, or the instance URL). The Result's RefreshToken is empty unless
// Salesforce rotated it; an invalid or revoked token gives an
// *ExchangeError with Code "invalid_grant". hc nil means a default client.
func Refresh(ctx context.Context, hc *http.Client, loginURL, clientID, refreshToken string) (*Result, error) {
	if refreshToken == "" {
		return nil, errors.New("refresh: no refresh token")
	}
	base, err := checkLoginURL(loginURL)
	if err != nil {
		return nil, fmt.Errorf("refresh: %w", err)
	}
	if clientID == "" {
		clientID = DefaultClientID
	}
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {refreshToken},
		"client_id":     {clientID},
	}
	res, err := postToken(ctx, hc, base, form)
	if err != nil {
		return nil, fmt.Errorf("refresh token: %w", err)
	}
	return res, nil
}

// postToken POSTs form to {base}/services/oauth2/token and parses the answer.
func postToken(ctx context.Context, hc *http.Client, base string, form url.Values) (*Result, error) {
	if hc == nil {
		hc = defaultHTTPClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/services/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, scrubURLError(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if err != nil {
		return nil, fmt.Errorf("read token response: %w", err)
	}
	var tr tokenResponse
	jsonErr := json.Unmarshal(body, &tr)
	if resp.StatusCode != http.StatusOK || tr.Error != "" {
		ee := &ExchangeError{Status: resp.StatusCode, Code: tr.Error, Description: tr.ErrorDescription}
		if jsonErr != nil || (tr.Error == "" && tr.ErrorDescription == "") {
			ee.Code, ee.Description = "", summarize(resp.Header.Get("Content-Type"), body)
		}
		return nil, ee
	}
	if jsonErr != nil {
		return nil, &ExchangeError{Status: resp.StatusCode, Description: "the token response is not JSON: " + summarize(resp.Header.Get("Content-Type"), body)}
	}
	if tr.AccessToken == "" {
		return nil, &ExchangeError{Status: resp.StatusCode, Description: "the token response has no access_token"}
	}
	if tr.InstanceURL == "" {
		return nil, &ExchangeError{Status: resp.StatusCode, Description: "the token response has no instance_url"}
	}
	return &Result{
		AccessToken:  tr.AccessToken,
		RefreshToken: tr.RefreshToken,
		InstanceURL:  strings.TrimRight(tr.InstanceURL, "/"),
		IDURL:        tr.ID,
		Scope:        tr.Scope,
		IssuedAt:     parseIssuedAt(tr.IssuedAt),
	}, nil
}

// parseIssuedAt reads Salesforce's issued_at (a string of epoch
// milliseconds; a JSON number is accepted too); now when absent or odd.
func parseIssuedAt(raw json.RawMessage) time.Time {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && ms > 0 {
		return time.UnixMilli(ms).UTC()
	}
	return time.Now().UTC().Truncate(time.Millisecond)
}

// summarize gives a short, printable description of a non-JSON error body
// (an HTML error page from a proxy, say) without echoing all of it: one
// line, control characters escaped (safetext), at most 200 characters.
func summarize(contentType string, body []byte) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "text/html" {
		return "the server answered with an HTML page instead of JSON (a proxy or the wrong login URL?)"
	}
	s := safetext.Escape(strings.Join(strings.Fields(string(body)), " "))
	if r := []rune(s); len(r) > 200 {
		s = string(r[:200]) + "…"
	}
	if s == "" {
		return "empty response"
	}
	return s
}

// scrubURLError drops the request URL from a transport error: harmless for
// the token endpoint, but keep errors uniform and short.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s %s: %w", ue.Op, redactURL(ue.URL), ue.Err)
	}
	return err
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "token endpoint"
	}
	u.RawQuery = ""
	return u.String()
}

// checkLoginURL validates a login URL and returns it without a trailing
// slash. http is accepted only for loopback hosts (the simulated org).
func checkLoginURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("login URL %q is not an absolute URL", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopbackHost(u.Hostname()) {
			return "", fmt.Errorf("login URL %q must use https", raw)
		}
	default:
		return "", fmt.Errorf("login URL %q must use https", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("login URL %q must be a plain host URL", raw)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), nil
}

func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
