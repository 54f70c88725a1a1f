package sfsim

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStartDefaults(t *testing.T) {
	o, err := Start(Options{})
	require.NoError(t, err)
	defer o.Close()
	assert.Regexp(t, `^http://localhost:\d+$`, o.LoginURL())
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, o.InstanceURL())
	assert.NotEqual(t, strings.Split(o.LoginURL(), ":")[2], strings.Split(o.InstanceURL(), ":")[2])
	assert.Regexp(t, `^00D[A-Za-z0-9]{15}$`, o.OrgID())
	assert.Regexp(t, `^005[A-Za-z0-9]{15}$`, o.UserID())
	assert.Equal(t, "admin@demo.example", o.Username())
	assert.Equal(t, "demo-password", o.Password())
	// The default client is the Salesforce CLI's.
	_, err = o.PlayUser(testCtx(t), o.LoginURL()+"/services/oauth2/authorize?"+url.Values{
		"response_type": {"code"}, "client_id": {"PlatformCLI"}, "redirect_uri": {"http://localhost:1718/OauthRedirect"},
	}.Encode(), true)
	require.NoError(t, err)
}

func TestCaseSafeID(t *testing.T) {
	// Known pairs from Salesforce documentation examples.
	for in, want := range map[string]string{
		"001D000000IRFma": "001D000000IRFmaIAH",
		"00DB0000000TfcR": "00DB0000000TfcRMAS",
		"005B0000005Bk90": "005B0000005Bk90IAC",
	} {
		assert.Equal(t, want, caseSafe(in))
	}
	assert.True(t, sameID("001D000000IRFma", "001D000000IRFmaIAH"))
	assert.True(t, sameID("001D000000IRFmaiah", "001D000000IRFmaIAH"))
	assert.False(t, sameID("001D000000IRFmb", "001D000000IRFmaIAH"))
}

func TestOAuthRoundTrip(t *testing.T) {
	o := startOrg(t, Options{})
	tok := login(t, o)
	assert.Regexp(t, `^`+o.OrgID()[:15]+`![.\w]+$`, tok["access_token"])
	assert.Regexp(t, `^[a-zA-Z0-9._-]+={0,2}$`, tok["refresh_token"])
	assert.Equal(t, o.InstanceURL(), tok["instance_url"])
	assert.Equal(t, o.LoginURL()+"/id/"+o.OrgID()+"/"+o.UserID(), tok["id"])
	assert.Equal(t, "Bearer", tok["token_type"])
	assert.Equal(t, "refresh_token api web", tok["scope"])
	assert.Regexp(t, `^\d{13}$`, tok["issued_at"])
	assert.NotEmpty(t, tok["signature"])
	assert.NotContains(t, tok, "expires_in")
	assert.NotContains(t, tok, "id_token")
	_, err := base64.StdEncoding.DecodeString(tok["signature"].(string))
	assert.NoError(t, err)
}

func TestTokenHeadersAndScopes(t *testing.T) {
	o := startOrg(t, Options{})
	tests := []struct {
		name        string
		scope       []string
		wantRefresh bool
		wantIDToken bool
		wantScope   string
	}{
		{"api only", []string{"api"}, false, false, "api"},
		{"offline_access", []string{"api offline_access"}, true, false, "api offline_access"},
		{"openid", []string{"api openid refresh_token"}, true, true, "api openid refresh_token"},
		{"omitted means all", []string{""}, true, true, allScopes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := exchange(t, o, code(t, o, url.Values{"scope": tt.scope}))
			require.Equal(t, http.StatusOK, res.status)
			assert.Equal(t, "no-store", res.header.Get("Cache-Control"))
			assert.Contains(t, res.header.Get("Content-Type"), "application/json")
			m := res.json(t)
			assert.Equal(t, tt.wantScope, m["scope"])
			_, has := m["refresh_token"]
			assert.Equal(t, tt.wantRefresh, has)
			_, has = m["id_token"]
			assert.Equal(t, tt.wantIDToken, has)
			if tt.wantIDToken {
				assert.Len(t, strings.Split(m["id_token"].(string), "."), 3)
			}
		})
	}
}

