package sfsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// allScopes is what a request without scope is granted.
const allScopes = "api web full id openid refresh_token"

type flow struct {
	clientID, redirectURI, scope, state string
	challenge, method                   string
	loginHint                           string
	authenticated                       bool
	created                             time.Time
}

type authCode struct {
	clientID, redirectURI, scope string
	challenge, method            string
	expires                      time.Time
	used                         bool
}

// grant is one approval: a family of refresh tokens (rotation) and the
// access tokens issued from it.
type grant struct {
	clientID, scope string
	current         string // live refresh token ("" if the scope has none)
	dead            bool
	created         time.Time
}

type session struct {
	grant *grant
	scope string
	dead  bool
}

func (o *Org) serveLogin(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/services/oauth2/authorize":
		o.handleAuthorize(w, r)
	case "/login":
		o.handleLoginSubmit(w, r)
	case "/setup/secur/RemoteAccessAuthorizationPage.apexp":
		o.handleApprove(w, r)
	case "/setup/secur/RemoteAccessErrorPage.apexp":
		o.handleErrorPage(w, r)
	case "/services/data", "/services/data/":
		o.handleVersions(w, r)
	case "/.well-known/openid-configuration":
		o.handleOpenIDConfig(w, r)
	case "/":
		o.render(w, pageData{Kind: "home", Title: "Home", User: o.opts.Username})
	default:
		if o.serveCommonOAuth(w, r) {
			return
		}
		http.NotFound(w, r)
	}
}

// serveCommonOAuth serves the endpoints both hosts answer.
func (o *Org) serveCommonOAuth(w http.ResponseWriter, r *http.Request) bool {
	switch p := r.URL.Path; {
	case p == "/services/oauth2/token":
		o.handleToken(w, r)
	case p == "/services/oauth2/revoke":
		o.handleRevoke(w, r)
	case p == "/services/oauth2/userinfo":
		o.handleUserInfo(w, r)
	case strings.HasPrefix(p, "/id/"):
		o.handleIdentity(w, r)
	default:
		return false
	}
	return true
}

func errorPageRedirect(w http.ResponseWriter, r *http.Request, code, desc, state string) {
	q := url.Values{"error": {code}, "error_description": {desc}}
	if state != "" {
		q.Set("state", state)
	}
	http.Redirect(w, r, "/setup/secur/RemoteAccessErrorPage.apexp?"+q.Encode(), http.StatusFound)
}

func clientRedirect(w http.ResponseWriter, r *http.Request, redirectURI string, q url.Values) {
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
	}
	http.Redirect(w, r, redirectURI+sep+q.Encode(), http.StatusFound)
}

func (o *Org) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		errorPageRedirect(w, r, "invalid_request", "must use HTTP GET", "")
		return
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost {
		_ = r.ParseForm()
		q = r.Form
	}
	state := q.Get("state")
	clientID := q.Get("client_id")
	redirectURI := q.Get("redirect_uri")
	o.mu.Lock()
	uris, known := o.callbacks[clientID]
	o.mu.Unlock()
	if !known {
		errorPageRedirect(w, r, "invalid_client_id", "client identifier invalid", state)
		return
	}
	if redirectURI == "" {
		errorPageRedirect(w, r, "redirect_uri_missing", "redirect_uri must be provided", state)
		return
	}
	match := false
	for _, u := range uris {
		if u == redirectURI {
			match = true
		}
	}
	if !match {
		errorPageRedirect(w, r, "redirect_uri_mismatch", "redirect_uri must match configuration", state)
		return
	}
	fail := func(code, desc string) {
		v := url.Values{"error": {code}, "error_description": {desc}}
		if state != "" {
			v.Set("state", state)
		}
		clientRedirect(w, r, redirectURI, v)
	}
	if q.Get("response_type") != "code" {
		fail("unsupported_response_type", "response type not supported")
		return
	}
	method := q.Get("code_challenge_method")
	switch method {
	case "", "S256":
	case "plain":
		if o.opts.Quirks.RejectPlainPKCE {
			fail("invalid_request", "invalid code challenge method")
			return
		}
	default:
		fail("invalid_request", "invalid code challenge method")
		return
	}
	if method == "" {
		method = "S256"
	}
	if q.Get("immediate") == "true" {
		fail("immediate_unsuccessful", "immediate unsuccessful")
		return
	}
	scope := strings.Join(strings.Fields(q.Get("scope")), " ")
	if scope == "" {
		scope = allScopes
	}
	f := &flow{
		clientID: clientID, redirectURI: redirectURI, scope: scope, state: state,
		challenge: q.Get("code_challenge"), method: method, loginHint: q.Get("login_hint"),
		created: time.Now(),
	}
	id := randString(32, alnum)
	o.mu.Lock()
	for k, old := range o.flows {
		if time.Since(old.created) > time.Hour {
			delete(o.flows, k)
		}
	}
	o.flows[id] = f
	o.mu.Unlock()
	o.renderLogin(w, id, f.loginHint, "")
}

