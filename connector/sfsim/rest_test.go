package sfsim

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersions(t *testing.T) {
	o := startOrg(t, Options{})
	for _, path := range []string{"/services/data", "/services/data/"} {
		res := do(t, http.MethodGet, o.InstanceURL()+path, nil, nil)
		require.Equal(t, http.StatusOK, res.status)
		assert.Empty(t, res.header.Get("Sforce-Limit-Info"))
		var list []map[string]string
		require.NoError(t, json.Unmarshal(res.body, &list))
		require.Len(t, list, 36)
		assert.Equal(t, map[string]string{"label": "Summer '14", "url": "/services/data/v31.0", "version": "31.0"}, list[0])
		assert.Equal(t, map[string]string{"label": "Winter '15", "url": "/services/data/v32.0", "version": "32.0"}, list[1])
		assert.Equal(t, map[string]string{"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"}, list[28])
		assert.Equal(t, map[string]string{"label": "Spring '26", "url": "/services/data/v66.0", "version": "66.0"}, list[35])
	}
	// Versions do not count against the API limit.
	at := accessToken(t, o)
	res := api(t, o, at, http.MethodGet, v+"/limits/", nil, nil)
	assert.Equal(t, "api-usage=1/15000", res.header.Get("Sforce-Limit-Info"))
}

