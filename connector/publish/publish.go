package publish

// The publish pipeline: validate → lock → one lookup (preflight folded in)
// → skip when unchanged → back up → create or update → verify → record.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/backup"
	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/packaging"
)

// MaxOrgStaticResources is Salesforce's documented limit for all static
// resources of an org: 250 MB (§6.2). An org tells its own limit only when
// it refuses a write (STORAGE_LIMIT_EXCEEDED, see explainAPI).
const MaxOrgStaticResources = 250 * 1024 * 1024

const (
	contentTypeZip = "application/zip"
	cacheControlPv = "Private"
	// createAttempts bounds POSTs: a second one only after a lookup showed
	// the first created nothing.
	createAttempts = 2
)

// publishRun is one publish or restore in progress.
type publishRun struct {
	s        *Publisher
	k        connector.Key
	opts     PublishOptions
	res      *PublishResult
	conn     connector.Connector
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
	recordFn func(k connector.Key, rec *connector.PublishRecord)
	// replaced: this run overwrites a resource this app did not publish.
	replaced bool
	// landed: a write of this run was accepted by the org.
	landed bool
	// found is the resource as the org held it at the read, judged from
	// its record; pub is the publish Id of this run's write.
	found *connector.OrgVersion
	pub   string
	// bundleFailed: a PendingBundle failed its check (awaitBundle,
	// settleBundle); the front end reports it, and this run is not
	// journaled. awaited: awaitBundle ran.
	bundleFailed, awaited bool
}

// Publish uploads the bundle to one connector's StaticResource.
func (s *Publisher) Publish(ctx context.Context, k connector.Key, b Bundle, opts PublishOptions) PublishResult {
	return s.publishOne(ctx, k, b, opts, nil)
}

func (s *Publisher) publishOne(ctx context.Context, k connector.Key, b Bundle, opts PublishOptions, recordFn func(connector.Key, *connector.PublishRecord)) PublishResult {
	start := time.Now()
	res := PublishResult{Key: k, Connector: k.String(), Outcome: OutcomeFailed, Resource: opts.ResourceName}
	if b != nil {
		res.Size = b.Size()
		if _, pending := b.(PendingBundle); !pending {
			res.Fingerprint = b.Fingerprint()
		}
	}
	r := &publishRun{s: s, k: k, opts: opts, res: &res, log: s.Log(), recordFn: recordFn}
	err := r.publish(ctx, b)
	r.settleBundle(b)
	r.finish(err, start)
	return res
}