func (o *Org) lookupFlow(r *http.Request) (string, *flow) {
	id := r.PostFormValue("flow")
	o.mu.Lock()
	defer o.mu.Unlock()
	f := o.flows[id]
	if f == nil {
		return "", nil
	}
	return id, f
}

func (o *Org) handleLoginSubmit(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	id, f := o.lookupFlow(r)
	if f == nil {
		errorPageRedirect(w, r, "invalid_request", "the login session expired, start again", "")
		return
	}
	user := strings.TrimSpace(r.PostFormValue("username"))
	pw := r.PostFormValue("password")
	if !strings.EqualFold(user, o.opts.Username) || subtle.ConstantTimeCompare([]byte(pw), []byte(o.opts.Password)) != 1 {
		o.renderLogin(w, id, user, "Please check your username and password. If you still can't log in, contact your Salesforce administrator.")
		return
	}
	o.mu.Lock()
	f.authenticated = true
	o.mu.Unlock()
	o.renderApprove(w, id, f)
}

func (o *Org) handleApprove(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	id, f := o.lookupFlow(r)
	if f == nil || !f.authenticated {
		errorPageRedirect(w, r, "invalid_request", "the login session expired, start again", "")
		return
	}
	o.mu.Lock()
	delete(o.flows, id)
	o.mu.Unlock()
	v := url.Values{}
	if r.PostFormValue("action") != "allow" {
		v.Set("error", "access_denied")
		v.Set("error_description", "end-user denied authorization")
	} else {
		code := base64.StdEncoding.EncodeToString([]byte(randString(54, alnum)))
		o.mu.Lock()
		o.codes[code] = &authCode{
			clientID: f.clientID, redirectURI: f.redirectURI, scope: f.scope,
			challenge: f.challenge, method: f.method, expires: time.Now().Add(o.opts.CodeTTL),
		}
		o.mu.Unlock()
		v.Set("code", code)
	}
	if f.state != "" {
		v.Set("state", f.state)
	}
	clientRedirect(w, r, f.redirectURI, v)
}

