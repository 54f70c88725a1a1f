// Command connectorctl is the command-line twin of the Connectors app: it
// authorizes Salesforce orgs, checks them and publishes a content bundle as
// a StaticResource, for consultants' scripts and for support over SSH.
//
// A connector is addressed as SYSTEM/ENVIRONMENT, e.g. Lightning/Sandbox;
// the environment (production, sandbox, test) is case-insensitive.
//
// # Commands
//
//	connectorctl authorize SYSTEM/ENV [--login-url URL] [--client-id ID]
//	    [--callback-port PORT]... [--no-browser] [--timeout DURATION]
//	    [--resource NAME] [--allow-environment-mismatch]
//	connectorctl authorize SYSTEM/ENV --jwt --client-id KEY --username USER
//	    [--login-url URL] [--jwt-key-file PEM] [--audience URL]
//	connectorctl authorize SYSTEM/ENV --client-credentials --client-id KEY
//	    --login-url MYDOMAIN   (secret from $CONNECTORS_CLIENT_SECRET)
//	connectorctl export [--output FILE]
//	connectorctl list
//	connectorctl status [SYSTEM/ENV ...]
//	connectorctl fleet BUNDLE [SYSTEM/ENV ...] [--all] [--resource NAME]
//	    [--max-parallel N] [--csv] [--html FILE] [--every DURATION]
//	    [--notify URL] [--notify-format slack|teams|teams-connector]
//	connectorctl publish BUNDLE SYSTEM/ENV [SYSTEM/ENV ...] [--resource NAME]
//	    [--dry-run] [--force] [--yes]
//	connectorctl publish BUNDLE --all [--shard I/N] [--max-parallel N]
//	    [--report FILE] [--api-reserve N] [--backup-dir DIR]
//	connectorctl publish BUNDLE --only-failed REPORT [--shard I/N] ...
//	connectorctl restore SYSTEM/ENV [--resource NAME] [--yes]
//	connectorctl disconnect SYSTEM/ENV
//	connectorctl rename SYSTEM/ENV NEW-SYSTEM
//
// ENV is production, sandbox, test, or a named environment (UAT, QA…):
// written NAME:KIND when it is created (KIND is production or sandbox,
// the org kind the environment check expects), NAME afterwards.
//
//	connectorctl remove SYSTEM/ENV [--yes]
//	connectorctl doctor
//	connectorctl diagnostics
//	connectorctl demo-org [--login-addr ADDR] [--instance-addr ADDR] [--production]
//	connectorctl completion bash|zsh|fish|powershell
//
// Every command accepts --config-dir DIR (default $CONNECTORS_CONFIG_DIR,
// else the user config folder), --connectors FILE (the connectors of a file
// written by export, e.g. committed to a repository; nothing is written back
// to it), --allow-login-host HOST[:PORT] (see CI) and -h/--help. Every
// command that reports results accepts --json. A flag's value comes right after it; a value that
// starts with "-" is a usage error, so `--client-id --no-browser` never
// takes "--no-browser" as the client ID (write a folder named -x as ./-x).
//
// Text from outside (Salesforce's messages, OAuth error descriptions, org
// and user names, bundle entry names, pasted URLs) is printed with control
// characters, ANSI sequences, bidirectional overrides and invalid UTF-8
// escaped in Go's notation (\x1b[31m, \r, \u202e, \xff); letters of any
// language are left as they are. The log files and diagnostics do the same.
// With --json, names and other data keep their exact value, such characters
// written as \u escapes; messages are escaped as on the terminal.
//
// A value that may be a key or a secret (PEM text, several lines, something
// that looks like a token) is never printed, whether it came in a flag, an
// argument or an environment variable: messages, reports, the log and
// diagnostics name the flag or variable and say what the value looked like.
//
// authorize waits --timeout for the browser to come back: 3m by default,
// e.g. 90s or 10m; zero or less is a usage error.
//
// authorize always prints the authorize URL to stderr and opens it with
// $BROWSER (commands separated by ':', ';' on Windows; %s is replaced by the URL)
// or the system opener, unless --no-browser. While it waits on a terminal,
// the final URL from the browser's address bar can be pasted on stdin when
// the redirect cannot reach this computer (SSH, WSL, another machine).
//
// publish and restore ask to confirm a production target on a terminal (type
// the org name or "yes"); without a terminal they need --yes. A production
// target is a Production connector, or any connector whose org is a
// production org (allowed with --allow-environment-mismatch). On a terminal
// publish draws a progress bar on stderr; otherwise it prints plain progress
// lines there. Results go to stdout, one line per target.
//
// # CI (docs/ci.md)
//
// authorize --jwt and --client-credentials need no browser and no keyring:
// the JWT key comes from --jwt-key-file, $CONNECTORS_JWT_KEY (PEM text) or
// $CONNECTORS_JWT_KEY_FILE, the client secret from $CONNECTORS_CLIENT_SECRET
// only (a flag would show in ps). Tokens minted from them live in the
// process's memory for the run; every later command mints its own, and on
// a 401 it runs the grant again. status shows where each credential comes
// from (keyring, jwt, client-credentials). A JWT assertion or a client
// secret goes only to a Salesforce login host (login.salesforce.com,
// test.salesforce.com, *.my.salesforce.com, *.my.site.com, over https), and
// a JWT audience must name one: any other host, such as a simulated org,
// needs --allow-login-host HOST or HOST:PORT on the command line of the run
// (never from a connectors file).
//
// publish --all targets every connector; --shard I/N takes a stable share
// (targets sorted by name, dealt round robin), so N jobs 1/N..N/N cover each
// target once; --max-parallel N bounds concurrency (default 20); --report
// FILE writes JUnit XML, one testcase per target (a failure carries the
// message and fix, a skip its reason). --only-failed REPORT retries only
// the targets that failed or were skipped in an earlier run, read from its
// --report JUnit XML or its --json output (at most 10 MB; its names are
// parsed and looked up as SYSTEM/ENV arguments are; with SYSTEM/ENV or
// --all, or a file that is not such a report, it is a usage error; a
// report with no failure publishes nothing and exits 0). A target whose
// org has fewer than --api-reserve N daily API requests left (default 500,
// read from Sforce-Limit-Info after the one preflight request) is skipped
// (outcome skipped). Reads are retried on 429, 5xx and REQUEST_LIMIT_EXCEEDED that
// waiting can fix, honouring Retry-After up to 10 s. Nothing prompts
// without a terminal; with --json stdout carries only JSON.
//
// # Exit codes
//
//	0  success
//	1  failure: an error, a failed publish target, a connector needing
//	   attention (status), an org not current (fleet), a failed doctor check, a failed revoke (disconnect)
//	   (fleet --every runs until Ctrl+C or SIGTERM and then exits 0; a
//	   failed webhook post, --notify, is a warning and changes no exit code)
//	2  usage error: unknown command or flag, wrong arguments, a flag value
//	   that starts with "-" or is a key's text, a --timeout of zero or less,
//	   an empty --shard, a login URL or resource name that cannot work (also
//	   login.salesforce.com or test.salesforce.com for --client-credentials),
//	   a login host not allowed for a JWT or a secret (--allow-login-host),
//	   a production target without --yes and no terminal to confirm on
//	3  publish: no target failed, but some were skipped (--api-reserve)
//
// # Errors
//
// An error is printed to stderr as one plain sentence saying what happened,
// then one line naming the fix. With --json it is one JSON object instead:
//
//	{"error": "…what happened…", "code": "connector_not_found", "fix": "…what to do…"}
//
// code is "usage" for usage errors, else a stable Problem code
// (connector_not_found, not_authorized, needs_reauth, access_denied,
// permission_missing, api_disabled, environment_mismatch, invalid_bundle,
// production_not_confirmed, canceled, timeout, port_in_use, …).
//
// # JSON output (--json)
//
// Field names are stable; new fields may be added. Times are RFC 3339,
// durations are integer nanoseconds (fields ending in Ns), sizes are bytes.
//
// The org object (authorize, list, status):
//
//	orgId         18-character organization ID
//	orgName       organization name
//	instanceUrl   the org's API host
//	username      the authorized user
//	userId        18-character user ID
//	isSandbox     whether the org is a sandbox
//	authorizedAt  time of the authorization
//
// The permissions object (authorize, status): apiEnabled, customizeApplication
// (booleans), checked (false when the check could not run),
// customizeApplicationChecked (false when Customize Application could not be
// read, e.g. without API access: then it is not checked, not missing).
//
// The problem object (authorize, disconnect): code, message, fix.
//
// authorize prints one object:
//
//	connector      "System/Environment"
//	org            the org object
//	environmentOk  the org's kind (sandbox or production) fits the slot
//	permissions    the permissions object
//	orgChanged     the org ID differs from the previous authorization (refreshed sandbox)
//	previousOrgId  the previous org ID, when orgChanged
//	loginUrl       the normalised login URL stored for the connector
//	resourceName   the StaticResource it publishes to
//	authMethod     web, jwt or client-credentials
//	credentialSource  keyring, jwt or client-credentials
//	clientId       the consumer key used
//	username       the JWT subject (jwt only)
//	problem        set when authorized but unable to publish yet (exit 1)
//
// export prints {version, connectors: [...]}; each connector has id, system,
// environment, orgKind (production or sandbox), loginUrl, clientId,
// authMethod, username, audience, resourceName, allowEnvironmentMismatch,
// orgId and orgName. It never holds a token, key or secret.
//
// list prints an array, one object per connector, from the local registry only:
//
//	connector, system, environment, loginUrl, clientId, resourceName
//	id           the connector's stable ID (its keyring entry is keyed by it)
//	org          the org object, or null before the first authorization
//	state        the connector's state by the same rule as the window's list
//	needsReauth  a refresh failed: authorize again
//	lastState    state of the last live check ("" when never checked)
//	lastCheck    time of the last live check, or null
//	lastPublish  null, or {at, resource, resourceId, fingerprint, size, restored,
//	             pubId (the publish Id written into the org's record),
//	             lastModifiedDate, lastModifiedById, modifiedBound (older
//	             versions: the record right after that publish)}: a cache of
//	             this folder's last publish; the org's record is the judge
//	drift        absent, or {lastModifiedDate, lastModifiedById, lastModifiedByName,
//	             fingerprint, deleted}: the resource was changed (or deleted)
//	             outside Connectors since the last publish, as last seen by
//	             status or publish
//
// status prints an array, one object per connector checked:
//
//	connector       "System/Environment"
//	state           connected, not_authorized, needs_reauth, sandbox_refreshed,
//	                permission_missing, environment_mismatch, unreachable, keyring_error
//	message         one plain sentence
//	fix             what to do, when the state needs attention
//	credentialSource  keyring, jwt or client-credentials (where the credential comes from)
//	tokensPresent   tokens are in the keyring (or were minted, for jwt and client-credentials)
//	sessionValid    the session works (after a refresh if needed)
//	org             the org object, when known
//	environmentOk   the org's kind fits the slot (when environmentChecked)
//	environmentChecked  the org could be asked its kind (false: no verdict)
//	permissions     the permissions object
//	apiUsage        {used, max} API requests in the last 24 hours, when known
//	resource        {id, name, size, lastModified, fingerprint, contentType}, when published
//	drift           {lastModifiedDate, lastModifiedById, lastModifiedByName, fingerprint,
//	                deleted}: changed outside Connectors (or deleted after our publish)
//	found           the resource as the org holds it, judged from its record alone:
//	                {provenance (own: this folder's publish; connectors: published with
//	                Connectors elsewhere, another computer, a teammate or CI;
//	                changed_outside; foreign: never published by this app; absent),
//	                resourceId, fingerprint, size, publishedAt, publishedById,
//	                publisher, appVersion, pubId (what the publish recorded in the
//	                org's Description), lastModifiedDate, lastModifiedById,
//	                lastModifiedByName (the org's own fields)}
//	checkedAt       time of the check
//	durationNs      how long the check took
//	needsAttention  state is not connected
//	nextSteps       commands to run next (empty when connected)
//
// publish prints one object:
//
//	bundle   {source, fingerprint, size, files, uncompressedSize,
//	         largest: [{name, size}], skipped: [paths left out of a folder]}
//	dryRun   whether --dry-run was given
//	ok       no target failed
//	results  one result per target, in the order given
//
// A result (publish, and restore which prints one result object):
//
//	connector    "System/Environment"
//	outcome      created, updated, up_to_date, would_create, would_update, skipped
//	             (the org's API budget is within --api-reserve) or failed
//	resource     the StaticResource name
//	resourceId   its ID, when known
//	fingerprint  the content fingerprint ("sha256:<hex>")
//	size         bundle size in bytes
//	bytesSent    bytes uploaded
//	requests     HTTP requests made
//	backupPath   local backup of the previous version, when one was taken
//	found        up_to_date: the version the org already held (see replaced)
//	replaced     the version the write replaced, as the org's record told it:
//	             {provenance (own: this folder's publish; connectors: published with
//	             Connectors elsewhere, another computer, a teammate or CI;
//	             changed_outside; foreign: never published by this app; absent),
//	             resourceId, fingerprint, size, publishedAt, publishedById,
//	             publisher, appVersion, pubId (what the publish recorded in the
//	             org's Description), lastModifiedDate, lastModifiedById,
//	             lastModifiedByName (the org's own fields)}
//	changedOutside  the resource had been changed in the org since our last
//	             publish (errorCode changed_outside unless --force; then it was
//	             downloaded and backed up first)
//	drift        {lastModifiedDate, lastModifiedById, lastModifiedByName,
//	             fingerprint}: when and by whom it was changed outside Connectors
//	plan         dry runs: {source (none, local-copy or download), added, removed,
//	             changed, unchanged, oldSize, newSize, orgNotBundle, files:
//	             [{path, change (added, removed, changed), oldSize, newSize}]}
//	served       after a publish: {visualforce ({!$Resource.Name}), lightning
//	             (@salesforce/resourceUrl/Name), path (/resource/<timestamp>/Name),
//	             file, fileUrl, cacheNote}
//	existing     {id, name, size, contentType, lastModifiedDate, lastModifiedById,
//	             lastModifiedByName}: the resource this app did not publish that
//	             a publish refused to replace (errorCode resource_exists)
//	restoredFrom the backup a restore put back: {path, takenAt, size, name,
//	             contentType, cacheControl, description, ...}
//	durationNs   how long it took
//	error        message and fix in one string, when failed
//	errorCode    the Problem code, when failed or skipped
//	message      what happened, when failed
//	fix          what to do, when failed
//
// rename prints {from, to, id}: the connector's old and new SYSTEM/ENV and
// its ID, which does not change (its tokens and backups stay with it).
// remove prints {connector, removed, problem}: removed is true once the
// connector is deleted; problem is set when the revoke at Salesforce failed.
//
// history --json prints an array, oldest first, of {time, action (publish,
// restore or replace), connector, connectorId, orgId, orgName, resource,
// resourceId, fingerprint, size, user (the Salesforce username), outcome
// (created, updated, up_to_date, failed, or landed: a publish whose answer
// was lost, found in the org by a later run), errorCode, backupPath,
// appVersion, pubId}; --csv prints the same as CSV with a
// header row. export-csv prints the connector table as CSV.
//
// fleet prints one object, {bundle, allCurrent, summary, counts, rows}:
// bundle is {source, fingerprint, size} of BUNDLE; allCurrent is true when
// every row is current (exit 0); summary is the plain output's last line
// ("41 current, 6 behind, 1 changed outside, 2 unreachable"); counts maps
// every state to its number of rows. Each row:
//
//	connector       "System/Environment"
//	state           current, behind, changed_outside, absent,
//	                needs_authorization or unreachable
//	production      the connector sits in the production slot
//	orgId, orgName  the org the connector was authorized for
//	resource        the StaticResource read
//	provenance      who left what the org holds: own (this folder's publish),
//	                connectors (published with Connectors elsewhere),
//	                changed_outside, foreign (a same-name resource never
//	                published with Connectors; its state is changed_outside),
//	                absent; left out when the org could not be read
//	fingerprint     the bundle version the org's record names
//	size            the resource's size in bytes
//	publishedAt     when it was published, as its record says
//	publishedBy     the Salesforce username that published it, as its record says
//	appVersion      the Connectors version that published it
//	lastModifiedAt  the org's own time of the last change
//	lastModifiedBy  who changed it last (the user's name, else username or Id)
//	note            why a foreign resource counts as changed_outside
//	problem         the problem object, for needs_authorization and unreachable
//
// fleet --csv prints the same rows as CSV (not with --json: exit 2), with
// a header row: connector, environment, production (true or false),
// org_name, org_id, resource, state, fingerprint, published_at,
// published_by, app_version, last_modified_at, last_modified_by (times in
// RFC 3339, UTC), problem_code, message, fix (for needs_authorization and
// unreachable). A cell starting with =, +, -, @, tab or CR, which a
// spreadsheet would run as a formula, starts with a ' instead. The exit
// code is the plain output's. fleet --html FILE also writes a
// self-contained HTML report (inline style, no script, no external asset)
// to FILE, whole or not at all; the plain output ends with where it went
// (stderr says it with --json or --csv).
//
// fleet --every DURATION (at least 1m; not with --csv) checks again on that
// schedule until Ctrl+C or SIGTERM (exit 0). The first check prints the
// usual table; each later one a line per change ("!" before a change to
// act on), then the counts, or one "No change" line. With --json every
// check is one JSON object on one line (JSON Lines):
//
//	checkedAt   when the check was made (RFC 3339)
//	first       true for the first check, which also has bundle and rows
//	            (as fleet --json prints them); false for the later ones
//	allCurrent, summary, counts   as in fleet --json
//	changes     [{connector, from, to, alert}]: each connector whose state
//	            changed since the previous check, or that was changed
//	            outside Connectors again (from equals to); from is left
//	            out for a connector new since then; alert is true for a
//	            change to act on (to behind, changed_outside,
//	            needs_authorization or unreachable)
//	alerts      how many changes are to act on
//	notified    only when the check was posted (--notify): whether the
//	            webhook took it
//
// fleet --notify URL (or $CONNECTORS_NOTIFY_URL, better: a CI secret
// variable; the URL carries the webhook's secret and is never printed or
// logged) posts a summary to an incoming webhook: without --every when not
// every org is current, with --every after each check with a change to act
// on. The format follows the host (hooks.slack.com: slack, {"text": …} in
// mrkdwn; *.logic.azure.com, *.powerplatform.com: teams, a message with an
// Adaptive Card 1.2 for a Teams Workflows webhook; *.webhook.office.com,
// outlook.office.com: teams-connector, a MessageCard) or --notify-format,
// required for any other host. https only, or http to 127.0.0.1, ::1 or
// localhost. A post that fails (not 2xx, no answer within 10 s) prints a
// warning, "! …", on stderr.
//
// disconnect prints {connector, revoked, localDeleted, problem}: revoked is
// false with a problem when Salesforce could not be reached (the local
// tokens are deleted anyway; exit 1).
//
// doctor prints {ok, checks: [{name, ok, detail, fix}]}.
//
// diagnostics prints {version, goVersion, os, arch, configDir, environment,
// report}: environment maps the relevant variables (proxy credentials
// redacted) and report is the plain-text report. No token is ever printed.
//
// # Code layout
//
// One file per command, named for it (publish.go, status.go, disconnect.go,
// export.go, export_csv.go, demo_org.go, ci_setup.go, ...), each in GitHub
// CLI's shape: xOptions (the flags and arguments, and the cmdEnv it takes
// from the factory), newCmdX(f, runF) whose RunE fills the Options and
// calls runF when set (tests) else xRun, and xRun(ctx, opts), which runs
// without cobra. A part of one command has the command's name as prefix
// (authorize_headless.go, publish_ci.go). The shared helpers: root.go (the
// root command and run), factory.go (factory, cmdEnv, the connectorArgs
// preamble, lookup), iostreams.go, args.go, flags.go, completion.go,
// errors.go, errorlog.go, json.go, format.go, results.go (a target's
// result, for publish, restore and watch), progress.go, confirm.go,
// junit.go, writefile.go. A command's tests are in <command>_test.go.
package main
