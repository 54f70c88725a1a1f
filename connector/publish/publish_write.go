package publish

// The write half of the pipeline: read what the org holds (one request),
// judge it from the org's own record, then back up and write only what is
// needed, conditioned on the record as that read saw it.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/backup"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// settleTimeout bounds the read that tells whether a write whose answer
// was lost landed (after a failed PATCH or POST); it runs even when the
// caller's context is done.
const settleTimeout = 20 * time.Second

func (r *publishRun) publish(ctx context.Context, b Bundle) error {
	if err := r.prepare(b, true); err != nil {
		return err
	}
	unlock, err := r.begin(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	list, cur, err := r.read(ctx)
	if err != nil {
		return err
	}
	if err := r.checkBudget(); err != nil {
		return err
	}
	if err := r.awaitBundle(ctx, b); err != nil {
		return err
	}
	return r.write(ctx, b, list, cur)
}

// read is the one request before any decision: the record of our last
// publish by its Id when this folder knows it (a GET), else every static
// resource (the lookup, which also tells the org's storage use). A record
// renamed or deleted since falls back to the lookup.
func (r *publishRun) read(ctx context.Context) (*salesforce.ResourceList, *salesforce.StaticResource, error) {
	if rec := r.lastPublish(); rec != nil && rec.ResourceID != "" && !r.restored {
		cur, err := r.client.GetStaticResource(ctx, rec.ResourceID)
		switch {
		case err == nil && strings.EqualFold(cur.Name, r.resource) && cur.NamespacePrefix == "":
			return nil, cur, nil
		case err == nil || salesforce.IsNotFound(err):
			// renamed or gone: the lookup tells what is there now
		default:
			return nil, nil, fmt.Errorf("read static resource: %w", err)
		}
	}
	return r.lookup(ctx)
}

// write runs the pipeline after the read: judge what the org holds, skip
// when it holds this bundle, refuse a foreign resource or a change outside
// Connectors unless told, dry run, back up, conditional write, record.
func (r *publishRun) write(ctx context.Context, b Bundle, list *salesforce.ResourceList, cur *salesforce.StaticResource) error {
	for attempt := 1; ; attempt++ {
		cur = r.judgeFound(ctx, cur)
		if cur != nil {
			if done, err := r.checkExisting(ctx, b, cur); done || err != nil {
				return err
			}
		}
		if list != nil {
			if err := r.checkStorage(list, cur, b.Size()); err != nil {
				return err
			}
		}
		if r.opts.DryRun {
			return r.dryRun(ctx, b, cur)
		}
		if err := r.guardWrite(ctx); err != nil {
			return err
		}
		if fresh, changed, err := r.laterSecond(ctx, cur); err != nil {
			return err
		} else if changed && attempt < 2 {
			cur, list = fresh, nil // written meanwhile: judge it again
			continue
		}
		again, err := r.send(ctx, b, cur)
		if again == nil || attempt >= 2 {
			return err
		}
		// A publish with Connectors elsewhere landed between our read and
		// our write: judge that one as the org holds it now, once.
		cur, list = again, nil
	}
}

// judgeFound judges cur, what the org holds (nil: nothing), into r.found.
// A resource changed outside Connectors or foreign is returned with the name
// of who changed it, for the message and the backup.
func (r *publishRun) judgeFound(ctx context.Context, cur *salesforce.StaticResource) *salesforce.StaticResource {
	r.found = r.s.judge(r.conn, r.resource, cur)
	if p := r.found.Provenance; p == connector.ProvOutside || p == connector.ProvForeign {
		cur = r.withName(ctx, cur)
		r.found.LastModifiedByName = cur.LastModifiedByName
	}
	return cur
}

// sameSecondWait is how long a publish waits when the record it read was
// changed within the same second as the read (then reads it again).
const sameSecondWait = 1100 * time.Millisecond

// laterSecond makes the read that conditions our write one made in a later
// second than the record's last change. If-Unmodified-Since compares whole
// seconds: a write by someone else right after our read, in the same
// second as the record's previous change, would pass our condition and be
// lost with no backup (two publishes racing). When the org's clock at our
// read (its Date) is still in that second, wait for the next second and
// read the record again; changed reports a record written meanwhile.
func (r *publishRun) laterSecond(ctx context.Context, cur *salesforce.StaticResource) (*salesforce.StaticResource, bool, error) {
	if cur == nil {
		return nil, false, nil
	}
	read := r.client.LastServerTime().Truncate(time.Second)
	if !read.IsZero() && cur.LastModifiedDate.Truncate(time.Second).Before(read) {
		return cur, false, nil
	}
	t := time.NewTimer(sameSecondWait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, false, ctx.Err()
	case <-t.C:
	}
	now, err := r.client.GetStaticResource(ctx, cur.ID)
	switch {
	case salesforce.IsNotFound(err):
		return nil, true, nil
	case err != nil:
		return nil, false, fmt.Errorf("read static resource: %w", err)
	}
	changed := !now.LastModifiedDate.Equal(cur.LastModifiedDate) || now.Description != cur.Description || now.BodyLength != cur.BodyLength
	if !changed {
		now.LastModifiedByName = cur.LastModifiedByName
	}
	return now, changed, nil
}

// send writes b: a new publish Id and its intent, the backup of what cur
// holds, the conditional write, the record. again is the record as the org
// holds it now when our condition failed because of another publish with
// Connectors (the caller judges it again).
func (r *publishRun) send(ctx context.Context, b Bundle, cur *salesforce.StaticResource) (again *salesforce.StaticResource, err error) {
	r.pub = connector.NewPubID()
	if err := r.s.WriteIntent(Intent{PubID: r.pub, ConnectorID: r.conn.ID, Connector: r.k.String(), Resource: r.resource,
		Fingerprint: b.Fingerprint(), Size: b.Size(), At: r.s.Clock().UTC(), Restore: r.restored}); err != nil {
		r.log.Warn("could not write the intent of this publish", "connector", r.k.String(), "err", err)
	}
	spec, cacheFromOrg := r.restoreSpec(r.uploadSpec(b))
	var id string
	outcome := OutcomeCreated
	if cur != nil {
		again, err = r.update(ctx, b, cur, &spec, cacheFromOrg)
		if again != nil || err != nil {
			if err == nil || connector.AsProblem(err).Code != connector.CodeOutcomeUnknown {
				r.s.dropIntent(r.conn.ID, r.pub) // known not to have landed
			}
			return again, err
		}
		id, outcome = cur.ID, OutcomeUpdated
	} else {
		if id, err = r.create(ctx, spec, b.Fingerprint()); err != nil {
			if errors.Is(err, errUpToDateMeanwhile) {
				r.s.dropIntent(r.conn.ID, r.pub)
				r.res.ResourceID, r.res.Outcome = id, OutcomeUpToDate
				return nil, nil
			}
			if connector.AsProblem(err).Code != connector.CodeOutcomeUnknown {
				r.s.dropIntent(r.conn.ID, r.pub)
			}
			return nil, err
		}
	}
	r.res.ResourceID = id
	r.res.Outcome = outcome
	r.record(b, r.written(id, cur, spec, b))
	r.s.dropIntent(r.conn.ID, r.pub)
	if err := r.store.Trim(); err != nil {
		r.log.Warn("rotate the backups", "connector", r.k.String(), "err", err)
	}
	return nil, nil
}

// checkExisting decides about the resource the org holds, as judged from
// its record: a foreign one is refused unless ReplaceExisting; one that
// holds this very bundle, published with Connectors here or elsewhere, is
// up to date (done); one changed outside Connectors is refused unless
// forced (a dry run and a restore report it). Our own earlier write whose
// answer was lost is adopted first.
func (r *publishRun) checkExisting(ctx context.Context, b Bundle, cur *salesforce.StaticResource) (done bool, err error) {
	r.res.ResourceID = cur.ID
	v := r.found
	switch v.Provenance {
	case connector.ProvForeign:
		if !r.restored {
			if !r.opts.ReplaceExisting {
				return true, r.foreignProblem(cur)
			}
			r.replaced = true
		}
	case connector.ProvOutside:
		r.res.ChangedOutside = true
		r.res.Drift = connector.DriftOf(cur)
		if !r.opts.Force && !r.opts.DryRun && !r.restored {
			return true, r.driftProblem(cur, false)
		}
	case connector.ProvOwn:
		r.reconcile(cur, v)
	}
	if v.Holds(b.Fingerprint(), b.Size()) && !r.opts.Force && !r.restored {
		r.res.Outcome = OutcomeUpToDate
		r.res.Found = v
		return true, nil
	}
	if v.Provenance != connector.ProvOwn {
		r.res.Replaced = v
	}
	return false, nil
}

// withName adds the name of who last modified cur (a record read by Id has
// only the user's Id) for a message, from the lookup when it answers.
func (r *publishRun) withName(ctx context.Context, cur *salesforce.StaticResource) *salesforce.StaticResource {
	if cur.LastModifiedByName != "" {
		return cur
	}
	list, err := r.client.ListStaticResources(ctx)
	if err != nil {
		return cur
	}
	if got := list.Find(r.resource); got != nil && got.ID == cur.ID && got.LastModifiedByID == cur.LastModifiedByID {
		named := *cur
		named.LastModifiedByName = got.LastModifiedByName
		return &named
	}
	return cur
}

// reconcile adopts our own write found in the org whose outcome this folder
// never learned (a lost answer, a killed process): the history says it
// landed and the cache records it.
func (r *publishRun) reconcile(cur *salesforce.StaticResource, v *connector.OrgVersion) {
	if rec := r.s.Reconcile(r.conn, r.resource, cur, v); rec != nil {
		r.conn.LastPublish = rec
	}
}

// reconcile adopts this folder's write found in the org (v, judged own)
// whose outcome was never learned: the journal says it landed, the
// connector records it, the intent goes. Nil when v is no pending intent.
// Publish and status both settle it.
func (s *Publisher) Reconcile(conn connector.Connector, resource string, cur *salesforce.StaticResource, v *connector.OrgVersion) *connector.PublishRecord {
	in, ok := s.PendingIntent(conn.ID, v.PubID)
	if !ok {
		return nil
	}
	k := conn.Key()
	s.Log().Info("an earlier publish of this folder landed although its answer was lost", "connector", k.String(), "pub", v.PubID)
	e := connector.HistoryEntry{
		Time: s.Clock().UTC(), Action: connector.ActionPublish, Connector: k.String(), ConnectorID: conn.ID, Resource: resource,
		ResourceID: cur.ID, Fingerprint: v.Fingerprint, Size: v.Size, Outcome: connector.OutcomeLanded, AppVersion: s.AppVersion, PubID: v.PubID,
	}
	if in.Restore {
		e.Action = connector.ActionRestore
	}
	if o := conn.Org; o != nil {
		e.OrgID, e.OrgName, e.User = o.OrgID, o.OrgName, o.Username
	}
	s.appendHistory(e)
	rec := &connector.PublishRecord{
		At: in.At, Resource: resource, ResourceID: cur.ID, Fingerprint: v.Fingerprint, Size: v.Size, Restored: in.Restore,
		LastModifiedDate: cur.LastModifiedDate.UTC(), LastModifiedByID: cur.LastModifiedByID, PubID: v.PubID,
	}
	if _, err := s.Registry.Update(k, func(c *connector.Connector) error {
		if c.LastPublish == nil || !c.LastPublish.At.After(in.At) {
			c.LastPublish = rec
		}
		return nil
	}); err != nil {
		s.Log().Warn("record the landed publish on the connector", "connector", k.String(), "err", err)
	}
	s.dropIntent(conn.ID, v.PubID)
	return rec
}

// update backs up cur, then replaces it only if nobody changed it since
// our read (If-Unmodified-Since with the LastModifiedDate the org gave):
// no lost update. spec is completed with what the write keeps of cur. A
// write whose answer is lost is settled by reading the record again.
func (r *publishRun) update(ctx context.Context, b Bundle, cur *salesforce.StaticResource, spec *salesforce.UploadSpec, cacheFromOrg bool) (again *salesforce.StaticResource, err error) {
	bk, err := r.backupCurrent(ctx, cur)
	if errors.Is(err, backup.ErrBodyChanged) {
		// Written meanwhile (another publish, an edit): judge it again.
		if now, known := r.settle(ctx, cur.ID); known && now != nil {
			return now, nil
		}
	}
	if err != nil {
		return nil, err
	}
	r.res.BackupPath = bk.Path
	if cur.CacheControl != "" && cacheFromOrg {
		spec.CacheControl = cur.CacheControl
	}
	spec.UnmodifiedSince = cur.LastModifiedDate
	stats, err := r.client.UpdateStaticResource(ctx, cur.ID, *spec)
	r.res.BytesSent += stats.WireBytes
	if err == nil {
		r.landed = true
		return nil, nil
	}
	return r.updateFailed(ctx, cur, bk, err)
}

// updateFailed settles the conditional write of cur that failed with err,
// bk being the backup made before it. A refusal of every attempt (a 4xx,
// salesforce.MayHaveLanded false) replaced nothing; a 4xx other than our
// failed condition drops the backup at once. Otherwise the record is read
// again: our write found there landed after all; a record that cannot be
// read leaves the outcome unknown (the backup kept). A record as we read
// it before the write, or a refusal, means nothing was replaced (the backup
// dropped); a record someone else wrote since is no proof either way (our
// write may have landed before theirs: a lost answer, then a repeat the org
// refused), so the backup is kept: nothing is lost.
func (r *publishRun) updateFailed(ctx context.Context, cur *salesforce.StaticResource, bk Backup, err error) (again *salesforce.StaticResource, _ error) {
	refused := !salesforce.MayHaveLanded(err)
	if refused && !salesforce.IsPreconditionFailed(err) {
		r.dropBackup(bk)
		return nil, fmt.Errorf("update static resource: %w", err)
	}
	now, known := r.settle(ctx, cur.ID)
	switch {
	case known && now != nil && connector.ParseDescription(now.Description).PubID == r.pub:
		r.log.Info("the write landed although its answer was lost", "connector", r.k.String(), "err", err)
		r.landed = true
		return nil, nil
	case !known:
		return nil, r.outcomeUnknownProblem(err)
	}
	if refused || unchanged(cur, now) {
		r.dropBackup(bk) // nothing was replaced
	} else {
		r.log.Warn("the record was written by someone else after a write whose answer was lost: its backup is kept, as that write may have landed first",
			"connector", r.k.String(), "backup", bk.Path, "err", err)
	}
	if !salesforce.IsPreconditionFailed(err) {
		return nil, fmt.Errorf("update static resource: %w", err)
	}
	return r.changedMeanwhile(now, err)
}

// changedMeanwhile is the answer to a write whose condition failed (err):
// the record changed between our read and our write, and now is it as the
// org holds it (nil when deleted). A record written with Connectors (this
// folder or elsewhere) is returned as again, to be judged again; a deletion
// or a change outside Connectors is a problem.
func (r *publishRun) changedMeanwhile(now *salesforce.StaticResource, err error) (again *salesforce.StaticResource, _ error) {
	if now == nil {
		return nil, &connector.Problem{Code: connector.CodeChangedOutside, Message: fmt.Sprintf("%s was deleted while this publish ran, so nothing was written.", r.resource),
			Fix: "Publish again to create it.", Err: err}
	}
	v := r.s.judge(r.conn, r.resource, now)
	if v.Provenance == connector.ProvOwn || v.Provenance == connector.ProvConnectors {
		return now, nil
	}
	r.res.ChangedOutside = true
	r.res.Drift = connector.DriftOf(now)
	p := r.driftProblem(now, true)
	p.Err = err
	return nil, p
}

// unchanged reports whether the record now is still the one read before
// our write (cur): nobody, us included, wrote it since.
func unchanged(cur, now *salesforce.StaticResource) bool {
	return now != nil && now.LastModifiedDate.Equal(cur.LastModifiedDate) && now.Description == cur.Description &&
		now.BodyLength == cur.BodyLength
}

// settle reads the record again after a write whose answer was lost or
// refused: now is the record (nil when gone); known is false when the org
// could not be asked.
func (r *publishRun) settle(ctx context.Context, id string) (now *salesforce.StaticResource, known bool) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
	defer cancel()
	cur, err := r.client.GetStaticResource(sctx, id)
	switch {
	case err == nil:
		return cur, true
	case salesforce.IsNotFound(err):
		return nil, true
	}
	r.log.Warn("could not read the record after the write", "connector", r.k.String(), "err", err)
	return nil, false
}