func TestAuthorizeErrors(t *testing.T) {
	o := startOrg(t, Options{})
	tests := []struct {
		name      string
		extra     url.Values
		errorPage bool
		wantError string
	}{
		{"unknown client", url.Values{"client_id": {"Nope"}}, true, "invalid_client_id"},
		{"redirect mismatch", url.Values{"redirect_uri": {testCallback + "/x"}}, true, "redirect_uri_mismatch"},
		{"redirect other port", url.Values{"redirect_uri": {"http://localhost:49998/oauth/callback"}}, true, "redirect_uri_mismatch"},
		{"redirect missing", url.Values{"redirect_uri": {""}}, true, "redirect_uri_missing"},
		{"bad response type", url.Values{"response_type": {"token"}}, false, "unsupported_response_type"},
		{"bad challenge method", url.Values{"code_challenge_method": {"S512"}}, false, "invalid_request"},
		{"immediate", url.Values{"immediate": {"true"}}, false, "immediate_unsuccessful"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, http.MethodGet, authorizeURL(o, tt.extra), nil, nil)
			require.Equal(t, http.StatusFound, res.status)
			loc, err := url.Parse(res.header.Get("Location"))
			require.NoError(t, err)
			if tt.errorPage {
				assert.Equal(t, "/setup/secur/RemoteAccessErrorPage.apexp", loc.Path)
				page := do(t, http.MethodGet, o.LoginURL()+loc.String(), nil, nil)
				assert.Equal(t, http.StatusOK, page.status)
				assert.Contains(t, string(page.body), tt.wantError)
				_, err := o.PlayUser(testCtx(t), authorizeURL(o, tt.extra), true)
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantError)
			} else {
				assert.Equal(t, testCallback, loc.Scheme+"://"+loc.Host+loc.Path)
			}
			assert.Equal(t, tt.wantError, loc.Query().Get("error"))
			assert.Equal(t, "st4te", loc.Query().Get("state"))
		})
	}
}

func TestLoginPages(t *testing.T) {
	plain := startOrg(t, Options{})
	page := do(t, http.MethodGet, authorizeURL(plain, nil), nil, nil)
	assert.NotContains(t, string(page.body), "demo-password")
	assert.NotContains(t, string(page.body), `id="demo-hint"`)

	o := startOrg(t, Options{DemoHint: true})
	page = do(t, http.MethodGet, authorizeURL(o, url.Values{"login_hint": {"who@x.example"}}), nil, nil)
	require.Equal(t, http.StatusOK, page.status)
	body := string(page.body)
	for _, id := range []string{`id="username"`, `id="password"`, `id="Login"`, `id="demo-hint"`, `value="demo-password"`, `value="who@x.example"`} {
		assert.Contains(t, body, id)
	}
	flowID := flowField.FindStringSubmatch(body)[1]

	bad := postForm(t, o.LoginURL()+"/login", url.Values{"flow": {flowID}, "username": {o.Username()}, "password": {"wrong"}})
	assert.Equal(t, http.StatusOK, bad.status)
	assert.Contains(t, string(bad.body), "Please check your username and password")
	assert.Contains(t, string(bad.body), `id="username"`)

	// Approval cannot be skipped by posting to the approval page first.
	skip := postForm(t, o.LoginURL()+"/setup/secur/RemoteAccessAuthorizationPage.apexp", url.Values{"flow": {flowID}, "action": {"allow"}})
	assert.Equal(t, http.StatusFound, skip.status)
	assert.Contains(t, skip.header.Get("Location"), "RemoteAccessErrorPage")

	good := postForm(t, o.LoginURL()+"/login", url.Values{"flow": {flowID}, "username": {strings.ToUpper(o.Username())}, "password": {o.Password()}})
	require.Equal(t, http.StatusOK, good.status)
	for _, s := range []string{`id="oaapprove"`, `id="oadeny"`, testClient, "Manage user data via APIs"} {
		assert.Contains(t, string(good.body), s)
	}
}

func TestLoginHostHome(t *testing.T) {
	o := startOrg(t, Options{OrgName: "Acme Sandbox"})
	res := do(t, http.MethodGet, o.LoginURL()+"/", nil, nil)
	assert.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, string(res.body), "Acme Sandbox")
	assert.Equal(t, http.StatusNotFound, do(t, http.MethodGet, o.LoginURL()+"/nope", nil, nil).status)
}

func TestDeny(t *testing.T) {
	o := startOrg(t, Options{})
	loc, err := o.PlayUser(testCtx(t), authorizeURL(o, nil), false)
	require.NoError(t, err)
	assert.Equal(t, testCallback+"?error=access_denied&error_description=end-user+denied+authorization&state=st4te", loc)
}

