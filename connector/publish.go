package connector

// The publish pipeline: validate → lock → one lookup (preflight folded in)
// → skip when unchanged → back up → create or update → verify → record.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/backup"
	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/packaging"
)

// MaxOrgStaticResources is Salesforce's documented limit for all static
// resources of an org: 250 MB (§6.2). An org tells its own limit only when
// it refuses a write (STORAGE_LIMIT_EXCEEDED, see explainAPI).
const MaxOrgStaticResources = 250 * 1024 * 1024

// CodeBackupFailed: the current body could not be saved locally, so it was not overwritten.
const CodeBackupFailed = "backup_failed"

const (
	contentTypeZip = "application/zip"
	cacheControlPv = "Private"
	// createAttempts bounds POSTs: a second one only after a lookup showed
	// the first created nothing.
	createAttempts = 2
	// lookupAfterFailureTimeout bounds the lookup after a failed POST, which
	// runs even when the caller's context is done (to tell what happened).
	lookupAfterFailureTimeout = 20 * time.Second
)

// publishRun is one publish or restore in progress.
type publishRun struct {
	s        *Service
	k        Key
	opts     PublishOptions
	res      *PublishResult
	conn     Connector
	client   *salesforce.Client
	resource string
	store    *backup.Store
	reqStart int
	restored bool
	// restoreFrom is the checked backup a restore uploads (its metadata
	// goes back with the body).
	restoreFrom *backup.Backup
	log         *slog.Logger
	// recordFn, when set, receives the publish record instead of the
	// registry (PublishMany writes all records in one transaction).
	recordFn func(k Key, rec *PublishRecord)
}

func (s *Service) pubNow() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) pubLogger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return DiscardLogger()
}

// Publish uploads the bundle to one connector's StaticResource.
func (s *Service) Publish(ctx context.Context, k Key, b Bundle, opts PublishOptions) PublishResult {
	return s.publishOne(ctx, k, b, opts, nil)
}

func (s *Service) publishOne(ctx context.Context, k Key, b Bundle, opts PublishOptions, recordFn func(Key, *PublishRecord)) PublishResult {
	start := time.Now()
	res := PublishResult{Key: k, Connector: k.String(), Outcome: OutcomeFailed, Resource: opts.ResourceName}
	if b != nil {
		res.Fingerprint, res.Size = b.Fingerprint(), b.Size()
	}
	r := &publishRun{s: s, k: k, opts: opts, res: &res, log: s.pubLogger(), recordFn: recordFn}
	err := r.publish(ctx, b)
	r.finish(err, start)
	return res
}

// finish fills the counters and the problem of the result.
func (r *publishRun) finish(err error, start time.Time) {
	if r.client != nil {
		r.res.Requests = r.client.Requests() - r.reqStart
	}
	r.res.Duration = time.Since(start)
	if err != nil {
		p := publishProblem(err)
		r.res.Outcome = OutcomeFailed
		r.res.Problem = p
		r.res.Error = p.Error()
		r.res.ErrorCode = p.Code
		r.log.Warn("publish failed", "connector", r.k.String(), "resource", r.res.Resource,
			"code", p.Code, "err", err, "requests", r.res.Requests)
		return
	}
	r.log.Info("publish done", "connector", r.k.String(), "resource", r.res.Resource,
		"outcome", string(r.res.Outcome), "size", r.res.Size, "wire", r.res.BytesSent,
		"requests", r.res.Requests, "duration", r.res.Duration)
}

// publishProblem maps any error of the pipeline to a *Problem.
func publishProblem(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &Problem{Code: CodeCanceled, Message: "The publish was canceled.", Fix: "Publish again when you are ready.", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Problem{Code: CodeTimeout, Message: "The publish took too long and was stopped.", Fix: "Check your network connection and publish again.", Err: err}
	}
	return Explain(err)
}