func TestRESTAuth(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	invalid := `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`
	tests := []struct {
		name   string
		header http.Header
		path   string
		status int
		body   string
	}{
		{"no header", nil, v + "/limits/", 401, invalid},
		{"garbage token", http.Header{"Authorization": {"Bearer nope"}}, v + "/limits/", 401, invalid},
		{"oauth_token query is not REST auth", nil, v + "/limits/?oauth_token=" + url.QueryEscape(at), 401, invalid},
		{"Bearer", http.Header{"Authorization": {"Bearer " + at}}, v + "/limits/", 200, ""},
		{"OAuth scheme", http.Header{"Authorization": {"OAuth " + at}}, v + "/limits", 200, ""},
		{"latest", http.Header{"Authorization": {"Bearer " + at}}, "/services/data/latest/limits", 200, ""},
		{"unknown version", http.Header{"Authorization": {"Bearer " + at}}, "/services/data/v99.0/limits", 404,
			`[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`},
		{"unknown resource", http.Header{"Authorization": {"Bearer " + at}}, v + "/nope", 404,
			`[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`},
		{"unknown sobject", http.Header{"Authorization": {"Bearer " + at}}, v + "/sobjects/Account/001000000000000", 404,
			`[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`},
		{"outside /services/data", http.Header{"Authorization": {"Bearer " + at}}, "/foo", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := do(t, http.MethodGet, o.InstanceURL()+tt.path, tt.header, nil)
			assert.Equal(t, tt.status, res.status, string(res.body))
			if tt.body != "" {
				assert.JSONEq(t, tt.body, string(res.body))
				assert.Contains(t, res.header.Get("Content-Type"), "application/json")
			}
			if tt.status == 401 {
				assert.Empty(t, res.header.Get("Sforce-Limit-Info"))
				assert.Equal(t, "Token", res.header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestLimitsAndUsage(t *testing.T) {
	o := startOrg(t, Options{APIUsageMax: 3})
	at := accessToken(t, o)
	res := api(t, o, at, http.MethodGet, v+"/limits/", nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "api-usage=1/3", res.header.Get("Sforce-Limit-Info"))
	m := res.json(t)
	assert.Equal(t, map[string]any{"Max": 3.0, "Remaining": 2.0}, m["DailyApiRequests"])
	assert.Contains(t, m, "FileStorageMB")
	assert.Equal(t, "api-usage=2/3", api(t, o, at, http.MethodGet, v+"/limits/", nil, nil).header.Get("Sforce-Limit-Info"))
	assert.Equal(t, http.StatusOK, api(t, o, at, http.MethodGet, v+"/limits/", nil, nil).status)
	res = api(t, o, at, http.MethodGet, v+"/limits/", nil, nil)
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Equal(t, "api-usage=4/3", res.header.Get("Sforce-Limit-Info"))
	assert.JSONEq(t, `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, string(res.body))
}

func TestAPIDisabled(t *testing.T) {
	o := startOrg(t, Options{})
	o.SetAPIEnabled(false)
	// Login still succeeds, and so does userinfo.
	at := accessToken(t, o)
	assert.Equal(t, http.StatusOK, do(t, http.MethodGet, o.InstanceURL()+"/services/oauth2/userinfo", http.Header{"Authorization": {"Bearer " + at}}, nil).status)
	want := `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`
	for _, path := range []string{"/limits/", "/sobjects/User/" + o.UserID(), "/query/?q=" + url.QueryEscape("SELECT PermissionsApiEnabled FROM UserPermissionAccess")} {
		res := api(t, o, at, http.MethodGet, v+path, nil, nil)
		assert.Equal(t, http.StatusForbidden, res.status, path)
		assert.JSONEq(t, want, string(res.body))
	}
	// Versions need no auth and still answer.
	assert.Equal(t, http.StatusOK, do(t, http.MethodGet, o.InstanceURL()+"/services/data/", nil, nil).status)
	o.SetAPIEnabled(true)
	assert.Equal(t, http.StatusOK, api(t, o, at, http.MethodGet, v+"/limits/", nil, nil).status)
}

func TestSObjectUserAndOrganization(t *testing.T) {
	o := startOrg(t, Options{Username: "ada@acme.example", UserDisplayName: "Ada Lovelace", OrgName: "Acme"})
	at := accessToken(t, o)
	res := api(t, o, at, http.MethodGet, "/services/data/v51.0/sobjects/User/"+o.UserID(), nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	m := res.json(t)
	assert.Equal(t, "ada@acme.example", m["Username"])
	assert.Equal(t, "Ada Lovelace", m["Name"])
	assert.Equal(t, map[string]any{"type": "User", "url": "/services/data/v51.0/sobjects/User/" + o.UserID()}, m["attributes"])
	res = api(t, o, at, http.MethodGet, v+"/sobjects/User/"+o.UserID()[:15]+"?fields=Username", nil, nil)
	assert.JSONEq(t, `{"attributes":{"type":"User","url":"`+v+`/sobjects/User/`+o.UserID()+`"},"Username":"ada@acme.example"}`, string(res.body))
	res = api(t, o, at, http.MethodGet, v+"/sobjects/User/"+o.UserID()+"?fields=Nope", nil, nil)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, string(res.body), "INVALID_FIELD")
	res = api(t, o, at, http.MethodGet, v+"/sobjects/User/005000000000000AAA", nil, nil)
	assert.Equal(t, http.StatusNotFound, res.status)
	res = api(t, o, at, http.MethodGet, v+"/sobjects/Organization/"+o.OrgID(), nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "Acme", res.json(t)["Name"])
	res = api(t, o, at, http.MethodPatch, v+"/sobjects/User/"+o.UserID(), []byte(`{"FirstName":"x"}`), nil)
	assert.Equal(t, http.StatusBadRequest, res.status)
	res = api(t, o, at, http.MethodGet, v+"/sobjects/StaticResource/", nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	desc := res.json(t)["objectDescribe"].(map[string]any)
	assert.Equal(t, "081", desc["keyPrefix"])
	assert.Equal(t, "StaticResource", desc["name"])
	res = api(t, o, at, http.MethodPut, v+"/sobjects/StaticResource/081000000000000", []byte(`{}`), nil)
	assert.Equal(t, http.StatusMethodNotAllowed, res.status)
	assert.Contains(t, string(res.body), "METHOD_NOT_ALLOWED")
}

func query(t *testing.T, o *Org, at, path, q string) httpResult {
	t.Helper()
	return api(t, o, at, http.MethodGet, v+path+"?q="+url.QueryEscape(q), nil, nil)
}

func TestQueries(t *testing.T) {
	o := startOrg(t, Options{OrgName: "Acme", Sandbox: true})
	at := accessToken(t, o)
	id := create(t, o, at, "WalkMe_Content", make([]byte, 100))
	create(t, o, at, "Other", make([]byte, 50))
	mid := o.PutResource(Resource{Name: "WalkMe_Content", NamespacePrefix: "walkme", Body: make([]byte, 7)})
	recURL := v + "/sobjects/StaticResource/" + id

	tests := []struct {
		name, path, q string
		want          string // exact JSON (JSONEq)
	}{
		{"by name and null namespace", "/query/",
			"SELECT Id, Name, BodyLength, NamespacePrefix FROM StaticResource WHERE Name = 'walkme_content' AND NamespacePrefix = null",
			`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"StaticResource","url":"` + recURL + `"},"Id":"` + id + `","Name":"WalkMe_Content","BodyLength":100,"NamespacePrefix":null}]}`},
		{"by name both namespaces", "/query",
			"select Id from StaticResource where Name='WalkMe_Content' order by NamespacePrefix desc",
			`{"totalSize":2,"done":true,"records":[` +
				`{"attributes":{"type":"StaticResource","url":"` + v + `/sobjects/StaticResource/` + mid + `"},"Id":"` + mid + `"},` +
				`{"attributes":{"type":"StaticResource","url":"` + recURL + `"},"Id":"` + id + `"}]}`},
		{"limit", "/query/", "SELECT Name FROM StaticResource LIMIT 1",
			`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"StaticResource","url":"` + recURL + `"},"Name":"WalkMe_Content"}]}`},
		{"like and in", "/query/", "SELECT Name FROM StaticResource WHERE Name LIKE 'oth%' OR Name IN ('nothing')",
			`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"StaticResource","url":"` + v + `/sobjects/StaticResource/` + o.Resource("Other").ID + `"},"Name":"Other"}]}`},
		{"sum", "/query/", "SELECT SUM(BodyLength) FROM StaticResource",
			`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"},"expr0":157}]}`},
		{"sum with alias and count", "/query/", "SELECT SUM(BodyLength) total, COUNT(Id) FROM StaticResource WHERE NamespacePrefix = null",
			`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"},"total":150,"expr0":2}]}`},
		{"count()", "/query/", "SELECT COUNT() FROM StaticResource", `{"totalSize":3,"done":true,"records":[]}`},
		{"no match", "/query/", "SELECT Id FROM StaticResource WHERE Name = 'x'", `{"totalSize":0,"done":true,"records":[]}`},
		{"permissions", "/query/", "SELECT PermissionsApiEnabled, PermissionsCustomizeApplication FROM UserPermissionAccess",
			`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"UserPermissionAccess"},"PermissionsApiEnabled":true,"PermissionsCustomizeApplication":true}]}`},
		{"user by id", "/query/", "SELECT Id, Username FROM User WHERE Id = '" + o.UserID()[:15] + "'",
			`{"totalSize":1,"done":true,"records":[{"attributes":{"type":"User","url":"` + v + `/sobjects/User/` + o.UserID() + `"},"Id":"` + o.UserID() + `","Username":"admin@demo.example"}]}`},
		{"user other id", "/query/", "SELECT Id FROM User WHERE Id = '005000000000000AAA'", `{"totalSize":0,"done":true,"records":[]}`},
		{"tooling", "/tooling/query/", "SELECT Id, ManageableState FROM StaticResource WHERE Name = 'Other'",
			`{"size":1,"totalSize":1,"done":true,"queryLocator":null,"entityTypeName":"StaticResource","records":[{"attributes":{"type":"StaticResource","url":"` + v + `/tooling/sobjects/StaticResource/` + o.Resource("Other").ID + `"},"Id":"` + o.Resource("Other").ID + `","ManageableState":"unmanaged"}]}`},
		{"tooling empty", "/tooling/query", "SELECT Id FROM StaticResource WHERE Name = 'none'",
			`{"size":0,"totalSize":0,"done":true,"queryLocator":null,"entityTypeName":"StaticResource","records":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := query(t, o, at, tt.path, tt.q)
			require.Equal(t, http.StatusOK, res.status, string(res.body))
			assert.JSONEq(t, tt.want, string(res.body))
		})
	}

	res := query(t, o, at, "/query/", "SELECT Id, Name, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType, InstanceName FROM Organization")
	require.Equal(t, http.StatusOK, res.status)
	rec := res.json(t)["records"].([]any)[0].(map[string]any)
	assert.Equal(t, o.OrgID(), rec["Id"])
	assert.Equal(t, "Acme", rec["Name"])
	assert.Equal(t, true, rec["IsSandbox"])
	assert.Nil(t, rec["TrialExpirationDate"])
	o.SetSandbox(false)
	res = query(t, o, at, "/query/", "SELECT IsSandbox FROM Organization")
	assert.Equal(t, false, res.json(t)["records"].([]any)[0].(map[string]any)["IsSandbox"])

	res = query(t, o, at, "/query/", "SELECT Id, Name, LastModifiedDate, SystemModstamp, Body FROM StaticResource WHERE Id = '"+id+"'")
	rec = res.json(t)["records"].([]any)[0].(map[string]any)
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`, rec["LastModifiedDate"])
	assert.Equal(t, recURL+"/Body", rec["Body"])
}