func TestTokenErrors(t *testing.T) {
	o := startOrg(t, Options{ClientSecrets: map[string]string{"Confidential": "s3cret"}})
	o.RegisterCallback("Confidential", testCallback)
	used := code(t, o, nil)
	require.Equal(t, http.StatusOK, exchange(t, o, used).status)
	plain := code(t, o, url.Values{"code_challenge": {"plain-verifier-value"}, "code_challenge_method": {"plain"}})
	fresh := code(t, o, nil)
	base := func(c string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {c}, "client_id": {testClient},
			"redirect_uri": {testCallback}, "code_verifier": {testVerifier}}
	}
	with := func(v url.Values, k, val string) url.Values {
		c := url.Values{}
		for kk, vv := range v {
			c[kk] = vv
		}
		if val == "" {
			c.Del(k)
		} else {
			c.Set(k, val)
		}
		return c
	}
	tests := []struct {
		name      string
		form      url.Values
		wantError string
		wantDesc  string
	}{
		{"reused code", base(used), "invalid_grant", "expired authorization code"},
		{"unknown code", base("bogus"), "invalid_grant", "invalid authorization code"},
		{"wrong verifier", with(base(fresh), "code_verifier", strings.Repeat("x", 171)), "invalid_grant", "invalid code verifier"},
		{"missing verifier", with(base(fresh), "code_verifier", ""), "invalid_grant", "invalid code verifier"},
		{"redirect mismatch", with(base(fresh), "redirect_uri", "http://localhost:1/x"), "redirect_uri_mismatch", "redirect_uri must match configuration"},
		{"unknown client", with(base(fresh), "client_id", "Nope"), "invalid_client_id", "client identifier invalid"},
		{"other client", with(base(fresh), "client_id", "PlatformCLIx"), "invalid_client_id", "client identifier invalid"},
		{"wrong secret", with(with(base(fresh), "client_id", "Confidential"), "client_secret", "bad"), "invalid_client", "invalid client credentials"},
		{"missing grant type", with(base(fresh), "grant_type", ""), "invalid_request", "grant type is missing"},
		{"unsupported grant", with(base(fresh), "grant_type", "password"), "unsupported_grant_type", "grant type not supported"},
		{"bad refresh", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"5Aep861nope"}, "client_id": {testClient}}, "invalid_grant", "expired access/refresh token"},
		{"plain with S256 verifier", base(plain), "invalid_grant", "invalid code verifier"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := postForm(t, o.LoginURL()+"/services/oauth2/token", tt.form)
			require.Equal(t, http.StatusBadRequest, res.status)
			assert.Equal(t, "no-store", res.header.Get("Cache-Control"))
			assert.JSONEq(t, `{"error":"`+tt.wantError+`","error_description":"`+tt.wantDesc+`"}`, string(res.body))
		})
	}
	// Failed attempts do not burn the code; the right verifier still works,
	// also with unknown extra parameters and on the instance host.
	form := with(base(fresh), "foo", "bar")
	res := postForm(t, o.InstanceURL()+"/services/oauth2/token", form)
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	res = postForm(t, o.LoginURL()+"/services/oauth2/token", with(base(plain), "code_verifier", "plain-verifier-value"))
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	// GET is refused.
	get := do(t, http.MethodGet, o.LoginURL()+"/services/oauth2/token", nil, nil)
	assert.Equal(t, http.StatusBadRequest, get.status)
}

func TestTokenBasicAuthAndSecret(t *testing.T) {
	o := startOrg(t, Options{ClientSecrets: map[string]string{testClient: "s3cret"}})
	// Basic credentials are form-encoded (RFC 6749 §2.3.1).
	o.RegisterCallback("3MVG9.id+x", testCallback)
	c0 := code(t, o, url.Values{"client_id": {"3MVG9.id+x"}})
	h0 := http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
		"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape("3MVG9.id+x")+":"))}}
	res0 := do(t, http.MethodPost, o.LoginURL()+"/services/oauth2/token", h0, strings.NewReader(url.Values{
		"grant_type": {"authorization_code"}, "code": {c0}, "redirect_uri": {testCallback}, "code_verifier": {testVerifier}}.Encode()))
	require.Equal(t, http.StatusOK, res0.status, string(res0.body))

	c := code(t, o, nil)
	req := url.Values{"grant_type": {"authorization_code"}, "code": {c}, "redirect_uri": {testCallback}, "code_verifier": {testVerifier}}
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
		"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(testClient+":s3cret"))}}
	res := do(t, http.MethodPost, o.LoginURL()+"/services/oauth2/token", h, strings.NewReader(req.Encode()))
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	m := res.json(t)
	// signature = base64(HMAC-SHA256(id + issued_at, secret))
	assert.Equal(t, sign(m["id"].(string)+m["issued_at"].(string), "s3cret"), m["signature"])
}

