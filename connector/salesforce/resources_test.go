package salesforce

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueryFollowsNextRecordsURL(t *testing.T) {
	var calls atomic.Int32
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		switch r.URL.Path {
		case "/services/data/v63.0/query/":
			assert.Equal(t, "SELECT Name FROM Account", r.URL.Query().Get("q"))
			writeJSON(w, 200, `{"totalSize":3,"done":false,"nextRecordsUrl":"/services/data/v63.0/query/01gD-2000","records":[{"Name":"a"},{"Name":"b"}]}`)
		case "/services/data/v63.0/query/01gD-2000":
			assert.Empty(t, r.URL.RawQuery)
			writeJSON(w, 200, `{"totalSize":3,"done":true,"records":[{"Name":"c"}]}`)
		default:
			t.Errorf("unexpected %s", r.URL)
		}
	})
	type rec struct{ Name string }
	got, err := Query[rec](testCtx(t), c, "SELECT Name FROM Account")
	require.NoError(t, err)
	assert.Equal(t, []rec{{"a"}, {"b"}, {"c"}}, got)
	assert.EqualValues(t, 2, calls.Load())
}

func TestQueryRejectsForeignNextRecordsURL(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, `{"done":false,"nextRecordsUrl":"https://evil.example/services/data/x","records":[]}`)
	})
	_, err := Query[struct{}](testCtx(t), c, "SELECT Id FROM Account")
	require.Error(t, err)
	assert.Equal(t, 1, c.Requests())
}

func TestUserInfo(t *testing.T) {
	tests := []struct {
		name        string
		failFirst   bool
		failAll     bool
		wantRefresh int
		wantReqs    int
	}{
		{"ok", false, false, 0, 1},
		{"bad oauth token refreshed once", true, false, 1, 2},
		{"bad oauth token twice", true, true, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			c, tokens := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				i := n.Add(1)
				assert.Equal(t, "/services/oauth2/userinfo", r.URL.Path)
				assert.Equal(t, "GET", r.Method)
				if (tt.failFirst && i == 1) || tt.failAll {
					w.Header().Set("Content-Type", "text/plain")
					w.WriteHeader(403)
					io.WriteString(w, "Bad_OAuth_Token")
					return
				}
				assert.Equal(t, "Bearer tok-"+string(rune('0'+i)), r.Header.Get("Authorization"))
				writeJSON(w, 200, `{"sub":"https://login.salesforce.com/id/00D/005","user_id":"0056g0000049jc6AAA","organization_id":"00D6g000006wre4EAA",
					"preferred_username":"admin@acme.example","name":"Ada Admin","email":"admin@acme.example","active":true}`)
			})
			ui, err := c.UserInfo(testCtx(t))
			if tt.failAll {
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, 403, ae.StatusCode)
				assert.Equal(t, "Bad_OAuth_Token", ae.Message)
			} else {
				require.NoError(t, err)
				assert.Equal(t, &UserInfo{
					UserID: "0056g0000049jc6AAA", OrganizationID: "00D6g000006wre4EAA",
					PreferredUsername: "admin@acme.example", Name: "Ada Admin", Email: "admin@acme.example",
				}, ui)
			}
			assert.Equal(t, tt.wantRefresh, tokens.refreshes())
			assert.Equal(t, tt.wantReqs, c.Requests())
		})
	}
}

func TestCustomizeApplication(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		want     bool
		wantCode string
	}{
		{"granted", 200, `{"totalSize":1,"done":true,"records":[{"attributes":{"type":"UserPermissionAccess"},"PermissionsApiEnabled":true,"PermissionsCustomizeApplication":true}]}`, true, ""},
		{"missing", 200, `{"totalSize":1,"done":true,"records":[{"PermissionsApiEnabled":true,"PermissionsCustomizeApplication":false}]}`, false, ""},
		{"api disabled", 403, `[{"message":"The REST API is not enabled for this Organization.","errorCode":"API_DISABLED_FOR_ORG"}]`, false, "API_DISABLED_FOR_ORG"},
		{"no record", 200, `{"totalSize":0,"done":true,"records":[]}`, false, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, "SELECT PermissionsApiEnabled, PermissionsCustomizeApplication FROM UserPermissionAccess", r.URL.Query().Get("q"))
				writeJSON(w, tt.status, tt.body)
			})
			got, err := c.CustomizeApplication(testCtx(t))
			switch tt.wantCode {
			case "":
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			case "-":
				require.Error(t, err)
			default:
				var ae *APIError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.wantCode, ae.ErrorCode)
				assert.Equal(t, 403, ae.StatusCode)
			}
		})
	}
}

const resourceList = `{"totalSize":3,"done":true,"records":[
 {"attributes":{"type":"StaticResource","url":"/services/data/v63.0/sobjects/StaticResource/081000000000001AAA"},
  "Id":"081000000000001AAA","Name":"WalkMe_Content","NamespacePrefix":"ns","ContentType":"application/zip","CacheControl":"Public",
  "Description":null,"BodyLength":1000,"LastModifiedDate":"2018-06-14T21:05:57.000+0000"},
 {"Id":"081000000000002AAA","Name":"walkme_content","NamespacePrefix":null,"ContentType":"application/zip","CacheControl":"Private",
  "Description":"App Bundle","BodyLength":2500,"LastModifiedDate":"2024-01-02T03:04:05.000+0000","LastModifiedById":"005000000000001AAA",
  "LastModifiedBy":{"attributes":{"type":"User","url":"/services/data/v63.0/sobjects/User/005000000000001AAA"},"Name":"Jane Doe"}},
 {"Id":"081000000000003AAA","Name":"jquery","NamespacePrefix":"","ContentType":"text/javascript","CacheControl":"Public",
  "Description":"","BodyLength":30,"LastModifiedDate":"2024-01-02T03:04:05.000+0000"}]}`