// TestQueryLastModifiedBy: the LastModifiedBy relationship nests the
// User's fields under "LastModifiedBy", as Salesforce does, and names the
// user who last wrote the record.
func TestQueryLastModifiedBy(t *testing.T) {
	o := startOrg(t, Options{UserDisplayName: "Ada Admin"})
	at := accessToken(t, o)
	id := create(t, o, at, "Ours", make([]byte, 10))
	other := "005000000000777AAA"
	hid := o.PutResource(Resource{Name: "Theirs", Body: []byte("x"), LastModifiedByID: other, LastModifiedByName: "Jane Doe"})
	res := query(t, o, at, "/query/", "SELECT Name, LastModifiedById, LastModifiedBy.Name FROM StaticResource ORDER BY Name")
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.JSONEq(t, `{"totalSize":2,"done":true,"records":[`+
		`{"attributes":{"type":"StaticResource","url":"`+v+`/sobjects/StaticResource/`+id+`"},"Name":"Ours","LastModifiedById":"`+o.UserID()+`",`+
		`"LastModifiedBy":{"attributes":{"type":"User","url":"`+v+`/sobjects/User/`+o.UserID()+`"},"Name":"Ada Admin"}},`+
		`{"attributes":{"type":"StaticResource","url":"`+v+`/sobjects/StaticResource/`+hid+`"},"Name":"Theirs","LastModifiedById":"`+other+`",`+
		`"LastModifiedBy":{"attributes":{"type":"User","url":"`+v+`/sobjects/User/`+other+`"},"Name":"Jane Doe"}}]}`, string(res.body))
	assert.Equal(t, other, o.Resource("Theirs").LastModifiedByID)

	res = query(t, o, at, "/query/", "SELECT LastModifiedBy.Email FROM StaticResource")
	assert.Equal(t, http.StatusBadRequest, res.status, "only the relationship fields sfsim knows")
}

