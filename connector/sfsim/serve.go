package sfsim

// Serving published resources (salesforce-api.md §Serving):
// /resource/<timestamp>/<Name>[/<path inside the zip>] on the instance
// host. The timestamp is the record's modification time in milliseconds;
// as in Salesforce it only busts caches, so any number (or none) serves the
// current version. A Public resource is served to anyone; a Private one
// only within a session (here: a valid bearer token), like Salesforce's
// per-session cache — except in demo mode (Options.DemoHint), where a
// browser opening the address shown after a publish sees the file.

import (
	"archive/zip"
	"bytes"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// ResourceURLPath is the path a page uses for the file at inner ("" for
// the resource itself) of the resource named name in its current version:
// /resource/<LastModifiedDate in ms>/<Name>/<inner>.
func (o *Org) ResourceURLPath(name, inner string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.findByNameLocked("", name)
	if r == nil {
		return ""
	}
	p := "/resource/" + strconv.FormatInt(r.modified.UnixMilli(), 10) + "/" + r.name
	if inner != "" {
		p += "/" + strings.TrimPrefix(inner, "/")
	}
	return p
}

// serveResource answers /resource/...; it reports false for other paths.
func (o *Org) serveResource(w http.ResponseWriter, r *http.Request) bool {
	rest, ok := strings.CutPrefix(r.URL.Path, "/resource/")
	if !ok {
		return false
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return true
	}
	parts := strings.SplitN(rest, "/", 3)
	if _, err := strconv.ParseInt(parts[0], 10, 64); err == nil && len(parts) > 1 {
		parts = parts[1:] // the timestamp
	} else {
		parts = strings.SplitN(rest, "/", 2)
	}
	name, inner := parts[0], ""
	if len(parts) > 1 {
		inner = parts[len(parts)-1]
	}
	o.mu.Lock()
	res := o.findByNameLocked("", name)
	var body []byte
	var ctype, cache string
	if res != nil {
		for _, c := range res.body {
			body = append(body, c...)
		}
		ctype, cache = res.contentType, res.cacheControl
	}
	authorized := o.validSessionLocked(bearer(r, false)) || o.opts.DemoHint
	o.mu.Unlock()
	if res == nil || (cache != "Public" && !authorized) {
		http.NotFound(w, r)
		return true
	}
	w.Header().Set("Cache-Control", strings.ToLower(cache)+", max-age=86400")
	if inner == "" {
		w.Header().Set("Content-Type", ctype)
		_, _ = w.Write(body)
		return true
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		http.NotFound(w, r)
		return true
	}
	want := path.Clean("/" + inner)[1:]
	for _, f := range zr.File {
		if f.Name != want {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			http.Error(w, "Internal Server Error", http.StatusInternalServerError)
			return true
		}
		defer rc.Close()
		ct := mime.TypeByExtension(path.Ext(want))
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		_, _ = io.Copy(w, rc)
		return true
	}
	http.NotFound(w, r)
	return true
}

// DeleteResource deletes the unmanaged resource named name directly (as a
// user in Setup would) and reports whether there was one.
func (o *Org) DeleteResource(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	r := o.findByNameLocked("", name)
	if r != nil {
		before := o.snapshotLocked(r)
		delete(o.resources, r.id)
		o.notifyWriteLocked(WriteRemove, before, nil)
	}
	return r != nil
}
