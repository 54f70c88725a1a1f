package connector

// This file is the contract the front ends (ui, cmd/connectorctl) code
// against. Implementations live in the other files of this package.

import (
	"context"
	"crypto/rsa"
	"io"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector/backup"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// Service ties the registry, the token store and the network together.
// Create it with NewService; all methods are safe for concurrent use.
type Service struct {
	// Runtime is what every flow shares: the records, the keyring, the
	// network, the clock, the log (its fields are the Service's settings).
	*Runtime
	// headless holds the minted tokens of headless connectors, in memory
	// for this process only; jwtKeyCache the parsed JWT key.
	headlessMu  sync.Mutex
	headless    map[string]*headlessToken
	jwtKeyCache *rsa.PrivateKey

	// doctorPorts overrides the callback ports Doctor checks, probeKeyring
	// its keyring round trip (nil: tokenstore.ProbeKeyring), and
	// orgStorageLimit MaxOrgStaticResources in the publish preflight
	// (0: unset). Only tests set them, through export_test.go.
	doctorPorts     []int
	probeKeyring    func(service string) error
	orgStorageLimit int64
}

// AuthorizeOptions tune one authorization.
type AuthorizeOptions struct {
	// LoginURL overrides the connector's login URL (anything NormalizeLoginURL accepts).
	LoginURL string
	// ClientID overrides the connector's client ID.
	ClientID string
	// Ports overrides the callback ports (tried in order).
	Ports []int
	// Timeout bounds the wait for the browser; 0 means 3 minutes.
	Timeout time.Duration
	// NoBrowser only reports the URL (OnURL) and never opens a browser.
	NoBrowser bool
	// AllowEnvironmentMismatch accepts a production org in a sandbox/test
	// connector or the reverse (otherwise refused with CodeEnvMismatch).
	AllowEnvironmentMismatch bool
	// ResourceName sets the connector's resource name when non-empty.
	ResourceName string
	// Pages is the wording of the browser's result pages, in the language
	// of the app that starts the flow; zero fields are English.
	Pages BrowserPages
}

// BrowserPages is the wording of the browser's result pages (oauth.PageText).
type BrowserPages = oauth.PageText

// AuthorizeResult is what an authorization learned.
type AuthorizeResult struct {
	Connector   Connector
	Permissions Permissions
	// OrgChanged is true when the connector had a different org ID before
	// (typically a refreshed sandbox); PreviousOrgID names it.
	OrgChanged    bool
	PreviousOrgID string
	// Message is one plain sentence summing up the authorization; it says
	// so when the org changed ("the sandbox was probably refreshed").
	Message string
	// Problem is set (and the tokens still stored) when a permission is
	// missing: the connector is authorized but cannot publish yet.
	Problem *Problem
	// Status is the connector's state as this authorization found it, by
	// the same rule as a live check: front ends show it as is.
	Status Status
}

// AuthFlow is an authorization in progress. The front end shows URL() with
// a Copy button, lets the user paste the final callback URL when the
// redirect cannot reach the app, and can Cancel.
type AuthFlow interface {
	// URL is the Salesforce authorize URL the browser must open.
	URL() string
	// RedirectURI is the loopback callback URL in use, e.g. http://localhost:1717/OauthRedirect.
	RedirectURI() string
	// SubmitCallbackURL finishes the flow from a pasted callback URL
	// (http://localhost:1717/OauthRedirect?code=...&state=...).
	SubmitCallbackURL(raw string) error
	// Wait blocks until the flow ends: tokens exchanged and stored, org
	// checked. It returns a *Problem on failure.
	Wait(ctx context.Context) (*AuthorizeResult, error)
	// Cancel aborts the flow; Wait returns a CodeCanceled problem.
	Cancel()
}

// PublishOptions tune one publish.
type PublishOptions struct {
	// ResourceName overrides the connector's resource name.
	ResourceName string
	// Force uploads even when the fingerprint matches, and over a resource
	// changed outside Connectors since our last publish (CodeChangedOutside;
	// it is backed up first).
	Force bool
	// DryRun runs the preflight (session, permissions, size, lookup) and
	// reports what would happen without writing anything.
	DryRun bool
	// Verify downloads the body the org holds before an overwrite instead
	// of trusting the org's record and our local copy (closes the residual
	// case of an edit by the same user, of the same size, keeping our
	// Description).
	Verify bool
	// ConfirmProduction confirms every production target (--yes): without
	// it, or the target in ConfirmedKeys, a production target is refused.
	ConfirmProduction bool
	// ConfirmedKeys are the production targets the user confirmed one by
	// one (typed the org's name). A target whose org turns out to be a
	// production org only when asked live is confirmed by neither a
	// confirmation of another target nor a connectors file.
	ConfirmedKeys []Key
	// ReplaceExisting allows overwriting a same-name StaticResource this app
	// did not publish (it is backed up first). Without it such a publish
	// fails with CodeResourceExists and writes nothing.
	ReplaceExisting bool
	// APIReserve, when positive, skips a target whose org has fewer than
	// this many daily API requests left (read from Sforce-Limit-Info after
	// the one preflight request): the outcome is OutcomeSkipped with
	// CodeAPIBudget, and nothing is written.
	APIReserve int
	// MaxParallel bounds PublishMany's concurrent publishes; 0 means 20.
	MaxParallel int
	// Progress, when set, is called with bytes sent so far and the total
	// (the compressed request size is unknown upfront: total is the bundle size).
	Progress func(sent, total int64)
}

// PublishOutcome says what a publish did.
type PublishOutcome string

// Publish outcomes.
const (
	OutcomeCreated     PublishOutcome = "created"
	OutcomeUpdated     PublishOutcome = "updated"
	OutcomeUpToDate    PublishOutcome = "up_to_date"
	OutcomeWouldCreate PublishOutcome = "would_create" // dry run
	OutcomeWouldUpdate PublishOutcome = "would_update" // dry run
	OutcomeFailed      PublishOutcome = "failed"
	OutcomeSkipped     PublishOutcome = "skipped" // the org's daily API budget is within the reserve
)

// PublishResult is one target's result.
type PublishResult struct {
	Key         Key            `json:"-"`
	Connector   string         `json:"connector"`
	Outcome     PublishOutcome `json:"outcome"`
	Resource    string         `json:"resource"`
	ResourceID  string         `json:"resourceId,omitempty"`
	Fingerprint string         `json:"fingerprint"`
	Size        int64          `json:"size"`
	BytesSent   int64          `json:"bytesSent"`
	Requests    int            `json:"requests"` // HTTP requests this publish made
	BackupPath  string         `json:"backupPath,omitempty"`
	Duration    time.Duration  `json:"durationNs"`
	Problem     *Problem       `json:"-"`
	Error       string         `json:"error,omitempty"` // Problem.Error() for JSON
	ErrorCode   string         `json:"errorCode,omitempty"`

	// Found is the resource as the org held it when it was already up to
	// date (published with Connectors here or elsewhere).
	Found *OrgVersion `json:"found,omitempty"`
	// Replaced is what the write replaced, as the org's record told it
	// (published with Connectors elsewhere: who, when, which version).
	Replaced *OrgVersion `json:"replaced,omitempty"`

	// ChangedOutside is true when the record had been changed in the org
	// since our own publish: it was downloaded and backed up before the overwrite.
	ChangedOutside bool `json:"changedOutside,omitempty"`
	// Drift says when and by whom the record was changed outside
	// Connectors (set with ChangedOutside).
	Drift *Drift `json:"drift,omitempty"`
	// Plan is what the publish would change, file by file (dry runs).
	Plan *Plan `json:"plan,omitempty"`
	// Served says how pages reference the resource (after a publish).
	Served *Served `json:"served,omitempty"`
	// Existing describes the resource a publish refused to replace
	// (CodeResourceExists): set ReplaceExisting to replace it.
	Existing *ExistingResource `json:"existing,omitempty"`
	// RestoredFrom is the backup a restore put back (its TakenAt and Size
	// name the version).
	RestoredFrom *Backup `json:"restoredFrom,omitempty"`
}

// Bundle is what the publisher needs from a content bundle; packaging.Bundle
// satisfies it.
type Bundle interface {
	// Size is the ZIP's size in bytes.
	Size() int64
	// Fingerprint is the content fingerprint (stable across zip timestamps and entry order).
	Fingerprint() string
	// Open returns a fresh reader of the ZIP bytes.
	Open() (io.ReadCloser, error)
}

// Backup is one local backup of a resource: its previous body and the
// record's metadata (name, content type, cache control, description, who
// and when last modified it).
type Backup = backup.Backup

// ExistingResource describes a same-name StaticResource in the org that this
// app did not publish: what a front end shows before replacing it.
type ExistingResource struct {
	ID                 string    `json:"id"`
	Name               string    `json:"name"`
	Size               int64     `json:"size"`
	ContentType        string    `json:"contentType,omitempty"`
	LastModifiedDate   time.Time `json:"lastModifiedDate"`
	LastModifiedByID   string    `json:"lastModifiedById,omitempty"`
	LastModifiedByName string    `json:"lastModifiedByName,omitempty"`
}

// DisconnectResult says what a disconnect did.
type DisconnectResult struct {
	Revoked      bool     `json:"revoked"`
	LocalDeleted bool     `json:"localDeleted"`
	Problem      *Problem `json:"-"` // set when the revoke could not be done
}

// DefaultCheckTimeout bounds one live status check.
const DefaultCheckTimeout = 15 * time.Second

// NewService opens the registry in cfgDir ("" = default) and uses tokens.
func NewService(cfgDir string, tokens tokenstore.Store) (*Service, error) {
	reg, err := OpenRegistry(cfgDir)
	if err != nil {
		return nil, err
	}
	return &Service{Runtime: &Runtime{
		Registry:              reg,
		Tokens:                tokens,
		AllowInsecureLoopback: true,
		CheckTimeout:          DefaultCheckTimeout,
	}}, nil
}