// finish fills the counters and the problem of the result.
func (r *publishRun) finish(err error, start time.Time) {
	if r.client != nil {
		r.res.Requests = r.client.Requests() - r.reqStart
	}
	r.res.Duration = time.Since(start)
	r.noteUsage()
	if !r.bundleFailed {
		defer r.journal()
	}
	if err != nil {
		p := publishProblem(err)
		if p.Code == connector.CodeRequestLimit && !r.landed && r.opts.APIReserve > 0 {
			p = r.budgetExhaustedProblem(p)
		}
		r.res.Outcome = OutcomeFailed
		if p.Code == connector.CodeAPIBudget {
			r.res.Outcome = OutcomeSkipped
		}
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
func publishProblem(err error) *connector.Problem {
	var p *connector.Problem
	if errors.As(err, &p) {
		return p
	}
	switch {
	case errors.Is(err, context.Canceled):
		return &connector.Problem{Code: connector.CodeCanceled, Message: "The publish was canceled.", Fix: "Publish again when you are ready.", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &connector.Problem{Code: connector.CodeTimeout, ID: "timeout_publish", Message: "The publish took too long and was stopped.", Fix: "Check your network connection and publish again.", Err: err}
	}
	return connector.Explain(err)
}

// prepare resolves the connector and the resource name, then validates
// everything that needs no network: name, size, production confirmation.
func (r *publishRun) prepare(b Bundle, sizeCheck bool) error {
	if err := r.prepareTarget(); err != nil {
		return err
	}
	if b == nil {
		return &connector.Problem{Code: connector.CodeInvalidBundle, Message: "No content bundle was given.", Fix: "Choose a .zip file or a folder to publish."}
	}
	if err := checkBundleSize(b, sizeCheck); err != nil {
		return err
	}
	if r.isProduction() && !r.opts.productionConfirmed(r.k) && !r.opts.DryRun {
		return r.productionProblem(false)
	}
	return nil
}

// checkBundleSize refuses a bundle over Salesforce's limit for one static
// resource (when sizeCheck) or an empty one.
func checkBundleSize(b Bundle, sizeCheck bool) error {
	if sizeCheck && b.Size() > packaging.MaxResourceSize {
		return &connector.Problem{
			Code:    connector.CodeTooLarge,
			ID:      "too_large_bundle",
			Message: fmt.Sprintf("The bundle is %s, over Salesforce's limit of 5 MB for one static resource.", connector.FormatSize(b.Size(), "en")),
			Args:    map[string]any{"BundleSize": b.Size(), "LimitSize": int64(packaging.MaxResourceSize)},
			Fix:     "Remove unused files from the bundle (or split it into several resources) and publish again.",
		}
	}
	if b.Size() <= 0 {
		return &connector.Problem{Code: connector.CodeInvalidBundle, Message: "The content bundle is empty.", Fix: "Choose a .zip file or a folder that contains files."}
	}
	return nil
}

// settleBundle, when the run ended before it needed a PendingBundle (a
// failed session or read), waits for the bundle's check all the same, so
// that the result and its journal entry name the bundle, and a bundle that
// fails its check leaves no journal entry, as when it is checked first.
func (r *publishRun) settleBundle(b Bundle) {
	pb, ok := b.(PendingBundle)
	if !ok || r.awaited {
		return
	}
	if pb.Ready(context.Background()) != nil {
		r.bundleFailed = true
		return
	}
	r.res.Fingerprint, r.res.Size = b.Fingerprint(), b.Size()
}

// awaitBundle waits until a PendingBundle is checked, after the read and
// before anything needs its content; its size is checked again (the check
// read the file, which could have changed since its size was taken). A
// bundle that fails its check stops the publish without a journal entry.
func (r *publishRun) awaitBundle(ctx context.Context, b Bundle) error {
	pb, ok := b.(PendingBundle)
	if !ok {
		return nil
	}
	r.awaited = true
	if err := pb.Ready(ctx); err != nil {
		r.bundleFailed = true
		return err
	}
	r.res.Fingerprint, r.res.Size = b.Fingerprint(), b.Size()
	return checkBundleSize(b, true)
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
		p := &connector.Problem{Code: connector.CodeInvalidName, Message: connector.Capitalize(err.Error()) + ".", Err: err}
		var ve *packaging.ValidationError
		if errors.As(err, &ve) {
			p.Message = connector.Capitalize(ve.Reason) + "."
			p.Fix = ve.Fix
		}
		return p
	}
	store, err := r.s.BackupStore(conn, r.resource, false)
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

// begin takes the publish lock of the connector's ID, opens the session
// and, under the lock, settles the backup folder (taking over one of an
// earlier name).
func (r *publishRun) begin(ctx context.Context) (unlock func(), err error) {
	unlock, err = r.s.Lock(ctx, r.conn, "publish", false)
	if err != nil {
		return nil, err
	}
	client, conn, err := r.s.Session(ctx, r.k)
	if err == nil && conn.ID != r.conn.ID { // removed and added again since prepareTarget
		err = &connector.Problem{Code: connector.CodeBusy, ID: "connector_replaced",
			Message: fmt.Sprintf("%s was removed and set up again while this publish started, so nothing was written.", r.k),
			Fix:     "Publish again.", Args: map[string]any{"Connector": r.k.String()}}
	}
	if err == nil {
		r.store, err = r.s.BackupStore(conn, r.resource, true)
	}
	if err != nil {
		unlock()
		return nil, err
	}
	r.client, r.conn = client, conn
	r.reqStart = client.Requests()
	// An earlier answer of this org (another target, an earlier publish of
	// this process) may already say its budget is within the reserve.
	if err := r.checkBudget(); err != nil {
		unlock()
		return nil, err
	}
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
	return &connector.Problem{
		Code: connector.CodeOrgStorageFull,
		Message: fmt.Sprintf("The org's other static resources use %s of the %s Salesforce allows an org, so this %s bundle does not fit (%s left).",
			connector.FormatSize(used, "en"), connector.FormatSize(limit, "en"), connector.FormatSize(size, "en"), connector.FormatSize(max(0, limit-used), "en")),
		Fix: "Delete static resources the org no longer needs (Setup → Static Resources) and publish again.",
	}
}

// storageLimit is the org storage limit the preflight checks against.
func (s *Publisher) storageLimit() int64 {
	if s.orgStorageLimit > 0 {
		return s.orgStorageLimit
	}
	return MaxOrgStaticResources
}

// dryRun reports what a publish would do, with its plan; nothing is written.
func (r *publishRun) dryRun(ctx context.Context, b Bundle, cur *salesforce.StaticResource) error {
	plan, err := r.plan(ctx, b, cur)
	if err != nil {
		return err
	}
	r.res.Plan = plan
	r.res.Outcome = OutcomeWouldCreate
	if cur != nil {
		r.res.Outcome = OutcomeWouldUpdate
	}
	return nil
}

// restoreSpec puts the backed-up record back as it was when this run is a
// restore (older backups lack some fields). cacheFromOrg says whether the
// org's cache control is kept.
func (r *publishRun) restoreSpec(spec salesforce.UploadSpec) (salesforce.UploadSpec, bool) {
	bk := r.restoreFrom
	if bk == nil {
		return spec, true
	}
	cacheFromOrg := true
	if bk.Name != "" {
		spec.Name = bk.Name
		if connector.FingerprintFromDescription(bk.Description) == "" {
			// a resource this app did not publish goes back as it was;
			// a version published with Connectors gets a fresh record
			// (this restore's user, time and publish Id)
			spec.Description = bk.Description
		}
	}
	if bk.ContentType != "" {
		spec.ContentType = bk.ContentType
	}
	if bk.CacheControl != "" {
		spec.CacheControl, cacheFromOrg = bk.CacheControl, false
	}
	return spec, cacheFromOrg
}

// uploadSpec is the write of bundle b as a publish does it.
func (r *publishRun) uploadSpec(b Bundle) salesforce.UploadSpec {
	return salesforce.UploadSpec{
		Name:         r.resource,
		Description:  r.description(b),
		ContentType:  contentTypeZip,
		CacheControl: cacheControlPv,
		Open:         b.Open,
		BodySize:     b.Size(),
		Progress:     r.opts.Progress,
	}
}

// userID is the Salesforce user of the connector's session, or "".
func (r *publishRun) userID() string {
	if r.conn.Org == nil {
		return ""
	}
	return r.conn.Org.UserID
}

// lastPublish is the connector's record of its last publish of this
// resource, or nil.
func (r *publishRun) lastPublish() *connector.PublishRecord {
	rec := r.conn.LastPublish
	if rec == nil || !strings.EqualFold(rec.Resource, r.resource) {
		return nil
	}
	return rec
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
		by = connector.UnknownUser
	}
	return &connector.Problem{
		Code: connector.CodeResourceExists,
		Message: fmt.Sprintf("The org already has a static resource named %s (%s, last modified %s by %s) that was not published by this app, so nothing was written.",
			cur.Name, connector.FormatSize(cur.BodyLength, "en"), cur.LastModifiedDate.UTC().Format("2006-01-02 15:04 MST"), by),
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
			r.landed = true
			return id, nil
		}
		lastErr = fmt.Errorf("create static resource: %w", err)
		r.log.Warn("create failed, looking the resource up", "connector", r.k.String(), "resource", r.resource, "attempt", attempt, "err", err)
		lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), settleTimeout)
		list, lerr := r.client.ListStaticResources(lctx)
		cancel()
		if lerr != nil {
			if salesforce.MayHaveLanded(err) {
				return "", r.outcomeUnknownProblem(errors.Join(lastErr, fmt.Errorf("look up after failed create: %w", lerr)))
			}
			return "", errors.Join(lastErr, fmt.Errorf("look up after failed create: %w", lerr))
		}
		if cur := list.Find(r.resource); cur != nil {
			if connector.ParseDescription(cur.Description).PubID == r.pub {
				r.log.Info("create had landed despite the error", "connector", r.k.String(), "id", cur.ID)
				r.landed = true
				return cur.ID, nil
			}
			if v := r.s.judge(r.conn, r.resource, cur); v.Holds(fp, spec.BodySize) {
				// the same bundle, published with Connectors elsewhere meanwhile
				r.res.Found = v
				return cur.ID, errUpToDateMeanwhile
			}
			return "", r.duplicateProblem(cur, err)
		}
		if ctx.Err() != nil || !salesforce.Retryable(err) {
			return "", lastErr
		}
	}
	return "", lastErr
}

