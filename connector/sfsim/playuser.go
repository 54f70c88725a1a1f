package sfsim

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

var flowField = regexp.MustCompile(`name="flow" value="([^"]*)"`)

// PlayUser is a scripted user for tests without a browser: it follows
// authorizeURL over HTTP, submits the login form with the org's credentials
// and clicks Allow (or Deny). It returns the Location of the final 302 to
// the redirect_uri without following it. A Salesforce error page (unknown
// client, redirect mismatch) is returned as an error naming its code.
func (o *Org) PlayUser(ctx context.Context, authorizeURL string, allow bool) (string, error) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	base, err := url.Parse(authorizeURL)
	if err != nil {
		return "", fmt.Errorf("parse authorize url: %w", err)
	}
	type result struct {
		StatusCode int
		Header     http.Header
	}
	do := func(method, target string, form url.Values) (*result, string, error) {
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, err := http.NewRequestWithContext(ctx, method, target, body)
		if err != nil {
			return nil, "", fmt.Errorf("build request: %w", err)
		}
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := client.Do(req)
		if err != nil {
			return nil, "", fmt.Errorf("%s %s: %w", method, req.URL.Path, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, "", fmt.Errorf("read %s: %w", req.URL.Path, err)
		}
		return &result{StatusCode: resp.StatusCode, Header: resp.Header}, string(b), nil
	}
	// redirected interprets a 302: the client redirect (done) or an error page.
	redirected := func(resp *result) (string, error) {
		loc, err := base.Parse(resp.Header.Get("Location"))
		if err != nil {
			return "", fmt.Errorf("parse redirect: %w", err)
		}
		if loc.Path == "/setup/secur/RemoteAccessErrorPage.apexp" {
			q := loc.Query()
			return "", fmt.Errorf("salesforce error page: %s: %s", q.Get("error"), q.Get("error_description"))
		}
		return loc.String(), nil
	}
	resp, page, err := do(http.MethodGet, authorizeURL, nil)
	if err != nil {
		return "", err
	}
	if resp.StatusCode == http.StatusFound {
		return redirected(resp)
	}
	m := flowField.FindStringSubmatch(page)
	if resp.StatusCode != http.StatusOK || m == nil {
		return "", fmt.Errorf("authorize: unexpected status %d", resp.StatusCode)
	}
	flowID := html.UnescapeString(m[1])
	resp, page, err = do(http.MethodPost, base.ResolveReference(&url.URL{Path: "/login"}).String(), url.Values{
		"flow": {flowID}, "username": {o.opts.Username}, "password": {o.opts.Password}, "Login": {"Log In"},
	})
	if err != nil {
		return "", err
	}
	if resp.StatusCode == http.StatusFound {
		return redirected(resp)
	}
	if !strings.Contains(page, `id="oaapprove"`) {
		return "", errors.New("login: the approval page did not appear")
	}
	action := "deny"
	if allow {
		action = "allow"
	}
	resp, _, err = do(http.MethodPost, base.ResolveReference(&url.URL{Path: "/setup/secur/RemoteAccessAuthorizationPage.apexp"}).String(),
		url.Values{"flow": {flowID}, "action": {action}})
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusFound {
		return "", fmt.Errorf("approve: unexpected status %d", resp.StatusCode)
	}
	return redirected(resp)
}
