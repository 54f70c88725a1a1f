package connector

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/connector/tokenstore"
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
	for _, f := range explainers {
		if p := f(err); p != nil {
			if p.Err == nil {
				p.Err = err
			}
			return p
		}
	}
	return &Problem{
		Code:    "unexpected",
		Message: "Something unexpected went wrong: " + strings.TrimSuffix(err.Error(), ".") + ".",
		Fix:     "Try again; if it keeps happening, copy the diagnostics (connectorctl doctor --diagnostics) and send them to support.",
		Err:     err,
	}
}

// explainers are tried in order; the first that recognises the error wins.
var explainers = []func(error) *Problem{explainAPI, explainKeyring, explainNetwork}

const (
	appFix           = "Check the client ID of the connector, or ask your Salesforce admin to install the app (or grant you \"Approve Uninstalled Connected Apps\")."
	portFix          = "Close the program using it, or add another callback port that is registered in your External Client App."
	reauthFix        = "Authorize the connector again."
	setupPermPath    = "In Setup, open Users → Permission Sets (or Profiles) → your user's permission set → System Permissions and turn on %s."
	revokeManualPath = "open Setup → Connected Apps OAuth Usage in the org and revoke the app for your user"
)

// explainAPI maps Salesforce REST errors.
func explainAPI(err error) *Problem {
	var ae *salesforce.APIError
	if !errors.As(err, &ae) {
		return nil
	}
	switch ae.ErrorCode {
	case "INVALID_SESSION_ID":
		return &Problem{Code: CodeNeedsReauth, Message: "Salesforce no longer accepts the session of this connector.", Fix: reauthFix}
	case "API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED":
		return apiDisabledProblem()
	case "REQUEST_LIMIT_EXCEEDED":
		return &Problem{
			Code:    CodeRequestLimit,
			Message: "The org has used up its daily API requests.",
			Fix:     "Try again later (the limit resets over 24 hours), or ask your admin to raise it.",
		}
	case "INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS":
		return &Problem{
			Code:    CodeInsufficientAccess,
			Message: "Your user may not create or change static resources in this org.",
			Fix:     fmt.Sprintf(setupPermPath, "Customize Application"),
		}
	case "DUPLICATE_VALUE":
		return &Problem{
			Code:    CodeDuplicate,
			Message: "A static resource with this name already exists in the org.",
			Fix:     "Publish again (Connectors will update it), or choose another resource name.",
		}
	case "STORAGE_LIMIT_EXCEEDED":
		return &Problem{
			Code:    CodeOrgStorageFull,
			Message: "The org has no room left for static resources (250 MB in total).",
			Fix:     "Delete static resources the org no longer needs (Setup → Static Resources), then publish again.",
		}
	case "FIELD_INTEGRITY_EXCEPTION", "STRING_TOO_LONG":
		if strings.Contains(strings.ToLower(ae.Message), "5mb") || strings.Contains(strings.ToLower(ae.Message), "5 mb") ||
			strings.Contains(strings.ToLower(ae.Message), "exceed") {
			return &Problem{Code: CodeTooLarge, Message: "The bundle is larger than Salesforce allows for one static resource (5 MB).", Fix: "Make the bundle smaller and publish again."}
		}
		return &Problem{
			Code:    CodeInvalidName,
			Message: "Salesforce refused the static resource: " + strings.TrimSuffix(ae.Message, ".") + ".",
			Fix:     "Use a resource name of letters, digits and single underscores that starts with a letter.",
		}
	case "NOT_FOUND":
		return &Problem{Code: "resource_not_found", Message: "The static resource no longer exists in the org.", Fix: "Publish again to create it."}
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
	msg := ae.Message
	if msg == "" {
		msg = fmt.Sprintf("HTTP %d", ae.StatusCode)
	}
	code := ae.ErrorCode
	if code == "" {
		code = "salesforce_error"
	}
	return &Problem{
		Code:    strings.ToLower(code),
		Message: "Salesforce refused the request: " + strings.TrimSuffix(msg, ".") + ".",
		Fix:     "Try again; if it keeps failing, show this message to your Salesforce admin.",
	}
}

func looksLikeMaintenance(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "maintenance") || strings.Contains(s, "temporarily unavailable") || strings.Contains(s, "down for")
}

func apiDisabledProblem() *Problem {
	return &Problem{
		Code:    CodeAPIDisabled,
		Message: "Your user is not allowed to use the Salesforce API (the API Enabled permission is missing, or the org's edition has no API access).",
		Fix:     fmt.Sprintf(setupPermPath, "API Enabled"),
	}
}

// explainKeyring maps token-store errors.
func explainKeyring(err error) *Problem {
	var ue *tokenstore.UnavailableError
	if errors.As(err, &ue) || errors.Is(err, tokenstore.ErrTooLarge) {
		return keyringProblem(err)
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
			Message: "The connection to Salesforce is not trusted: the certificate presented is not valid for it (often a proxy that inspects HTTPS).",
			Fix:     "Ask your IT team to add the proxy's certificate authority to this computer's trusted certificates, or to exempt *.salesforce.com from inspection.",
		}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &Problem{
			Code:    CodeUnreachable,
			Message: fmt.Sprintf("The address %s could not be found.", dnsErr.Name),
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
		Message: msg,
		Fix:     "Check your internet connection and proxy settings (HTTPS_PROXY, NO_PROXY), then try again.",
	}
}
