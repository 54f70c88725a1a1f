package connector

// The publish without a lookup, and drift: what changed behind our back.
//
// With the record Id and the modification time kept from our last publish,
// a publish needs no lookup: an unchanged bundle is one read of our record
// (untouched since?), a changed one is one conditional PATCH
// (If-Unmodified-Since): the org writes only if nobody touched the record
// since our publish, which also proves our local copy of what we published
// is what the org held, hence the backup. A 404 or 412 falls back to the
// lookup pipeline (publish.go), where drift is refused unless forced.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/salesforce"
)

// Drift says when and by whom a resource was changed outside Connectors.
type Drift struct {
	LastModifiedDate   time.Time `json:"lastModifiedDate"`
	LastModifiedByID   string    `json:"lastModifiedById,omitempty"`
	LastModifiedByName string    `json:"lastModifiedByName,omitempty"`
	// Fingerprint is the content fingerprint its Description records now
	// ("" when the Description no longer carries one).
	Fingerprint string `json:"fingerprint,omitempty"`
	// Deleted: the resource is no longer in the org.
	Deleted bool `json:"deleted,omitempty"`
}

// Summary is one line for the list and status: "changed outside
// Connectors on <when> by <who>" (or "deleted outside Connectors").
func (d *Drift) Summary() string {
	if d.Deleted {
		return "deleted outside Connectors"
	}
	return "changed outside Connectors on " + d.LastModifiedDate.Local().Format("2006-01-02 15:04") + " by " + d.By()
}

// PublishEffect says, in one clause, what a plain publish does about this
// drift (the same rule checkExisting applies): a deleted resource is
// simply created again; a changed one is refused without --force, and
// backed up before a forced publish replaces it.
func (d *Drift) PublishEffect() string {
	if d.Deleted {
		return "publishing creates it again (no --force needed; there is nothing to back up)"
	}
	return "publishing over it needs --force (it is backed up first)"
}

// By names who changed it: the user's name, else the Id, else "an unknown user".
func (d *Drift) By() string {
	switch {
	case d.LastModifiedByName != "":
		return d.LastModifiedByName
	case d.LastModifiedByID != "":
		return d.LastModifiedByID
	}
	return "an unknown user"
}

// DriftOf is the one rule for drift: the connector's resource as the org
// holds it now (cur, nil when gone) changed since our last publish — another
// record, another LastModifiedDate or LastModifiedById than ours, or our
// fingerprint no longer in its Description. Nil when untouched, or when no
// publish of ours is recorded (with the record's details).
func DriftOf(conn Connector, cur *salesforce.StaticResource) *Drift {
	rec := conn.LastPublish
	if rec == nil || rec.ResourceID == "" || rec.LastModifiedDate.IsZero() || !strings.EqualFold(rec.Resource, conn.EffectiveResourceName()) {
		return nil
	}
	if cur == nil {
		return &Drift{Deleted: true}
	}
	if rec.untouched(cur) && FingerprintFromDescription(cur.Description) == rec.Fingerprint {
		return nil
	}
	return driftOf(cur)
}

func driftOf(cur *salesforce.StaticResource) *Drift {
	return &Drift{
		LastModifiedDate: cur.LastModifiedDate.UTC(), LastModifiedByID: cur.LastModifiedByID,
		LastModifiedByName: cur.LastModifiedByName, Fingerprint: FingerprintFromDescription(cur.Description),
	}
}

// errNoLocalCopy stops a backup that would need a download in the fast path.
var errNoLocalCopy = errors.New("no local copy of the published body")

// description is the Description our publish of fp writes.
func (r *publishRun) description(fp string) string {
	publisher := ""
	if r.conn.Org != nil {
		publisher = r.conn.Org.Username
	}
	return DescriptionWith(fp, r.s.AppVersion, publisher)
}

// fastRecord is the record of our last publish when the one-request path
// can use it, else nil.
func (r *publishRun) fastRecord() *PublishRecord {
	rec := r.lastPublish()
	if r.restored || rec == nil || rec.ResourceID == "" || rec.LastModifiedDate.IsZero() || r.userID() == "" {
		return nil
	}
	return rec
}

// fastPublish publishes from what our last publish recorded, without a
// lookup. done is false when the lookup pipeline must run instead: no
// usable record, a dry run of a changed bundle, the record changed (412)
// or gone (404).
func (r *publishRun) fastPublish(ctx context.Context, b Bundle) (done bool, err error) {
	rec := r.fastRecord()
	if rec == nil {
		return false, nil
	}
	if b.Fingerprint() == rec.Fingerprint && b.Size() == rec.Size && !r.opts.Force {
		return r.fastUnchanged(ctx, b, rec)
	}
	if r.opts.DryRun || r.opts.Force {
		// Force goes through the lookup: it may publish over drift, whose
		// backup must be downloaded.
		return false, nil
	}
	cur, _, ok := r.store.PublishedRecord(rec.ResourceID, rec.Fingerprint, rec.Size)
	if !ok || !cur.LastModifiedDate.Equal(rec.LastModifiedDate) {
		return false, nil
	}
	if err := r.fastGuard(ctx); err != nil {
		return !errors.Is(err, errUsageUnknown), err
	}
	bk, err := r.store.Save(cur, rec.Fingerprint, r.k.String(), r.s.pubNow(),
		func(io.Writer) (int64, error) { return 0, errNoLocalCopy })
	if errors.Is(err, errNoLocalCopy) {
		return false, nil
	}
	if err != nil {
		return true, r.backupProblem(err)
	}
	r.res.BackupPath = bk.Path
	spec := r.uploadSpec(b)
	// Name, ContentType and CacheControl stay as the org has them.
	spec.Name, spec.ContentType, spec.CacheControl = "", "", ""
	spec.UnmodifiedSince = rec.LastModifiedDate
	stats, err := r.client.UpdateStaticResource(ctx, rec.ResourceID, spec)
	r.res.BytesSent += stats.WireBytes
	r.attempted = true
	if salesforce.IsPreconditionFailed(err) || salesforce.IsNotFound(err) {
		r.log.Info("record changed or gone since our publish, looking it up", "connector", r.k.String(), "resource", r.resource, "err", err)
		r.fastBackup = &bk
		return false, nil
	}
	if err != nil {
		return true, fmt.Errorf("update static resource: %w", err)
	}
	r.landed = true
	r.res.ResourceID = rec.ResourceID
	got, bound := r.written(rec.ResourceID, cur, spec, b, stats.ServerTime)
	if got == nil {
		if got, err = r.verify(ctx, rec.ResourceID, b); err != nil {
			return true, err
		}
	}
	r.res.Outcome = OutcomeUpdated
	r.record(b, got, bound)
	return true, nil
}