func TestListStaticResources(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "GET", r.Method)
		assert.Equal(t, "/services/data/v63.0/query/", r.URL.Path)
		assert.Equal(t, "SELECT Id, Name, NamespacePrefix, ContentType, CacheControl, Description, BodyLength, LastModifiedDate, LastModifiedById, LastModifiedBy.Name FROM StaticResource",
			r.URL.Query().Get("q"))
		w.Header().Set("Sforce-Limit-Info", "api-usage=7/15000")
		writeJSON(w, 200, resourceList)
	})
	l, err := c.ListStaticResources(testCtx(t))
	require.NoError(t, err)
	assert.Equal(t, 1, c.Requests(), "the preflight is one request")
	assert.EqualValues(t, 3530, l.TotalSize)
	require.Len(t, l.Records, 3)
	assert.Equal(t, StaticResource{
		ID: "081000000000002AAA", Name: "walkme_content", ContentType: "application/zip", CacheControl: "Private",
		Description: "App Bundle", BodyLength: 2500, LastModifiedDate: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC).In(l.Records[1].LastModifiedDate.Location()),
		LastModifiedByID: "005000000000001AAA", LastModifiedByName: "Jane Doe",
	}, l.Records[1])
	assert.True(t, l.Records[0].LastModifiedDate.Equal(time.Date(2018, 6, 14, 21, 5, 57, 0, time.UTC)))

	tests := []struct {
		name   string
		wantID string
	}{
		{"WalkMe_Content", "081000000000002AAA"}, // the namespaced one is skipped
		{"WALKME_CONTENT", "081000000000002AAA"},
		{"jquery", "081000000000003AAA"},
		{"missing", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := l.Find(tt.name)
			if tt.wantID == "" {
				assert.Nil(t, r)
				return
			}
			require.NotNil(t, r)
			assert.Equal(t, tt.wantID, r.ID)
		})
	}
	var nilList *ResourceList
	assert.Nil(t, nilList.Find("x"))
	assert.Equal(t, &Usage{7, 15000}, c.LastUsage())
}

func TestGetStaticResource(t *testing.T) {
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "GET", r.Method)
		assert.Equal(t, "/services/data/v63.0/sobjects/StaticResource/081000000000002AAA", r.URL.Path)
		writeJSON(w, 200, `{"attributes":{"type":"StaticResource"},"Id":"081000000000002AAA","Name":"X","NamespacePrefix":null,
			"ContentType":"application/zip","CacheControl":"Private","Description":"d","BodyLength":12,
			"Body":"/services/data/v63.0/sobjects/StaticResource/081000000000002AAA/Body","LastModifiedDate":"2024-01-02T03:04:05.000+0000"}`)
	})
	r, err := c.GetStaticResource(testCtx(t), "081000000000002AAA")
	require.NoError(t, err)
	assert.Equal(t, "X", r.Name)
	assert.EqualValues(t, 12, r.BodyLength)
	assert.True(t, r.LastModifiedDate.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)))
}

func TestDownloadBody(t *testing.T) {
	body := bytes.Repeat([]byte("PK\x03\x04zipdata"), 10000)
	c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "GET", r.Method)
		assert.Equal(t, "/services/data/v63.0/sobjects/StaticResource/081000000000002AAA/Body", r.URL.Path)
		assert.Equal(t, "Bearer tok-1", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/zip")
		w.Write(body)
	})
	var buf bytes.Buffer
	n, err := c.DownloadBody(testCtx(t), "081000000000002AAA", &buf)
	require.NoError(t, err)
	assert.EqualValues(t, len(body), n)
	assert.Equal(t, body, buf.Bytes())
}

func TestDeleteStaticResource(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		wantCode string
	}{
		{"deleted", 204, ""},
		{"not found", 404, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, "DELETE", r.Method)
				assert.Equal(t, "/services/data/v63.0/sobjects/StaticResource/081000000000002AAA", r.URL.Path)
				if tt.status == 204 {
					w.WriteHeader(204)
					return
				}
				writeJSON(w, tt.status, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`)
			})
			err := c.DeleteStaticResource(testCtx(t), "081000000000002AAA")
			if tt.wantCode == "" {
				require.NoError(t, err)
			} else {
				assert.True(t, IsErrorCode(err, tt.wantCode), "%v", err)
			}
		})
	}
}

func TestRevoke(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		wantErr bool
	}{
		{"revoked", 200, "", false},
		{"unsupported token type form", 400, "error=unsupported_token_type&error_description=Token+type+not+supported", true},
		{"invalid token json", 400, `{"error":"invalid_token","error_description":"Token was invalid"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, "POST", r.Method)
				assert.Equal(t, "/services/oauth2/revoke", r.URL.Path)
				assert.Empty(t, r.Header.Get("Authorization"))
				assert.Equal(t, "application/x-www-form-urlencoded", r.Header.Get("Content-Type"))
				require.NoError(t, r.ParseForm())
				assert.Equal(t, "5Aep861.secret==", r.PostForm.Get("token"))
				w.WriteHeader(tt.status)
				io.WriteString(w, tt.body)
			}))
			defer srv.Close()
			err := Revoke(testCtx(t), srv.Client(), srv.URL+"/", "5Aep861.secret==")
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
	assert.Error(t, Revoke(testCtx(t), nil, "http://login.salesforce.com", "x"), "plain http refused")
}
