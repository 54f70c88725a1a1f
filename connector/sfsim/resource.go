package sfsim

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

type resource struct {
	id, name, ns, contentType, cacheControl, description string
	body                                                 [][]byte
	size                                                 int64
	created, modified                                    time.Time
	// modifiedBy and modifiedByName: the last writer; "" is the org's user.
	modifiedBy, modifiedByName string
	seq                        int
}

// nameRule is compiled on first use, not at start-up.
var nameRule = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z](?:_?[A-Za-z0-9])*$`) })

// Ops of a ResourceWrite.
const (
	WriteCreate = "create" // REST or Tooling POST
	WriteUpdate = "update" // REST or Tooling PATCH
	WriteDelete = "delete" // REST or Tooling DELETE
	WritePut    = "put"    // PutResource (Setup, another tool)
	WriteRemove = "remove" // DeleteResource (Setup)
)

// ResourceWrite is one change of a StaticResource as the org applied it.
type ResourceWrite struct {
	Op string // WriteCreate, WriteUpdate, WriteDelete, WritePut or WriteRemove
	// Before and After are the record (with its body) before and after the
	// change; nil when there was none (a create) or is none (a delete).
	Before, After *Resource
}

// OnResourceWrite registers f, called for every change of a StaticResource
// (API creates, updates and deletes, PutResource, DeleteResource) in the
// order the org applied them, while the org is locked: f must not call the
// Org. Test beds use it to see every version that was ever live.
func (o *Org) OnResourceWrite(f func(ResourceWrite)) {
	o.set(func() { o.writeHooks = append(o.writeHooks, f) })
}

// snapshotLocked is r's export when write hooks need it, else nil.
func (o *Org) snapshotLocked(r *resource) *Resource {
	if r == nil || len(o.writeHooks) == 0 {
		return nil
	}
	e := r.export()
	return &e
}

// notifyWriteLocked calls the write hooks.
func (o *Org) notifyWriteLocked(op string, before *Resource, after *resource) {
	if len(o.writeHooks) == 0 {
		return
	}
	w := ResourceWrite{Op: op, Before: before, After: o.snapshotLocked(after)}
	for _, f := range o.writeHooks {
		f(w)
	}
}

// Resources returns copies of every StaticResource, oldest first.
func (o *Org) Resources() []Resource {
	o.mu.Lock()
	defer o.mu.Unlock()
	list := make([]*resource, 0, len(o.resources))
	for _, r := range o.resources {
		list = append(list, r)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
	out := make([]Resource, 0, len(list))
	for _, r := range list {
		out = append(out, r.export())
	}
	return out
}

// Resource returns a copy of the unmanaged resource named name
// (case-insensitive), or nil.
func (o *Org) Resource(name string) *Resource {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r := o.findByNameLocked("", name); r != nil {
		e := r.export()
		return &e
	}
	return nil
}

// PutResource seeds or overwrites a resource directly, bypassing validation
// and permissions: a matching ID, else the same namespace and name, is
// replaced. Empty ContentType/CacheControl default to application/zip and
// Private; zero dates to now. It returns the Id.
func (o *Org) PutResource(r Resource) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now().UTC().Truncate(time.Millisecond)
	var cur *resource
	if r.ID != "" {
		for id, x := range o.resources {
			if sameID(r.ID, id) {
				cur = x
			}
		}
	}
	if cur == nil {
		cur = o.findByNameLocked(r.NamespacePrefix, r.Name)
	}
	before := o.snapshotLocked(cur)
	if cur == nil {
		id := r.ID
		if len(id) == 15 {
			id = caseSafe(id)
		}
		if len(id) != 18 {
			id = newID("081")
		}
		o.seq++
		cur = &resource{id: id, seq: o.seq, created: now}
		o.resources[id] = cur
	}
	cur.name, cur.ns, cur.description = r.Name, r.NamespacePrefix, r.Description
	cur.contentType, cur.cacheControl = r.ContentType, r.CacheControl
	if cur.contentType == "" {
		cur.contentType = "application/zip"
	}
	if cur.cacheControl == "" {
		cur.cacheControl = "Private"
	}
	cur.body = [][]byte{append([]byte(nil), r.Body...)}
	cur.size = int64(len(r.Body))
	if !r.CreatedDate.IsZero() {
		cur.created = r.CreatedDate.UTC()
	}
	cur.modified = now
	if !r.LastModifiedDate.IsZero() {
		cur.modified = r.LastModifiedDate.UTC()
	}
	cur.modifiedBy, cur.modifiedByName = r.LastModifiedByID, r.LastModifiedByName
	if len(cur.modifiedBy) == 15 {
		cur.modifiedBy = caseSafe(cur.modifiedBy)
	}
	o.notifyWriteLocked(WritePut, before, cur)
	return cur.id
}

func (r *resource) export() Resource {
	body := make([]byte, 0, r.size)
	for _, c := range r.body {
		body = append(body, c...)
	}
	return Resource{
		ID: r.id, Name: r.name, NamespacePrefix: r.ns, ContentType: r.contentType,
		CacheControl: r.cacheControl, Description: r.description, Body: body,
		CreatedDate: r.created, LastModifiedDate: r.modified,
		LastModifiedByID: r.modifiedBy, LastModifiedByName: r.modifiedByName,
	}
}

// lastModifiedByLocked is the record's last writer: its Id and Name.
func (o *Org) lastModifiedByLocked(r *resource) (id, name string) {
	if r.modifiedBy == "" {
		return o.userID, o.opts.UserDisplayName
	}
	return r.modifiedBy, r.modifiedByName
}

func (o *Org) findByNameLocked(ns, name string) *resource {
	for _, r := range o.resources {
		if strings.EqualFold(r.ns, ns) && strings.EqualFold(r.name, name) {
			return r
		}
	}
	return nil
}

func (o *Org) findByIDLocked(id string) *resource {
	for rid, r := range o.resources {
		if sameID(id, rid) {
			return r
		}
	}
	return nil
}

func (o *Org) resourceRecordLocked(r *resource, c restCtx) record {
	var ns, desc any
	if r.ns != "" {
		ns = r.ns
	}
	if r.description != "" {
		desc = r.description
	}
	state := "unmanaged"
	if r.ns != "" {
		state = "installed"
	}
	byID, byName := o.lastModifiedByLocked(r)
	return record{typ: "StaticResource", id: r.id, values: map[string]any{
		"Id": r.id, "NamespacePrefix": ns, "Name": r.name, "ContentType": r.contentType,
		"BodyLength": r.size, "Body": c.base() + "/sobjects/StaticResource/" + r.id + "/Body",
		"Description": desc, "CreatedDate": r.created, "CreatedById": o.userID,
		"LastModifiedDate": r.modified, "LastModifiedById": byID, "SystemModstamp": r.modified,
		"CacheControl": r.cacheControl, "ManageableState": state,
		"LastModifiedBy.Id": byID, "LastModifiedBy.Name": byName,
	}}
}

// ---- sObject routes ----

func (o *Org) handleSObject(w http.ResponseWriter, r *http.Request, c restCtx, parts []string) {
	ent := entities[strings.ToLower(parts[0])]
	if ent == nil || (ent.name != "StaticResource" && ent.name != "User" && ent.name != "Organization") {
		writeErrors(w, r, http.StatusNotFound, errNotFound)
		return
	}
	switch {
	case len(parts) == 1 && ent.name == "StaticResource" && c.method == http.MethodPost:
		o.createResource(w, r, c)
	case len(parts) == 1 && (c.method == http.MethodGet || c.method == http.MethodHead):
		o.basicInfo(w, r, c, ent)
	case len(parts) == 1:
		methodNotAllowed(w, r, c, "GET,POST")
	case len(parts) == 2 && parts[1] == "describe":
		if c.method != http.MethodGet && c.method != http.MethodHead {
			methodNotAllowed(w, r, c, "GET,HEAD")
			return
		}
		o.describe(w, r, c, ent)
	case len(parts) == 2:
		switch c.method {
		case http.MethodGet, http.MethodHead:
			o.getRecord(w, r, c, ent, parts[1])
		case http.MethodPatch:
			if ent.name != "StaticResource" {
				writeErrors(w, r, http.StatusBadRequest, errNoAccess)
				return
			}
			o.updateResource(w, r, c, parts[1])
		case http.MethodDelete:
			if ent.name != "StaticResource" {
				writeErrors(w, r, http.StatusBadRequest, errNoAccess)
				return
			}
			o.deleteResource(w, r, parts[1])
		default:
			methodNotAllowed(w, r, c, "GET,PATCH,HEAD,DELETE")
		}
	case len(parts) == 3 && ent.name == "StaticResource" && parts[2] == "Body":
		if c.method != http.MethodGet && c.method != http.MethodHead {
			methodNotAllowed(w, r, c, "GET,HEAD")
			return
		}
		o.mu.Lock()
		res := o.findByIDLocked(parts[1])
		var chunks [][]byte
		ctype := ""
		if res != nil {
			chunks, ctype = res.body, res.contentType
		}
		o.mu.Unlock()
		if res == nil {
			writeErrors(w, r, http.StatusNotFound, errNotFound)
			return
		}
		writeChunks(w, r, http.StatusOK, ctype, chunks)
	default:
		writeErrors(w, r, http.StatusNotFound, errNotFound)
	}
}

// basicInfo is GET /sobjects/{Type}: the object's summary and recent items.
func (o *Org) basicInfo(w http.ResponseWriter, r *http.Request, c restCtx, ent *entity) {
	prefix := map[string]string{"StaticResource": "081", "User": "005", "Organization": "00D"}[ent.name]
	sb := c.base() + "/sobjects/" + ent.name
	writeJSONRaw(w, r, http.StatusOK, map[string]any{
		"objectDescribe": map[string]any{
			"activateable": false, "createable": ent.name == "StaticResource", "custom": false,
			"deletable": ent.name == "StaticResource", "keyPrefix": prefix, "label": ent.name,
			"name": ent.name, "queryable": true, "retrieveable": true, "updateable": ent.name != "Organization",
			"urls": map[string]string{"rowTemplate": sb + "/{ID}", "describe": sb + "/describe", "sobject": sb},
		},
		"recentItems": []any{},
	})
}

type fieldMeta struct {
	typ              string
	length           int
	nillable, writes bool
	picklist         []string
}

var staticResourceMeta = map[string]fieldMeta{
	"Id":               {typ: "id", length: 18},
	"NamespacePrefix":  {typ: "string", length: 15, nillable: true},
	"Name":             {typ: "string", length: 255, writes: true},
	"ContentType":      {typ: "string", length: 120, writes: true},
	"BodyLength":       {typ: "int"},
	"Body":             {typ: "base64", nillable: true, writes: true},
	"Description":      {typ: "textarea", length: 255, nillable: true, writes: true},
	"CreatedDate":      {typ: "datetime"},
	"CreatedById":      {typ: "reference", length: 18},
	"LastModifiedDate": {typ: "datetime"},
	"LastModifiedById": {typ: "reference", length: 18},
	"SystemModstamp":   {typ: "datetime"},
	"CacheControl":     {typ: "picklist", length: 255, writes: true, picklist: []string{"Private", "Public"}},
	"ManageableState":  {typ: "picklist", length: 40, picklist: []string{"beta", "deleted", "deprecated", "installed", "released", "unmanaged"}},
}

// describe is GET /sobjects/{Type}/describe: the object with its fields.
func (o *Org) describe(w http.ResponseWriter, r *http.Request, c restCtx, ent *entity) {
	var fields []map[string]any
	for _, f := range ent.fields {
		if ent.field(f, c.tooling) == "" {
			continue
		}
		m := fieldMeta{typ: "string", length: 255}
		if ent.name == "StaticResource" {
			m = staticResourceMeta[f]
		}
		if m.length == 0 && m.typ == "string" {
			m.length = 255
		}
		if ent.name == "StaticResource" && o.opts.MaxNameLength != 255 && f == "Name" {
			m.length = o.opts.MaxNameLength
		}
		var values []map[string]any
		for i, p := range m.picklist {
			values = append(values, map[string]any{"active": true, "defaultValue": i == 0 && f == "CacheControl", "label": p, "value": p})
		}
		if values == nil {
			values = []map[string]any{}
		}
		fields = append(fields, map[string]any{
			"name": f, "label": f, "type": m.typ, "length": m.length, "nillable": m.nillable || !m.writes && f != "Id",
			"createable": m.writes, "updateable": m.writes, "idLookup": f == "Id" || f == "Name",
			"restrictedPicklist": m.picklist != nil, "picklistValues": values,
		})
	}
	prefix := map[string]string{"StaticResource": "081", "User": "005", "Organization": "00D"}[ent.name]
	writeJSONRaw(w, r, http.StatusOK, map[string]any{
		"name": ent.name, "label": ent.name, "keyPrefix": prefix, "custom": false,
		"createable": ent.name == "StaticResource", "updateable": ent.name != "Organization",
		"deletable": ent.name == "StaticResource", "queryable": true, "retrieveable": true,
		"fields": fields,
		"urls":   map[string]string{"sobject": c.base() + "/sobjects/" + ent.name, "describe": c.base() + "/sobjects/" + ent.name + "/describe"},
	})
}

func (o *Org) getRecord(w http.ResponseWriter, r *http.Request, c restCtx, ent *entity, id string) {
	o.mu.Lock()
	var rec *record
	for _, row := range o.rowsLocked(ent, c) {
		if row.id != "" && sameID(id, row.id) {
			rec = &row
			break
		}
	}
	o.mu.Unlock()
	if rec == nil {
		writeErrors(w, r, http.StatusNotFound, errNotFound)
		return
	}
	if since, ok, _ := conditionalTime(r, "If-Modified-Since"); ok {
		if mod, has := rowModified(rec); has && !modifiedAfter(mod, since) {
			w.WriteHeader(http.StatusNotModified) // no body
			return
		}
	}
	var fields []string
	if fs := r.URL.Query().Get("fields"); fs != "" {
		for _, f := range strings.Split(fs, ",") {
			f = strings.TrimSpace(f)
			canon := ent.field(f, c.tooling)
			if canon == "" {
				writeErrors(w, r, http.StatusBadRequest, apiErr("INVALID_FIELD",
					"No such column '"+f+"' on sobject of type "+ent.name))
				return
			}
			fields = append(fields, canon)
		}
	} else {
		for _, f := range ent.fields {
			if ent.field(f, c.tooling) != "" {
				fields = append(fields, f)
			}
		}
	}
	writeBody(w, r, http.StatusOK, "application/json;charset=UTF-8", recordJSON(*rec, c, fields))
}

// ---- uploads ----

// chunkBuf stores a body as fixed-size chunks, so growing it never copies;
// past max it only counts.
type chunkBuf struct {
	chunks [][]byte
	n, max int64
}

const chunkSize = 64 * 1024

func (b *chunkBuf) Write(p []byte) (int, error) {
	total := len(p)
	b.n += int64(total)
	if b.n > b.max {
		b.chunks = nil
		return total, nil
	}
	for len(p) > 0 {
		if len(b.chunks) == 0 || len(b.chunks[len(b.chunks)-1]) == chunkSize {
			b.chunks = append(b.chunks, make([]byte, 0, chunkSize))
		}
		last := &b.chunks[len(b.chunks)-1]
		k := min(chunkSize-len(*last), len(p))
		*last = append(*last, p[:k]...)
		p = p[k:]
	}
	return total, nil
}

// upload is a decoded create or update request.
type upload struct {
	fields   map[string]json.RawMessage // canonical-cased as sent
	order    []string
	hasBody  bool
	bodyNull bool
	body     chunkBuf
	maxReq   int64
}

type uploadError struct {
	status int
	err    apiError
}

func jsonParseErr(msg string) *uploadError {
	return &uploadError{http.StatusBadRequest, apiErr("JSON_PARSER_ERROR", msg)}
}

// errTooLarge marks a request over MaxRequestSize.
var errTooLarge = errors.New("request too large")

type capReader struct {
	r        io.Reader
	n, limit int64
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return n, errTooLarge
	}
	return n, err
}

// decodeUpload reads a JSON or multipart request body (optionally gzip or
// deflate encoded), streaming the Body straight into the chunk buffer.
func (o *Org) decodeUpload(r *http.Request) (*upload, *uploadError) {
	maxReq := o.opts.maxRequestSize
	if r.ContentLength > maxReq {
		return nil, tooLarge(maxReq)
	}
	var in io.Reader = &capReader{r: r.Body, limit: maxReq}
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(in)
		if err != nil {
			return nil, jsonParseErr("Unable to decompress the request body: " + err.Error())
		}
		defer func() { _ = zr.Close() }()
		in = zr
	case "deflate":
		// RFC 9110 deflate is zlib-wrapped; accept raw deflate too.
		in = newDeflateReader(in)
	default:
		return nil, &uploadError{http.StatusUnsupportedMediaType, apiErr("UNSUPPORTED_MEDIA_TYPE", "Content-Encoding "+enc+" is not supported")}
	}
	// Decompressed bytes are capped too: at the request cap with
	// Quirks.CapDecompressed, else generously (a zip bomb must not run
	// forever; bodies past MaxResourceSize are counted, not stored).
	limit := 4 * maxReq
	if o.opts.Quirks.CapDecompressed {
		limit = maxReq
	}
	in = &capReader{r: in, limit: limit}
	up := &upload{fields: map[string]json.RawMessage{}, body: chunkBuf{max: o.opts.MaxResourceSize}, maxReq: maxReq}
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var uerr *uploadError
	if strings.HasPrefix(mediaType, "multipart/") {
		if o.opts.Quirks.RejectMultipart {
			return nil, &uploadError{http.StatusUnsupportedMediaType, apiErr("UNSUPPORTED_MEDIA_TYPE",
				"Content type '"+mediaType+"' not supported for StaticResource")}
		}
		uerr = up.readMultipart(in, params["boundary"])
	} else {
		uerr = up.readJSON(in)
	}
	if uerr != nil {
		return nil, uerr
	}
	return up, nil
}

func tooLarge(maxReq int64) *uploadError {
	return &uploadError{http.StatusRequestEntityTooLarge, apiErr("JSON_PARSER_ERROR",
		fmt.Sprintf("Maximum size of request reached. Maximum size of request is %d bytes.", maxReq))}
}

func (up *upload) readErr(err error) *uploadError {
	if errors.Is(err, errTooLarge) {
		return tooLarge(up.maxReq)
	}
	return jsonParseErr("Unexpected end-of-input or malformed request body: " + err.Error())
}

func (up *upload) readJSON(in io.Reader) *uploadError {
	s := &jsonScan{r: newBufReader(in)}
	if err := s.object(func(key string) error {
		if strings.EqualFold(key, "Body") {
			c, err := s.peekNonSpace()
			if err != nil {
				return err
			}
			switch c {
			case '"':
				up.hasBody, up.bodyNull = true, false
				up.body = chunkBuf{max: up.body.max} // a repeated key replaces
				return s.base64String(&up.body)
			case 'n':
				up.hasBody, up.bodyNull = true, true
			}
		}
		raw, err := s.value()
		if err != nil {
			return err
		}
		if _, dup := up.fields[key]; !dup {
			up.order = append(up.order, key)
		}
		up.fields[key] = raw
		return nil
	}); err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return jsonParseErr(se.msg)
		}
		return up.readErr(err)
	}
	return nil
}

func (up *upload) readMultipart(in io.Reader, boundary string) *uploadError {
	if boundary == "" {
		return jsonParseErr("Multipart request is missing its boundary")
	}
	mr := multipart.NewReader(in, boundary)
	gotEntity := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up.readErr(err)
		}
		name := part.FormName()
		if strings.EqualFold(name, "Body") {
			up.hasBody = true
			if _, err := io.Copy(&up.body, part); err != nil {
				return up.readErr(err)
			}
			continue
		}
		if gotEntity {
			_, _ = io.Copy(io.Discard, part)
			continue
		}
		gotEntity = true
		sub := &upload{fields: up.fields, maxReq: up.maxReq, body: chunkBuf{max: up.body.max}}
		if uerr := sub.readJSON(io.LimitReader(part, 1<<20)); uerr != nil {
			return uerr
		}
		up.order = sub.order
		if sub.hasBody && !sub.bodyNull {
			up.hasBody = true
			up.body = sub.body
		}
	}
	if !gotEntity {
		return jsonParseErr("Multipart request must contain a JSON entity part")
	}
	return nil
}

type deflateReader struct {
	src  *bufReader
	rd   io.Reader
	init bool
}

func newDeflateReader(r io.Reader) io.Reader { return &deflateReader{src: newBufReader(r)} }

func (d *deflateReader) Read(p []byte) (int, error) {
	if !d.init {
		d.init = true
		hdr, _ := d.src.Peek(2)
		if len(hdr) == 2 && hdr[0]&0x0f == 8 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
			_, _ = d.src.Discard(2) // zlib header; the adler32 trailer is ignored
		}
		d.rd = flate.NewReader(d.src)
	}
	return d.rd.Read(p)
}

// ---- create / update / delete ----

var writable = []string{"Name", "Description", "ContentType", "CacheControl", "Body"}

func (o *Org) writeDenied(w http.ResponseWriter, r *http.Request) bool {
	o.mu.Lock()
	ok := o.customize
	o.mu.Unlock()
	if !ok {
		writeErrors(w, r, o.opts.Quirks.InsufficientAccessStatus, errNoAccess)
	}
	return !ok
}

// fieldsOf validates the non-Body fields and returns them as strings
// (nil value: JSON null).
func fieldsOf(up *upload, objType string) (map[string]*string, *uploadError) {
	out := map[string]*string{}
	for _, key := range up.order {
		raw := up.fields[key]
		canon := ""
		for _, f := range writable {
			if strings.EqualFold(f, key) {
				canon = f
			}
		}
		if canon == "" {
			if ent := entities["staticresource"]; ent.field(key, true) != "" {
				return nil, &uploadError{http.StatusBadRequest, dmlErr("INVALID_FIELD_FOR_INSERT_UPDATE",
					"Unable to create/update fields: "+ent.field(key, true)+". Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
					ent.field(key, true))}
			}
			return nil, &uploadError{http.StatusBadRequest, apiErr("INVALID_FIELD",
				"No such column '"+key+"' on sobject of type "+objType)}
		}
		if canon == "Body" {
			continue // only reached for non-string, non-null Body values
		}
		if string(raw) == "null" {
			out[canon] = nil
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, jsonParseErr("Cannot deserialize instance of string from " + tokenKind(raw) + " value " + string(raw) + " or request may be missing a required field")
		}
		out[canon] = &s
	}
	for _, key := range up.order {
		if strings.EqualFold(key, "Body") && !up.bodyNull {
			if _, isStr := up.fields[key]; isStr {
				return nil, jsonParseErr("Cannot deserialize instance of base64 from " + tokenKind(up.fields[key]) + " value " + string(up.fields[key]) + " or request may be missing a required field")
			}
		}
	}
	return out, nil
}

func tokenKind(raw json.RawMessage) string {
	switch {
	case len(raw) == 0:
		return "VALUE_NULL"
	case raw[0] == '{':
		return "START_OBJECT"
	case raw[0] == '[':
		return "START_ARRAY"
	case raw[0] == 't':
		return "VALUE_TRUE"
	case raw[0] == 'f':
		return "VALUE_FALSE"
	case bytes.ContainsAny(raw, ".eE"):
		return "VALUE_NUMBER_FLOAT"
	}
	return "VALUE_NUMBER_INT"
}

// validateLocked checks the merged state of a resource being written.
func (o *Org) validateLocked(self *resource, name, contentType, cacheControl, description string, size int64) *apiError {
	maxName := o.opts.MaxNameLength
	switch {
	case len(name) > maxName:
		e := dmlErr("STRING_TOO_LONG", fmt.Sprintf("Name: data value too large: %s (max length=%d)", truncate(name, 80), maxName), "Name")
		return &e
	case !nameRule().MatchString(name):
		e := dmlErr(o.opts.Quirks.InvalidNameErrorCode, "The Static Resource Name"+` field can only contain underscores and alphanumeric characters. It must be unique, begin with a letter, not include spaces, not end with an underscore, and not contain two consecutive underscores.`, "Name")
		return &e
	case len(description) > 255:
		e := dmlErr("STRING_TOO_LONG", fmt.Sprintf("Description: data value too large: %s (max length=255)", truncate(description, 80)), "Description")
		return &e
	case len(contentType) > 120:
		e := dmlErr("STRING_TOO_LONG", fmt.Sprintf("MIME Type: data value too large: %s (max length=120)", truncate(contentType, 80)), "ContentType")
		return &e
	case cacheControl != "Private" && cacheControl != "Public":
		e := dmlErr("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Cache Control: bad value for restricted picklist field: "+cacheControl, "CacheControl")
		return &e
	case size > o.opts.MaxResourceSize:
		e := dmlErr(o.opts.Quirks.OversizeErrorCode, "static resource cannot exceed "+sizeText(o.opts.MaxResourceSize), "Body")
		return &e
	}
	var total int64
	for _, r := range o.resources {
		if r != self {
			total += r.size
		}
	}
	if total+size > o.opts.MaxOrgStorage {
		e := dmlErr("STORAGE_LIMIT_EXCEEDED", "storage limit exceeded: your organization can have up to "+sizeText(o.opts.MaxOrgStorage)+" of static resources", "Body")
		return &e
	}
	if dup := o.findByNameLocked("", name); dup != nil && dup != self {
		e := dmlErr("DUPLICATE_VALUE", "duplicate value found: Name duplicates value on record with id: "+dup.id[:15])
		return &e
	}
	return nil
}

func sizeText(n int64) string {
	const mb = 1024 * 1024
	if n%mb == 0 {
		return fmt.Sprintf("%dMB", n/mb)
	}
	return fmt.Sprintf("%d bytes", n)
}

func (o *Org) createResource(w http.ResponseWriter, r *http.Request, c restCtx) {
	if o.writeDenied(w, r) {
		return
	}
	up, uerr := o.decodeUpload(r)
	if uerr == nil {
		var fields map[string]*string
		fields, uerr = fieldsOf(up, "StaticResource")
		if uerr == nil {
			uerr = o.commitCreate(w, r, c, up, fields)
		}
	}
	if uerr != nil {
		writeErrors(w, r, uerr.status, uerr.err)
	}
}

func (o *Org) commitCreate(w http.ResponseWriter, r *http.Request, c restCtx, up *upload, fields map[string]*string) *uploadError {
	get := func(k string) string {
		if v := fields[k]; v != nil {
			return *v
		}
		return ""
	}
	var missing []string
	if get("Name") == "" {
		missing = append(missing, "Name")
	}
	if !up.hasBody || up.bodyNull {
		missing = append(missing, "Body")
	}
	if get("ContentType") == "" {
		missing = append(missing, "ContentType")
	}
	cache := get("CacheControl")
	if cache == "" {
		if c.tooling {
			missing = append(missing, "CacheControl")
		}
		cache = "Private"
	}
	if len(missing) > 0 {
		return &uploadError{http.StatusBadRequest, dmlErr("REQUIRED_FIELD_MISSING",
			"Required fields are missing: ["+strings.Join(missing, ", ")+"]", missing...)}
	}
	o.mu.Lock()
	if !o.customize {
		o.mu.Unlock()
		return &uploadError{o.opts.Quirks.InsufficientAccessStatus, errNoAccess}
	}
	if e := o.validateLocked(nil, get("Name"), get("ContentType"), cache, get("Description"), up.body.n); e != nil {
		o.mu.Unlock()
		return &uploadError{http.StatusBadRequest, *e}
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	o.seq++
	res := &resource{
		id: newID("081"), name: get("Name"), contentType: get("ContentType"), cacheControl: cache,
		description: get("Description"), body: up.body.chunks, size: up.body.n,
		created: now, modified: now, seq: o.seq,
	}
	o.resources[res.id] = res
	o.notifyWriteLocked(WriteCreate, nil, res)
	o.mu.Unlock()
	w.Header().Set("Location", c.base()+"/sobjects/StaticResource/"+res.id)
	if c.tooling {
		writeBody(w, r, http.StatusCreated, "application/json;charset=UTF-8",
			[]byte(`{"id":"`+res.id+`","success":true,"errors":[],"warnings":[],"infos":[]}`))
	} else {
		writeBody(w, r, http.StatusCreated, "application/json;charset=UTF-8",
			[]byte(`{"id":"`+res.id+`","success":true,"errors":[]}`))
	}
	return nil
}

func (o *Org) updateResource(w http.ResponseWriter, r *http.Request, _ restCtx, id string) {
	if o.writeDenied(w, r) {
		return
	}
	o.mu.Lock()
	exists := o.findByIDLocked(id) != nil
	o.mu.Unlock()
	if !exists {
		writeErrors(w, r, http.StatusNotFound, errNotFound)
		return
	}
	since, conditional, bad := conditionalTime(r, "If-Unmodified-Since")
	if bad {
		writeErrors(w, r, http.StatusBadRequest, errBadConditional)
		return
	}
	up, uerr := o.decodeUpload(r)
	if uerr == nil {
		var fields map[string]*string
		fields, uerr = fieldsOf(up, "StaticResource")
		if uerr == nil {
			var unmodifiedSince *time.Time
			if conditional {
				unmodifiedSince = &since
			}
			uerr = o.commitUpdate(id, up, fields, unmodifiedSince)
		}
	}
	if uerr != nil && uerr.status == http.StatusPreconditionFailed {
		// Nothing was written; Salesforce documents no body for it.
		w.WriteHeader(http.StatusPreconditionFailed)
		return
	}
	if uerr != nil {
		writeErrors(w, r, uerr.status, uerr.err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (o *Org) commitUpdate(id string, up *upload, fields map[string]*string, unmodifiedSince *time.Time) *uploadError {
	o.mu.Lock()
	defer o.mu.Unlock()
	res := o.findByIDLocked(id)
	if res == nil {
		return &uploadError{http.StatusNotFound, errNotFound}
	}
	if unmodifiedSince != nil && modifiedAfter(res.modified, *unmodifiedSince) {
		return &uploadError{status: http.StatusPreconditionFailed}
	}
	if !o.customize || res.ns != "" {
		return &uploadError{o.opts.Quirks.InsufficientAccessStatus, errNoAccess}
	}
	name, ctype, cache, desc := res.name, res.contentType, res.cacheControl, res.description
	var missing []string
	for k, v := range fields {
		switch {
		case (v == nil || *v == "") && (k == "Name" || k == "ContentType"):
			missing = append(missing, k)
		case v == nil && k == "CacheControl":
			cache = ""
		case k == "Name":
			name = *v
		case k == "ContentType":
			ctype = *v
		case k == "CacheControl":
			cache = *v
		case k == "Description":
			desc = ""
			if v != nil {
				desc = *v
			}
		}
	}
	if up.bodyNull {
		missing = append(missing, "Body")
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return &uploadError{http.StatusBadRequest, dmlErr("REQUIRED_FIELD_MISSING",
			"Required fields are missing: ["+strings.Join(missing, ", ")+"]", missing...)}
	}
	size := res.size
	if up.hasBody {
		size = up.body.n
	}
	if e := o.validateLocked(res, name, ctype, cache, desc, size); e != nil {
		return &uploadError{http.StatusBadRequest, *e}
	}
	before := o.snapshotLocked(res)
	res.name, res.contentType, res.cacheControl, res.description = name, ctype, cache, desc
	if up.hasBody {
		res.body, res.size = up.body.chunks, up.body.n
	}
	res.modified = time.Now().UTC().Truncate(time.Millisecond)
	res.modifiedBy, res.modifiedByName = "", "" // the API user
	o.notifyWriteLocked(WriteUpdate, before, res)
	return nil
}

func (o *Org) deleteResource(w http.ResponseWriter, r *http.Request, id string) {
	o.mu.Lock()
	res := o.findByIDLocked(id)
	switch {
	case res == nil:
		o.mu.Unlock()
		writeErrors(w, r, http.StatusNotFound, errNotFound)
		return
	case !o.customize || res.ns != "":
		o.mu.Unlock()
		writeErrors(w, r, o.opts.Quirks.InsufficientAccessStatus, errNoAccess)
		return
	}
	before := o.snapshotLocked(res)
	delete(o.resources, res.id)
	o.notifyWriteLocked(WriteDelete, before, nil)
	o.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}
