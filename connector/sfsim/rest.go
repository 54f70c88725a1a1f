package sfsim

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	firstVersion  = 31
	lastVersion   = 66
	latestVersion = "66.0"
	sfTime        = "2006-01-02T15:04:05.000-0700"
)

// apiError is one element of a Salesforce REST error array.
type apiError struct {
	Message    string
	ErrorCode  string
	Fields     []string
	withFields bool // DML errors always carry "fields" (maybe empty)
}

func (e apiError) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"message":`)
	m, _ := marshalNoEscape(e.Message)
	b.Write(m)
	b.WriteString(`,"errorCode":`)
	c, _ := marshalNoEscape(e.ErrorCode)
	b.Write(c)
	if e.withFields || e.Fields != nil {
		f := e.Fields
		if f == nil {
			f = []string{}
		}
		fb, _ := json.Marshal(f)
		b.WriteString(`,"fields":`)
		b.Write(fb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func apiErr(code, msg string) apiError { return apiError{ErrorCode: code, Message: msg} }

func dmlErr(code, msg string, fields ...string) apiError {
	return apiError{ErrorCode: code, Message: msg, Fields: fields, withFields: true}
}

var (
	errInvalidSession = apiErr("INVALID_SESSION_ID", "Session expired or invalid")
	errNotFound       = apiErr("NOT_FOUND", "The requested resource does not exist")
	errAPIDisabled    = apiErr("API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.")
	errLimitExceeded  = apiErr("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
	errNoAccess       = dmlErr("INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id")
)

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// gzipWriters reuses gzip writers (each holds about a megabyte of
// compressor state): an org serving many clients at once, as in the fleet
// benchmark, would otherwise spend its time allocating them.
var gzipWriters = sync.Pool{New: func() any { return gzip.NewWriter(io.Discard) }}

// writeBody writes a response body, gzipped when the client accepts gzip.
func writeBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) {
	writeChunks(w, r, status, contentType, [][]byte{body})
}

func writeChunks(w http.ResponseWriter, r *http.Request, status int, contentType string, chunks [][]byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	size := 0
	for _, c := range chunks {
		size += len(c)
	}
	if size > 0 && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		w.WriteHeader(status)
		zw := gzipWriters.Get().(*gzip.Writer)
		zw.Reset(w)
		for _, c := range chunks {
			_, _ = zw.Write(c)
		}
		_ = zw.Close()
		zw.Reset(io.Discard)
		gzipWriters.Put(zw)
		return
	}
	h.Set("Content-Length", strconv.Itoa(size))
	w.WriteHeader(status)
	for _, c := range chunks {
		_, _ = w.Write(c)
	}
}

func writeJSONRaw(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := marshalNoEscape(v)
	if err != nil {
		writeErrors(w, r, http.StatusInternalServerError, apiErr("UNKNOWN_EXCEPTION", err.Error()))
		return
	}
	writeBody(w, r, status, "application/json;charset=UTF-8", b)
}

func writeErrors(w http.ResponseWriter, r *http.Request, status int, errs ...apiError) {
	b, _ := marshalNoEscape(errs)
	writeBody(w, r, status, "application/json;charset=UTF-8", b)
}

// ---- instance host ----

type restCtx struct {
	version string // "63.0"
	tooling bool
	method  string
}

// base is "/services/data/vXX.X" (+ "/tooling").
func (c restCtx) base() string {
	b := "/services/data/v" + c.version
	if c.tooling {
		b += "/tooling"
	}
	return b
}

func (o *Org) serveInstance(w http.ResponseWriter, r *http.Request) {
	if o.serveCommonOAuth(w, r) || o.serveResource(w, r) {
		return
	}
	p := r.URL.Path
	switch p {
	case "/services/oauth2/authorize", "/login", "/setup/secur/RemoteAccessAuthorizationPage.apexp",
		"/setup/secur/RemoteAccessErrorPage.apexp", "/.well-known/openid-configuration":
		// The instance host is the org's My Domain: it serves the login flow too.
		o.serveLogin(w, r)
		return
	}
	if p == "/services/data" || p == "/services/data/" {
		o.handleVersions(w, r)
		return
	}
	rest, ok := strings.CutPrefix(p, "/services/data/")
	if !ok {
		writeErrors(w, r, http.StatusNotFound, errNotFound)
		return
	}
	vpart, sub, _ := strings.Cut(rest, "/")
	version, ok := parseVersion(vpart)
	if !ok {
		writeErrors(w, r, http.StatusNotFound, errNotFound)
		return
	}
	tok := bearer(r, false)
	o.mu.Lock()
	valid := o.validSessionLocked(tok)
	enabled := o.apiEnabled
	if valid {
		o.apiUsage++
		if o.expireAfter > 0 {
			o.expireAfter--
			if o.expireAfter == 0 {
				o.expireAfter = -1
				o.expireSessionsLocked()
			}
		}
	}
	usage, maxUsage := o.apiUsage, o.opts.APIUsageMax
	o.mu.Unlock()
	if !valid {
		w.Header().Set("WWW-Authenticate", "Token")
		writeErrors(w, r, http.StatusUnauthorized, errInvalidSession)
		return
	}
	w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", usage, maxUsage))
	if !enabled {
		writeErrors(w, r, http.StatusForbidden, errAPIDisabled)
		return
	}
	if usage > maxUsage {
		writeErrors(w, r, http.StatusForbidden, errLimitExceeded)
		return
	}
	c := restCtx{version: version, method: r.Method}
	if c.method == http.MethodPost {
		if m := r.URL.Query().Get("_HttpMethod"); m != "" {
			c.method = strings.ToUpper(m)
		}
	}
	sub = strings.TrimSuffix(sub, "/")
	if t, ok := strings.CutPrefix(sub, "tooling"); ok && (t == "" || t[0] == '/') {
		c.tooling = true
		sub = strings.TrimPrefix(t, "/")
	}
	parts := strings.Split(sub, "/")
	switch {
	case sub == "" && !c.tooling:
		o.handleResourceDirectory(w, r, c)
	case sub == "limits" && !c.tooling:
		o.handleLimits(w, r, c)
	case sub == "query" || (sub == "queryAll" && !c.tooling):
		o.handleQuery(w, r, c)
	case parts[0] == "sobjects" && len(parts) >= 2:
		o.handleSObject(w, r, c, parts[1:])
	default:
		writeErrors(w, r, http.StatusNotFound, errNotFound)
	}
}

func parseVersion(s string) (string, bool) {
	if s == "latest" {
		return latestVersion, true
	}
	rest, ok := strings.CutPrefix(s, "v")
	if !ok {
		return "", false
	}
	major, minor, ok := strings.Cut(rest, ".")
	n, err := strconv.Atoi(major)
	if !ok || err != nil || minor != "0" || n < 20 || n > lastVersion {
		return "", false
	}
	return rest, true
}

func versionLabel(v int) string {
	off := v - 31
	switch off % 3 {
	case 0:
		return fmt.Sprintf("Summer '%02d", 14+off/3)
	case 1:
		return fmt.Sprintf("Winter '%02d", 15+(off-1)/3)
	default:
		return fmt.Sprintf("Spring '%02d", 15+(off-2)/3)
	}
}

func (o *Org) handleVersions(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeErrors(w, r, http.StatusMethodNotAllowed, apiErr("METHOD_NOT_ALLOWED", "HTTP Method '"+r.Method+"' not allowed. Allowed are GET,HEAD"))
		return
	}
	type ver struct {
		Label   string `json:"label"`
		URL     string `json:"url"`
		Version string `json:"version"`
	}
	var list []ver
	for v := firstVersion; v <= lastVersion; v++ {
		s := strconv.Itoa(v) + ".0"
		list = append(list, ver{Label: versionLabel(v), URL: "/services/data/v" + s, Version: s})
	}
	writeJSONRaw(w, r, http.StatusOK, list)
}

func (o *Org) handleResourceDirectory(w http.ResponseWriter, r *http.Request, c restCtx) {
	b := c.base()
	writeJSONRaw(w, r, http.StatusOK, map[string]string{
		"tooling": b + "/tooling", "query": b + "/query", "queryAll": b + "/queryAll",
		"sobjects": b + "/sobjects", "limits": b + "/limits", "search": b + "/search",
		"recent": b + "/recent", "composite": b + "/composite",
	})
}

func (o *Org) handleLimits(w http.ResponseWriter, r *http.Request, c restCtx) {
	if c.method != http.MethodGet {
		methodNotAllowed(w, r, c, "GET,HEAD")
		return
	}
	o.mu.Lock()
	used, maxUsage := o.apiUsage, o.opts.APIUsageMax
	var storage int64
	for _, res := range o.resources {
		storage += res.size
	}
	o.mu.Unlock()
	lim := func(maxV, remaining int64) map[string]int64 {
		return map[string]int64{"Max": maxV, "Remaining": remaining}
	}
	fileMB := int64(20480)
	writeJSONRaw(w, r, http.StatusOK, map[string]any{
		"DailyApiRequests":                  lim(int64(maxUsage), int64(max(maxUsage-used, 0))),
		"DailyAsyncApexExecutions":          lim(250000, 250000),
		"DailyBulkApiBatches":               lim(15000, 15000),
		"DailyStreamingApiEvents":           lim(1000000, 1000000),
		"DataStorageMB":                     lim(5120, 5110),
		"FileStorageMB":                     lim(fileMB, fileMB-storage/(1024*1024)),
		"HourlyDashboardRefreshes":          lim(200, 200),
		"HourlyODataCallout":                lim(20000, 20000),
		"HourlySyncReportRuns":              lim(500, 500),
		"MassEmail":                         lim(5000, 5000),
		"SingleEmail":                       lim(5000, 5000),
		"ConcurrentAsyncGetReportInstances": lim(200, 200),
	})
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request, c restCtx, allowed string) {
	w.Header().Set("Allow", allowed)
	writeErrors(w, r, http.StatusMethodNotAllowed, apiErr("METHOD_NOT_ALLOWED",
		"HTTP Method '"+c.method+"' not allowed. Allowed are "+allowed))
}

func formatTime(t time.Time) string {
	return t.UTC().Format(sfTime)
}
