package sfsim

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const v = "/services/data/v63.0"

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func createBody(name string, body []byte) map[string]any {
	return map[string]any{
		"Name": name, "Description": "App Bundle - auto-uploaded", "ContentType": "application/zip",
		"CacheControl": "Public", "Body": base64.StdEncoding.EncodeToString(body),
	}
}

func create(t *testing.T, o *Org, at, name string, body []byte) string {
	t.Helper()
	res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", mustJSON(t, createBody(name, body)), nil)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	return res.json(t)["id"].(string)
}

func TestStaticResourceCRUD(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	content := randomBytes(t, 300_000)

	res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", mustJSON(t, createBody("WalkMe_Content", content)), nil)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	m := res.json(t)
	id := m["id"].(string)
	assert.Regexp(t, `^081[A-Za-z0-9]{15}$`, id)
	assert.Equal(t, caseSafe(id[:15]), id)
	assert.JSONEq(t, `{"id":"`+id+`","success":true,"errors":[]}`, string(res.body))

	got := o.Resource("walkme_content")
	require.NotNil(t, got)
	assert.Equal(t, content, got.Body)
	assert.Equal(t, "Public", got.CacheControl)
	assert.Equal(t, "", got.NamespacePrefix)

	// Read the record.
	res = api(t, o, at, http.MethodGet, v+"/sobjects/StaticResource/"+id, nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	m = res.json(t)
	assert.Equal(t, map[string]any{"type": "StaticResource", "url": v + "/sobjects/StaticResource/" + id}, m["attributes"])
	assert.Equal(t, v+"/sobjects/StaticResource/"+id+"/Body", m["Body"])
	assert.EqualValues(t, len(content), m["BodyLength"])
	assert.Nil(t, m["NamespacePrefix"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$`, m["LastModifiedDate"])
	assert.NotContains(t, m, "ManageableState")

	res = api(t, o, at, http.MethodGet, v+"/sobjects/StaticResource/"+id[:15]+"?fields=Name,bodylength", nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.JSONEq(t, `{"attributes":{"type":"StaticResource","url":"`+v+`/sobjects/StaticResource/`+id+`"},"Name":"WalkMe_Content","BodyLength":300000}`, string(res.body))

	res = api(t, o, at, http.MethodGet, v+"/sobjects/StaticResource/"+id+"/Body", nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "application/zip", res.header.Get("Content-Type"))
	assert.Equal(t, content, res.body)

	// PATCH the body and description.
	content2 := randomBytes(t, 1000)
	res = api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+id,
		mustJSON(t, map[string]any{"Body": base64.StdEncoding.EncodeToString(content2), "Description": nil}), nil)
	require.Equal(t, http.StatusNoContent, res.status, string(res.body))
	assert.Empty(t, res.body)
	got = o.Resource("WalkMe_Content")
	assert.Equal(t, content2, got.Body)
	assert.Equal(t, "", got.Description)

	// POST ?_HttpMethod=PATCH.
	res = api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/"+id+"?_HttpMethod=PATCH",
		mustJSON(t, map[string]any{"CacheControl": "Private"}), nil)
	require.Equal(t, http.StatusNoContent, res.status, string(res.body))
	assert.Equal(t, "Private", o.Resource("WalkMe_Content").CacheControl)
	assert.Equal(t, content2, o.Resource("WalkMe_Content").Body)

	// DELETE.
	res = api(t, o, at, http.MethodDelete, v+"/sobjects/StaticResource/"+id, nil, nil)
	require.Equal(t, http.StatusNoContent, res.status)
	assert.Nil(t, o.Resource("WalkMe_Content"))
	for _, method := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
		var body []byte
		if method == http.MethodPatch {
			body = []byte(`{"Description":"x"}`)
		}
		res = api(t, o, at, method, v+"/sobjects/StaticResource/"+id, body, nil)
		assert.Equal(t, http.StatusNotFound, res.status, method)
		assert.JSONEq(t, `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`, string(res.body))
	}
	res = api(t, o, at, http.MethodGet, v+"/sobjects/StaticResource/"+id+"/Body", nil, nil)
	assert.Equal(t, http.StatusNotFound, res.status)
}

func TestToolingStaticResource(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	base := v + "/tooling/sobjects/StaticResource"
	res := api(t, o, at, http.MethodPost, base, mustJSON(t, createBody("Tooling_One", []byte("hello"))), nil)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	m := res.json(t)
	id := m["id"].(string)
	assert.Equal(t, []any{}, m["warnings"])
	assert.Equal(t, true, m["success"])

	res = api(t, o, at, http.MethodGet, base+"/"+id, nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	m = res.json(t)
	assert.Equal(t, "unmanaged", m["ManageableState"])
	assert.Equal(t, v+"/tooling/sobjects/StaticResource/"+id+"/Body", m["Body"])
	assert.Equal(t, v+"/tooling/sobjects/StaticResource/"+id, m["attributes"].(map[string]any)["url"])

	res = api(t, o, at, http.MethodGet, base+"/"+id+"/Body", nil, nil)
	assert.Equal(t, "hello", string(res.body))

	// Tooling requires CacheControl.
	body := createBody("Tooling_Two", []byte("x"))
	delete(body, "CacheControl")
	res = api(t, o, at, http.MethodPost, base, mustJSON(t, body), nil)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.JSONEq(t, `[{"message":"Required fields are missing: [CacheControl]","errorCode":"REQUIRED_FIELD_MISSING","fields":["CacheControl"]}]`, string(res.body))
	// The REST API defaults it to Private.
	res = api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource", mustJSON(t, body), nil)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	assert.Equal(t, "Private", o.Resource("Tooling_Two").CacheControl)

	res = api(t, o, at, http.MethodPatch, base+"/"+id, []byte(`{"ContentType":"text/plain"}`), nil)
	assert.Equal(t, http.StatusNoContent, res.status)
	res = api(t, o, at, http.MethodDelete, base+"/"+id, nil, nil)
	assert.Equal(t, http.StatusNoContent, res.status)
	assert.Nil(t, o.Resource("Tooling_One"))
}

func TestStaticResourceValidation(t *testing.T) {
	o := startOrg(t, Options{MaxResourceSize: 1000, MaxOrgStorage: 2500})
	at := accessToken(t, o)
	existing := create(t, o, at, "Existing", make([]byte, 900))
	o.PutResource(Resource{Name: "Managed", NamespacePrefix: "ns", Body: make([]byte, 800)})

	with := func(k string, val any) []byte {
		b := createBody("Fresh", []byte("abc"))
		if val == nil {
			delete(b, k)
		} else {
			b[k] = val
		}
		return mustJSON(t, b)
	}
	b64 := func(n int) string { return base64.StdEncoding.EncodeToString(make([]byte, n)) }
	tests := []struct {
		name     string
		body     []byte
		status   int
		code     string
		message  string // exact unless empty
		contains string
		fields   []string
	}{
		{"duplicate case-insensitive", with("Name", "EXISTING"), 400, "DUPLICATE_VALUE",
			"duplicate value found: Name duplicates value on record with id: " + existing[:15], "", []string{}},
		{"managed name does not clash", with("Name", "Managed"), 201, "", "", "", nil},
		{"name with space", with("Name", "Has Space"), 400, "FIELD_INTEGRITY_EXCEPTION", "", "underscores and alphanumeric", []string{"Name"}},
		{"name double underscore", with("Name", "a__b"), 400, "FIELD_INTEGRITY_EXCEPTION", "", "", []string{"Name"}},
		{"name trailing underscore", with("Name", "ab_"), 400, "FIELD_INTEGRITY_EXCEPTION", "", "", []string{"Name"}},
		{"name leading digit", with("Name", "1ab"), 400, "FIELD_INTEGRITY_EXCEPTION", "", "", []string{"Name"}},
		{"name too long", with("Name", "a"+strings.Repeat("b", 255)), 400, "STRING_TOO_LONG", "", "max length=255", []string{"Name"}},
		{"description too long", with("Description", strings.Repeat("d", 256)), 400, "STRING_TOO_LONG", "", "Description: data value too large", []string{"Description"}},
		{"content type too long", with("ContentType", "application/"+strings.Repeat("x", 110)), 400, "STRING_TOO_LONG", "", "max length=120", []string{"ContentType"}},
		{"bad cache control", with("CacheControl", "Sometimes"), 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "", "Sometimes", []string{"CacheControl"}},
		{"missing name and body", mustJSON(t, map[string]any{"ContentType": "application/zip"}), 400, "REQUIRED_FIELD_MISSING",
			"Required fields are missing: [Name, Body]", "", []string{"Name", "Body"}},
		{"missing content type", with("ContentType", nil), 400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [ContentType]", "", []string{"ContentType"}},
		{"body too large", with("Body", b64(1001)), 400, "STORAGE_LIMIT_EXCEEDED", "static resource cannot exceed 1000 bytes", "", []string{"Body"}},
		{"org storage full", with("Body", b64(900)), 400, "STORAGE_LIMIT_EXCEEDED", "", "storage limit exceeded", []string{"Body"}},
		{"unknown field", with("Foo", "x"), 400, "INVALID_FIELD", "No such column 'Foo' on sobject of type StaticResource", "", nil},
		{"read-only field", with("BodyLength", 3), 400, "INVALID_FIELD_FOR_INSERT_UPDATE", "", "Unable to create/update fields: BodyLength", []string{"BodyLength"}},
		{"bad base64", with("Body", "!!!notbase64"), 400, "JSON_PARSER_ERROR", "", "base64", nil},
		{"body not a string", with("Body", 5), 400, "JSON_PARSER_ERROR", "", "", nil},
		{"name not a string", with("Name", 5), 400, "JSON_PARSER_ERROR", "", "VALUE_NUMBER_INT", nil},
		{"malformed json", []byte(`{"Name":"x",`), 400, "JSON_PARSER_ERROR", "", "", nil},
		{"trailing garbage", []byte(`{"Name":"x"} x`), 400, "JSON_PARSER_ERROR", "", "", nil},
		{"not an object", []byte(`[1]`), 400, "JSON_PARSER_ERROR", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", tt.body, nil)
			require.Equal(t, tt.status, res.status, string(res.body))
			if tt.status == 201 {
				return
			}
			var errs []map[string]any
			require.NoError(t, json.Unmarshal(res.body, &errs), string(res.body))
			require.Len(t, errs, 1)
			assert.Equal(t, tt.code, errs[0]["errorCode"])
			if tt.message != "" {
				assert.Equal(t, tt.message, errs[0]["message"])
			}
			assert.Contains(t, errs[0]["message"], tt.contains)
			if tt.fields != nil {
				want := make([]any, len(tt.fields))
				for i, f := range tt.fields {
					want[i] = f
				}
				assert.Equal(t, want, errs[0]["fields"])
			}
		})
	}

	// Update validation: rename onto an existing name, null Name, managed record.
	other := create(t, o, at, "Other", []byte("o"))
	res := api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+other, []byte(`{"Name":"existing"}`), nil)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, string(res.body), "DUPLICATE_VALUE")
	res = api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+other, []byte(`{"Name":null}`), nil)
	assert.JSONEq(t, `[{"message":"Required fields are missing: [Name]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Name"]}]`, string(res.body))
	res = api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+other, []byte(`{"Name":"","ContentType":""}`), nil)
	assert.JSONEq(t, `[{"message":"Required fields are missing: [ContentType, Name]","errorCode":"REQUIRED_FIELD_MISSING","fields":["ContentType","Name"]}]`, string(res.body))
	res = api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+other, []byte(`{"CacheControl":null}`), nil)
	assert.Contains(t, string(res.body), "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST")
	// Renaming to itself in another case is fine.
	res = api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+other, []byte(`{"Name":"OTHER"}`), nil)
	assert.Equal(t, http.StatusNoContent, res.status)
	managed := o.PutResource(Resource{Name: "Managed", NamespacePrefix: "ns", Body: []byte("m")})
	res = api(t, o, at, http.MethodPatch, v+"/sobjects/StaticResource/"+managed, []byte(`{"Description":"x"}`), nil)
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, string(res.body), "INSUFFICIENT_ACCESS_OR_READONLY")
}

func TestCustomizeApplicationKnob(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	id := create(t, o, at, "Keep", []byte("k"))
	o.SetCustomizeApplication(false)
	want := `[{"message":"insufficient access rights on object id","errorCode":"INSUFFICIENT_ACCESS_OR_READONLY","fields":[]}]`
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/sobjects/StaticResource", string(mustJSON(t, createBody("New", []byte("n"))))},
		{http.MethodPost, "/tooling/sobjects/StaticResource", string(mustJSON(t, createBody("New", []byte("n"))))},
		{http.MethodPatch, "/sobjects/StaticResource/" + id, `{"Description":"x"}`},
		{http.MethodDelete, "/sobjects/StaticResource/" + id, ""},
	} {
		var body []byte
		if c.body != "" {
			body = []byte(c.body)
		}
		res := api(t, o, at, c.method, v+c.path, body, nil)
		assert.Equal(t, http.StatusBadRequest, res.status, c.method+" "+c.path)
		assert.JSONEq(t, want, string(res.body))
	}
	res := api(t, o, at, http.MethodGet, v+"/query/?q="+url.QueryEscape("SELECT PermissionsApiEnabled, PermissionsCustomizeApplication FROM UserPermissionAccess"), nil, nil)
	require.Equal(t, http.StatusOK, res.status)
	rec := res.json(t)["records"].([]any)[0].(map[string]any)
	assert.Equal(t, true, rec["PermissionsApiEnabled"])
	assert.Equal(t, false, rec["PermissionsCustomizeApplication"])
	o.SetCustomizeApplication(true)
	assert.Equal(t, http.StatusNoContent, api(t, o, at, http.MethodDelete, v+"/sobjects/StaticResource/"+id, nil, nil).status)
}

func multipartBody(t *testing.T, entity map[string]any, body []byte, partName string) (string, []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+partName+`"`)
	h.Set("Content-Type", "application/json")
	pw, err := mw.CreatePart(h)
	require.NoError(t, err)
	_, _ = pw.Write(mustJSON(t, entity))
	if body != nil {
		h = textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="Body"; filename="content.zip"`)
		h.Set("Content-Type", "application/zip")
		pw, err = mw.CreatePart(h)
		require.NoError(t, err)
		_, _ = pw.Write(body)
	}
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), buf.Bytes()
}

func TestMultipart(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	content := randomBytes(t, 200_000)
	ctype, body := multipartBody(t, map[string]any{"Name": "Multi", "ContentType": "application/zip", "CacheControl": "Private"}, content, "entity_document")
	res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", body, http.Header{"Content-Type": {ctype}})
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	id := res.json(t)["id"].(string)
	assert.Equal(t, content, o.Resource("Multi").Body)

	content2 := randomBytes(t, 1234)
	ctype, body = multipartBody(t, map[string]any{"Description": "v2"}, content2, "entity_content")
	res = api(t, o, at, http.MethodPatch, v+"/tooling/sobjects/StaticResource/"+id, body, http.Header{"Content-Type": {ctype}})
	require.Equal(t, http.StatusNoContent, res.status, string(res.body))
	got := o.Resource("Multi")
	assert.Equal(t, content2, got.Body)
	assert.Equal(t, "v2", got.Description)

	// Without the binary part, Body is missing.
	ctype, body = multipartBody(t, map[string]any{"Name": "NoBody", "ContentType": "application/zip"}, nil, "entity_document")
	res = api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", body, http.Header{"Content-Type": {ctype}})
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, string(res.body), "REQUIRED_FIELD_MISSING")
}

func compress(t *testing.T, enc string, b []byte) []byte {
	var buf bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "deflate":
		w = zlib.NewWriter(&buf)
	case "raw-deflate":
		w, _ = flate.NewWriter(&buf, flate.DefaultCompression)
	}
	_, err := w.Write(b)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestCompressedRequestsAndResponses(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	// A compressible body (zeros), so wire bytes are far below raw bytes.
	content := make([]byte, 1_000_000)
	for i, enc := range []string{"gzip", "deflate", "raw-deflate"} {
		name := fmt.Sprintf("Zipped%d", i)
		raw := mustJSON(t, createBody(name, content))
		wire := compress(t, enc, raw)
		if enc == "raw-deflate" {
			enc = "deflate" // some clients send RFC 1951 data as "deflate"
		}
		o.ResetRequests()
		res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", wire, http.Header{"Content-Encoding": {enc}})
		require.Equal(t, http.StatusCreated, res.status, string(res.body))
		assert.Equal(t, content, o.Resource(name).Body)
		reqs := o.Requests()
		require.Len(t, reqs, 1)
		assert.Equal(t, int64(len(wire)), reqs[0].BytesIn)
		assert.Equal(t, enc, reqs[0].ContentEncoding)
		assert.Less(t, reqs[0].BytesIn, int64(len(raw)/10))
	}
	// Responses are gzipped on request only.
	id := o.Resource("Zipped0").ID
	o.ResetRequests()
	res := api(t, o, at, http.MethodGet, v+"/sobjects/StaticResource/"+id+"/Body", nil, http.Header{"Accept-Encoding": {"gzip"}})
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "gzip", res.header.Get("Content-Encoding"))
	zr, err := gzip.NewReader(bytes.NewReader(res.body))
	require.NoError(t, err)
	plain, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, content, plain)
	assert.Less(t, o.Requests()[0].BytesOut, int64(len(content)/10))

	res = api(t, o, at, http.MethodGet, v+"/sobjects/StaticResource/"+id+"/Body", nil, http.Header{"Accept-Encoding": {"identity"}})
	assert.Empty(t, res.header.Get("Content-Encoding"))
	assert.Len(t, res.body, len(content))

	// A corrupt gzip body is a 400, not a crash.
	res = api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", []byte("not gzip"), http.Header{"Content-Encoding": {"gzip"}})
	assert.Equal(t, http.StatusBadRequest, res.status)
}

func TestRequestTooLarge(t *testing.T) {
	const limit = 200_000
	o := startOrg(t, Options{maxRequestSize: limit})
	at := accessToken(t, o)
	want := `[{"message":"Maximum size of request reached. Maximum size of request is 200000 bytes.","errorCode":"JSON_PARSER_ERROR"}]`
	// Declared size over the cap: refused before reading.
	res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", make([]byte, limit+1), nil)
	assert.Equal(t, http.StatusRequestEntityTooLarge, res.status)
	assert.JSONEq(t, want, string(res.body))
	// Unknown size (chunked): refused once the cap is crossed.
	body := mustJSON(t, createBody("Big", make([]byte, limit)))
	req, err := http.NewRequestWithContext(testCtx(t), http.MethodPost, o.InstanceURL()+v+"/sobjects/StaticResource/", io.MultiReader(bytes.NewReader(body)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+at)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode)
	assert.JSONEq(t, want, string(b))
	assert.Empty(t, o.Resources())
	assert.Equal(t, MaxRequestSize, 52428800)
}

func TestJSONBodyEscapes(t *testing.T) {
	o := startOrg(t, Options{})
	at := accessToken(t, o)
	content := randomBytes(t, 5000)
	enc := base64.StdEncoding.EncodeToString(content)
	// Some encoders escape '/' and wrap lines; both must decode.
	wrapped := ""
	for i := 0; i < len(enc); i += 76 {
		wrapped += strings.ReplaceAll(enc[i:min(i+76, len(enc))], "/", `\/`) + `\n`
	}
	body := `{ "Body" : "` + wrapped + `", "Name":"Esc\u0061ped", "ContentType":"application/zip", "CacheControl":"Public" }`
	res := api(t, o, at, http.MethodPost, v+"/sobjects/StaticResource/", []byte(body), nil)
	require.Equal(t, http.StatusCreated, res.status, string(res.body))
	assert.Equal(t, content, o.Resource("Escaped").Body)
}

func TestPutResourceAndResources(t *testing.T) {
	o := startOrg(t, Options{})
	id := o.PutResource(Resource{Name: "Seeded", Body: []byte("one")})
	assert.Regexp(t, `^081`, id)
	id2 := o.PutResource(Resource{Name: "seeded", Body: []byte("two"), Description: "d"})
	assert.Equal(t, id, id2)
	o.PutResource(Resource{Name: "Seeded", NamespacePrefix: "pkg", Body: []byte("managed")})
	list := o.Resources()
	require.Len(t, list, 2)
	assert.Equal(t, "two", string(list[0].Body))
	assert.Equal(t, "application/zip", list[0].ContentType)
	assert.Equal(t, "pkg", list[1].NamespacePrefix)
	assert.Equal(t, "two", string(o.Resource("SEEDED").Body))
	// Copies: mutating the result does not change the org.
	list[0].Body[0] = 'X'
	assert.Equal(t, "two", string(o.Resource("Seeded").Body))
	assert.Nil(t, o.Resource("missing"))
}
