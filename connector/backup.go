package connector

// Local backups of published resources live in package connector/backup;
// this file only picks their folder:
//
//	<backup root>/<lockName(key)>/<lower-cased resource>/
//
// with the backup root Service.BackupDir, else <config dir>/backups, e.g.
// lightning-1a2b3c4d.Sandbox/walkme_content/20261124T221503.123456789Z_3f2a9c1b0d4e.zip.

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/connectors-app/connectors/connector/backup"
)

// backupRoot is Service.BackupDir or <config dir>/backups.
func (s *Service) backupRoot() (string, error) {
	if s.BackupDir != "" {
		return s.BackupDir, nil
	}
	if s.Registry != nil && s.Registry.Dir() != "" {
		return filepath.Join(s.Registry.Dir(), "backups"), nil
	}
	dir, err := DefaultConfigDir()
	if err != nil {
		return "", fmt.Errorf("backup folder: %w", err)
	}
	return filepath.Join(dir, "backups"), nil
}

// backupStore is the store of one connector's resource: lockName(k)
// (collision-free: "Lightning X" and "Lightning_X" differ) and the
// lower-cased resource name (Salesforce matches those case-insensitively;
// the name rule leaves nothing to escape).
func (s *Service) backupStore(k Key, resource string) (*backup.Store, error) {
	root, err := s.backupRoot()
	if err != nil {
		return nil, err
	}
	return &backup.Store{
		Dir:      filepath.Join(root, lockName(k), fileSafe(strings.ToLower(resource))),
		Resource: resource,
	}, nil
}

// Backups lists local backups for the connector's resource, newest first.
// An empty resource means the connector's resource name.
func (s *Service) Backups(k Key, resource string) ([]Backup, error) {
	if resource == "" {
		resource = DefaultResourceName
		if s.Registry != nil {
			if c, err := s.Registry.Get(k); err == nil {
				resource = c.EffectiveResourceName()
			}
		}
	}
	st, err := s.backupStore(k, resource)
	if err != nil {
		return nil, err
	}
	return st.List()
}

// backupShortFP is the first 12 hex digits of a fingerprint, for messages.
func backupShortFP(fp string) string { return backup.ShortFP(fp) }