// outcomeUnknownProblem: the write was sent and nobody can tell yet
// whether it landed; never "nothing was written".
func (r *publishRun) outcomeUnknownProblem(err error) *connector.Problem {
	return &connector.Problem{
		Code: connector.CodeOutcomeUnknown,
		Message: fmt.Sprintf("The bundle was sent to %s, but the answer never came, so the org may already hold this version.",
			r.resource),
		Fix:  "Run publish again to check: it finds this version in the org if it landed, and publishes it otherwise.",
		Args: map[string]any{"Resource": r.resource},
		Err:  err,
	}
}

// backupCurrent saves the body and the metadata now in the org before they
// are overwritten. Our local copy is used only when the org's record shows
// the org holds that very bundle (published with Connectors, consistent);
// otherwise the body is downloaded. Without a backup, nothing is
// overwritten.
func (r *publishRun) backupCurrent(ctx context.Context, cur *salesforce.StaticResource) (Backup, error) {
	v := r.found
	local := v != nil && (v.Provenance == connector.ProvOwn || v.Provenance == connector.ProvConnectors) && v.ResourceID == cur.ID
	if r.opts.Verify {
		local = false
	}
	bk, err := r.store.Save(cur, connector.FingerprintFromDescription(cur.Description), r.k.String(), r.s.Clock(), local,
		func(w io.Writer) (int64, error) { return r.client.DownloadBody(ctx, cur.ID, w) })
	if err != nil {
		return Backup{}, r.backupProblem(err)
	}
	return bk, nil
}

