package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/backup"
)

// RestoreOptions are the options of Restore.
type RestoreOptions struct {
	// Resource is the StaticResource to restore; empty means the connector's.
	Resource string
	// ConfirmProduction must be true to restore on a production target
	// (Connector.IsProductionTarget): Restore refuses it otherwise.
	ConfirmProduction bool
}

// Restore re-uploads the most recent local backup of the connector's
// resource that differs from what the org holds now, through the same
// pipeline as Publish: the backup is checked first (recorded size and
// fingerprint, and a ZIP must pass a publish's validation: a damaged one
// fails with CodeBackupDamaged and nothing is written), the current body is
// backed up, then the body and its metadata (name, content type, cache
// control, description) are put back (or created when the resource was
// deleted) and verified. A production target needs opts.ConfirmProduction.
// Without a usable backup it fails with CodeNoBackup. The result's
// RestoredFrom names the version put back.
func (s *Publisher) Restore(ctx context.Context, k connector.Key, opts RestoreOptions) PublishResult {
	start := time.Now()
	res := PublishResult{Key: k, Connector: k.String(), Outcome: OutcomeFailed, Resource: opts.Resource}
	r := &publishRun{
		s: s, k: k, res: &res, log: s.Log(), restored: true,
		opts: PublishOptions{ResourceName: opts.Resource, Force: true, ConfirmProduction: opts.ConfirmProduction},
	}
	err := r.restore(ctx)
	r.finish(err, start)
	return res
}

func (r *publishRun) restore(ctx context.Context) error {
	if err := r.prepareTarget(); err != nil {
		return err
	}
	if r.isProduction() && !r.opts.productionConfirmed(r.k) {
		return r.productionProblem(false)
	}
	backups, err := r.store.List()
	if err != nil {
		return r.backupProblem(err)
	}
	if len(backups) == 0 {
		return r.noBackup("There is no local backup of %s for %s yet.")
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
	curFP, curSize := "", int64(-1)
	if cur != nil {
		curFP, curSize = connector.FingerprintFromDescription(cur.Description), cur.BodyLength
	}
	pick, ok, err := r.store.Find(curFP, curSize)
	if err != nil {
		return r.backupProblem(err)
	}
	if !ok {
		return r.noBackup("Every local backup of %s for %s is identical to what the org holds now.")
	}
	r.res.RestoredFrom = &pick
	// The Description put back records this fingerprint (the verification checks it).
	fp := pick.Fingerprint
	if pick.Name != "" {
		fp = connector.FingerprintFromDescription(pick.Description)
	}
	f, err := r.store.Open(pick, fp)
	if err != nil {
		return r.damagedBackup(pick, err)
	}
	defer func() { _ = f.Close() }()
	r.restoreFrom = &pick
	r.res.Fingerprint, r.res.Size = f.Fingerprint(), f.Size()
	r.log.Info("restoring backup", "connector", r.k.String(), "resource", r.resource, "backup", pick.Path)
	return r.write(ctx, f, list, cur)
}

// damagedBackup explains a backup that failed its check: nothing was written.
func (r *publishRun) damagedBackup(b Backup, err error) error {
	var de *backup.DamagedError
	if !errors.As(err, &de) {
		return r.backupProblem(err)
	}
	return &connector.Problem{
		Code: connector.CodeBackupDamaged,
		Message: fmt.Sprintf("The backup of %s taken %s cannot be restored: %s. Nothing was written to the org.",
			r.resource, b.TakenAt.Local().Format("2006-01-02 15:04"), de.Reason),
		Fix: fmt.Sprintf("Delete that file (%s) to restore the version before it, or publish the content again.", b.Path),
		Err: err,
	}
}

func (r *publishRun) noBackup(format string) error {
	return &connector.Problem{
		Code:    connector.CodeNoBackup,
		Message: fmt.Sprintf(format, r.resource, r.k),
		Fix:     "A backup is taken automatically before each publish overwrites the resource; publish once to create one.",
		Err:     errors.New("no backup"),
	}
}

// RestoreVersion is the backup Restore would put back, as far as it is known
// without asking the org: the newest one that is not what this connector
// last published there. False when there is no backup at all. Front ends
// name this version in their confirmation.
func (s *Publisher) RestoreVersion(k connector.Key, resource string) (Backup, bool, error) {
	c, err := s.Registry.Get(k)
	if err != nil {
		return Backup{}, false, err
	}
	if resource == "" {
		resource = c.EffectiveResourceName()
	}
	st, err := s.BackupStore(c, resource, false)
	if err != nil {
		return Backup{}, false, err
	}
	fp, size := "", int64(-1)
	if rec := c.LastPublish; rec != nil && strings.EqualFold(rec.Resource, resource) {
		fp, size = rec.Fingerprint, rec.Size
	}
	return st.Find(fp, size)
}
