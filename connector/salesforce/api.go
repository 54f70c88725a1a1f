// Package salesforce is the REST client the connector uses. Every call goes
// to the instance URL; on 401 INVALID_SESSION_ID the client asks its
// TokenSource for a refresh once and retries the call once. Reads (GET) and
// updates are retried on what Retryable accepts (5xx, 429, dropped
// connections), honouring Retry-After within a bound; a create never is.
//
// The exported surface below is the contract used by package connector.
package salesforce

import (
	"context"
	"io"
	"time"
)

// APIVersion is the REST API version the client speaks.
const APIVersion = "v63.0"

// TokenSource gives the client access tokens. Refresh is called at most once
// per call, after a 401 INVALID_SESSION_ID, with the token that failed; it
// must return a new access token (serialising refreshes itself).
type TokenSource interface {
	AccessToken(ctx context.Context) (string, error)
	Refresh(ctx context.Context, failed string) (string, error)
}

// APIError is a Salesforce REST error: the first element of the JSON error
// array, or a synthetic one for non-JSON bodies (maintenance HTML, proxies).
type APIError struct {
	StatusCode int
	ErrorCode  string   // e.g. INVALID_SESSION_ID, DUPLICATE_VALUE; "" if the body was not JSON
	Message    string   // Salesforce's message, or a short excerpt of the body
	Fields     []string // the "fields" array, if any
	// Method and Path of the request (no query string, no token).
	Method, Path string
	// RetryAfter is the wait the server asked for in its Retry-After
	// header (429, 503); 0 when it named none.
	RetryAfter time.Duration
}

// UserInfo is the subset of /services/oauth2/userinfo the connector uses.
type UserInfo struct {
	UserID            string `json:"user_id"`
	OrganizationID    string `json:"organization_id"`
	PreferredUsername string `json:"preferred_username"`
	Name              string `json:"name"`
	Email             string `json:"email"`
}

// Organization is the subset of the Organization record the connector uses.
type Organization struct {
	ID               string `json:"Id"`
	Name             string `json:"Name"`
	IsSandbox        bool   `json:"IsSandbox"`
	OrganizationType string `json:"OrganizationType"`
	InstanceName     string `json:"InstanceName"`
}

// StaticResource is a StaticResource record without its Body.
type StaticResource struct {
	ID               string    `json:"Id"`
	Name             string    `json:"Name"`
	NamespacePrefix  string    `json:"NamespacePrefix"`
	ContentType      string    `json:"ContentType"`
	CacheControl     string    `json:"CacheControl"`
	Description      string    `json:"Description"`
	BodyLength       int64     `json:"BodyLength"`
	LastModifiedDate time.Time `json:"-"` // parsed from "2018-06-14T21:05:57.000+0000"
	LastModifiedByID string    `json:"LastModifiedById"`
	// LastModifiedByName is LastModifiedBy.Name: set by ListStaticResources,
	// empty on GetStaticResource (a record read has no relationships).
	LastModifiedByName string `json:"-"`
}

// ResourceList is the result of ListStaticResources: every StaticResource in
// the org (all namespaces) without bodies, which gives the org's usage
// against 250 MB and the named resource in one request.
type ResourceList struct {
	Records   []StaticResource
	TotalSize int64 // sum of BodyLength across all records
}

// Find returns the unmanaged (NamespacePrefix null) record named name,
// case-insensitively, or nil.
func (l *ResourceList) Find(name string) *StaticResource { return findResource(l, name) }

// UploadSpec describes a create or update of a StaticResource body.
type UploadSpec struct {
	Name         string // required on create
	Description  string // ≤ 255 chars
	ContentType  string // default application/zip
	CacheControl string // Private (default) or Public
	// Open returns a fresh reader of the raw (zip) body; called once per attempt.
	Open     func() (io.ReadCloser, error)
	BodySize int64 // raw size, used for progress
	// Progress is called with raw body bytes consumed so far, from the
	// encoding goroutine (not the caller's); it starts again from 0 when an
	// attempt is retried.
	Progress func(sent, total int64)
	// UnmodifiedSince, when set on an update, sends If-Unmodified-Since
	// (§Conditional): Salesforce writes only if the record was not modified
	// after it (whole seconds), else answers 412 and writes nothing
	// (IsPreconditionFailed).
	UnmodifiedSince time.Time
}

// UploadStats reports what an upload put on the wire.
type UploadStats struct {
	WireBytes int64 // bytes of the (gzip-compressed) request body, summed over attempts
	// ServerTime is the org's clock (the response's Date header) when it
	// answered the successful write: the record was last modified at or
	// before it. Zero when the answer had no usable Date.
	ServerTime time.Time
}

// Usage is parsed from the Sforce-Limit-Info header: api-usage=used/max.
type Usage struct {
	Used, Max int
}
