package connector

// Problem codes of the authorization flow beyond problem.go's.
const (
	CodeInvalidCallbackURL = "invalid_callback_url"
	CodeTokenExchange      = "token_exchange_failed"
)

// CodeInvalidValue: a value typed in a form or given as an argument (a
// system name, an environment name, callback ports) is not valid.
const CodeInvalidValue = "invalid_value"

// CodeConnectorsFile: a --connectors file cannot be used.
const CodeConnectorsFile = "connectors_file_invalid"

// Problem codes of the headless flows.
const (
	CodeJWTKey              = "jwt_key_missing"
	CodeClientSecret        = "client_secret_missing"
	CodeJWTAudience         = "jwt_audience_invalid"
	CodeConsumerNotApproved = "consumer_not_approved"
	CodeInvalidAssertion    = "invalid_assertion"
	CodeNeedsMyDomain       = "needs_my_domain"
	CodeAppNotInstalled     = "app_not_installed"
	// CodeLoginHostNotAllowed: a JWT assertion or a client secret would go
	// to (or name as its audience) a host that is not a Salesforce login
	// host, and the user did not allow it (--allow-login-host).
	CodeLoginHostNotAllowed = "login_host_not_allowed"
)

// CodeHistoryDamaged: lines of the journal that are not entries were
// skipped (a warning: the other entries are shown).
const CodeHistoryDamaged = "history_damaged"

// CodeBackupFailed: the current body could not be saved locally, so it was not overwritten.
const CodeBackupFailed = "backup_failed"

// CodeAPIBudget: the org's daily API budget is within PublishOptions.APIReserve.
const CodeAPIBudget = "api_budget_reserve"

// CodeOutcomeUnknown: a write was sent but its answer never came (the
// connection dropped, a timeout, the process was stopped) and the org
// could not be asked afterwards: it may hold the new version.
const CodeOutcomeUnknown = "outcome_unknown"

// CodeConnectorExists: a rename would give two connectors the same system
// and environment.
const CodeConnectorExists = "connector_exists"

// CodeWrongOrg: the stored tokens were issued for another org than the
// one this connector was authorized for; nothing was sent or written.
const CodeWrongOrg = "wrong_org"