// prepare resolves the connector and the resource name, then validates
// everything that needs no network: name, size, production confirmation.
func (r *publishRun) prepare(b Bundle, sizeCheck bool) error {
	if err := r.prepareTarget(); err != nil {
		return err
	}
	if b == nil {
		return &Problem{Code: CodeInvalidBundle, Message: "No content bundle was given.", Fix: "Choose a .zip file or a folder to publish."}
	}
	if sizeCheck && b.Size() > packaging.MaxResourceSize {
		return &Problem{
			Code:    CodeTooLarge,
			Message: fmt.Sprintf("The bundle is %s, over Salesforce's limit of 5 MB for one static resource.", pubFormatMB(b.Size())),
			Fix:     "Remove unused files from the bundle (or split it into several resources) and publish again.",
		}
	}
	if b.Size() <= 0 {
		return &Problem{Code: CodeInvalidBundle, Message: "The content bundle is empty.", Fix: "Choose a .zip file or a folder that contains files."}
	}
	if r.isProduction() && !r.opts.ConfirmProduction && !r.opts.DryRun {
		return &Problem{
			Code:    CodeProductionNotConfirmed,
			Message: fmt.Sprintf("%s is a production org (%s): publishing there changes what every user sees.", r.orgLabel(), r.k),
			Fix:     "Confirm the production publish when asked (with connectorctl, type the org name or pass --yes) and publish again.",
		}
	}
	return nil
}

// prepareTarget resolves the connector, the resource name (validated) and
// the backup folder.
func (r *publishRun) prepareTarget() error {
	conn, err := r.s.Registry.Get(r.k)
	if err != nil {
		return err
	}
	r.conn = conn
	r.resource = r.opts.ResourceName
	if r.resource == "" {
		r.resource = conn.EffectiveResourceName()
	}
	r.res.Resource = r.resource
	if err := packaging.ValidateResourceName(r.resource); err != nil {
		p := &Problem{Code: CodeInvalidName, Message: pubCapitalize(err.Error()) + ".", Err: err}
		var ve *packaging.ValidationError
		if errors.As(err, &ve) {
			p.Message = pubCapitalize(ve.Reason) + "."
			p.Fix = ve.Fix
		}
		return p
	}
	store, err := r.s.backupStore(r.k, r.resource)
	if err != nil {
		return err
	}
	r.store = store
	return nil
}

func (r *publishRun) isProduction() bool { return r.conn.IsProductionTarget() }

func (r *publishRun) orgLabel() string {
	if r.conn.Org != nil && r.conn.Org.OrgName != "" {
		return "The org " + r.conn.Org.OrgName
	}
	return "The org of " + r.k.String()
}

// begin takes the publish lock and opens the session.
func (r *publishRun) begin(ctx context.Context) (unlock func(), err error) {
	unlock, err = r.s.lock(ctx, r.k, "publish", false)
	if err != nil {
		return nil, err
	}
	client, conn, err := r.s.session(ctx, r.k)
	if err != nil {
		unlock()
		return nil, err
	}
	r.client, r.conn = client, conn
	r.reqStart = client.Requests()
	return unlock, nil
}

// lookup is the one preflight request: session, API access, org usage and
// our resource (Name, NamespacePrefix null).
func (r *publishRun) lookup(ctx context.Context) (*salesforce.ResourceList, *salesforce.StaticResource, error) {
	list, err := r.client.ListStaticResources(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("look up static resources: %w", err)
	}
	return list, list.Find(r.resource), nil
}

// checkStorage refuses early when the bundle would push the org over the
// limit Salesforce documents for every org (250 MB). What the preflight
// knows for sure is the usage (the sum of BodyLength); the org's own limit
// is not readable (no /limits entry), so the message names the documented
// one as such. An org with a lower limit refuses the write itself, and
// that refusal names the org's limit. The current body of our resource is
// replaced, so it does not count.
func (r *publishRun) checkStorage(list *salesforce.ResourceList, cur *salesforce.StaticResource, size int64) error {
	limit := r.s.storageLimit()
	used := list.TotalSize
	if cur != nil {
		used -= cur.BodyLength
	}
	if used+size <= limit {
		return nil
	}
	return &Problem{
		Code: CodeOrgStorageFull,
		Message: fmt.Sprintf("The org's other static resources use %s of the %s Salesforce allows an org, so this %s bundle does not fit (%s left).",
			pubFormatMB(used), pubFormatMB(limit), pubFormatMB(size), pubFormatMB(max(0, limit-used))),
		Fix: "Delete static resources the org no longer needs (Setup → Static Resources) and publish again.",
	}
}

// storageLimit is the org storage limit the preflight checks against.
func (s *Service) storageLimit() int64 {
	if s.orgStorageLimit > 0 {
		return s.orgStorageLimit
	}
	return MaxOrgStaticResources
}

