package connector

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/internal/lazyregexp"
	"github.com/connectors-app/connectors/internal/safetext"
)

// Explain turns any error of the connector stack into a Problem a user can
// act on: a stable code, one sentence saying what happened and one naming
// the fix. A *Problem already in the chain is returned as is. It is the one
// place where errors become words; the window, the CLI and the publisher
// all use it.
func Explain(err error) *Problem {
	if err == nil {
		return nil
	}
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	for _, f := range []func(error) *Problem{explainOAuth, explainAPI, explainKeyring, explainNetwork} {
		if p := f(err); p != nil {
			if p.Err == nil {
				p.Err = err
			}
			return p
		}
	}
	return &Problem{
		Code:    "unexpected",
		Message: "Something unexpected went wrong: " + strings.TrimSuffix(safetext.Escape(err.Error()), ".") + ".",
		Fix:     "Try again; if it keeps happening, copy the diagnostics (connectorctl diagnostics) and send them to support.",
		Err:     err,
	}
}

const (
	appFix        = "Check the client ID of the connector, or ask your Salesforce admin to install the app (or grant you \"Approve Uninstalled Connected Apps\")."
	reauthFix     = "Authorize the connector again."
	SetupPermPath = "If you are a Salesforce administrator, open Setup → Users → Permission Sets (or Profiles) → your user's permission set → System Permissions and turn on %s; otherwise ask your Salesforce administrator to do it for you." // one fix, for an admin or not
	// ProxyVarsHint names the proxy variables in the unreachable fix, for
	// the command line; the window leaves it out (plain words for admins).
	ProxyVarsHint    = " (HTTPS_PROXY, NO_PROXY)"
	RevokeManualPath = "open Setup → Connected Apps OAuth Usage in the org and revoke the app for your user"
)

// explainOAuth maps errors of the authorization flow and the token endpoint.
func explainOAuth(err error) *Problem {
	var pe *oauth.PortError
	if errors.As(err, &pe) {
		code := CodePortInUse
		if pe.Forbidden {
			code = CodePortForbidden
		}
		return &Problem{Code: code, Message: pe.Reason(), Fix: pe.Fix(), Args: map[string]any{"Ports": portNumbers(pe)}}
	}
	switch {
	case errors.Is(err, oauth.ErrStateMismatch):
		return &Problem{
			Code:    CodeStateMismatch,
			Message: "The answer from the browser belongs to another login attempt (its state does not match), so it was refused.",
			Fix:     "Start the authorization again and finish it in the browser window it opens.",
		}
	case errors.Is(err, oauth.ErrTimeout):
		return &Problem{
			Code:    CodeTimeout,
			ID:      "timeout_browser",
			Message: "The browser did not come back to Connectors in time.",
			Fix:     "Start again; if the browser cannot reach this computer, copy the address from its address bar after clicking Allow and paste it into Connectors.",
		}
	case errors.Is(err, oauth.ErrCanceled):
		return &Problem{Code: CodeCanceled, Message: "The authorization was canceled.", Fix: "Start it again when you are ready."}
	}
	var ae *oauth.AuthError
	if errors.As(err, &ae) {
		return ExplainOAuthCode(ae.Code, ae.Description)
	}
	var ee *oauth.ExchangeError
	if errors.As(err, &ee) {
		if ee.Code == "" {
			if ee.Status >= 500 {
				return unreachableProblem("Salesforce's login service answered with an error (HTTP " + fmt.Sprint(ee.Status) + ").")
			}
			return &Problem{
				Code:    "token_exchange_failed",
				Message: fmt.Sprintf("Salesforce refused to issue tokens (HTTP %d).", ee.Status),
				Fix:     "Start the authorization again; if it fails again, check the login URL of the connector.",
			}
		}
		return ExplainOAuthCode(ee.Code, ee.Description)
	}
	return nil
}

// portNumbers lists the ports a PortError tried: "1717" or "1717, 1718".
func portNumbers(pe *oauth.PortError) string {
	ports := pe.Ports
	if len(ports) == 0 {
		ports = []int{pe.Port}
	}
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = strconv.Itoa(p)
	}
	return strings.Join(names, ", ")
}