func TestQueryErrors(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	tests := []struct {
		name, path, q string
		code          string
		message       string
	}{
		{"scratch org info", "/query/", "SELECT Id FROM ScratchOrgInfo limit 1", "INVALID_TYPE",
			"\nSELECT Id FROM ScratchOrgInfo limit 1\n               ^\nERROR at Row:1:Column:16\nsObject type 'ScratchOrgInfo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."},
		{"unknown field", "/query/", "SELECT Role_Based_Access__c FROM User", "INVALID_FIELD",
			"\nSELECT Role_Based_Access__c FROM User\n       ^\nERROR at Row:1:Column:8\nNo such column 'Role_Based_Access__c' on entity 'User'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."},
		{"unknown where field", "/query/", "SELECT Id FROM StaticResource WHERE Foo = 'x'", "INVALID_FIELD", ""},
		{"ManageableState outside tooling", "/query/", "SELECT ManageableState FROM StaticResource", "INVALID_FIELD", ""},
		{"UserPermissionAccess not in tooling", "/tooling/query/", "SELECT PermissionsApiEnabled FROM UserPermissionAccess", "INVALID_TYPE", ""},
		{"typo", "/query/", "SELECT Id FORM Account", "MALFORMED_QUERY", "unexpected token: 'FORM'"},
		{"garbage", "/query/", "hello world", "MALFORMED_QUERY", "unexpected token: 'hello'"},
		{"truncated", "/query/", "SELECT Id FROM", "MALFORMED_QUERY", "unexpected token: <EOF>"},
		{"unterminated string", "/query/", "SELECT Id FROM User WHERE Id = 'x", "MALFORMED_QUERY", ""},
		{"bad limit", "/query/", "SELECT Id FROM User LIMIT x", "MALFORMED_QUERY", "unexpected token: 'x'"},
		{"ungrouped", "/query/", "SELECT Name, SUM(BodyLength) FROM StaticResource", "MALFORMED_QUERY", ""},
		{"empty q", "/query/", "", "MALFORMED_QUERY", "A query string has to be specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := query(t, o, at, tt.path, tt.q)
			require.Equal(t, http.StatusBadRequest, res.status, string(res.body))
			var errs []map[string]any
			require.NoError(t, json.Unmarshal(res.body, &errs))
			require.Len(t, errs, 1)
			assert.Equal(t, tt.code, errs[0]["errorCode"])
			if tt.message != "" {
				assert.Equal(t, tt.message, errs[0]["message"])
			}
			assert.NotContains(t, errs[0], "fields")
		})
	}
}