func (r *publishRun) publish(ctx context.Context, b Bundle) error {
	if err := r.prepare(b, true); err != nil {
		return err
	}
	unlock, err := r.begin(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	list, cur, err := r.lookup(ctx)
	if err != nil {
		return err
	}
	return r.write(ctx, b, list, cur)
}

// write runs the pipeline after the lookup: refuse a foreign resource,
// skip when untouched and unchanged, dry run, backup, upload, verify, record.
func (r *publishRun) write(ctx context.Context, b Bundle, list *salesforce.ResourceList, cur *salesforce.StaticResource) error {
	fp := b.Fingerprint()
	if cur != nil {
		if done, err := r.checkExisting(b, cur, fp); done || err != nil {
			return err
		}
	}
	if err := r.checkStorage(list, cur, b.Size()); err != nil {
		return err
	}
	if r.opts.DryRun {
		r.res.Outcome = OutcomeWouldCreate
		if cur != nil {
			r.res.Outcome = OutcomeWouldUpdate
		}
		return nil
	}
	spec, cacheFromOrg := r.uploadSpec(b, fp)
	var id string
	outcome := OutcomeCreated
	if cur != nil {
		if err := r.update(ctx, cur, spec, cacheFromOrg); err != nil {
			return err
		}
		id, outcome = cur.ID, OutcomeUpdated
	} else {
		var err error
		if id, err = r.create(ctx, spec, fp); err != nil {
			return err
		}
	}
	r.res.ResourceID = id
	got, err := r.verify(ctx, id, b)
	if err != nil {
		return err
	}
	r.res.Outcome = outcome
	r.record(b, got)
	return nil
}

// checkExisting decides about the resource the org already holds: a foreign
// one is refused; an untouched, unchanged one is up to date (done).
func (r *publishRun) checkExisting(b Bundle, cur *salesforce.StaticResource, fp string) (done bool, err error) {
	r.res.ResourceID = cur.ID
	rec := r.lastPublish()
	untouched := rec.untouched(cur)
	if !untouched && !r.restored && !r.opts.ReplaceExisting && r.foreign(rec, cur) {
		return true, r.foreignProblem(cur)
	}
	if untouched && FingerprintFromDescription(cur.Description) == fp && cur.BodyLength == b.Size() && !r.opts.Force {
		r.res.Outcome = OutcomeUpToDate
		return true, nil
	}
	// We know what we left there, and it is not what the org holds.
	r.res.ChangedOutside = rec != nil && !rec.LastModifiedDate.IsZero() && !untouched
	return false, nil
}

// uploadSpec is what to upload; a restore puts the backed-up record back
// as it was. cacheFromOrg says whether the org's cache control is kept.
func (r *publishRun) uploadSpec(b Bundle, fp string) (spec salesforce.UploadSpec, cacheFromOrg bool) {
	spec = salesforce.UploadSpec{
		Name:         r.resource,
		Description:  DescriptionFor(fp),
		ContentType:  contentTypeZip,
		CacheControl: cacheControlPv,
		Open:         b.Open,
		BodySize:     b.Size(),
		Progress:     r.opts.Progress,
	}
	cacheFromOrg = true
	if bk := r.restoreFrom; bk != nil {
		// Put the whole record back as it was (older backups lack some fields).
		if bk.Name != "" {
			spec.Name = bk.Name
		}
		if bk.ContentType != "" {
			spec.ContentType = bk.ContentType
		}
		if bk.CacheControl != "" {
			spec.CacheControl, cacheFromOrg = bk.CacheControl, false
		}
		if bk.Name != "" {
			spec.Description = bk.Description // recorded, possibly empty
		}
	}
	return spec, cacheFromOrg
}

// update backs up cur, then uploads spec over it.
func (r *publishRun) update(ctx context.Context, cur *salesforce.StaticResource, spec salesforce.UploadSpec, cacheFromOrg bool) error {
	bk, err := r.backupCurrent(ctx, cur)
	if err != nil {
		return err
	}
	r.res.BackupPath = bk
	if cur.CacheControl != "" && cacheFromOrg {
		spec.CacheControl = cur.CacheControl
	}
	stats, err := r.client.UpdateStaticResource(ctx, cur.ID, spec)
	r.res.BytesSent += stats.WireBytes
	if err != nil {
		return fmt.Errorf("update static resource: %w", err)
	}
	return nil
}

// lastPublish is the connector's record of its last publish of this
// resource, or nil.
func (r *publishRun) lastPublish() *PublishRecord {
	rec := r.conn.LastPublish
	if rec == nil || !strings.EqualFold(rec.Resource, r.resource) {
		return nil
	}
	return rec
}

// untouched reports whether cur is the record of our last publish, unchanged
// since (same Id, LastModifiedDate and LastModifiedById). A record from an
// older version, without those, is never untouched.
func (rec *PublishRecord) untouched(cur *salesforce.StaticResource) bool {
	return rec != nil && cur != nil && rec.ResourceID == cur.ID && !rec.LastModifiedDate.IsZero() &&
		rec.LastModifiedDate.Equal(cur.LastModifiedDate) && rec.LastModifiedByID == cur.LastModifiedByID
}

// foreign reports whether cur was not published by this app: not the record
// we published (rec), and no Connectors fingerprint in its Description.
func (r *publishRun) foreign(rec *PublishRecord, cur *salesforce.StaticResource) bool {
	if rec != nil && rec.ResourceID == cur.ID {
		return false
	}
	return !strings.HasPrefix(cur.Description, descriptionPrefix) || FingerprintFromDescription(cur.Description) == ""
}

func existingResource(cur *salesforce.StaticResource) *ExistingResource {
	return &ExistingResource{
		ID: cur.ID, Name: cur.Name, Size: cur.BodyLength, ContentType: cur.ContentType,
		LastModifiedDate: cur.LastModifiedDate, LastModifiedByID: cur.LastModifiedByID, LastModifiedByName: cur.LastModifiedByName,
	}
}

// foreignProblem refuses to replace a resource this app did not publish,
// and describes it for the front ends (PublishResult.Existing).
func (r *publishRun) foreignProblem(cur *salesforce.StaticResource) error {
	ex := existingResource(cur)
	r.res.Existing = ex
	by := ex.LastModifiedByName
	if by == "" {
		by = ex.LastModifiedByID
	}
	if by == "" {
		by = "an unknown user"
	}
	return &Problem{
		Code: CodeResourceExists,
		Message: fmt.Sprintf("The org already has a static resource named %s (%s, last modified %s by %s) that was not published by this app, so nothing was written.",
			cur.Name, pubFormatMB(cur.BodyLength), cur.LastModifiedDate.UTC().Format("2006-01-02 15:04 MST"), by),
		Fix: "Check with its owner; to replace it (a backup of it is taken first), publish again and choose Replace (connectorctl: --replace-existing), or choose another resource name.",
	}
}

// create POSTs the resource. A failed POST is never retried blindly: the
// resources are listed again first. Ours there → it was created; another
// body there → somebody created it meanwhile (DUPLICATE_VALUE, nothing
// overwritten); nothing there and the failure was transient → one more POST.
func (r *publishRun) create(ctx context.Context, spec salesforce.UploadSpec, fp string) (string, error) {
	var lastErr error
	for attempt := 1; attempt <= createAttempts; attempt++ {
		id, stats, err := r.client.CreateStaticResource(ctx, spec)
		r.res.BytesSent += stats.WireBytes
		if err == nil {
			return id, nil
		}
		lastErr = fmt.Errorf("create static resource: %w", err)
		r.log.Warn("create failed, looking the resource up", "connector", r.k.String(), "resource", r.resource, "attempt", attempt, "err", err)
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lookupAfterFailureTimeout)
		list, lerr := r.client.ListStaticResources(lctx)
		cancel()
		if lerr != nil {
			return "", errors.Join(lastErr, fmt.Errorf("look up after failed create: %w", lerr))
		}
		if cur := list.Find(r.resource); cur != nil {
			if FingerprintFromDescription(cur.Description) == fp {
				r.log.Info("create had landed despite the error", "connector", r.k.String(), "id", cur.ID)
				return cur.ID, nil
			}
			return "", r.duplicateProblem(cur, err)
		}
		if ctx.Err() != nil || !salesforce.Retryable(err) {
			return "", lastErr
		}
	}
	return "", lastErr
}

