package connector

import (
	"errors"
	"fmt"
	"strings"

	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/internal/safetext"
)

// JWTKeyFileNotAPath is the problem of a key file's "path" that is text
// (PEM, several lines): the key itself, given where its file was wanted
// (--jwt-key-file "$(cat key.pem)", a GitLab Variable where a File
// variable was meant). where names the flag or the variable; the value is
// never quoted. It is nil for anything else.
func JWTKeyFileNotAPath(where, path string) *Problem {
	if !strings.Contains(path, "-----") && !strings.ContainsAny(path, "\n\r") {
		return nil
	}
	return &Problem{
		Code:    CodeJWTKey,
		ID:      "jwt_key_file_not_a_path",
		Message: fmt.Sprintf("%s holds %s, not a file path (its value is not shown).", where, safetext.Describe(path)),
		Args:    map[string]any{"Where": where, "KeyEnv": JWTKeyEnv},
		Fix:     fmt.Sprintf("Put the key's PEM text in $%s instead (in GitLab, a variable of type Variable), or give the path of a file holding it (a File variable).", JWTKeyEnv),
	}
}

// Problem is an error a user can act on: a stable code, one plain sentence
// saying what happened, and one sentence naming the fix. Every error the
// Service returns to a front end is (or wraps) a *Problem, so the window and
// the CLI show the same words. Messages never contain a token, and text
// from outside in them (Salesforce's messages, OAuth error descriptions) is
// escaped with safetext.Escape.
//
// Codes are stable: the UI translates by code ("problem.<code>") and the CLI
// prints them in --json output.
//
// ID, when set, names the exact message within its code ("timeout_browser"
// vs "timeout_salesforce" for CodeTimeout); Args are the values the message
// quotes (sizes in bytes under keys ending in "Size", a port, a host name).
// A front end translates "problem.<ID or Code>" with Args, so the details
// survive translation; Message and Fix are the English text.
type Problem struct {
	Code    string         // e.g. "permission_missing", "port_in_use"
	ID      string         // the message's stable ID in the catalogue; "" means Code
	Message string         // what happened, one sentence
	Fix     string         // what to do, one sentence
	Args    map[string]any // the values the message and fix quote, for translation
	Err     error          // underlying cause, may be nil; never holds a secret
}

// MessageID is the problem's key in the message catalogue: ID, else Code.
func (p *Problem) MessageID() string {
	if p.ID != "" {
		return p.ID
	}
	return p.Code
}

func (p *Problem) Error() string {
	if p.Fix == "" {
		return p.Message
	}
	return p.Message + " " + p.Fix
}

func (p *Problem) Unwrap() error { return p.Err }

// AsProblem returns the *Problem in err's chain, or a generic one wrapping
// err (its text escaped: it may quote outside text).
func AsProblem(err error) *Problem {
	if err == nil {
		return nil
	}
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	return &Problem{Code: "unexpected", Message: safetext.Escape(err.Error()), Err: err}
}

// Problem codes shared by the front ends.
const (
	CodeNotFound               = "connector_not_found"
	CodeNotAuthorized          = "not_authorized"
	CodeNeedsReauth            = "needs_reauth"
	CodeAccessDenied           = "access_denied"
	CodeStateMismatch          = "state_mismatch"
	CodePortInUse              = "port_in_use"
	CodePortForbidden          = "port_forbidden"
	CodeTimeout                = "timeout"
	CodeCanceled               = "canceled"
	CodeRedirectMismatch       = "redirect_uri_mismatch"
	CodeInvalidClient          = "invalid_client"
	CodeAPIDisabled            = "api_disabled"
	CodePermissionMissing      = "permission_missing"
	CodeEnvMismatch            = "environment_mismatch"
	CodeOrgChanged             = "org_changed"
	CodeKeyring                = "keyring_unavailable"
	CodeUnreachable            = "unreachable"
	CodeRequestLimit           = "request_limit"
	CodeDuplicate              = "duplicate_value"
	CodeInsufficientAccess     = "insufficient_access"
	CodeTooLarge               = "too_large"
	CodeOrgStorageFull         = "org_storage_full"
	CodeInvalidName            = "invalid_resource_name"
	CodeInvalidLoginURL        = "invalid_login_url"
	CodeInvalidBundle          = "invalid_bundle"
	CodeBusy                   = "publish_in_progress"
	CodeVerifyFailed           = "verify_failed"
	CodeNoBackup               = "no_backup"
	CodeRevokeFailed           = "revoke_failed"
	CodeMaintenance            = "maintenance"
	CodeProductionNotConfirmed = "production_not_confirmed"
	CodeResourceExists         = "resource_exists"
	CodeBackupDamaged          = "backup_damaged"
)

// Problem codes of transient faults and of a publish that landed unchecked.
const (
	// CodeConcurrencyLimit: too many long requests run at once in the org
	// (ConcurrentPerOrgLongTxn). Unlike CodeRequestLimit, the daily budget,
	// it clears within a minute.
	CodeConcurrencyLimit = "concurrency_limit"
	// CodeVerifyNeedsReauth: the bundle landed (sent and accepted), but the
	// authorization was revoked before it could be read back; authorize again.
	CodeVerifyNeedsReauth = "verify_needs_reauth"
)

// Problem codes of drift (the org's resource changed behind our back) and
// of publish on change.
const (
	// CodeChangedOutside: the resource was changed in the org since our last
	// publish (by Setup or another tool); publishing over it needs Force
	// (connectorctl --force), and the backup keeps what was there.
	CodeChangedOutside = "changed_outside"
	// CodeWatchProduction: publish on change is refused for a production target.
	CodeWatchProduction = "watch_production"
	// CodeWatchFailed: the folder cannot be watched.
	CodeWatchFailed = "watch_failed"
)

func KeyringProblem(err error) *Problem {
	var ue *tokenstore.UnavailableError
	if errors.As(err, &ue) {
		return &Problem{Code: CodeKeyring, ID: ue.ID, Message: ue.Reason, Fix: ue.Fix, Err: err}
	}
	if errors.Is(err, tokenstore.ErrTooLarge) {
		return &Problem{
			Code:    CodeKeyring,
			ID:      "keyring_tokens_too_large",
			Message: "The tokens Salesforce issued are too large for the keyring.",
			Fix:     "Ask your Salesforce admin to use opaque (non-JWT) access tokens for the app, then authorize again.",
			Err:     err,
		}
	}
	return &Problem{
		Code:    CodeKeyring,
		Message: "The keyring could not be used: " + err.Error() + ".",
		Fix:     "Check that your system keyring is running and unlocked, then try again.",
		Err:     err,
	}
}

// Capitalize upper-cases the first ASCII letter of a message.
func Capitalize(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
