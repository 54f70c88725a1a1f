package sfsim

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// entity describes one queryable sObject type.
type entity struct {
	name    string
	fields  []string // canonical names, describe order
	rest    bool     // queryable via /query
	tooling bool     // queryable via /tooling/query
	// rels are the parent relationships (to User) that SOQL may traverse,
	// e.g. LastModifiedBy.Name: relationship name -> the User fields offered.
	rels map[string][]string
}

var permissionNames = []string{
	"ApiEnabled", "CustomizeApplication", "ModifyAllData", "ViewAllData", "ViewSetup",
	"AuthorApex", "ManageUsers", "ManageProfilesPermissionsets", "ViewAllUsers",
	"ApiUserOnly", "ModifyMetadata", "ManageCustomPermissions", "InstallPackaging",
}

var entities = func() map[string]*entity {
	perm := []string{"Id", "LastCacheUpdate"}
	for _, p := range permissionNames {
		perm = append(perm, "Permissions"+p)
	}
	list := []*entity{
		{name: "StaticResource", rest: true, tooling: true, fields: []string{
			"Id", "NamespacePrefix", "Name", "ContentType", "BodyLength", "Body", "Description",
			"CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
			"CacheControl", "ManageableState",
		}, rels: map[string][]string{"LastModifiedBy": {"Id", "Name"}}},
		{name: "UserPermissionAccess", rest: true, fields: perm},
		{name: "Organization", rest: true, tooling: true, fields: []string{
			"Id", "Name", "Division", "Country", "LanguageLocaleKey", "TimeZoneSidKey", "PrimaryContact",
			"IsSandbox", "InstanceName", "OrganizationType", "NamespacePrefix", "TrialExpirationDate",
			"CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
		}},
		{name: "User", rest: true, tooling: true, fields: []string{
			"Id", "Username", "LastName", "FirstName", "Name", "Alias", "Email", "IsActive",
			"TimeZoneSidKey", "LocaleSidKey", "LanguageLocaleKey", "UserType", "ProfileId",
			"CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp",
		}},
	}
	m := map[string]*entity{}
	for _, e := range list {
		m[strings.ToLower(e.name)] = e
	}
	return m
}()

// field returns the canonical name of f, or "". A relationship field
// ("lastmodifiedby.name") comes back as "LastModifiedBy.Name".
func (e *entity) field(f string, tooling bool) string {
	if rel, sub, ok := strings.Cut(f, "."); ok {
		for r, subs := range e.rels {
			if !strings.EqualFold(r, rel) {
				continue
			}
			for _, n := range subs {
				if strings.EqualFold(n, sub) {
					return r + "." + n
				}
			}
		}
		return ""
	}
	for _, n := range e.fields {
		if strings.EqualFold(n, f) {
			if n == "ManageableState" && !tooling {
				return ""
			}
			return n
		}
	}
	return ""
}

// record is one row: canonical field -> value (string, bool, int64, time.Time or nil).
type record struct {
	typ, id string
	values  map[string]any
}

