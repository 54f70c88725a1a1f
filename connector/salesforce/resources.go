package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// dataPath is the REST base path below the instance URL.
const dataPath = "/services/data/" + APIVersion

// maxQueryPages bounds nextRecordsUrl chains (2000 records per page).
const maxQueryPages = 1000

// Query runs a SOQL query and decodes every record into T, following
// nextRecordsUrl until done.
func Query[T any](ctx context.Context, c *Client, soql string) ([]T, error) {
	var out []T
	path := dataPath + "/query/?q=" + url.QueryEscape(soql)
	for page := 0; ; page++ {
		if page >= maxQueryPages {
			return nil, errors.New("query: too many result pages")
		}
		var res struct {
			Done           bool   `json:"done"`
			NextRecordsURL string `json:"nextRecordsUrl"`
			Records        []T    `json:"records"`
		}
		if err := c.getJSON(ctx, path, &res); err != nil {
			return nil, err
		}
		out = append(out, res.Records...)
		if res.Done || res.NextRecordsURL == "" {
			return out, nil
		}
		next, err := relativePath(res.NextRecordsURL)
		if err != nil {
			return nil, err
		}
		path = next
	}
}

// relativePath accepts only a path on the instance (never another host, so
// the token cannot leak).
func relativePath(p string) (string, error) {
	if !strings.HasPrefix(p, "/services/") || strings.HasPrefix(p, "//") {
		return "", fmt.Errorf("query: unexpected nextRecordsUrl %q", p)
	}
	return p, nil
}

// getJSON GETs path and decodes the JSON body into v.
func (c *Client) getJSON(ctx context.Context, path string, v any) error {
	return c.getJSONCall(ctx, &call{method: http.MethodGet, path: path}, v)
}

func (c *Client) getJSONCall(ctx context.Context, cl *call, v any) error {
	resp, err := c.do(ctx, cl)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("decode %s %s response: %w", cl.method, cl.errPath(), err)
	}
	return nil
}

// UserInfo calls /services/oauth2/userinfo on the instance. A 403
// Bad_OAuth_Token is treated like INVALID_SESSION_ID (refresh once, retry once).
func (c *Client) UserInfo(ctx context.Context) (*UserInfo, error) {
	var ui UserInfo
	cl := &call{method: http.MethodGet, path: "/services/oauth2/userinfo", badOAuthText: true}
	if err := c.getJSONCall(ctx, cl, &ui); err != nil {
		return nil, err
	}
	return &ui, nil
}

// Organization queries Id, Name, IsSandbox, OrganizationType, InstanceName FROM Organization.
func (c *Client) Organization(ctx context.Context) (*Organization, error) {
	recs, err := Query[Organization](ctx, c, "SELECT Id, Name, IsSandbox, OrganizationType, InstanceName FROM Organization")
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, errors.New("query organization: no record")
	}
	return &recs[0], nil
}

// CustomizeApplication queries UserPermissionAccess and returns
// PermissionsCustomizeApplication. A 403 API_DISABLED_FOR_ORG comes back as *APIError.
func (c *Client) CustomizeApplication(ctx context.Context) (bool, error) {
	type perms struct {
		PermissionsAPIEnabled           bool `json:"PermissionsApiEnabled"`
		PermissionsCustomizeApplication bool `json:"PermissionsCustomizeApplication"`
	}
	recs, err := Query[perms](ctx, c, "SELECT PermissionsApiEnabled, PermissionsCustomizeApplication FROM UserPermissionAccess")
	if err != nil {
		return false, err
	}
	if len(recs) == 0 {
		return false, errors.New("query user permissions: no record")
	}
	return recs[0].PermissionsCustomizeApplication, nil
}

// resourceFields are the StaticResource fields read (never Body).
const resourceFields = "Id, Name, NamespacePrefix, ContentType, CacheControl, Description, BodyLength, LastModifiedDate, LastModifiedById"

// UnmarshalJSON decodes a StaticResource record, parsing LastModifiedDate.
func (r *StaticResource) UnmarshalJSON(b []byte) error {
	type plain StaticResource
	var aux struct {
		plain
		LastModifiedDate string `json:"LastModifiedDate"`
		LastModifiedBy   *struct {
			Name string `json:"Name"`
		} `json:"LastModifiedBy"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	t, err := ParseDateTime(aux.LastModifiedDate)
	if err != nil {
		return err
	}
	*r = StaticResource(aux.plain)
	r.LastModifiedDate = t
	if aux.LastModifiedBy != nil {
		r.LastModifiedByName = aux.LastModifiedBy.Name
	}
	return nil
}

// ListStaticResources queries Id, Name, NamespacePrefix, ContentType, CacheControl,
// Description, BodyLength, LastModifiedDate, LastModifiedById and
// LastModifiedBy.Name of every StaticResource (following nextRecordsUrl):
// one request for orgs with up to 2000 resources.
func (c *Client) ListStaticResources(ctx context.Context) (*ResourceList, error) {
	recs, err := Query[StaticResource](ctx, c, "SELECT "+resourceFields+", LastModifiedBy.Name FROM StaticResource")
	if err != nil {
		return nil, err
	}
	l := &ResourceList{Records: recs}
	for _, r := range recs {
		l.TotalSize += r.BodyLength
	}
	return l, nil
}

func findResource(l *ResourceList, name string) *StaticResource {
	if l == nil {
		return nil
	}
	for i := range l.Records {
		r := &l.Records[i]
		if r.NamespacePrefix == "" && strings.EqualFold(r.Name, name) {
			return r
		}
	}
	return nil
}

func resourcePath(id string) string {
	return dataPath + "/sobjects/StaticResource/" + url.PathEscape(id)
}

// GetStaticResource reads one record (no body) by Id.
func (c *Client) GetStaticResource(ctx context.Context, id string) (*StaticResource, error) {
	var r StaticResource
	if err := c.getJSON(ctx, resourcePath(id), &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DownloadBody streams the resource's Body to w and returns the byte count.
func (c *Client) DownloadBody(ctx context.Context, id string, w io.Writer) (int64, error) {
	cl := &call{method: http.MethodGet, path: resourcePath(id) + "/Body", header: http.Header{"Accept": {"*/*"}}}
	resp, err := c.do(ctx, cl)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("download static resource body: %w", err)
	}
	return n, nil
}

// DeleteStaticResource deletes the record.
func (c *Client) DeleteStaticResource(ctx context.Context, id string) error {
	resp, err := c.do(ctx, &call{method: http.MethodDelete, path: resourcePath(id)})
	if err != nil {
		return err
	}
	drain(resp)
	return nil
}

// drain discards and closes a response body so the connection is reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
}

// Revoke revokes a token at loginURL/services/oauth2/revoke (no auth header).
// 200 means revoked; anything else is an *APIError (only the status is
// meaningful: the error body's encoding varies). A nil hc uses http.DefaultClient.
func Revoke(ctx context.Context, hc *http.Client, loginURL, token string) error {
	if hc == nil {
		hc = http.DefaultClient
	}
	base := strings.TrimRight(strings.TrimSpace(loginURL), "/")
	if err := CheckURL(base); err != nil {
		return err
	}
	const path = "/services/oauth2/revoke"
	body := url.Values{"token": {token}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+path, strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("build revoke request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		ae := readAPIError(resp, http.MethodPost, path)
		return fmt.Errorf("revoke token: %w", ae)
	}
	drain(resp)
	return nil
}