// explainOAuthCode maps an OAuth error code (from the redirect or the token
// endpoint). Both come from outside and are escaped before they are shown.
func ExplainOAuthCode(code, desc string) *Problem {
	code, desc = safetext.Escape(code), safetext.Escape(desc)
	d := ""
	if desc != "" {
		d = " (" + strings.TrimSuffix(desc, ".") + ")"
	}
	switch code {
	case "access_denied":
		return &Problem{Code: CodeAccessDenied, Message: "Access was denied on the Salesforce page, so Connectors was not authorized.", Fix: "Start again and click Allow."}
	case "redirect_uri_mismatch", "redirect_uri_missing":
		return &Problem{
			Code:    CodeRedirectMismatch,
			Message: "Salesforce refused the login because the callback URL " + RedirectPlaceholder + " is not registered in the External Client App" + d + ".",
			Fix:     "Add " + RedirectPlaceholder + " to the app under Callback URL, or use another client ID.",
		}
	case "invalid_client_id", "invalid_client", "invalid_app_access", "app_blocked":
		return &Problem{Code: CodeInvalidClient, Message: "Salesforce does not accept this app for your user" + d + ".", Fix: appFix}
	case "invalid_grant":
		if strings.Contains(strings.ToLower(desc), "verifier") || strings.Contains(strings.ToLower(desc), "authorization code") {
			return &Problem{
				Code:    "token_exchange_failed",
				Message: "Salesforce refused the login code" + d + ".",
				Fix:     "Start the authorization again; do not reuse an old browser tab.",
			}
		}
		return &Problem{Code: CodeNeedsReauth, Message: "Salesforce refused the stored authorization" + d + ".", Fix: reauthFix}
	case "inactive_user", "inactive_org":
		return &Problem{Code: CodeAccessDenied, Message: "Salesforce says the user or the org is inactive" + d + ".", Fix: "Ask your Salesforce admin to reactivate it."}
	case "rate_limit_exceeded":
		return &Problem{Code: CodeRequestLimit, Message: "Salesforce refused the login because there were too many logins recently.", Fix: "Wait a few minutes and try again."}
	case "invalid_scope":
		return &Problem{Code: CodeInvalidClient, Message: "The app is not allowed the access Connectors asks for (api, refresh_token)" + d + ".", Fix: "Ask your admin to add the api and refresh_token scopes to the app."}
	}
	return &Problem{
		Code:    CodeAccessDenied,
		Message: fmt.Sprintf("Salesforce refused the authorization: %s%s.", code, d),
		Fix:     "Start the authorization again; if it keeps failing, show this message to your Salesforce admin.",
	}
}

// explainAPI maps Salesforce REST errors.
func explainAPI(err error) *Problem {
	var ae *salesforce.APIError
	if !errors.As(err, &ae) {
		return nil
	}
	if ae.ErrorCode == "" && ae.StatusCode == 403 && strings.TrimSpace(ae.Message) == "Bad_OAuth_Token" {
		// userinfo and the identity URL answer a dead token with plain text, not the JSON array
		return &Problem{Code: CodeNeedsReauth, Message: "Salesforce no longer accepts the session of this connector.", Fix: reauthFix}
	}
	if p := explainAPICode(ae); p != nil {
		return p
	}
	if ae.StatusCode == http.StatusTooManyRequests {
		return requestLimitProblem(ae)
	}
	if ae.StatusCode == http.StatusServiceUnavailable || looksLikeMaintenance(ae.Message) {
		return &Problem{
			Code:    CodeMaintenance,
			Message: "Salesforce is unavailable right now, probably for maintenance.",
			Fix:     "Try again later; status.salesforce.com shows planned maintenance.",
		}
	}
	if ae.StatusCode >= 500 {
		return unreachableProblem(fmt.Sprintf("Salesforce answered with a server error (HTTP %d).", ae.StatusCode))
	}
	if ae.StatusCode == http.StatusUnauthorized {
		return &Problem{Code: CodeNeedsReauth, Message: "Salesforce no longer accepts the session of this connector.", Fix: reauthFix}
	}
	msg := safetext.Escape(ae.Message)
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d", ae.StatusCode)
	}
	code := ae.ErrorCode
	if code == "" {
		code = "salesforce_error"
	}
	return &Problem{
		Code:    strings.ToLower(safetext.Escape(code)),
		Message: "Salesforce refused the request: " + strings.TrimSuffix(msg, ".") + ".",
		Fix:     "Try again; if it keeps failing, show this message to your Salesforce admin.",
	}
}