// rowsLocked returns every row of e visible to the caller.
func (o *Org) rowsLocked(e *entity, c restCtx) []record {
	switch e.name {
	case "StaticResource":
		list := make([]*resource, 0, len(o.resources))
		for _, r := range o.resources {
			list = append(list, r)
		}
		sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
		rows := make([]record, 0, len(list))
		for _, r := range list {
			rows = append(rows, o.resourceRecordLocked(r, c))
		}
		return rows
	case "UserPermissionAccess":
		v := map[string]any{"Id": nil, "LastCacheUpdate": o.createdDate}
		for _, p := range permissionNames {
			v["Permissions"+p] = true
		}
		v["PermissionsApiOnly"] = false
		v["PermissionsApiUserOnly"] = false
		v["PermissionsCustomizeApplication"] = o.customize
		v["PermissionsModifyMetadata"] = o.customize
		return []record{{typ: "UserPermissionAccess", id: "", values: v}}
	case "Organization":
		inst, typ := "USA224", "Enterprise Edition"
		if o.sandbox {
			inst, typ = "CS224", "Enterprise Edition"
		}
		return []record{{typ: "Organization", id: o.orgID, values: map[string]any{
			"Id": o.orgID, "Name": o.opts.OrgName, "Division": nil, "Country": "US",
			"LanguageLocaleKey": "en_US", "TimeZoneSidKey": "America/Los_Angeles",
			"PrimaryContact": o.opts.UserDisplayName, "IsSandbox": o.sandbox, "InstanceName": inst,
			"OrganizationType": typ, "NamespacePrefix": nil, "TrialExpirationDate": nil,
			"CreatedDate": o.createdDate, "CreatedById": o.userID, "LastModifiedDate": o.createdDate,
			"LastModifiedById": o.userID, "SystemModstamp": o.createdDate,
		}}}
	case "User":
		first, last, nick := o.names()
		return []record{{typ: "User", id: o.userID, values: map[string]any{
			"Id": o.userID, "Username": o.opts.Username, "LastName": last, "FirstName": first,
			"Name": o.opts.UserDisplayName, "Alias": truncate(nick, 8), "Email": o.opts.Username,
			"IsActive": true, "TimeZoneSidKey": "America/Los_Angeles", "LocaleSidKey": "en_US",
			"LanguageLocaleKey": "en_US", "UserType": "Standard", "ProfileId": caseSafe("00e5g000000Ab1C"),
			"CreatedDate": o.createdDate, "CreatedById": o.userID, "LastModifiedDate": o.createdDate,
			"LastModifiedById": o.userID, "SystemModstamp": o.createdDate,
		}}}
	}
	return nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// recordJSON renders a record with attributes and the given fields in order.
func recordJSON(rec record, c restCtx, fields []string) []byte {
	var b bytes.Buffer
	attrs := map[string]any{"type": rec.typ}
	if rec.id != "" {
		attrs["url"] = c.base() + "/sobjects/" + rec.typ + "/" + rec.id
	}
	ab, _ := marshalNoEscape(attrs)
	b.WriteString(`{"attributes":`)
	b.Write(ab)
	done := map[string]bool{}
	for _, f := range fields {
		rel, _, isRel := strings.Cut(f, ".")
		if isRel && done[rel] {
			continue
		}
		b.WriteByte(',')
		if isRel {
			done[rel] = true
			k, _ := marshalNoEscape(rel)
			b.Write(k)
			b.WriteByte(':')
			b.Write(relationJSON(rec, c, rel, fields))
			continue
		}
		k, _ := marshalNoEscape(f)
		b.Write(k)
		b.WriteByte(':')
		b.Write(valueJSON(rec.values[f]))
	}
	b.WriteByte('}')
	return b.Bytes()
}

// relationJSON renders a parent relationship the way Salesforce nests it:
// {"attributes":{"type":"User","url":...},"Name":...}, or null without a parent.
func relationJSON(rec record, c restCtx, rel string, fields []string) []byte {
	id, _ := rec.values[rel+".Id"].(string)
	if id == "" {
		return []byte("null")
	}
	parent := record{typ: "User", id: id, values: map[string]any{}}
	var sub []string
	for _, f := range fields {
		if r, n, ok := strings.Cut(f, "."); ok && r == rel && !slices.Contains(sub, n) {
			sub = append(sub, n)
			parent.values[n] = rec.values[f]
		}
	}
	return recordJSON(parent, c, sub)
}

func valueJSON(v any) []byte {
	if t, ok := v.(time.Time); ok {
		v = formatTime(t)
	}
	b, _ := marshalNoEscape(v)
	return b
}

// ---- SOQL subset ----

type token struct {
	kind byte // 'i' ident, 's' string, 'n' number, 'p' punct, 0 EOF
	text string
	pos  int
}

func lex(q string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isIdentStart(c):
			j := i
			for j < len(q) && (isIdentStart(q[j]) || q[j] >= '0' && q[j] <= '9' || q[j] == '.') {
				j++
			}
			toks = append(toks, token{'i', q[i:j], i})
			i = j
		case c >= '0' && c <= '9' || c == '-':
			j := i + 1
			for j < len(q) && (q[j] >= '0' && q[j] <= '9' || q[j] == '.') {
				j++
			}
			toks = append(toks, token{'n', q[i:j], i})
			i = j
		case c == '\'':
			var sb strings.Builder
			j := i + 1
			closed := false
			for j < len(q) {
				if q[j] == '\\' && j+1 < len(q) {
					sb.WriteByte(q[j+1])
					j += 2
					continue
				}
				if q[j] == '\'' {
					closed = true
					j++
					break
				}
				sb.WriteByte(q[j])
				j++
			}
			if !closed {
				return nil, fmt.Errorf("unexpected token: <EOF>")
			}
			toks = append(toks, token{'s', sb.String(), i})
			i = j
		case c == '!' || c == '<' || c == '>':
			if i+1 < len(q) && q[i+1] == '=' {
				toks = append(toks, token{'p', q[i : i+2], i})
				i += 2
			} else if c == '!' {
				return nil, fmt.Errorf("unexpected token: '!'")
			} else {
				toks = append(toks, token{'p', q[i : i+1], i})
				i++
			}
		case strings.IndexByte(",()=", c) >= 0:
			toks = append(toks, token{'p', q[i : i+1], i})
			i++
		default:
			return nil, fmt.Errorf("unexpected token: '%c'", c)
		}
	}
	return append(toks, token{kind: 0, text: "<EOF>", pos: len(q)}), nil
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