// ---- token endpoint ----

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	Signature    string `json:"signature"`
	Scope        string `json:"scope"`
	IDToken      string `json:"id_token,omitempty"`
	InstanceURL  string `json:"instance_url"`
	ID           string `json:"id"`
	TokenType    string `json:"token_type"`
	IssuedAt     string `json:"issued_at"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"error": code, "error_description": desc})
	_, _ = w.Write(b)
}

func hasScope(scope string, names ...string) bool {
	for _, s := range strings.Fields(scope) {
		for _, n := range names {
			if s == n {
				return true
			}
		}
	}
	return false
}

func (o *Org) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "must use HTTP POST")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "invalid request body")
		return
	}
	form := r.PostForm
	clientID, secret := form.Get("client_id"), form.Get("client_secret")
	if id, s, ok := r.BasicAuth(); ok {
		// RFC 6749 §2.3.1: both parts are form-urlencoded (golang.org/x/oauth2 does this).
		clientID, secret = id, s
		if u, err := url.QueryUnescape(id); err == nil {
			clientID = u
		}
		if u, err := url.QueryUnescape(s); err == nil {
			secret = u
		}
	}
	grantType := form.Get("grant_type")
	if grantType == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "grant type is missing")
		return
	}
	if o.handleHeadlessGrant(w, r, form, clientID, secret) {
		return
	}
	if grantType != "authorization_code" && grantType != "refresh_token" {
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "grant type not supported")
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.callbacks[clientID]; !ok {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client_id", "client identifier invalid")
		return
	}
	if want, ok := o.opts.ClientSecrets[clientID]; ok && subtle.ConstantTimeCompare([]byte(want), []byte(secret)) != 1 {
		writeOAuthError(w, http.StatusBadRequest, "invalid_client", "invalid client credentials")
		return
	}
	var g *grant
	rotated := false
	if grantType == "authorization_code" {
		c := o.codes[form.Get("code")]
		switch {
		case c == nil || c.clientID != clientID:
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "invalid authorization code")
			return
		case c.used:
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", o.opts.Quirks.ReusedCodeDescription)
			return
		case time.Now().After(c.expires):
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "expired authorization code")
			return
		case form.Get("redirect_uri") != c.redirectURI:
			writeOAuthError(w, http.StatusBadRequest, "redirect_uri_mismatch", "redirect_uri must match configuration")
			return
		case c.challenge != "" && !verifierMatches(c, form.Get("code_verifier")):
			writeOAuthError(w, http.StatusBadRequest, o.opts.Quirks.PKCEErrorCode, "invalid code verifier")
			return
		}
		c.used = true
		g = &grant{clientID: clientID, scope: c.scope, created: time.Now()}
		if hasScope(c.scope, "refresh_token", "offline_access") {
			g.current = newRefreshToken()
			o.refresh[g.current] = g
			o.enforceApprovalCapLocked(clientID)
		}
		o.grants = append(o.grants, g)
	} else {
		rt := form.Get("refresh_token")
		g = o.refresh[rt]
		if g == nil || g.dead || g.clientID != clientID || g.current != rt {
			if g != nil && !g.dead && g.current != rt {
				// Replay of a rotated-away token: kill the whole family.
				o.killGrantLocked(g)
			}
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "expired access/refresh token")
			return
		}
		if o.rotate {
			g.current = newRefreshToken()
			o.refresh[g.current] = g
			rotated = true
		}
	}
	access := o.orgID[:15] + "!AQ" + randString(94, alnum+"._")
	o.sessions[access] = &session{grant: g, scope: g.scope}
	issued := strconv.FormatInt(time.Now().UnixMilli(), 10)
	idURL := o.identityURL()
	mac := hmac.New(sha256.New, []byte(o.opts.ClientSecrets[clientID]))
	mac.Write([]byte(idURL + issued))
	resp := tokenResponse{
		AccessToken: access,
		Signature:   base64.StdEncoding.EncodeToString(mac.Sum(nil)),
		Scope:       g.scope,
		InstanceURL: o.instURL,
		ID:          idURL,
		TokenType:   "Bearer",
		IssuedAt:    issued,
	}
	if grantType == "authorization_code" || rotated {
		resp.RefreshToken = g.current
	}
	if hasScope(g.scope, "openid") {
		resp.IDToken = o.idTokenLocked(clientID)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	if form.Get("format") == "urlencoded" {
		v := url.Values{}
		b, _ := json.Marshal(resp)
		var m map[string]string
		_ = json.Unmarshal(b, &m)
		for k, s := range m {
			v.Set(k, s)
		}
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		_, _ = w.Write([]byte(v.Encode()))
		return
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	b, _ := json.Marshal(resp)
	_, _ = w.Write(b)
}

func verifierMatches(c *authCode, verifier string) bool {
	if verifier == "" {
		return false
	}
	want := verifier
	if c.method != "plain" {
		sum := sha256.Sum256([]byte(verifier))
		want = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(c.challenge)) == 1
}

func newRefreshToken() string {
	return "5Aep861" + randString(80, alnum+"._")
}

func (o *Org) identityURL() string { return o.loginURL + "/id/" + o.orgID + "/" + o.userID }

func (o *Org) killGrantLocked(g *grant) {
	g.dead = true
	for _, s := range o.sessions {
		if s.grant == g {
			s.dead = true
		}
	}
}

func (o *Org) enforceApprovalCapLocked(clientID string) {
	if o.opts.MaxApprovals <= 0 {
		return
	}
	var live []*grant
	for _, g := range o.grants {
		if g.clientID == clientID && !g.dead && g.current != "" {
			live = append(live, g)
		}
	}
	// The new grant is not in o.grants yet: keep MaxApprovals-1 old ones.
	for i := 0; i < len(live)-(o.opts.MaxApprovals-1); i++ {
		o.killGrantLocked(live[i])
	}
}

func (o *Org) idTokenLocked(clientID string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	now := time.Now().Unix()
	header := enc(map[string]string{"kid": "242", "typ": "JWT", "alg": "RS256"})
	claims := enc(map[string]any{
		"at_hash": randString(22, alnum), "sub": o.identityURL(), "aud": clientID,
		"iss": o.loginURL, "exp": now + 300, "iat": now,
		"email": o.opts.Username, "email_verified": true, "name": o.opts.UserDisplayName,
		"preferred_username": o.opts.Username, "user_id": o.userID, "organization_id": o.orgID,
	})
	return header + "." + claims + "." + randString(342, alnum+"-_")
}

// ---- revoke ----

func (o *Org) handleRevoke(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	tok := r.Form.Get("token")
	o.mu.Lock()
	defer o.mu.Unlock()
	if s := o.sessions[tok]; s != nil && !s.dead {
		s.dead = true
		w.WriteHeader(http.StatusOK)
		return
	}
	if g := o.refresh[tok]; g != nil && !g.dead && g.current == tok {
		o.killGrantLocked(g)
		w.WriteHeader(http.StatusOK)
		return
	}
	if o.opts.Quirks.RevokeErrorFormEncoded {
		w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(url.Values{"error": {"invalid_token"}, "error_description": {"Token was invalid"}}.Encode()))
		return
	}
	writeOAuthError(w, http.StatusBadRequest, "invalid_token", "Token was invalid")
}

// ---- userinfo and identity ----

// bearer extracts the access token from the Authorization header (Bearer or
// OAuth) or, when allowQuery, from oauth_token.
func bearer(r *http.Request, allowQuery bool) string {
	a := r.Header.Get("Authorization")
	for _, p := range []string{"Bearer ", "OAuth "} {
		if len(a) > len(p) && strings.EqualFold(a[:len(p)], p) {
			return strings.TrimSpace(a[len(p):])
		}
	}
	if allowQuery {
		return r.URL.Query().Get("oauth_token")
	}
	return ""
}

// validSession reports whether tok is a live access token of the current org.
func (o *Org) validSessionLocked(tok string) bool {
	s := o.sessions[tok]
	return s != nil && !s.dead && !s.grant.dead
}

func badOAuthToken(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain;charset=UTF-8")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte("Bad_OAuth_Token"))
}

func (o *Org) urls(version string) map[string]string {
	org15 := o.orgID[:15]
	base := o.instURL
	return map[string]string{
		"enterprise":    base + "/services/Soap/c/" + version + "/" + org15,
		"metadata":      base + "/services/Soap/m/" + version + "/" + org15,
		"partner":       base + "/services/Soap/u/" + version + "/" + org15,
		"rest":          base + "/services/data/v" + version + "/",
		"sobjects":      base + "/services/data/v" + version + "/sobjects/",
		"search":        base + "/services/data/v" + version + "/search/",
		"query":         base + "/services/data/v" + version + "/query/",
		"recent":        base + "/services/data/v" + version + "/recent/",
		"tooling_soap":  base + "/services/Soap/T/" + version + "/" + org15,
		"tooling_rest":  base + "/services/data/v" + version + "/tooling/",
		"profile":       base + "/" + o.userID,
		"feeds":         base + "/services/data/v" + version + "/chatter/feeds",
		"groups":        base + "/services/data/v" + version + "/chatter/groups",
		"users":         base + "/services/data/v" + version + "/chatter/users",
		"feed_items":    base + "/services/data/v" + version + "/chatter/feed-items",
		"feed_elements": base + "/services/data/v" + version + "/chatter/feed-elements",
		"custom_domain": base,
	}
}

func (o *Org) names() (first, last, nick string) {
	parts := strings.Fields(o.opts.UserDisplayName)
	if len(parts) > 0 {
		first = parts[0]
		last = strings.Join(parts[1:], " ")
	}
	nick = strings.SplitN(o.opts.Username, "@", 2)[0]
	return
}

func (o *Org) handleUserInfo(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.validSessionLocked(bearer(r, true)) {
		badOAuthToken(w)
		return
	}
	first, last, nick := o.names()
	body := map[string]any{
		"sub": o.identityURL(), "user_id": o.userID, "organization_id": o.orgID,
		"preferred_username": o.opts.Username, "nickname": nick, "name": o.opts.UserDisplayName,
		"email": o.opts.Username, "email_verified": true, "given_name": first, "family_name": last,
		"zoneinfo": "America/Los_Angeles",
		"photos": map[string]string{
			"picture":   o.instURL + "/profilephoto/005/F",
			"thumbnail": o.instURL + "/profilephoto/005/T",
		},
		"profile": o.instURL + "/" + o.userID, "picture": o.instURL + "/profilephoto/005/F",
		"address": map[string]string{"country": "US"},
		"urls":    o.urls(versionParam(r)),
		"active":  true, "user_type": "STANDARD", "language": "en_US", "locale": "en_US",
		"utcOffset": -28800000, "updated_at": o.createdDate.Format("2006-01-02T15:04:05Z"),
		"is_app_installed": true, "is_salesforce_integration_user": false,
	}
	writeJSONRaw(w, r, http.StatusOK, body)
}

func versionParam(r *http.Request) string {
	v := r.URL.Query().Get("version")
	switch v {
	case "":
		return "{version}"
	case "latest":
		return latestVersion
	}
	return v
}

func (o *Org) handleIdentity(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.validSessionLocked(bearer(r, true)) || len(parts) != 3 || !sameID(parts[1], o.orgID) || !sameID(parts[2], o.userID) {
		badOAuthToken(w)
		return
	}
	first, last, nick := o.names()
	body := map[string]any{
		"id": o.identityURL(), "asserted_user": true, "user_id": o.userID, "organization_id": o.orgID,
		"username": o.opts.Username, "nick_name": nick, "display_name": o.opts.UserDisplayName,
		"email": o.opts.Username, "email_verified": true, "first_name": first, "last_name": last,
		"timezone": "America/Los_Angeles",
		"photos": map[string]string{
			"picture":   o.instURL + "/profilephoto/005/F",
			"thumbnail": o.instURL + "/profilephoto/005/T",
		},
		"addr_street": nil, "addr_city": nil, "addr_state": nil, "addr_country": nil, "addr_zip": nil,
		"mobile_phone": nil, "mobile_phone_verified": false, "is_lightning_login_user": false,
		"status": map[string]any{"created_date": nil, "body": nil},
		"urls":   o.urls(versionParam(r)),
		"active": true, "user_type": "STANDARD", "language": "en_US", "locale": "en_US",
		"utcOffset": -28800000, "last_modified_date": o.createdDate.Format("2006-01-02T15:04:05Z"),
		"is_app_installed": true,
	}
	writeJSONRaw(w, r, http.StatusOK, body)
}

func (o *Org) handleOpenIDConfig(w http.ResponseWriter, r *http.Request) {
	b := o.loginURL
	writeJSONRaw(w, r, http.StatusOK, map[string]any{
		"issuer":                                b,
		"authorization_endpoint":                b + "/services/oauth2/authorize",
		"token_endpoint":                        b + "/services/oauth2/token",
		"revocation_endpoint":                   b + "/services/oauth2/revoke",
		"userinfo_endpoint":                     b + "/services/oauth2/userinfo",
		"jwks_uri":                              b + "/id/keys",
		"response_types_supported":              []string{"code", "token", "token id_token"},
		"scopes_supported":                      []string{"id", "api", "web", "full", "openid", "profile", "email", "address", "phone", "refresh_token", "offline_access"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"code_challenge_methods_supported":      []string{"S256", "plain"},
	})
}

// ---- HTML pages ----

// pageTmpl is parsed on first use, not at start-up.
var pageTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} | Salesforce</title>
<style>
body{margin:0;font-family:"Salesforce Sans",Arial,sans-serif;background:#f3f2f2;color:#16325c}
.card{max-width:380px;margin:60px auto;background:#fff;border:1px solid #d8dde6;border-radius:4px;padding:24px}
h1{font-size:20px;margin:0 0 16px} label{display:block;font-size:13px;margin:12px 0 4px}
input[type=text],input[type=email],input[type=password]{width:100%;box-sizing:border-box;padding:10px;border:1px solid #d8dde6;border-radius:4px;font-size:14px}
.btn{display:inline-block;margin-top:18px;padding:10px 18px;border-radius:4px;border:1px solid #0070d2;background:#0070d2;color:#fff;font-size:14px;cursor:pointer}
.btn.alt{background:#fff;color:#0070d2} .error{color:#c23934;font-size:13px;margin:8px 0}
.hint{background:#f4f6f9;border:1px dashed #0070d2;padding:8px;font-size:13px;margin-bottom:12px}
ul{padding-left:20px} .org{font-size:12px;color:#54698d;margin-top:16px}
</style></head><body><div class="card">
{{if eq .Kind "login"}}
<h1>Log in to {{.OrgName}}</h1>
{{if .Hint}}<div class="hint" id="demo-hint">Demo org: username <b>{{.HintUser}}</b>, password <b>{{.HintPassword}}</b></div>{{end}}
{{if .Error}}<div class="error" id="error" role="alert">{{.Error}}</div>{{end}}
<form method="post" action="/login" id="login_form" autocomplete="off" novalidate>
<input type="hidden" name="flow" value="{{.Flow}}">
<label for="username">Username</label><input type="email" id="username" name="username" value="{{.User}}" autofocus>
<label for="password">Password</label><input type="password" id="password" name="password" value="{{.Pass}}">
<input type="submit" class="btn" id="Login" name="Login" value="Log In">
</form>
{{else if eq .Kind "approve"}}
<h1>Allow Access?</h1>
<p><b id="app-name">{{.App}}</b> is asking to:</p>
<ul id="scopes">{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>
<p>Do you want to allow access for <b>{{.User}}</b>?</p>
<form method="post" action="/setup/secur/RemoteAccessAuthorizationPage.apexp" id="approve_form">
<input type="hidden" name="flow" value="{{.Flow}}">
<button type="submit" class="btn alt" id="oadeny" name="action" value="deny">Deny</button>
<button type="submit" class="btn" id="oaapprove" name="action" value="allow">Allow</button>
</form>
{{else if eq .Kind "home"}}
<h1>{{.OrgName}}</h1>
<p>This is the login host of a simulated Salesforce org. Apps log in here through
<code>/services/oauth2/authorize</code>; there is nothing to do on this page.</p>
{{else}}
<h1>OAuth Error</h1>
<p>We can't authorize you because of an OAuth error. For more information, contact your Salesforce administrator.</p>
<p id="error">Error Code: <span id="error-code">{{.Error}}</span></p>
<p id="error-description">{{.Desc}}</p>
{{end}}
<div class="org">{{.OrgName}} (simulated Salesforce org)</div>
</div></body></html>
`))
})