// errUsageUnknown sends the one-request path to the lookup: nothing of
// this process tells the org's API budget, and the lookup's answer will.
var errUsageUnknown = errors.New("the org's API usage is unknown")

// fastGuard is guardWrite for the one-request path: an error when the
// write must not go out, errUsageUnknown when the lookup must run first
// (its answer is checked before the write).
func (r *publishRun) fastGuard(ctx context.Context) error {
	if err := r.checkLiveProduction(ctx); err != nil {
		return err
	}
	if _, known := r.usage(); r.opts.APIReserve > 0 && !known {
		return errUsageUnknown
	}
	return r.checkBudget()
}

// fastUnchanged checks, in one request, that the org still holds the
// bundle of our last publish, untouched: then it is up to date. A plain
// read rather than If-Modified-Since: the same one request, but it also
// sees who wrote last and the fingerprint, which a change within the
// second of our write leaves as the only trace.
func (r *publishRun) fastUnchanged(ctx context.Context, b Bundle, rec *PublishRecord) (done bool, err error) {
	cur, err := r.client.GetStaticResource(ctx, rec.ResourceID)
	switch {
	case err == nil && rec.untouched(cur) && FingerprintFromDescription(cur.Description) == b.Fingerprint() && cur.BodyLength == b.Size():
		r.res.ResourceID = rec.ResourceID
		r.res.Outcome = OutcomeUpToDate
		return true, nil
	case err == nil || salesforce.IsNotFound(err):
		return false, nil // changed or gone: the lookup tells how
	}
	return true, err
}

// ownWrite reports whether cur holds the write this run sent (an attempt
// that landed although its answer was lost): our fingerprint and size,
// written by our user.
func (r *publishRun) ownWrite(cur *salesforce.StaticResource, b Bundle) bool {
	return r.attempted && FingerprintFromDescription(cur.Description) == b.Fingerprint() &&
		cur.BodyLength == b.Size() && salesforce.SameID(cur.LastModifiedByID, r.userID())
}

// dropFastBackup removes the backup taken from our local copy before a
// conditional write the org refused: the org did not hold that copy.
func (r *publishRun) dropFastBackup() {
	if r.fastBackup == nil {
		return
	}
	if err := r.store.Remove(*r.fastBackup); err != nil {
		r.log.Warn("remove a backup that does not hold what the org had", "path", r.fastBackup.Path, "err", err)
	}
	if r.res.BackupPath == r.fastBackup.Path {
		r.res.BackupPath = ""
	}
	r.fastBackup = nil
}

// changedDuringPublish handles a 412 on the write after the lookup: the
// record changed between the lookup and the write. Unless that change is
// this run's own earlier attempt, nothing was written: it is drift.
func (r *publishRun) changedDuringPublish(ctx context.Context, cur *salesforce.StaticResource, b Bundle, err error) error {
	now, gerr := r.client.GetStaticResource(ctx, cur.ID)
	if gerr != nil {
		return errors.Join(r.driftProblem(cur, true), gerr)
	}
	if r.ownWrite(now, b) {
		r.res.Outcome = OutcomeUpdated
		r.record(b, now, false)
		return nil
	}
	r.res.ChangedOutside = true
	r.res.Drift = driftOf(now)
	p := r.driftProblem(now, true)
	p.Err = err
	return p
}

// driftProblem refuses to publish over a resource changed outside
// Connectors since our last publish; during says it changed while this
// publish ran (after its lookup).
func (r *publishRun) driftProblem(cur *salesforce.StaticResource, during bool) *Problem {
	d := driftOf(cur)
	r.res.Drift = d
	if _, err := r.s.Registry.Update(r.k, func(c *Connector) error {
		c.Drift = d // the list shows it until a publish or a check clears it
		return nil
	}); err != nil {
		r.log.Warn("record the drift on the connector", "connector", r.k.String(), "err", err)
	}
	when := d.LastModifiedDate.Local().Format("2006-01-02 15:04")
	msg := fmt.Sprintf("%s was changed outside Connectors (%s by %s) since your last publish, so nothing was written.", r.resource, when, d.By())
	if during {
		msg = fmt.Sprintf("%s was changed outside Connectors (%s by %s) while this publish ran, so nothing was written.", r.resource, when, d.By())
	}
	return &Problem{
		Code:    CodeChangedOutside,
		Message: msg,
		Fix:     "Check that change with its author; to publish over it (a backup of it is taken first), publish again and confirm (connectorctl: --force).",
	}
}
