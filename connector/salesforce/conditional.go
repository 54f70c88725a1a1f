package salesforce

// Conditional requests on sObject rows (§Conditional): weak validation
// against LastModifiedDate with HTTP-dates (whole seconds).

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// HTTPDate formats t as an HTTP-date ("Mon, 02 Jan 2006 15:04:05 GMT"),
// truncated to the second.
func HTTPDate(t time.Time) string { return t.UTC().Format(http.TimeFormat) }

// serverTime is the response's Date header, or zero.
func serverTime(resp *http.Response) time.Time {
	t, err := http.ParseTime(resp.Header.Get("Date"))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// IsPreconditionFailed reports whether err is a 412 answer to a conditional
// write: the record changed after the time sent, and nothing was written.
func IsPreconditionFailed(err error) bool { return hasStatus(err, http.StatusPreconditionFailed) }

// IsNotFound reports whether err is a 404 answer (the record is gone).
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

func hasStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}

// GetStaticResourceIfModified reads the record (no body) unless it is
// unmodified since since: then it answers (nil, false, nil) from a 304
// without a body. A record changed within the second of since is not seen
// (HTTP-dates have whole seconds).
func (c *Client) GetStaticResourceIfModified(ctx context.Context, id string, since time.Time) (*StaticResource, bool, error) {
	cl := &call{method: http.MethodGet, path: resourcePath(id), header: http.Header{"If-Modified-Since": {HTTPDate(since)}}}
	var r StaticResource
	err := c.getJSONCall(ctx, cl, &r)
	if hasStatus(err, http.StatusNotModified) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return &r, true, nil
}

// SameID reports whether two record Ids name the same record: equal, or one
// the 15-character (case-sensitive) form of the other's 18 characters.
// Empty Ids never match.
func SameID(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	if len(a) == 18 && len(b) == 15 {
		a = a[:15]
	}
	if len(b) == 18 && len(a) == 15 {
		b = b[:15]
	}
	return a == b
}