// explainAPICode maps the Salesforce error codes that have a problem of
// their own; nil for the others.
func explainAPICode(ae *salesforce.APIError) *Problem {
	switch ae.ErrorCode {
	case "INVALID_SESSION_ID":
		return &Problem{Code: CodeNeedsReauth, Message: "Salesforce no longer accepts the session of this connector.", Fix: reauthFix}
	case "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED":
		return ApiDisabledProblem()
	case "REQUEST_LIMIT_EXCEEDED":
		return requestLimitProblem(ae)
	case "INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS":
		return &Problem{
			Code:    CodeInsufficientAccess,
			Message: "Your user may not create or change static resources in this org.",
			Fix:     fmt.Sprintf(SetupPermPath, "Customize Application"),
		}
	case "DUPLICATE_VALUE":
		return &Problem{
			Code:    CodeDuplicate,
			Message: "A static resource with this name already exists in the org.",
			Fix:     "Publish again (Connectors will update it), or choose another resource name.",
		}
	case "STORAGE_LIMIT_EXCEEDED":
		return storageLimitProblem(ae)
	case "FIELD_INTEGRITY_EXCEPTION", "STRING_TOO_LONG":
		if strings.Contains(strings.ToLower(ae.Message), "5mb") || strings.Contains(strings.ToLower(ae.Message), "5 mb") ||
			strings.Contains(strings.ToLower(ae.Message), "exceed") {
			return &Problem{Code: CodeTooLarge, Message: "The bundle is larger than Salesforce allows for one static resource (5 MB).", Fix: "Make the bundle smaller and publish again."}
		}
		return &Problem{
			Code:    CodeInvalidName,
			Message: "Salesforce refused the static resource: " + strings.TrimSuffix(safetext.Escape(ae.Message), ".") + ".",
			Fix:     "Use a resource name of letters, digits and single underscores that starts with a letter.",
		}
	case "NOT_FOUND":
		return &Problem{Code: "resource_not_found", Message: "The static resource no longer exists in the org.", Fix: "Publish again to create it."}
	}
	return nil
}

// requestLimitProblem tells the org's concurrency limit (too many long
// requests at once: "ConcurrentPerOrgLongTxn Limit exceeded.", 403 or 429)
// from its daily budget ("TotalRequests Limit exceeded.", 403), §11.3. A 429
// that names neither is a rate limit, so it reads as the concurrency one.
func requestLimitProblem(ae *salesforce.APIError) *Problem {
	if ae.ConcurrentLimit() {
		return &Problem{
			Code:    CodeConcurrencyLimit,
			Message: "Salesforce refused the request because too many long requests are running in the org at the same time (its concurrent request limit).",
			Fix:     "Wait a minute and try again; if it keeps happening, publish to fewer connectors of this org at once and ask your admin which integrations run long requests.",
		}
	}
	return &Problem{
		Code:    CodeRequestLimit,
		Message: "The org has used up its daily API requests.",
		Fix:     "Try again later (the limit resets over 24 hours), or ask your admin to raise it.",
	}
}

// sizeInMessage finds "up to 250MB", "exceed 5 MB", "up to 65536 bytes" in
// a Salesforce message and returns the size in bytes.
var sizeInMessage = lazyregexp.New(`(?i)(?:up to|exceed)\s+([0-9][0-9,]*(?:\.[0-9]+)?)\s*(bytes?|kb|mb|gb)\b`)

