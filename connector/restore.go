package connector

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/connectors-app/connectors/packaging"
)

// Restore re-uploads the most recent local backup of the connector's
// resource that differs from what the org holds now, through the same
// pipeline as Publish: the current body is backed up first, then updated
// (or created when it was deleted) and verified. An empty resource means the
// connector's resource name. Without a usable backup it fails with
// CodeNoBackup.
func (s *Service) Restore(ctx context.Context, k Key, resource string) PublishResult {
	start := time.Now()
	res := PublishResult{Key: k, Connector: k.String(), Outcome: OutcomeFailed, Resource: resource}
	r := &publishRun{
		s: s, k: k, res: &res, log: s.pubLogger(), restored: true,
		// Restoring is an explicit request for an older body: the
		// production confirmation belongs to the front end's dialog.
		opts: PublishOptions{ResourceName: resource, Force: true, ConfirmProduction: true},
	}
	err := r.restore(ctx)
	r.finish(err, start)
	return res
}

func (r *publishRun) restore(ctx context.Context) error {
	if err := r.prepareTarget(); err != nil {
		return err
	}
	backups, err := backupList(r.folder, r.resource)
	if err != nil {
		return err
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
	var pick *Backup
	for i := range backups {
		bk := &backups[i]
		if cur != nil && bk.Fingerprint != "" && bk.Fingerprint == FingerprintFromDescription(cur.Description) && bk.Size == cur.BodyLength {
			continue // that is what the org holds now
		}
		pick = bk
		break
	}
	if pick == nil {
		return r.noBackup("Every local backup of %s for %s is identical to what the org holds now.")
	}
	// Work from a private hard link (or copy): taking the backup of the
	// current body may rotate the chosen file away while it is uploaded.
	tmp := filepath.Join(r.folder, fmt.Sprintf(".restore-%d.zip", time.Now().UnixNano()))
	if err := backupLinkOrCopy(pick.Path, tmp); err != nil {
		return r.backupProblem(fmt.Errorf("prepare backup for restore: %w", err))
	}
	defer func() { _ = os.Remove(tmp) }()
	fi, err := os.Stat(tmp)
	if err != nil {
		return r.backupProblem(fmt.Errorf("read backup: %w", err))
	}
	fp := pick.Fingerprint
	if fp == "" {
		if fp, err = restoreFingerprint(tmp); err != nil {
			return r.backupProblem(err)
		}
	}
	b := &backupBundle{path: tmp, size: fi.Size(), fp: fp}
	r.res.Fingerprint, r.res.Size = fp, b.size
	r.log.Info("restoring backup", "connector", r.k.String(), "resource", r.resource, "backup", pick.Path)
	return r.write(ctx, b, list, cur)
}

// restoreFingerprint is the content fingerprint of a backup when it is a
// valid bundle, else the SHA-256 of its bytes.
func restoreFingerprint(path string) (string, error) {
	if b, err := packaging.Open(path); err == nil {
		return b.Fingerprint(), nil
	}
	return backupFileSHA256(path)
}

func (r *publishRun) noBackup(format string) error {
	return &Problem{
		Code:    CodeNoBackup,
		Message: fmt.Sprintf(format, r.resource, r.k),
		Fix:     "A backup is taken automatically before each publish overwrites the resource; publish once to create one.",
		Err:     errors.New("no backup"),
	}
}