func TestSessionKnobs(t *testing.T) {
	o := startOrg(t, Options{})
	tok := login(t, o)
	at, rt := tok["access_token"].(string), tok["refresh_token"].(string)
	limits := func(tok string) int { return api(t, o, tok, http.MethodGet, v+"/limits/", nil, nil).status }

	o.ExpireSessions()
	assert.Equal(t, http.StatusUnauthorized, limits(at))
	res := refreshGrant(t, o, rt)
	require.Equal(t, http.StatusOK, res.status)
	at = res.json(t)["access_token"].(string)
	assert.Equal(t, http.StatusOK, limits(at))

	o.ExpireSessionsAfter(2)
	assert.Equal(t, http.StatusOK, limits(at))
	assert.Equal(t, http.StatusOK, limits(at))
	assert.Equal(t, http.StatusUnauthorized, limits(at))
	at = refreshGrant(t, o, rt).json(t)["access_token"].(string)
	assert.Equal(t, http.StatusOK, limits(at))
	assert.Equal(t, http.StatusOK, limits(at), "the countdown fires once")

	o.RevokeRefreshTokens()
	assert.Equal(t, http.StatusUnauthorized, limits(at))
	res = refreshGrant(t, o, rt)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.JSONEq(t, `{"error":"invalid_grant","error_description":"expired access/refresh token"}`, string(res.body))
	// A new login works again.
	assert.Equal(t, http.StatusOK, limits(accessToken(t, o)))
}

func TestRefreshSandbox(t *testing.T) {
	o := startOrg(t, Options{Sandbox: true})
	tok := login(t, o)
	oldOrg := o.OrgID()
	o.RefreshSandbox()
	require.NotEqual(t, oldOrg, o.OrgID())
	assert.Equal(t, http.StatusUnauthorized, api(t, o, tok["access_token"].(string), http.MethodGet, v+"/limits/", nil, nil).status)
	assert.Equal(t, http.StatusBadRequest, refreshGrant(t, o, tok["refresh_token"].(string)).status)
	tok = login(t, o)
	assert.True(t, strings.HasPrefix(tok["access_token"].(string), o.OrgID()[:15]+"!"))
	assert.Equal(t, o.LoginURL()+"/id/"+o.OrgID()+"/"+o.UserID(), tok["id"])
}

func TestMaxApprovals(t *testing.T) {
	o := startOrg(t, Options{MaxApprovals: 2})
	var rts []string
	for range 3 {
		rts = append(rts, login(t, o)["refresh_token"].(string))
	}
	assert.Equal(t, http.StatusBadRequest, refreshGrant(t, o, rts[0]).status, "the oldest approval is revoked")
	assert.Equal(t, http.StatusOK, refreshGrant(t, o, rts[1]).status)
	assert.Equal(t, http.StatusOK, refreshGrant(t, o, rts[2]).status)
}

func TestFailNext(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	tests := []struct {
		status    int
		wantCT    string
		wantBody  string
		wantInner string
	}{
		{503, "text/html", "", "Maintenance"},
		{500, "application/json", "", `"errorCode":"UNKNOWN_EXCEPTION"`},
		{403, "application/json", `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, ""},
		{429, "application/json", `[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, ""},
		{502, "application/json", "", "UNKNOWN_EXCEPTION"},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			o.FailNext(2, tt.status)
			for range 2 {
				res := api(t, o, at, http.MethodGet, v+"/limits/", nil, nil)
				assert.Equal(t, tt.status, res.status)
				assert.Contains(t, res.header.Get("Content-Type"), tt.wantCT)
				if tt.wantBody != "" {
					assert.JSONEq(t, tt.wantBody, string(res.body))
				}
				assert.Contains(t, string(res.body), tt.wantInner)
				assert.Empty(t, res.header.Get("Retry-After"), "no Retry-After unless asked for")
			}
			assert.Equal(t, http.StatusOK, api(t, o, at, http.MethodGet, v+"/limits/", nil, nil).status)
		})
	}
	// The login host and the OAuth endpoints are never failed by FailNext.
	o.FailNext(1, 500)
	assert.Equal(t, http.StatusOK, do(t, http.MethodGet, o.LoginURL()+"/services/data/", nil, nil).status)
	assert.Equal(t, http.StatusOK, do(t, http.MethodGet, o.InstanceURL()+"/services/oauth2/userinfo", http.Header{"Authorization": {"Bearer " + at}}, nil).status)
	assert.Equal(t, 500, api(t, o, at, http.MethodGet, v+"/limits/", nil, nil).status)
	// FailNextMatching with an empty prefix hits the instance host's token endpoint too.
	o.FailNextMatching("POST", "", 1, 503)
	res := postForm(t, o.InstanceURL()+"/services/oauth2/token", url.Values{"grant_type": {"refresh_token"}})
	assert.Equal(t, http.StatusServiceUnavailable, res.status)
}

