package salesforce

// Stubs of the contract, replaced one by one by real implementations in
// their own files. Delete each stub when you implement it.

import (
	"context"
	"errors"
	"io"
	"net/http"
)

var errTODO = errors.New("not implemented yet")

// Client calls one org's REST API.
type Client struct {
	instanceURL string
	tokens      TokenSource
	http        *http.Client
}

// New returns a client for the org at instanceURL (https, or http on loopback).
func New(instanceURL string, tokens TokenSource, hc *http.Client) *Client {
	return &Client{instanceURL: instanceURL, tokens: tokens, http: hc}
}

func (e *APIError) Error() string { return e.ErrorCode + ": " + e.Message }

func findResource(l *ResourceList, name string) *StaticResource { return nil }

// InstanceURL returns the org's instance URL.
func (c *Client) InstanceURL() string { return c.instanceURL }

// Requests returns how many HTTP requests the client has made (refreshes excluded).
func (c *Client) Requests() int { return 0 }

// LastUsage returns the API usage from the latest Sforce-Limit-Info header, or nil.
func (c *Client) LastUsage() *Usage { return nil }

// UserInfo calls /services/oauth2/userinfo on the instance.
func (c *Client) UserInfo(ctx context.Context) (*UserInfo, error) { return nil, errTODO }

// Organization queries Id, Name, IsSandbox, OrganizationType, InstanceName FROM Organization.
func (c *Client) Organization(ctx context.Context) (*Organization, error) { return nil, errTODO }

// CustomizeApplication queries UserPermissionAccess. A 403 API_DISABLED_FOR_ORG comes back as *APIError.
func (c *Client) CustomizeApplication(ctx context.Context) (bool, error) { return false, errTODO }

// ListStaticResources queries Id, Name, NamespacePrefix, ContentType, CacheControl,
// Description, BodyLength, LastModifiedDate of every StaticResource (following nextRecordsUrl).
func (c *Client) ListStaticResources(ctx context.Context) (*ResourceList, error) {
	return nil, errTODO
}

// GetStaticResource reads one record (no body) by Id.
func (c *Client) GetStaticResource(ctx context.Context, id string) (*StaticResource, error) {
	return nil, errTODO
}

// DownloadBody streams the resource's Body to w and returns the byte count.
func (c *Client) DownloadBody(ctx context.Context, id string, w io.Writer) (int64, error) {
	return 0, errTODO
}

// CreateStaticResource POSTs a new record (JSON, base64 body streamed, gzip) and returns its Id.
// It never retries: a failed POST must be followed by a lookup by the caller.
func (c *Client) CreateStaticResource(ctx context.Context, spec UploadSpec) (string, UploadStats, error) {
	return "", UploadStats{}, errTODO
}

// UpdateStaticResource PATCHes the record's Body (and Description) the same way.
// It retries with backoff (3 attempts) on 5xx and connection errors, reopening the body.
func (c *Client) UpdateStaticResource(ctx context.Context, id string, spec UploadSpec) (UploadStats, error) {
	return UploadStats{}, errTODO
}

// DeleteStaticResource deletes the record.
func (c *Client) DeleteStaticResource(ctx context.Context, id string) error { return errTODO }

// Revoke revokes a token at loginURL/services/oauth2/revoke (no auth header).
func Revoke(ctx context.Context, hc *http.Client, loginURL, token string) error { return errTODO }

// ParseUsage parses a Sforce-Limit-Info header value.
func ParseUsage(h string) *Usage { return nil }