// errUpToDateMeanwhile: another publish with Connectors created the same
// bundle while this one ran.
var errUpToDateMeanwhile = errors.New("the same bundle was published meanwhile")

func (r *publishRun) duplicateProblem(cur *salesforce.StaticResource, err error) *connector.Problem {
	r.res.Existing = existingResource(cur)
	return &connector.Problem{
		Code: connector.CodeDuplicate,
		Message: fmt.Sprintf("A static resource named %s was created in the org meanwhile by someone else (%s), so nothing was published and nothing was overwritten.",
			cur.Name, connector.FormatSize(cur.BodyLength, "en")),
		Fix: "Check who else publishes to this org, then publish again and choose Replace (connectorctl: --replace-existing) to replace it (a backup of it is taken first), or choose another resource name.",
		Err: err,
	}
}

// record keeps a copy of what was published and notes the publish on the
// connector. Both are best effort: the org already holds the new body.
func (r *publishRun) record(b Bundle, got *salesforce.StaticResource) {
	now := r.s.Clock()
	id := got.ID
	if err := r.store.SavePublished(b, got, false, now); err != nil {
		r.log.Warn("keep a copy of the published bundle", "connector", r.k.String(), "err", err)
	}
	rec := &connector.PublishRecord{
		At: now.UTC(), Resource: r.resource, ResourceID: id,
		Fingerprint: b.Fingerprint(), Size: b.Size(), Restored: r.restored,
		LastModifiedByID: got.LastModifiedByID, PubID: r.pub,
	}
	r.served(b, now)
	if r.recordFn != nil {
		r.recordFn(r.k, rec)
		return
	}
	if _, err := r.s.Registry.Update(r.k, func(c *connector.Connector) error {
		c.LastPublish = rec
		c.Drift = nil
		return nil
	}); err != nil {
		r.log.Warn("record the publish on the connector", "connector", r.k.String(), "err", err)
	}
}

