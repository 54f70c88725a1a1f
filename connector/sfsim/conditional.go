package sfsim

// Conditional requests on sObject rows (salesforce-api.md §Conditional):
// weak validation against the record's LastModifiedDate, at the
// whole-second precision of HTTP-dates.

import (
	"net/http"
	"strings"
	"time"
)

// errBadConditional answers an unparseable If-Unmodified-Since on a write
// (400; the body's errorCode is not documented, [U]).
var errBadConditional = apiErr("INVALID_HEADER_TYPE", "Invalid If-Unmodified-Since header: expected an HTTP-date")

// conditionalTime parses the named header: ok false when absent, bad true
// when present and not an HTTP-date.
func conditionalTime(r *http.Request, name string) (t time.Time, ok, bad bool) {
	v := strings.TrimSpace(r.Header.Get(name))
	if v == "" {
		return time.Time{}, false, false
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return time.Time{}, false, true
	}
	return t, true, false
}

// modifiedAfter reports whether a record last modified at modified counts
// as modified after since: HTTP-dates have whole seconds, so a change
// within the second of since is not seen (as documented, [U]).
func modifiedAfter(modified, since time.Time) bool {
	return modified.Truncate(time.Second).After(since)
}

// rowModified is a row's LastModifiedDate, or false when it has none.
func rowModified(rec *record) (time.Time, bool) {
	t, ok := rec.values["LastModifiedDate"].(time.Time)
	return t, ok && !t.IsZero()
}