type pageData struct {
	Kind, Title, OrgName, Flow, User, Pass, Error, Desc, App string
	Hint                                                     bool
	HintUser, HintPassword                                   string
	Scopes                                                   []string
}

var scopeText = map[string]string{
	"api":            "Manage user data via APIs (api)",
	"web":            "Manage user data via Web browsers (web)",
	"full":           "Full access (full)",
	"id":             "Access the identity URL service (id, profile, email, address, phone)",
	"openid":         "Access unique user identifiers (openid)",
	"refresh_token":  "Perform requests at any time (refresh_token, offline_access)",
	"offline_access": "Perform requests at any time (refresh_token, offline_access)",
}

func (o *Org) render(w http.ResponseWriter, d pageData) {
	d.OrgName = o.opts.OrgName
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-cache, no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	_ = pageTmpl().Execute(w, d)
}

func (o *Org) renderLogin(w http.ResponseWriter, flowID, user, errMsg string) {
	d := pageData{Kind: "login", Title: "Login", Flow: flowID, User: user, Error: errMsg}
	if o.opts.DemoHint {
		d.Hint, d.HintUser, d.HintPassword = true, o.opts.Username, o.opts.Password
		if d.User == "" {
			d.User = o.opts.Username
		}
		d.Pass = o.opts.Password
	}
	o.render(w, d)
}

func (o *Org) renderApprove(w http.ResponseWriter, flowID string, f *flow) {
	var scopes []string
	seen := map[string]bool{}
	for _, s := range strings.Fields(f.scope) {
		t := scopeText[s]
		if t == "" {
			t = s
		}
		if !seen[t] {
			seen[t] = true
			scopes = append(scopes, t)
		}
	}
	o.render(w, pageData{Kind: "approve", Title: "Allow Access", Flow: flowID, App: f.clientID, User: o.opts.Username, Scopes: scopes})
}

func (o *Org) handleErrorPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	o.render(w, pageData{Kind: "error", Title: "OAuth Error", Error: q.Get("error"), Desc: q.Get("error_description")})
}