func TestInstanceHostServesLoginFlow(t *testing.T) {
	o := startOrg(t, Options{})
	authURL := strings.Replace(authorizeURL(o, nil), o.LoginURL(), o.InstanceURL(), 1)
	loc, err := o.PlayUser(testCtx(t), authURL, true)
	require.NoError(t, err)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	res := postForm(t, o.InstanceURL()+"/services/oauth2/token", url.Values{
		"grant_type": {"authorization_code"}, "code": {u.Query().Get("code")}, "client_id": {testClient},
		"redirect_uri": {testCallback}, "code_verifier": {testVerifier},
	})
	require.Equal(t, http.StatusOK, res.status)
	// The identity URL still names the login host.
	assert.Equal(t, o.LoginURL()+"/id/"+o.OrgID()+"/"+o.UserID(), res.json(t)["id"])
	res = do(t, http.MethodGet, o.InstanceURL()+"/.well-known/openid-configuration", nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, o.LoginURL()+"/services/oauth2/token", res.json(t)["token_endpoint"])
}

func TestFailNextWith(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	// A 503 with Retry-After, on GETs of the query endpoint only.
	o.FailNextWith(1, Fault{Method: "get", PathPrefix: v + "/query", Status: 503, RetryAfter: "7"})
	assert.Equal(t, http.StatusOK, api(t, o, at, http.MethodGet, v+"/limits/", nil, nil).status)
	res := api(t, o, at, http.MethodGet, v+"/query/?q=SELECT+Id+FROM+Organization", nil, nil)
	assert.Equal(t, http.StatusServiceUnavailable, res.status)
	assert.Equal(t, "7", res.header.Get("Retry-After"))
	assert.Contains(t, string(res.body), "Maintenance")
	assert.Equal(t, http.StatusOK, api(t, o, at, http.MethodGet, v+"/query/?q=SELECT+Id+FROM+Organization", nil, nil).status)

	// The concurrency limit answered with 403, and a 429 with Retry-After.
	o.FailNextWith(1, Fault{Status: 403, Limit: LimitConcurrent})
	res = api(t, o, at, http.MethodGet, v+"/limits/", nil, nil)
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.JSONEq(t, `[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`, string(res.body))
	o.FailNextWith(1, Fault{Status: 429, RetryAfter: "2"})
	res = api(t, o, at, http.MethodGet, v+"/limits/", nil, nil)
	assert.Equal(t, http.StatusTooManyRequests, res.status)
	assert.Equal(t, "2", res.header.Get("Retry-After"))
	assert.Contains(t, string(res.body), "ConcurrentPerOrgLongTxn")

	// A dropped connection on a GET: no answer at all, logged with status 0.
	o.FailNextWith(1, Fault{Method: "GET", PathPrefix: v + "/sobjects/", Status: 0})
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodGet, o.InstanceURL()+v+"/sobjects/StaticResource/081000000000001AAA", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+at)
	resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	// the log entry is written when the handler returns, which may be just
	// after the client saw the connection drop
	require.Eventually(t, func() bool {
		reqs := o.Requests()
		last := reqs[len(reqs)-1]
		return strings.HasPrefix(last.Path, v+"/sobjects/") && last.Status == 0
	}, 5*time.Second, 5*time.Millisecond, "the dropped GET is logged with status 0")
}

func TestFailNextMatching(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	id := create(t, o, at, "Target", []byte("a"))
	o.FailNextMatching("PATCH", "/services/data/", 1, 503)
	assert.Equal(t, http.StatusOK, api(t, o, at, http.MethodGet, v+"/limits/", nil, nil).status)
	res := api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+id, []byte(`{"Description":"x"}`), nil)
	assert.Equal(t, http.StatusServiceUnavailable, res.status)
	assert.Equal(t, "App Bundle - auto-uploaded", o.Resource("Target").Description, "a failed request changes nothing")
	res = api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+id, []byte(`{"Description":"x"}`), nil)
	assert.Equal(t, http.StatusNoContent, res.status)
}

