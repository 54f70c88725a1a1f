package publish

import (
	"context"
	"io"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/backup"
)

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
	ConfirmedKeys []connector.Key
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
	Key         connector.Key      `json:"-"`
	Connector   string             `json:"connector"`
	Outcome     PublishOutcome     `json:"outcome"`
	Resource    string             `json:"resource"`
	ResourceID  string             `json:"resourceId,omitempty"`
	Fingerprint string             `json:"fingerprint"`
	Size        int64              `json:"size"`
	BytesSent   int64              `json:"bytesSent"`
	Requests    int                `json:"requests"` // HTTP requests this publish made
	BackupPath  string             `json:"backupPath,omitempty"`
	Duration    time.Duration      `json:"durationNs"`
	Problem     *connector.Problem `json:"-"`
	Error       string             `json:"error,omitempty"` // Problem.Error() for JSON
	ErrorCode   string             `json:"errorCode,omitempty"`

	// Found is the resource as the org held it when it was already up to
	// date (published with Connectors here or elsewhere).
	Found *connector.OrgVersion `json:"found,omitempty"`
	// Replaced is what the write replaced, as the org's record told it
	// (published with Connectors elsewhere: who, when, which version).
	Replaced *connector.OrgVersion `json:"replaced,omitempty"`

	// ChangedOutside is true when the record had been changed in the org
	// since our own publish: it was downloaded and backed up before the overwrite.
	ChangedOutside bool `json:"changedOutside,omitempty"`
	// Drift says when and by whom the record was changed outside
	// Connectors (set with ChangedOutside).
	Drift *connector.Drift `json:"drift,omitempty"`
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

// PendingBundle is a Bundle still being checked while the publish starts
// (a front end opening a ZIP file): its Size is known at once (the file's),
// and the publish takes the lock, opens the session and reads the org while
// the bundle is checked. It waits for Ready before anything needs the
// bundle's content (its fingerprint, its files, its bytes). When Ready
// fails, the publish stops there: nothing is written and nothing is
// journaled, and the front end reports the bundle's problem.
type PendingBundle interface {
	Bundle
	// Ready blocks until the bundle is checked (and the front end has shown
	// it); it returns the check's error.
	Ready(ctx context.Context) error
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