type selectItem struct {
	field string // canonical field, "" for COUNT()
	agg   string // "", COUNT, SUM, MIN, MAX, AVG
	alias string
	pos   int
}

type cond struct {
	field string
	op    string // = != < > <= >= LIKE IN
	vals  []any  // string, float64, bool or nil
}

type soql struct {
	items   []selectItem
	ent     *entity
	where   [][]cond // OR of ANDs
	orderBy string
	desc    bool
	limit   int
	offset  int
}

type queryError struct {
	status int
	err    apiError
}

func malformed(msg string) *queryError {
	return &queryError{http.StatusBadRequest, apiErr("MALFORMED_QUERY", msg)}
}

func unexpected(t token) *queryError {
	if t.kind == 0 {
		return malformed("unexpected token: <EOF>")
	}
	return malformed("unexpected token: '" + t.text + "'")
}

func caretMessage(q string, pos int, msg string) string {
	return "\n" + q + "\n" + strings.Repeat(" ", pos) + "^\nERROR at Row:1:Column:" + strconv.Itoa(pos+1) + "\n" + msg
}

var soqlKeywords = map[string]bool{"select": true, "from": true, "where": true, "and": true, "or": true, "limit": true, "offset": true, "order": true, "by": true, "group": true, "like": true, "in": true, "not": true, "asc": true, "desc": true, "nulls": true, "first": true, "last": true, "null": true, "true": true, "false": true}

type parser struct {
	q       string
	toks    []token
	p       int
	tooling bool
	ent     *entity
}

func (ps *parser) peek() token { return ps.toks[ps.p] }

func (ps *parser) next() token {
	t := ps.toks[ps.p]
	if t.kind != 0 {
		ps.p++
	}
	return t
}

func isKw(t token, kw string) bool { return t.kind == 'i' && strings.EqualFold(t.text, kw) }

// resolve maps a field name to its canonical form or an INVALID_FIELD error.
func (ps *parser) resolve(name string, pos int) (string, *queryError) {
	f := ps.ent.field(name, ps.tooling)
	if f == "" {
		return "", &queryError{http.StatusBadRequest, apiErr("INVALID_FIELD", caretMessage(ps.q, pos,
			"No such column '"+name+"' on entity '"+ps.ent.name+"'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."))}
	}
	return f, nil
}

type rawItem struct {
	selectItem
	name string
}