func TestTokenURLEncodedFormat(t *testing.T) {
	o := startOrg(t, Options{})
	c := code(t, o, nil)
	res := postForm(t, o.LoginURL()+"/services/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {c}, "client_id": {testClient},
		"redirect_uri": {testCallback}, "code_verifier": {testVerifier}, "format": {"urlencoded"},
	})
	require.Equal(t, http.StatusOK, res.status)
	v, err := url.ParseQuery(string(res.body))
	require.NoError(t, err)
	assert.Equal(t, "Bearer", v.Get("token_type"))
	assert.NotEmpty(t, v.Get("access_token"))
}

func refreshGrant(t *testing.T, o *Org, rt string) httpResult {
	t.Helper()
	return postForm(t, o.LoginURL()+"/services/oauth2/token", url.Values{
		"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {testClient}, "code_verifier": {"ignored"},
	})
}

func TestRefresh(t *testing.T) {
	o := startOrg(t, Options{})
	tok := login(t, o)
	rt := tok["refresh_token"].(string)
	res := refreshGrant(t, o, rt)
	require.Equal(t, http.StatusOK, res.status)
	m := res.json(t)
	assert.NotContains(t, m, "refresh_token")
	assert.NotEqual(t, tok["access_token"], m["access_token"])
	for _, k := range []string{"signature", "scope", "instance_url", "id", "token_type", "issued_at"} {
		assert.Contains(t, m, k)
	}
	// Old and new access tokens both work; the refresh token keeps working.
	for _, at := range []string{tok["access_token"].(string), m["access_token"].(string)} {
		assert.Equal(t, http.StatusOK, api(t, o, at, http.MethodGet, "/services/data/v63.0/limits/", nil, nil).status)
	}
	assert.Equal(t, http.StatusOK, refreshGrant(t, o, rt).status)
}