func TestFailNextDropsConnection(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	o.FailNextMatching("POST", "/services/data/", 1, 0)
	body := mustJSON(t, createBody("Dropped", randomBytes(t, 500_000)))
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodPost, o.InstanceURL()+v+"/sobjects/StaticResource/", strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+at)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	assert.Nil(t, o.Resource("Dropped"))
	reqs := o.Requests()
	last := reqs[len(reqs)-1]
	assert.Equal(t, http.MethodPost, last.Method)
	assert.Positive(t, last.BytesIn)
	assert.Less(t, last.BytesIn, int64(len(body)))
	// The next request goes through.
	assert.Equal(t, http.StatusCreated, api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", body, nil).status)
}

func TestLatency(t *testing.T) {
	o := startOrg(t, Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	do(t, http.MethodGet, o.InstanceURL()+"/services/data/", nil, nil)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
	o.SetLatency(0)
	var calls atomic.Int32
	o.OnRequest(func(*http.Request) { calls.Add(1) })
	do(t, http.MethodGet, o.LoginURL()+"/services/data/", nil, nil)
	assert.Equal(t, int32(1), calls.Load())
}

func TestLoginHostIPv6(t *testing.T) {
	probe, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		// No IPv6 loopback here: the org must still start and serve IPv4.
		var opErr *net.OpError
		require.True(t, errors.As(err, &opErr))
		o := startOrg(t, Options{})
		assert.Equal(t, http.StatusOK, do(t, http.MethodGet, o.LoginURL()+"/services/data/", nil, nil).status)
		return
	}
	probe.Close()
	o := startOrg(t, Options{})
	u, err := url.Parse(o.LoginURL())
	require.NoError(t, err)
	res := do(t, http.MethodGet, "http://[::1]:"+u.Port()+"/services/data/", nil, nil)
	assert.Equal(t, http.StatusOK, res.status)
	res = do(t, http.MethodGet, "http://127.0.0.1:"+u.Port()+"/services/data/", nil, nil)
	assert.Equal(t, http.StatusOK, res.status)
}

func TestConcurrentUse(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	done := make(chan struct{})
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			name := "Concurrent" + strconv.Itoa(i)
			res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", mustJSON(t, createBody(name, []byte(name))), nil)
			if res.status != http.StatusCreated {
				errs <- errors.New(string(res.body))
			}
			o.SetLatency(0)
			_ = o.Requests()
		}()
	}
	for range 8 {
		<-done
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Len(t, o.Resources(), 8)
}