func (ps *parser) selectList() ([]rawItem, *queryError) {
	var raw []rawItem
	for {
		t := ps.next()
		if t.kind != 'i' || soqlKeywords[strings.ToLower(t.text)] {
			return nil, unexpected(t)
		}
		it := rawItem{selectItem: selectItem{pos: t.pos}, name: t.text}
		if ps.peek().text == "(" {
			it.agg = strings.ToUpper(t.text)
			switch it.agg {
			case "COUNT", "SUM", "MIN", "MAX", "AVG":
			default:
				return nil, malformed("unknown function: " + t.text)
			}
			ps.next()
			if a := ps.peek(); a.kind == 'i' {
				it.name, it.pos = a.text, a.pos
				ps.next()
			} else if it.agg != "COUNT" {
				return nil, unexpected(a)
			} else {
				it.name = ""
			}
			if c := ps.next(); c.text != ")" {
				return nil, unexpected(c)
			}
			if a := ps.peek(); a.kind == 'i' && !soqlKeywords[strings.ToLower(a.text)] {
				it.alias = a.text
				ps.next()
			}
		}
		raw = append(raw, it)
		if ps.peek().text != "," {
			return raw, nil
		}
		ps.next()
	}
}

func (ps *parser) condition() (cond, *queryError) {
	ft := ps.next()
	if ft.kind != 'i' {
		return cond{}, unexpected(ft)
	}
	f, qe := ps.resolve(ft.text, ft.pos)
	if qe != nil {
		return cond{}, qe
	}
	c := cond{field: f}
	op := ps.next()
	switch {
	case op.kind == 'p' && op.text != "," && op.text != "(" && op.text != ")":
		c.op = op.text
	case isKw(op, "like"):
		c.op = "LIKE"
	case isKw(op, "in"):
		c.op = "IN"
	default:
		return cond{}, unexpected(op)
	}
	if c.op != "IN" {
		v, qe := literal(ps.next())
		c.vals = []any{v}
		return c, qe
	}
	if t := ps.next(); t.text != "(" {
		return cond{}, unexpected(t)
	}
	for {
		v, qe := literal(ps.next())
		if qe != nil {
			return cond{}, qe
		}
		c.vals = append(c.vals, v)
		t := ps.next()
		if t.text == ")" {
			return c, nil
		}
		if t.text != "," {
			return cond{}, unexpected(t)
		}
	}
}

// where parses conditions joined by AND/OR (AND binds tighter).
func (ps *parser) where() ([][]cond, *queryError) {
	var out [][]cond
	group := []cond{}
	for {
		c, qe := ps.condition()
		if qe != nil {
			return nil, qe
		}
		group = append(group, c)
		switch t := ps.peek(); {
		case isKw(t, "and"):
			ps.next()
		case isKw(t, "or"):
			ps.next()
			out = append(out, group)
			group = []cond{}
		default:
			return append(out, group), nil
		}
	}
}

func (ps *parser) orderAndLimit(s *soql) *queryError {
	if isKw(ps.peek(), "order") {
		ps.next()
		if t := ps.next(); !isKw(t, "by") {
			return unexpected(t)
		}
		ft := ps.next()
		f, qe := ps.resolve(ft.text, ft.pos)
		if qe != nil {
			return qe
		}
		s.orderBy = f
		if t := ps.peek(); isKw(t, "asc") || isKw(t, "desc") {
			s.desc = isKw(t, "desc")
			ps.next()
		}
		if isKw(ps.peek(), "nulls") {
			ps.next()
			if t := ps.next(); !isKw(t, "first") && !isKw(t, "last") {
				return unexpected(t)
			}
		}
	}
	for _, kw := range []string{"limit", "offset"} {
		if isKw(ps.peek(), kw) {
			ps.next()
			n := ps.next()
			v, err := strconv.Atoi(n.text)
			if n.kind != 'n' || err != nil || v < 0 {
				return unexpected(n)
			}
			if kw == "limit" {
				s.limit = v
			} else {
				s.offset = v
			}
		}
	}
	if t := ps.peek(); t.kind != 0 {
		return unexpected(t)
	}
	return nil
}