// served fills where the resource is served.
func (r *publishRun) served(b Bundle, modified time.Time) {
	if r.conn.Org == nil || r.conn.Org.InstanceURL == "" {
		return
	}
	files, _ := bundleFiles(b) // the example file is optional
	r.res.Served = ServedFor(r.conn.Org.InstanceURL, r.resource, modified, files)
}

func (r *publishRun) backupProblem(err error) error {
	var apiErr *salesforce.APIError
	if errors.As(err, &apiErr) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &connector.Problem{
		Code:    connector.CodeBackupFailed,
		Message: fmt.Sprintf("The current %s could not be backed up to %s, so it was not overwritten.", r.resource, filepath.Dir(r.store.Dir)),
		Fix:     "Free some disk space or fix the folder's permissions, then publish again.",
		Err:     err,
	}
}

// checkBudget skips the target when the org has fewer than APIReserve
// daily API requests left, as the last answer of this org says (§11.3,
// Sforce-Limit-Info: this run's, else an earlier one of this process): a
// tool publishing to many client orgs must not drain one. It runs before a
// target's work and again before any write.
func (r *publishRun) checkBudget() error {
	if r.opts.APIReserve <= 0 {
		return nil
	}
	u, ok := r.usage()
	if !ok {
		return nil
	}
	left := u.Max - u.Used
	if left >= r.opts.APIReserve {
		return nil
	}
	return &connector.Problem{
		Code: connector.CodeAPIBudget,
		Message: fmt.Sprintf("Skipped %s: its org has used %d of its %d daily API requests, leaving %d, under the reserve of %d, so nothing was written.",
			r.k, u.Used, u.Max, max(0, left), r.opts.APIReserve),
		Fix:  "Publish to it after its 24-hour API allocation frees up (Setup → Company Information shows the usage), or lower --api-reserve.",
		Args: map[string]any{"Connector": r.k.String(), "Used": u.Used, "Max": u.Max, "Left": max(0, left), "Reserve": r.opts.APIReserve},
	}
}