func (r *publishRun) duplicateProblem(cur *salesforce.StaticResource, err error) *Problem {
	r.res.Existing = existingResource(cur)
	return &Problem{
		Code: CodeDuplicate,
		Message: fmt.Sprintf("A static resource named %s was created in the org meanwhile by someone else (%s), so nothing was published and nothing was overwritten.",
			cur.Name, pubFormatMB(cur.BodyLength)),
		Fix: "Check who else publishes to this org, then publish again and choose Replace (connectorctl: --replace-existing) to replace it (a backup of it is taken first), or choose another resource name.",
		Err: err,
	}
}

// verify reads the record back: its BodyLength and fingerprint must match.
func (r *publishRun) verify(ctx context.Context, id string, b Bundle) (*salesforce.StaticResource, error) {
	got, err := r.client.GetStaticResource(ctx, id)
	if err != nil && ctx.Err() != nil {
		return nil, &Problem{
			Code:    CodeCanceled,
			Message: fmt.Sprintf("The publish was canceled after the bundle was sent to %s, before it could be checked.", r.resource),
			Fix:     "Publish again: it is skipped if the bundle landed intact.",
			Err:     err,
		}
	}
	if err != nil && Explain(err).Code == CodeNeedsReauth {
		// The write was accepted; only the check could not run.
		fix := fmt.Sprintf("Authorize %s again, then publish again to check it.", r.k)
		if r.res.BackupPath != "" {
			fix = fmt.Sprintf("Authorize %s again, then publish again to check it; the previous version is in the local backup.", r.k)
		}
		return nil, &Problem{
			Code: CodeVerifyNeedsReauth,
			Message: fmt.Sprintf("The bundle was sent to %s and Salesforce accepted it, but the connector's authorization was revoked before it could be read back to check it.",
				r.resource),
			Fix: fix,
			Err: err,
		}
	}
	if err != nil {
		fix := "Check the connector's status and publish again."
		if r.res.BackupPath != "" {
			fix = "Check the connector's status and publish again; the previous version is in the local backup."
		}
		return nil, &Problem{
			Code:    CodeVerifyFailed,
			Message: fmt.Sprintf("The bundle was sent to %s, but reading it back to check it failed.", r.resource),
			Fix:     fix,
			Err:     err,
		}
	}
	gotFP := FingerprintFromDescription(got.Description)
	if got.BodyLength != b.Size() || gotFP != b.Fingerprint() {
		return nil, &Problem{
			Code: CodeVerifyFailed,
			Message: fmt.Sprintf("After the upload %s holds %d bytes (fingerprint %q) instead of %d bytes (fingerprint %q).",
				r.resource, got.BodyLength, backupShortFP(gotFP), b.Size(), backupShortFP(b.Fingerprint())),
			Fix: "Publish again; if it keeps happening, restore the previous version from the local backup.",
		}
	}
	return got, nil
}