func parseSOQL(q string, tooling bool) (*soql, *queryError) {
	toks, err := lex(q)
	if err != nil {
		return nil, malformed(err.Error())
	}
	ps := &parser{q: q, toks: toks, tooling: tooling}
	if t := ps.next(); !isKw(t, "select") {
		return nil, unexpected(t)
	}
	raw, qe := ps.selectList()
	if qe != nil {
		return nil, qe
	}
	if t := ps.next(); !isKw(t, "from") {
		return nil, unexpected(t)
	}
	objTok := ps.next()
	if objTok.kind != 'i' {
		return nil, unexpected(objTok)
	}
	ent := entities[strings.ToLower(objTok.text)]
	if ent == nil || (tooling && !ent.tooling) || (!tooling && !ent.rest) {
		return nil, &queryError{http.StatusBadRequest, apiErr("INVALID_TYPE", caretMessage(q, objTok.pos,
			"sObject type '"+objTok.text+"' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."))}
	}
	ps.ent = ent
	s := &soql{ent: ent, limit: -1}
	for _, it := range raw {
		if it.name != "" {
			f, qe := ps.resolve(it.name, it.pos)
			if qe != nil {
				return nil, qe
			}
			it.field = f
		}
		s.items = append(s.items, it.selectItem)
	}
	if isKw(ps.peek(), "where") {
		ps.next()
		if s.where, qe = ps.where(); qe != nil {
			return nil, qe
		}
	}
	if qe := ps.orderAndLimit(s); qe != nil {
		return nil, qe
	}
	hasAgg, plain := false, ""
	for _, it := range s.items {
		if it.agg != "" {
			hasAgg = true
		} else if plain == "" {
			plain = it.field
		}
		if (it.agg == "SUM" || it.agg == "AVG") && it.field != "BodyLength" {
			return nil, malformed("Invalid field type for " + it.agg + ": " + it.field)
		}
	}
	if hasAgg && plain != "" {
		return nil, malformed("Field must be grouped or aggregated: " + plain)
	}
	return s, nil
}

func literal(t token) (any, *queryError) {
	switch {
	case t.kind == 's':
		return t.text, nil
	case t.kind == 'n':
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, unexpected(t)
		}
		return f, nil
	case t.kind == 'i' && strings.EqualFold(t.text, "null"):
		return nil, nil
	case t.kind == 'i' && strings.EqualFold(t.text, "true"):
		return true, nil
	case t.kind == 'i' && strings.EqualFold(t.text, "false"):
		return false, nil
	}
	return nil, unexpected(t)
}

func compare(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(strings.ToLower(x), strings.ToLower(y)), true
	case int64:
		y, ok := b.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case float64(x) < y:
			return -1, true
		case float64(x) > y:
			return 1, true
		}
		return 0, true
	case bool:
		y, ok := b.(bool)
		if !ok || x != y {
			return 1, ok
		}
		return 0, true
	case time.Time:
		y, ok := b.(string)
		if !ok {
			return 0, false
		}
		return strings.Compare(formatTime(x), y), true
	}
	return 0, false
}

