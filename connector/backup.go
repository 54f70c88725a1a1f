package connector

// Local backups of published resources live in package connector/backup;
// this file only picks their folder:
//
//	<backup root>/<lockName(key)>-<connector ID>/<lower-cased resource>/
//
// with the backup root Service.BackupDir, else <config dir>/backups, e.g.
// lightning-1a2b3c4d.sandbox-<ID>/walkme_content/20261124T221503.123456789Z_3f2a9c1b0d4e.zip.

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
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

// backupStore is the store of one connector's resource: the folder of the
// connector (named by lockName(k) for people, made unique by the
// connector's ID, so a connector removed and added again, whose new org may
// be another, never restores the old one's backups) and the lower-cased
// resource name (Salesforce matches those case-insensitively; the name
// rule leaves nothing to escape). A folder of an older version, named by
// lockName(k) only, is taken over by the connector the first time.
func (s *Service) backupStore(k Key, resource string) (*backup.Store, error) {
	root, err := s.backupRoot()
	if err != nil {
		return nil, err
	}
	c, err := s.Registry.Get(k)
	if err != nil {
		return nil, err
	}
	if c.ID == "" {
		return nil, configIOProblem(s.Registry.Dir(), errors.New("the connector has no ID: the connector list could not be upgraded"))
	}
	dir := filepath.Join(root, lockName(k)+"-"+c.ID)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		old := filepath.Join(root, lockName(k))
		if fi, err := os.Stat(old); err == nil && fi.IsDir() {
			if err := os.Rename(old, dir); err != nil {
				s.logger().Warn("could not take over the backups of an older version", "folder", old, "error", err)
			}
		}
	}
	return &backup.Store{
		Dir:      filepath.Join(dir, fileSafe(strings.ToLower(resource))),
		Resource: resource,
	}, nil
}

// Backups lists local backups for the connector's resource, newest first.
// An empty resource means the connector's resource name.
func (s *Service) Backups(k Key, resource string) ([]Backup, error) {
	c, err := s.Registry.Get(k)
	if err != nil {
		if AsProblem(err).Code == CodeNotFound {
			return nil, nil // no connector, no backups
		}
		return nil, err
	}
	if resource == "" {
		resource = c.EffectiveResourceName()
	}
	st, err := s.backupStore(k, resource)
	if err != nil {
		return nil, err
	}
	return st.List()
}

// backupShortFP is the first 12 hex digits of a fingerprint, for messages.
func backupShortFP(fp string) string { return backup.ShortFP(fp) }