// dropBackup removes the backup of a write that replaced nothing.
func (r *publishRun) dropBackup(bk Backup) {
	if err := r.store.Remove(bk); err != nil {
		r.log.Warn("remove the backup of a write that did not land", "path", bk.Path, "err", err)
	}
	if r.res.BackupPath == bk.Path {
		r.res.BackupPath = ""
	}
}

// written is the record as our accepted write left it, from what we sent
// (a 2xx answer proves the write landed whole: the request is a gzip stream
// whose CRC-32 and length the org checks, and the write is one DML). Its
// LastModifiedDate is not known (the answer carries no record): the next
// publish reads it from the org.
func (r *publishRun) written(id string, cur *salesforce.StaticResource, spec salesforce.UploadSpec, b Bundle) *salesforce.StaticResource {
	got := &salesforce.StaticResource{ID: id, Name: spec.Name, ContentType: spec.ContentType, CacheControl: spec.CacheControl,
		Description: spec.Description, BodyLength: b.Size(), LastModifiedByID: r.userID()}
	if cur != nil {
		if got.Name == "" {
			got.Name = cur.Name
		}
		if got.ContentType == "" {
			got.ContentType = cur.ContentType
		}
		if got.CacheControl == "" {
			got.CacheControl = cur.CacheControl
		}
	}
	return got
}