func likeMatch(s, pattern string) bool {
	s, pattern = strings.ToLower(s), strings.ToLower(pattern)
	parts := strings.Split(pattern, "%")
	if len(parts) == 1 {
		return s == pattern
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

func (c cond) match(rec record) bool {
	v := rec.values[c.field]
	if c.field == "Id" {
		if id, ok := v.(string); ok {
			for _, want := range c.vals {
				if w, ok := want.(string); ok && (len(w) == 15 || len(w) == 18) && sameID(w, id) {
					return c.op != "!="
				}
			}
			if c.op == "=" || c.op == "IN" {
				return false
			}
		}
	}
	if c.op == "IN" {
		for _, want := range c.vals {
			if r, ok := compare(v, want); ok && r == 0 {
				return true
			}
		}
		return false
	}
	want := c.vals[0]
	if want == nil || v == nil {
		isNil := v == nil || v == ""
		switch c.op {
		case "=":
			return isNil == (want == nil) && (want == nil || v == want)
		case "!=":
			return isNil != (want == nil)
		}
		return false
	}
	if c.op == "LIKE" {
		s, ok1 := v.(string)
		p, ok2 := want.(string)
		return ok1 && ok2 && likeMatch(s, p)
	}
	r, ok := compare(v, want)
	if !ok {
		return false
	}
	switch c.op {
	case "=":
		return r == 0
	case "!=":
		return r != 0
	case "<":
		return r < 0
	case ">":
		return r > 0
	case "<=":
		return r <= 0
	case ">=":
		return r >= 0
	}
	return false
}

func (s *soql) matches(rec record) bool {
	if len(s.where) == 0 {
		return true
	}
	for _, group := range s.where {
		ok := true
		for _, c := range group {
			if !c.match(rec) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (o *Org) handleQuery(w http.ResponseWriter, r *http.Request, c restCtx) {
	if c.method != http.MethodGet {
		methodNotAllowed(w, r, c, "GET,HEAD")
		return
	}
	q := r.URL.Query().Get("q")
	if strings.TrimSpace(q) == "" {
		writeErrors(w, r, http.StatusBadRequest, apiErr("MALFORMED_QUERY", "A query string has to be specified"))
		return
	}
	s, qe := parseSOQL(q, c.tooling)
	if qe != nil {
		writeErrors(w, r, qe.status, qe.err)
		return
	}
	if r.URL.Query().Get("columns") == "true" {
		writeJSONRaw(w, r, http.StatusOK, columnMetadata(s))
		return
	}
	o.mu.Lock()
	all := o.rowsLocked(s.ent, c)
	o.mu.Unlock()
	var rows []record
	for _, rec := range all {
		if s.matches(rec) {
			rows = append(rows, rec)
		}
	}
	if s.orderBy != "" {
		sort.SliceStable(rows, func(i, j int) bool {
			a, b := rows[i].values[s.orderBy], rows[j].values[s.orderBy]
			var cmp int
			switch {
			case a == nil && b == nil:
			case a == nil:
				cmp = -1
			case b == nil:
				cmp = 1
			default:
				bv := b
				switch t := b.(type) {
				case int64:
					bv = float64(t)
				case time.Time:
					bv = formatTime(t)
				}
				cmp, _ = compare(a, bv)
			}
			if s.desc {
				return cmp > 0
			}
			return cmp < 0
		})
	}
	if s.offset > 0 {
		rows = rows[min(s.offset, len(rows)):]
	}
	if s.limit >= 0 && len(rows) > s.limit {
		rows = rows[:s.limit]
	}
	var recs [][]byte
	total := len(rows)
	entityType := s.ent.name
	if s.items[0].agg != "" {
		entityType = "AggregateResult"
		if len(s.items) == 1 && s.items[0].agg == "COUNT" && s.items[0].field == "" {
			recs = nil
		} else {
			recs = [][]byte{aggregate(s, rows)}
			total = 1
		}
	} else {
		fields := make([]string, len(s.items))
		for i, it := range s.items {
			fields[i] = it.field
		}
		for _, rec := range rows {
			recs = append(recs, recordJSON(rec, c, fields))
		}
	}
	var b bytes.Buffer
	if c.tooling {
		fmt.Fprintf(&b, `{"size":%d,"totalSize":%d,"done":true,"queryLocator":null,"entityTypeName":%q,"records":[`, total, total, entityType)
	} else {
		fmt.Fprintf(&b, `{"totalSize":%d,"done":true,"records":[`, total)
	}
	for i, rec := range recs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(rec)
	}
	b.WriteString("]}")
	writeBody(w, r, http.StatusOK, "application/json;charset=UTF-8", b.Bytes())
}

func aggregate(s *soql, rows []record) []byte {
	var b bytes.Buffer
	b.WriteString(`{"attributes":{"type":"AggregateResult"}`)
	expr := 0
	for _, it := range s.items {
		key := it.alias
		if key == "" {
			key = "expr" + strconv.Itoa(expr)
			expr++
		}
		var v any
		switch it.agg {
		case "COUNT":
			n := 0
			for _, r := range rows {
				if it.field == "" || r.values[it.field] != nil {
					n++
				}
			}
			v = n
		case "SUM", "AVG":
			var sum int64
			for _, r := range rows {
				sum += r.values[it.field].(int64)
			}
			if len(rows) > 0 {
				v = sum
				if it.agg == "AVG" {
					v = float64(sum) / float64(len(rows))
				}
			}
		case "MIN", "MAX":
			for _, r := range rows {
				x := r.values[it.field]
				if x == nil {
					continue
				}
				if v == nil {
					v = x
					continue
				}
				cmpTo := v
				switch t := v.(type) {
				case int64:
					cmpTo = float64(t)
				case time.Time:
					cmpTo = formatTime(t)
				}
				if c, ok := compare(x, cmpTo); ok && ((it.agg == "MIN" && c < 0) || (it.agg == "MAX" && c > 0)) {
					v = x
				}
			}
		}
		fmt.Fprintf(&b, `,%q:%s`, key, valueJSON(v))
	}
	b.WriteByte('}')
	return b.Bytes()
}

// column is one entry of the query-columns form's columnMetadata (§11.4).
type column struct {
	Aggregate      bool     `json:"aggregate"`
	ApexType       *string  `json:"apexType"`
	BooleanType    bool     `json:"booleanType"`
	ColumnName     string   `json:"columnName"`
	Custom         bool     `json:"custom"`
	DisplayName    string   `json:"displayName"`
	ForeignKeyName *string  `json:"foreignKeyName"`
	Insertable     bool     `json:"insertable"`
	JoinColumns    []column `json:"joinColumns"`
	NumberType     bool     `json:"numberType"`
	TextType       bool     `json:"textType"`
	Updatable      bool     `json:"updatable"`
}

// keyPrefixes are the id prefixes of the entities sfsim serves.
var keyPrefixes = map[string]string{"StaticResource": "081", "Organization": "00D", "User": "005"}

// columnMetadata answers query?q=...&columns=true: the columns of the query,
// never its records (the Salesforce CLI's sf data query asks for it).
func columnMetadata(s *soql) map[string]any {
	cols := make([]column, 0, len(s.items))
	idSelected := false
	for i, it := range s.items {
		name := it.field
		if it.agg != "" {
			name = it.alias
			if name == "" {
				name = "expr" + strconv.Itoa(i)
			}
		}
		idSelected = idSelected || it.field == "Id" && it.agg == ""
		apex := apexTypeOf(it)
		col := column{
			Aggregate: it.agg != "", ApexType: &apex, ColumnName: name, DisplayName: name,
			JoinColumns: []column{},
			BooleanType: apex == "Boolean", NumberType: apex == "Integer" || apex == "Double",
			TextType:   apex == "String",
			Insertable: it.agg == "" && apex == "String", Updatable: it.agg == "" && apex == "String",
		}
		if rel, field, ok := strings.Cut(it.field, "."); ok && it.agg == "" {
			// a parent field: the relationship column joins the field's column
			fieldType := "String"
			col = column{ColumnName: rel, DisplayName: rel, JoinColumns: []column{{
				ApexType: &fieldType, ColumnName: field, DisplayName: field, JoinColumns: []column{}, TextType: true,
			}}}
		}
		cols = append(cols, col)
	}
	out := map[string]any{
		"columnMetadata": cols,
		"entityName":     s.ent.name,
		"groupBy":        false,
		"idSelected":     idSelected,
		"keyPrefix":      nil,
	}
	if p, ok := keyPrefixes[s.ent.name]; ok {
		out["keyPrefix"] = p
	}
	return out
}

func apexTypeOf(it selectItem) string {
	switch {
	case it.agg == "COUNT":
		return "Integer"
	case it.agg == "AVG":
		return "Double"
	case it.field == "Id" || strings.HasSuffix(it.field, "Id"):
		return "Id"
	case strings.HasSuffix(it.field, "Date"):
		return "Datetime"
	case it.field == "BodyLength":
		return "Integer"
	case it.field == "IsSandbox" || strings.HasPrefix(it.field, "Permissions") || slices.Contains(permissionNames, it.field):
		return "Boolean"
	}
	return "String"
}