// usage is the org's API usage as this run's last answer tells it, else as
// an earlier answer in this process told it.
func (r *publishRun) usage() (connector.APIUsage, bool) {
	if r.client != nil {
		if u := r.client.LastUsage(); u != nil && u.Max > 0 {
			return connector.APIUsage{Used: u.Used, Max: u.Max}, true
		}
	}
	if r.conn.Org != nil {
		if u, ok := r.s.Facts.LastUsage(r.conn.Org.OrgID, r.s.Clock()); ok {
			return u.APIUsage, true
		}
	}
	return connector.APIUsage{}, false
}

// noteUsage keeps the org's usage this run saw for the next target of the
// same org.
func (r *publishRun) noteUsage() {
	if r.client == nil || r.conn.Org == nil {
		return
	}
	r.s.Facts.NoteUsage(r.conn.Org.OrgID, r.client.LastUsage(), r.s.Clock())
}

// guardWrite runs right before any write: the org's own word on whether it
// is a production org, and the API budget as the latest answer tells it.
func (r *publishRun) guardWrite(ctx context.Context) error {
	if err := r.checkLiveProduction(ctx); err != nil {
		return err
	}
	return r.checkBudget()
}

// budgetExhaustedProblem: the org refused a request of this run because
// its daily API requests are used up, before anything was written: the
// target is skipped, as a target within the reserve is.
func (r *publishRun) budgetExhaustedProblem(p *connector.Problem) *connector.Problem {
	return &connector.Problem{
		Code:    connector.CodeAPIBudget,
		ID:      "api_budget_exhausted",
		Message: fmt.Sprintf("Skipped %s: its org has used up its daily API requests (Salesforce refused the request), so nothing was written.", r.k),
		Fix:     "Publish to it after its 24-hour API allocation frees up (Setup → Company Information shows the usage).",
		Args:    map[string]any{"Connector": r.k.String()},
		Err:     p,
	}
}

// Prepared is a publish stopped after it resolved its target, before it
// took the connector's lock: tests of the lock use it.
type Prepared struct{ r *publishRun }

// Prepare resolves k as a publish does and stops there.
func (s *Publisher) Prepare(k connector.Key) (*Prepared, error) {
	r := &publishRun{s: s, k: k, res: &PublishResult{}, log: s.Log()}
	if err := r.prepareTarget(); err != nil {
		return nil, err
	}
	return &Prepared{r: r}, nil
}

// Lock takes the publish lock as the publish would.
func (p *Prepared) Lock(ctx context.Context) (unlock func(), err error) { return p.r.begin(ctx) }