func TestQueryOperators(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	for i, size := range []int{10, 20, 30} {
		create(t, o, at, "Res"+strconv.Itoa(i), make([]byte, size))
	}
	o.PutResource(Resource{Name: "Pkg_Res", NamespacePrefix: "pkg", Body: make([]byte, 5), Description: "managed"})
	require.Equal(t, http.StatusNoContent, api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+o.Resource("Res1").ID, []byte(`{"Description":null}`), nil).status)
	names := func(q string) []string {
		t.Helper()
		res := query(t, o, at, "/query/", q)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		var out []string
		for _, r := range res.json(t)["records"].([]any) {
			out = append(out, r.(map[string]any)["Name"].(string))
		}
		return out
	}
	tests := []struct {
		q    string
		want []string
	}{
		{"SELECT Name FROM StaticResource WHERE BodyLength > 10", []string{"Res1", "Res2"}},
		{"SELECT Name FROM StaticResource WHERE BodyLength >= 20 AND BodyLength <= 20", []string{"Res1"}},
		{"SELECT Name FROM StaticResource WHERE BodyLength < 10.5", []string{"Res0", "Pkg_Res"}},
		{"SELECT Name FROM StaticResource WHERE BodyLength != 20 AND NamespacePrefix = null", []string{"Res0", "Res2"}},
		{"SELECT Name FROM StaticResource WHERE NamespacePrefix != null", []string{"Pkg_Res"}},
		{"SELECT Name FROM StaticResource WHERE Description = null", []string{"Res1"}},
		{"SELECT Name FROM StaticResource WHERE Name LIKE '%_r%'", []string{"Pkg_Res"}},
		{"SELECT Name FROM StaticResource WHERE Name LIKE 'res_'", nil},
		{"SELECT Name FROM StaticResource WHERE Name LIKE 'R%s%1'", []string{"Res1"}},
		{"SELECT Name FROM StaticResource WHERE Name IN ('res0', 'RES2')", []string{"Res0", "Res2"}},
		{"SELECT Name FROM StaticResource WHERE Name > 'Res0'", []string{"Res1", "Res2"}},
		{"SELECT Name FROM StaticResource WHERE CreatedDate > '2000-01-01T00:00:00.000+0000' LIMIT 1", []string{"Res0"}},
		{"SELECT Name FROM StaticResource ORDER BY BodyLength DESC", []string{"Res2", "Res1", "Res0", "Pkg_Res"}},
		{"SELECT Name FROM StaticResource ORDER BY NamespacePrefix ASC NULLS FIRST LIMIT 2 OFFSET 1", []string{"Res1", "Res2"}},
		{"SELECT Name FROM StaticResource ORDER BY Name", []string{"Pkg_Res", "Res0", "Res1", "Res2"}},
		{"SELECT Name FROM StaticResource WHERE BodyLength = 'x'", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) { assert.Equal(t, tt.want, names(tt.q)) })
	}
	res := query(t, o, at, "/query/", "SELECT MIN(BodyLength), MAX(BodyLength), AVG(BodyLength), MAX(Name), COUNT(Description) FROM StaticResource")
	require.Equal(t, http.StatusOK, res.status, string(res.body))
	assert.JSONEq(t, `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"},"expr0":5,"expr1":30,"expr2":16.25,"expr3":"Res2","expr4":3}]}`, string(res.body))
	res = query(t, o, at, "/query/", "SELECT SUM(BodyLength) FROM StaticResource WHERE Name = 'none'")
	assert.JSONEq(t, `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"},"expr0":null}]}`, string(res.body))
	res = query(t, o, at, "/query/", "SELECT Id FROM User WHERE IsActive = true AND Username != 'x'")
	assert.Equal(t, 1.0, res.json(t)["totalSize"])
	res = query(t, o, at, "/query/", "SELECT Id FROM User WHERE IsActive = false")
	assert.Equal(t, 0.0, res.json(t)["totalSize"])
	res = query(t, o, at, "/query/", "SELECT SUM(Name) FROM StaticResource")
	assert.Equal(t, http.StatusBadRequest, res.status)
	res = query(t, o, at, "/query/", "SELECT FOO(Name) FROM StaticResource")
	assert.Contains(t, string(res.body), "MALFORMED_QUERY")
	res = query(t, o, at, "/query/", "SELECT Name FROM StaticResource WHERE Name ! 'x'")
	assert.Contains(t, string(res.body), "MALFORMED_QUERY")
	res = query(t, o, at, "/queryAll/", "SELECT COUNT() FROM StaticResource")
	assert.JSONEq(t, `{"totalSize":4,"done":true,"records":[]}`, string(res.body))
	res = api(t, o, at, http.MethodPost, v+"/query/?q=x", nil, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, res.status)

	res = api(t, o, at, http.MethodGet, v+"/", nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, v+"/tooling", res.json(t)["tooling"])
}

func TestDescribe(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	for _, base := range []string{v, v + "/tooling"} {
		res := api(t, o, at, http.MethodGet, base+"/sobjects/StaticResource/describe", nil, nil)
		require.Equal(t, http.StatusOK, res.status, string(res.body))
		m := res.json(t)
		assert.Equal(t, "081", m["keyPrefix"])
		byName := map[string]map[string]any{}
		for _, f := range m["fields"].([]any) {
			fm := f.(map[string]any)
			byName[fm["name"].(string)] = fm
		}
		assert.Equal(t, 120.0, byName["ContentType"]["length"])
		assert.Equal(t, "base64", byName["Body"]["type"])
		assert.Equal(t, true, byName["CacheControl"]["restrictedPicklist"])
		assert.Len(t, byName["CacheControl"]["picklistValues"], 2)
		assert.Equal(t, false, byName["BodyLength"]["createable"])
		_, tooling := byName["ManageableState"]
		assert.Equal(t, strings.Contains(base, "tooling"), tooling)
	}
	res := api(t, o, at, http.MethodGet, v+"/sobjects/User/describe", nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "005", res.json(t)["keyPrefix"])
}
