package publish

// Local backups of published resources live in package connector/backup;
// this file only picks their folder:
//
//	<backup root>/<lockName(key)>-<connector ID>/<lower-cased resource>/
//
// with the backup root Service.BackupDir, else <config dir>/backups, e.g.
// lightning-1a2b3c4d.sandbox-<ID>/walkme_content/20261124T221503.123456789Z_3f2a9c1b0d4e.zip.
// The folder follows the connector's ID: after a rename it is taken over
// under the new name (backupFolder).

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/backup"
)

// backupRoot is Service.BackupDir or <config dir>/backups.
func (s *Publisher) backupRoot() (string, error) {
	if s.BackupDir != "" {
		return s.BackupDir, nil
	}
	if s.Registry != nil && s.Registry.Dir() != "" {
		return filepath.Join(s.Registry.Dir(), "backups"), nil
	}
	dir, err := connector.DefaultConfigDir()
	if err != nil {
		return "", fmt.Errorf("backup folder: %w", err)
	}
	return filepath.Join(dir, "backups"), nil
}

// backupStore is the store of one connector's resource: the folder of the
// connector (named by lockName for people, made unique by the connector's
// ID, so a connector removed and added again, whose new org may be
// another, never restores the old one's backups) and the lower-cased
// resource name (Salesforce matches those case-insensitively; fileSafe
// leaves nothing to escape). Only validated parts make the path: lockName
// is file-safe, the ID has the one form newConnectorID makes.
//
// The backups follow the ID: a folder of the same ID under an earlier name
// (the connector was renamed) is taken over, as is, the first time, the
// folder of an older version named by lockName only. Moving a folder takes
// the connector's publish lock (every writer of backups holds it); when a
// publish holds it, the earlier folder is used as it is. locked says the
// caller holds it already.
func (s *Publisher) BackupStore(conn connector.Connector, resource string, locked bool) (*backup.Store, error) {
	root, err := s.backupRoot()
	if err != nil {
		return nil, err
	}
	if conn.ID == "" {
		return nil, connector.ConfigIOProblem(s.Registry.Dir(), errors.New("the connector has no ID: the connector list could not be upgraded"))
	}
	if !connector.ValidConnectorID(conn.ID) { // the registry refuses those: never build a path of one
		return nil, connector.ConfigIOProblem(s.Registry.Dir(), fmt.Errorf("connector %s: %w", conn.Key(), connector.BadIDError(conn.ID)))
	}
	dir := s.backupFolder(root, conn, locked)
	return &backup.Store{
		Dir:      filepath.Join(dir, connector.FileSafe(strings.ToLower(resource))),
		Resource: resource,
	}, nil
}

// backupFolder is the connector's folder in root, after taking over its
// earlier folders when it may (see backupStore).
func (s *Publisher) backupFolder(root string, conn connector.Connector, locked bool) string {
	k := conn.Key()
	dir := filepath.Join(root, connector.LockName(k)+"-"+conn.ID)
	earlier := earlierBackupFolders(root, conn.ID, filepath.Base(dir))
	if !IsDir(dir) {
		if old := filepath.Join(root, connector.LockName(k)); IsDir(old) {
			earlier = append(earlier, old)
		}
	}
	if len(earlier) == 0 {
		return dir
	}
	if !locked {
		unlock, err := s.Lock(context.Background(), conn, "publish", false)
		if err != nil { // a publish runs: it takes them over itself
			if IsDir(dir) {
				return dir
			}
			return earlier[0]
		}
		defer unlock()
	}
	log := s.Log().With("connector", k.String())
	for _, old := range earlier {
		if !IsDir(dir) {
			if err := os.Rename(old, dir); err != nil {
				log.Warn("could not take over the backups of an earlier folder", "folder", old, "error", err)
				return old
			}
			log.Info("backups taken over from an earlier folder", "folder", old, "to", dir)
			continue
		}
		if err := mergeBackupFolder(old, dir); err != nil {
			log.Warn("could not take over all backups of an earlier folder", "folder", old, "error", err)
		}
	}
	return dir
}

// earlierBackupFolders are the folders of the connector ID in root other
// than current: <an earlier lockName>-<ID>, left by a rename.
func earlierBackupFolders(root, id, current string) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if e.IsDir() && e.Name() != current && strings.HasSuffix(e.Name(), "-"+id) {
			out = append(out, filepath.Join(root, e.Name()))
		}
	}
	return out
}

// mergeBackupFolder moves the backups of the connector folder from into
// the connector folder to, resource by resource (only what the backup
// store wrote), and removes from when nothing else is left in it.
func mergeBackupFolder(from, to string) error {
	entries, err := os.ReadDir(from)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dst := filepath.Join(to, e.Name())
		if !IsDir(dst) {
			if err := os.Rename(filepath.Join(from, e.Name()), dst); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		st := &backup.Store{Dir: dst}
		errs = append(errs, st.TakeOver(filepath.Join(from, e.Name())))
	}
	_ = os.Remove(from) // only when empty
	return errors.Join(errs...)
}

func IsDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// Backups lists local backups for the connector's resource, newest first.
// An empty resource means the connector's resource name.
func (s *Publisher) Backups(k connector.Key, resource string) ([]Backup, error) {
	c, err := s.Registry.Get(k)
	if err != nil {
		if connector.AsProblem(err).Code == connector.CodeNotFound {
			return nil, nil // no connector, no backups
		}
		return nil, err
	}
	if resource == "" {
		resource = c.EffectiveResourceName()
	}
	st, err := s.BackupStore(c, resource, false)
	if err != nil {
		return nil, err
	}
	return st.List()
}