func messageSize(msg string) (int64, bool) {
	m := sizeInMessage.FindStringSubmatch(msg)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	unit := map[string]float64{"kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30}[strings.ToLower(m[2])]
	if unit == 0 {
		unit = 1
	}
	return int64(n * unit), true
}

// storageLimitProblem explains STORAGE_LIMIT_EXCEEDED with the limit the
// org named in its refusal (its own, which may differ from the documented
// 250 MB). The same code also refuses one body over the per-resource limit.
func storageLimitProblem(ae *salesforce.APIError) *Problem {
	lower := strings.ToLower(ae.Message)
	size, ok := messageSize(ae.Message)
	if strings.Contains(lower, "static resource cannot exceed") {
		limit, limitSize := "5 MB", int64(5<<20)
		if ok {
			limit, limitSize = FormatSize(size, "en"), size
		}
		return &Problem{
			Code:    CodeTooLarge,
			ID:      "too_large_org",
			Args:    map[string]any{"LimitSize": limitSize},
			Message: "The bundle is larger than the org allows for one static resource (" + limit + ").",
			Fix:     "Make the bundle smaller and publish again.",
		}
	}
	msg := "The org has no room left for this bundle among its static resources (Salesforce says: " + strings.TrimSuffix(ae.Message, ".") + ")."
	if ok {
		msg = "The org has no room left for this bundle: it allows " + FormatSize(size, "en") + " of static resources in total."
	}
	id, args := "", map[string]any(nil)
	if ok {
		id, args = "org_storage_full_limit", map[string]any{"LimitSize": size}
	}
	return &Problem{
		Code:    CodeOrgStorageFull,
		ID:      id,
		Args:    args,
		Message: msg,
		Fix:     "Delete static resources the org no longer needs (Setup → Static Resources), then publish again.",
	}
}

func looksLikeMaintenance(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "maintenance") || strings.Contains(s, "temporarily unavailable") || strings.Contains(s, "down for")
}

func ApiDisabledProblem() *Problem {
	return &Problem{
		Code:    CodeAPIDisabled,
		Message: "Your user is not allowed to use the Salesforce API (the API Enabled permission is missing, or the org's edition has no API access).",
		Fix:     fmt.Sprintf(SetupPermPath, "API Enabled"),
	}
}

// explainKeyring maps token-store errors.
func explainKeyring(err error) *Problem {
	var ue *tokenstore.UnavailableError
	if errors.As(err, &ue) || errors.Is(err, tokenstore.ErrTooLarge) {
		return KeyringProblem(err)
	}
	if errors.Is(err, tokenstore.ErrNotFound) {
		return &Problem{Code: CodeNotAuthorized, Message: "This connector is not authorized yet.", Fix: "Click Authorize (or run connectorctl authorize)."}
	}
	return nil
}

// explainNetwork maps timeouts, cancellations and transport errors.
func explainNetwork(err error) *Problem {
	switch {
	case errors.Is(err, context.Canceled):
		return &Problem{Code: CodeCanceled, Message: "The operation was canceled.", Fix: "Start it again when you are ready."}
	case errors.Is(err, context.DeadlineExceeded):
		return &Problem{
			Code:    CodeTimeout,
			ID:      "timeout_salesforce",
			Message: "Salesforce did not answer in time.",
			Fix:     "Check your internet connection and proxy settings, then try again.",
		}
	}
	var ua x509.UnknownAuthorityError
	var ci x509.CertificateInvalidError
	var hn x509.HostnameError
	if errors.As(err, &ua) || errors.As(err, &ci) || errors.As(err, &hn) {
		return &Problem{
			Code:    CodeUnreachable,
			ID:      "unreachable_certificate",
			Message: "The connection to Salesforce is not trusted: the certificate presented is not valid for it (often a proxy that inspects HTTPS).",
			Fix:     "Ask your IT team to add the proxy's certificate authority to this computer's trusted certificates, or to exempt *.salesforce.com from inspection.",
		}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &Problem{
			Code:    CodeUnreachable,
			ID:      "unreachable_dns",
			Message: fmt.Sprintf("The address %s could not be found.", dnsErr.Name),
			Args:    map[string]any{"Host": safetext.Escape(dnsErr.Name)},
			Fix:     "Check the login URL of the connector and your internet connection.",
		}
	}
	var ne net.Error
	var ue *url.Error
	var oe *net.OpError
	if errors.As(err, &ne) || errors.As(err, &ue) || errors.As(err, &oe) {
		return unreachableProblem("Connectors could not reach Salesforce.")
	}
	return nil
}

func unreachableProblem(msg string) *Problem {
	return &Problem{
		Code:    CodeUnreachable,
		ID:      "unreachable_network",
		Message: msg,
		Fix:     "Check your internet connection and proxy settings" + ProxyVarsHint + ", then try again.",
	}
}
