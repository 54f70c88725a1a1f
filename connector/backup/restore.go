package backup

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectors-app/connectors/packaging"
)

// File is a checked backup ready for upload: a private hard link (or copy)
// of the backup file, so rotating backups while it is uploaded cannot take
// it away. Close removes the private link.
type File struct {
	path string
	size int64
	fp   string
}

// Size is the body's size in bytes.
func (f *File) Size() int64 { return f.size }

// Fingerprint is the content fingerprint the restored Description records
// ("" for a resource not published by this app).
func (f *File) Fingerprint() string { return f.fp }

// Open returns a fresh reader of the body.
func (f *File) Open() (io.ReadCloser, error) { return os.Open(f.path) }

// Close removes the private link.
func (f *File) Close() error { return os.Remove(f.path) }

// DamagedError says a backup no longer matches what was recorded when it
// was taken (truncated, replaced) or holds a ZIP a publish would refuse.
type DamagedError struct {
	Backup Backup
	// Reason is one plain clause, e.g. "it holds 60 bytes instead of 1.2 KB".
	Reason string
	Err    error
}

func (e *DamagedError) Error() string {
	return "backup " + filepath.Base(e.Backup.Path) + ": " + e.Reason
}

// Unwrap returns the cause (a *packaging.ValidationError for a bad ZIP).
func (e *DamagedError) Unwrap() error { return e.Err }

// IsZip reports whether a resource of this content type is a ZIP bundle.
// An empty type (a backup taken before the metadata was kept) is one.
func IsZip(contentType string) bool {
	ct, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(contentType)), ";")
	switch strings.TrimSpace(ct) {
	case "", "application/zip", "application/x-zip-compressed", "application/x-zip":
		return true
	}
	return false
}

// Open checks the backup b before it is uploaded again and returns it as a
// File whose Description will record fp. The file must still be what was
// recorded: its size and SHA-256 (a backup without a recorded SHA-256, taken
// by an older version, must be a bundle whose content fingerprint is the
// recorded one). A ZIP must pass the same validation as a publish
// (packaging). Anything else is a *DamagedError.
func (s *Store) Open(b Backup, fp string) (*File, error) {
	tmp := filepath.Join(s.Dir, fmt.Sprintf(".restore-%d.zip", time.Now().UnixNano()))
	if err := linkOrCopy(b.Path, tmp); err != nil {
		return nil, fmt.Errorf("prepare backup for restore: %w", err)
	}
	f := &File{path: tmp, fp: fp}
	if err := s.check(b, f); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}

func (s *Store) check(b Backup, f *File) error {
	damaged := func(err error, format string, args ...any) error {
		return &DamagedError{Backup: b, Reason: fmt.Sprintf(format, args...), Err: err}
	}
	fi, err := os.Stat(f.path)
	if err != nil {
		return fmt.Errorf("read backup: %w", err)
	}
	f.size = fi.Size()
	if f.size != b.Size {
		return damaged(nil, "it holds %d bytes instead of the %d recorded when it was taken", f.size, b.Size)
	}
	if b.SHA256 != "" {
		sum, err := FileSHA256(f.path)
		if err != nil {
			return err
		}
		if sum != b.SHA256 {
			return damaged(nil, "its content changed since it was taken (fingerprint %s instead of %s)", ShortFP(sum), ShortFP(b.SHA256))
		}
	} else if b.Fingerprint == "" {
		return damaged(nil, "it has no recorded fingerprint to check it against")
	}
	if !IsZip(b.ContentType) {
		return nil
	}
	bundle, err := packaging.Open(f.path)
	if err != nil {
		var ve *packaging.ValidationError
		if errors.As(err, &ve) {
			return damaged(err, "it is not a bundle a publish would accept (%s)", ve.Error())
		}
		return fmt.Errorf("read backup: %w", err)
	}
	if b.SHA256 == "" && bundle.Fingerprint() != b.Fingerprint {
		return damaged(nil, "its content changed since it was taken (fingerprint %s instead of %s)",
			ShortFP(bundle.Fingerprint()), ShortFP(b.Fingerprint))
	}
	return nil
}