// record keeps a copy of what was published and notes the publish on the
// connector. Both are best effort: the org already holds the new body.
func (r *publishRun) record(b Bundle, got *salesforce.StaticResource) {
	now := r.s.pubNow()
	id := got.ID
	if err := r.store.SavePublished(b, got, now); err != nil {
		r.log.Warn("keep a copy of the published bundle", "connector", r.k.String(), "err", err)
	}
	rec := &PublishRecord{
		At: now.UTC(), Resource: r.resource, ResourceID: id,
		Fingerprint: b.Fingerprint(), Size: b.Size(), Restored: r.restored,
		LastModifiedDate: got.LastModifiedDate, LastModifiedByID: got.LastModifiedByID,
	}
	if r.recordFn != nil {
		r.recordFn(r.k, rec)
		return
	}
	if _, err := r.s.Registry.Update(r.k, func(c *Connector) error {
		c.LastPublish = rec
		return nil
	}); err != nil {
		r.log.Warn("record the publish on the connector", "connector", r.k.String(), "err", err)
	}
}

// backupCurrent saves the body and the metadata now in the org before they
// are overwritten and returns the backup's path. Without a backup, nothing
// is overwritten.
func (r *publishRun) backupCurrent(ctx context.Context, cur *salesforce.StaticResource) (string, error) {
	bk, err := r.store.Save(cur, FingerprintFromDescription(cur.Description), r.k.String(), r.s.pubNow(),
		func(w io.Writer) (int64, error) { return r.client.DownloadBody(ctx, cur.ID, w) })
	if err != nil {
		return "", r.backupProblem(err)
	}
	return bk.Path, nil
}

func (r *publishRun) backupProblem(err error) error {
	var apiErr *salesforce.APIError
	if errors.As(err, &apiErr) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &Problem{
		Code:    CodeBackupFailed,
		Message: fmt.Sprintf("The current %s could not be backed up to %s, so it was not overwritten.", r.resource, filepath.Dir(r.store.Dir)),
		Fix:     "Free some disk space or fix the folder's permissions, then publish again.",
		Err:     err,
	}
}

// formatMB prints a byte count as "4.2 MB" (or KB/bytes when small).
func pubFormatMB(n int64) string {
	switch {
	case n >= 1024*1024:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	case n >= 1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%d bytes", n)
}

// capitalize upper-cases the first ASCII letter of a message.
func pubCapitalize(s string) string {
	if s != "" && s[0] >= 'a' && s[0] <= 'z' {
		return string(s[0]-'a'+'A') + s[1:]
	}
	return s
}
