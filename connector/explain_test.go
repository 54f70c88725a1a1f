package connector

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

func apiErr(status int, code, msg string) error {
	return fmt.Errorf("query: %w", &salesforce.APIError{StatusCode: status, ErrorCode: code, Message: msg, Method: "GET", Path: "/services/data/v63.0/query"})
}

func TestExplain(t *testing.T) {
	own := &Problem{Code: CodeBusy, Message: "Busy.", Fix: "Wait."}
	tests := []struct {
		name string
		err  error
		code string
		msg  string // substring of Message
		fix  string // substring of Fix
	}{
		{"problem passes through", fmt.Errorf("wrapped: %w", own), CodeBusy, "Busy.", "Wait."},
		{"canceled flow", fmt.Errorf("wait: %w", oauth.ErrCanceled), CodeCanceled, "canceled", "again"},
		{"timed out flow", oauth.ErrTimeout, CodeTimeout, "did not come back", "paste it"},
		{"state mismatch", fmt.Errorf("x: %w", oauth.ErrStateMismatch), CodeStateMismatch, "another login attempt", "again"},
		{"port in use", &oauth.PortError{Port: 1717, InUse: true, Ports: []int{1717}}, CodePortInUse, "port 1717", "callback port"},
		{"port forbidden", &oauth.PortError{Port: 1717, Forbidden: true}, CodePortForbidden, "port 1717", "callback port"},
		{"denied", &oauth.AuthError{Code: "access_denied", Description: "end-user denied authorization"}, CodeAccessDenied, "denied", "Allow"},
		{"redirect mismatch", &oauth.AuthError{Code: "redirect_uri_mismatch"}, CodeRedirectMismatch,
			"the callback URL http://localhost:PORT/OauthRedirect is not registered in the External Client App", "under Callback URL, or use another client ID"},
		{"unknown client", &oauth.ExchangeError{Status: 400, Code: "invalid_client_id", Description: "client identifier invalid"}, CodeInvalidClient,
			"client identifier invalid", "Approve Uninstalled Connected Apps"},
		{"app not installed", &oauth.AuthError{Code: "invalid_client", Description: "app must be installed into org"}, CodeInvalidClient, "installed", "install the app"},
		{"wrong verifier", &oauth.ExchangeError{Status: 400, Code: "invalid_grant", Description: "invalid code verifier"}, CodeTokenExchange, "invalid code verifier", "again"},
		{"refresh refused", &oauth.ExchangeError{Status: 400, Code: "invalid_grant", Description: "expired access/refresh token"}, CodeNeedsReauth, "expired", "Authorize"},
		{"token endpoint down", &oauth.ExchangeError{Status: 502}, CodeUnreachable, "HTTP 502", "internet connection"},
		{"session", apiErr(401, "INVALID_SESSION_ID", "Session expired or invalid"), CodeNeedsReauth, "session", "Authorize"},
		{"bad oauth token", apiErr(403, "", "Bad_OAuth_Token"), CodeNeedsReauth, "session", "Authorize"},
		{"api disabled", apiErr(403, "API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization."), CodeAPIDisabled, "API Enabled", "turn on API Enabled"},
		{"limit", apiErr(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), CodeRequestLimit, "daily API requests", "resets over 24 hours"},
		{"concurrency 429", apiErr(429, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."), CodeConcurrencyLimit, "at the same time", "Wait a minute"},
		{"concurrency 403", apiErr(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."), CodeConcurrencyLimit, "concurrent request limit", "fewer connectors"},
		{"429 without a code", apiErr(429, "", "Too Many Requests"), CodeConcurrencyLimit, "at the same time", "Wait a minute"},
		{"daily limit answered 429", apiErr(429, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."), CodeRequestLimit, "daily API requests", "24 hours"},
		{"insufficient access", apiErr(400, "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id"), CodeInsufficientAccess, "static resources", "Customize Application"},
		{"duplicate", apiErr(400, "DUPLICATE_VALUE", "duplicate value found"), CodeDuplicate, "already exists", "another resource name"},
		{"storage", apiErr(400, "STORAGE_LIMIT_EXCEEDED", "storage limit exceeded: your organization can have up to 250MB of static resources"),
			CodeOrgStorageFull, "it allows 250 MB of static resources in total", "Delete static resources"},
		{"storage, the org's own limit", apiErr(400, "STORAGE_LIMIT_EXCEEDED", "storage limit exceeded: your organization can have up to 65536 bytes of static resources"),
			CodeOrgStorageFull, "it allows 64 KB of static resources", "Delete static resources"},
		{"storage, no limit named", apiErr(400, "STORAGE_LIMIT_EXCEEDED", "storage limit exceeded"), CodeOrgStorageFull, "Salesforce says: storage limit exceeded", "Delete static resources"},
		{"one resource over the limit", apiErr(400, "STORAGE_LIMIT_EXCEEDED", "static resource cannot exceed 5MB"), CodeTooLarge, "one static resource (5 MB)", "smaller"},
		{"too large", apiErr(400, "FIELD_INTEGRITY_EXCEPTION", "static resource cannot exceed 5MB"), CodeTooLarge, "5 MB", "smaller"},
		{"bad name", apiErr(400, "FIELD_INTEGRITY_EXCEPTION", "The name can only contain underscores and alphanumeric characters"), CodeInvalidName, "underscores", "letters, digits"},
		{"maintenance html", apiErr(503, "", "Salesforce is down for maintenance"), CodeMaintenance, "maintenance", "status.salesforce.com"},
		{"server error", apiErr(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred"), CodeUnreachable, "server error (HTTP 500)", "try again"},
		{"other api error", apiErr(400, "MALFORMED_QUERY", "unexpected token"), "malformed_query", "unexpected token", "Try again"},
		{"keyring", fmt.Errorf("save: %w", &tokenstore.UnavailableError{Op: "save", Reason: "The keyring is locked.", Fix: "Unlock it."}), CodeKeyring, "The keyring is locked.", "Unlock it."},
		{"keyring too large", fmt.Errorf("save: %w", tokenstore.ErrTooLarge), CodeKeyring, "too large", "opaque"},
		{"no tokens", tokenstore.ErrNotFound, CodeNotAuthorized, "not authorized", "Authorize"},
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), CodeTimeout, "did not answer in time", "proxy"},
		{"canceled ctx", context.Canceled, CodeCanceled, "canceled", "again"},
		{"dns", &url.Error{Op: "Get", URL: "https://x", Err: &net.DNSError{Name: "acme.my.salesforce.com", Err: "no such host"}}, CodeUnreachable, "acme.my.salesforce.com could not be found", "login URL"},
		{"refused", &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, CodeUnreachable, "could not reach Salesforce", "HTTPS_PROXY"},
		{"tls interception", &url.Error{Op: "Get", URL: "https://x", Err: x509.UnknownAuthorityError{}}, CodeUnreachable, "not trusted", "certificate"},
		{"anything else", errors.New("boom"), "unexpected", "boom", "diagnostics"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Explain(tt.err)
			require.NotNil(t, p)
			assert.Equal(t, tt.code, p.Code)
			assert.Contains(t, p.Message, tt.msg)
			assert.Contains(t, p.Fix, tt.fix)
			if tt.code == CodeBusy {
				assert.Same(t, own, p)
				return
			}
			assert.ErrorIs(t, p, tt.err, "the cause stays in the chain")
		})
	}
	assert.Nil(t, Explain(nil))
}