func TestRefreshRotation(t *testing.T) {
	o := startOrg(t, Options{RotateRefreshTokens: true})
	tok := login(t, o)
	rt1 := tok["refresh_token"].(string)
	res := refreshGrant(t, o, rt1)
	require.Equal(t, http.StatusOK, res.status)
	m := res.json(t)
	rt2 := m["refresh_token"].(string)
	require.NotEqual(t, rt1, rt2)
	at2 := m["access_token"].(string)
	assert.Equal(t, http.StatusOK, api(t, o, at2, http.MethodGet, "/services/data/v63.0/limits/", nil, nil).status)

	// Replaying the rotated-away token fails and kills the current family.
	replay := refreshGrant(t, o, rt1)
	assert.Equal(t, http.StatusBadRequest, replay.status)
	assert.JSONEq(t, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`, string(replay.body))
	assert.Equal(t, http.StatusBadRequest, refreshGrant(t, o, rt2).status)
	assert.Equal(t, http.StatusUnauthorized, api(t, o, at2, http.MethodGet, "/services/data/v63.0/limits/", nil, nil).status)

	// Switching rotation off at runtime.
	o.SetRotateRefreshTokens(false)
	rt := login(t, o)["refresh_token"].(string)
	res = refreshGrant(t, o, rt)
	require.Equal(t, http.StatusOK, res.status)
	assert.NotContains(t, res.json(t), "refresh_token")
}

func TestRevoke(t *testing.T) {
	o := startOrg(t, Options{})
	tok := login(t, o)
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)

	// Revoking an access token kills only it.
	res := postForm(t, o.LoginURL()+"/services/oauth2/revoke", url.Values{"token": {at}})
	assert.Equal(t, http.StatusOK, res.status)
	assert.Empty(t, res.body)
	assert.Equal(t, http.StatusUnauthorized, api(t, o, at, http.MethodGet, "/services/data/v63.0/limits/", nil, nil).status)
	m := refreshGrant(t, o, rt).json(t)
	at2 := m["access_token"].(string)

	// Revoking the refresh token (GET form) kills it and its access tokens.
	res = do(t, http.MethodGet, o.InstanceURL()+"/services/oauth2/revoke?token="+url.QueryEscape(rt), nil, nil)
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, http.StatusUnauthorized, api(t, o, at2, http.MethodGet, "/services/data/v63.0/limits/", nil, nil).status)
	assert.Equal(t, http.StatusBadRequest, refreshGrant(t, o, rt).status)

	// A dead or unknown token is invalid_token.
	for _, tk := range []string{rt, "nope", ""} {
		res = postForm(t, o.LoginURL()+"/services/oauth2/revoke", url.Values{"token": {tk}})
		assert.Equal(t, http.StatusBadRequest, res.status)
		assert.JSONEq(t, `{"error":"invalid_token","error_description":"Token was invalid"}`, string(res.body))
	}
}

func TestUserInfoAndIdentity(t *testing.T) {
	o := startOrg(t, Options{UserDisplayName: "Grace Hopper"})
	at := accessToken(t, o)
	idPath := "/id/" + o.OrgID() + "/" + o.UserID()
	for _, host := range []string{o.LoginURL(), o.InstanceURL()} {
		res := do(t, http.MethodGet, host+"/services/oauth2/userinfo", http.Header{"Authorization": {"Bearer " + at}}, nil)
		require.Equal(t, http.StatusOK, res.status)
		m := res.json(t)
		assert.Equal(t, o.UserID(), m["user_id"])
		assert.Equal(t, o.OrgID(), m["organization_id"])
		assert.Equal(t, o.Username(), m["preferred_username"])
		assert.Equal(t, "Grace Hopper", m["name"])
		assert.Equal(t, "Grace", m["given_name"])
		assert.Equal(t, o.LoginURL()+idPath, m["sub"])
		assert.Equal(t, o.InstanceURL()+"/services/data/v{version}/", m["urls"].(map[string]any)["rest"])

		res = do(t, http.MethodGet, host+idPath+"?version=latest&oauth_token="+url.QueryEscape(at), nil, nil)
		require.Equal(t, http.StatusOK, res.status)
		m = res.json(t)
		assert.Equal(t, o.LoginURL()+idPath, m["id"])
		assert.Equal(t, o.Username(), m["username"])
		assert.Equal(t, "Grace Hopper", m["display_name"])
		assert.Equal(t, true, m["asserted_user"])
		assert.Equal(t, o.InstanceURL()+"/services/data/v66.0/", m["urls"].(map[string]any)["rest"])
		assert.Equal(t, o.InstanceURL()+"/services/Soap/m/66.0/"+o.OrgID()[:15], m["urls"].(map[string]any)["metadata"])
	}
	cases := map[string]http.Header{
		"/services/oauth2/userinfo":                {"Authorization": {"Bearer nope"}},
		"/services/oauth2/userinfo?x=1":            nil,
		idPath:                                     {"Authorization": {"Bearer nope"}},
		"/id/" + o.OrgID() + "/005000000000000AAA": {"Authorization": {"Bearer " + at}},
	}
	for path, h := range cases {
		res := do(t, http.MethodGet, o.LoginURL()+path, h, nil)
		assert.Equal(t, http.StatusForbidden, res.status, path)
		assert.Equal(t, "Bad_OAuth_Token", string(res.body))
		assert.Contains(t, res.header.Get("Content-Type"), "text/plain")
	}
	o.ExpireSessions()
	res := do(t, http.MethodGet, o.LoginURL()+"/services/oauth2/userinfo", http.Header{"Authorization": {"Bearer " + at}}, nil)
	assert.Equal(t, http.StatusForbidden, res.status)
}

func TestRequestLogAndHooks(t *testing.T) {
	o := startOrg(t, Options{})
	seen := make(chan string, 100)
	o.OnRequest(func(r *http.Request) { seen <- r.URL.Path })
	at := accessToken(t, o)
	reqs := o.Requests()
	require.NotEmpty(t, reqs)
	last := reqs[len(reqs)-1]
	assert.Equal(t, "login", last.Host)
	assert.Equal(t, "/services/oauth2/token", last.Path)
	assert.Equal(t, http.StatusOK, last.Status)
	assert.Positive(t, last.BytesIn)
	assert.Positive(t, last.BytesOut)
	assert.False(t, last.Authorization)
	o.ResetRequests()
	assert.Empty(t, o.Requests())
	api(t, o, at, http.MethodGet, "/services/data/v63.0/limits/", nil, nil)
	reqs = o.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "instance", reqs[0].Host)
	assert.True(t, reqs[0].Authorization)
	assert.Equal(t, "/services/data/v63.0/limits/", <-drainLast(seen))
	b, _ := json.Marshal(reqs[0])
	assert.NotContains(t, string(b), at)
}

func drainLast(ch chan string) chan string {
	out := make(chan string, 1)
	var last string
	for {
		select {
		case s := <-ch:
			last = s
		default:
			out <- last
			return out
		}
	}
}
