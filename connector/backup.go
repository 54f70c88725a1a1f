package connector

// Local backups of published resources.
//
// Layout under the backup root (Service.BackupDir, else <config dir>/backups):
//
//	<key>/<resource>/<UTC timestamp>_<short fp>.zip   previous body
//	<key>/<resource>/<UTC timestamp>_<short fp>.json  sidecar (Backup)
//	<key>/<resource>/published/<fp hex>.zip          what WE published
//
// with <key> and <resource> lower-cased and sanitised, e.g.
// lightning_sandbox/walkme_content/20261124T221503.123456789Z_3f2a9c1b0d4e.zip.
//
// A backup is taken before every overwrite. When the body in the org is one
// we published (its fingerprint names a file under published/), the backup
// is a hard link (or copy) of that file and costs no request; otherwise the
// body is downloaded first. The last keepBackups backups and keepPublished
// published copies are kept per connector and resource.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/salesforce"
)

const (
	// keepBackups is how many backups are kept per connector and resource.
	keepBackups = 5
	// keepPublished is how many copies of our own publishes are kept.
	keepPublished = 3
	// backupTimeFormat sorts lexically in time order (fixed width, UTC).
	backupTimeFormat = "20060102T150405.000000000Z"
	publishedDir     = "published"
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

// backupFolder is the folder holding the backups of one connector's
// resource: lockName(k) (collision-free: "Lightning X" and "Lightning_X"
// differ) and the lower-cased resource name (Salesforce matches those
// case-insensitively; the name rule leaves nothing to escape).
func (s *Service) backupFolder(k Key, resource string) (string, error) {
	root, err := s.backupRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, lockName(k), fileSafe(strings.ToLower(resource))), nil
}

// backupFPHex is the hex part of "sha256:<hex>" (or a hash of fp for other forms),
// safe as a file name.
func backupFPHex(fp string) string {
	if h, ok := strings.CutPrefix(fp, "sha256:"); ok && h != "" && backupIsHex(h) {
		return strings.ToLower(h)
	}
	sum := sha256.Sum256([]byte(fp))
	return hex.EncodeToString(sum[:])
}

func backupIsHex(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') && (r < 'A' || r > 'F') {
			return false
		}
	}
	return true
}

// backupShortFP is the first 12 hex digits of the fingerprint, or "unknown".
func backupShortFP(fp string) string {
	if fp == "" {
		return "unknown"
	}
	return backupFPHex(fp)[:12]
}

// backupSidecar is the JSON next to each backup ZIP.
type backupSidecar struct {
	Backup
	Connector  string `json:"connector"`
	ResourceID string `json:"resourceId,omitempty"`
	// Source says how the backup was made: "download" or "local-copy".
	Source string `json:"source"`
}

// backupList returns the backups in folder, newest first. A ZIP without a
// readable sidecar is still listed (its time taken from the file name).
func backupList(folder, resource string) ([]Backup, error) {
	entries, err := os.ReadDir(folder)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read backup folder: %w", err)
	}
	var out []Backup
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".zip") || strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(folder, name)
		b := Backup{Path: p, Resource: resource}
		if raw, err := os.ReadFile(strings.TrimSuffix(p, ".zip") + ".json"); err == nil {
			var sc backupSidecar
			if json.Unmarshal(raw, &sc) == nil {
				b = sc.Backup
				b.Path = p
			}
		}
		if b.TakenAt.IsZero() {
			stamp, _, _ := strings.Cut(name, "_")
			if t, err := time.Parse(backupTimeFormat, stamp); err == nil {
				b.TakenAt = t
			}
		}
		if fi, err := e.Info(); err == nil {
			b.Size = fi.Size()
		}
		if b.Resource == "" {
			b.Resource = resource
		}
		out = append(out, b)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].TakenAt.Equal(out[j].TakenAt) {
			return out[i].TakenAt.After(out[j].TakenAt)
		}
		return filepath.Base(out[i].Path) > filepath.Base(out[j].Path)
	})
	return out, nil
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
	folder, err := s.backupFolder(k, resource)
	if err != nil {
		return nil, err
	}
	return backupList(folder, resource)
}

// backupNewPath picks a fresh "<timestamp>_<short fp>" base (no extension)
// in folder.
func backupNewPath(folder string, at time.Time, fp string) string {
	base := at.UTC().Format(backupTimeFormat) + "_" + backupShortFP(fp)
	p := filepath.Join(folder, base)
	for i := 1; ; i++ {
		if _, err := os.Lstat(p + ".zip"); errors.Is(err, fs.ErrNotExist) {
			return p
		}
		p = filepath.Join(folder, fmt.Sprintf("%s-%d", base, i))
	}
}

// backupPublishedCopy is the path of our own copy of a published body.
func backupPublishedCopy(folder, fp string) string {
	return filepath.Join(folder, publishedDir, backupFPHex(fp)+".zip")
}

// publishedMark is the JSON next to a published copy: which record it went
// to and the record's LastModifiedDate right after our verified publish.
type publishedMark struct {
	ResourceID   string    `json:"resourceId"`
	LastModified time.Time `json:"lastModified"`
}

// backupFindPublished returns our local copy of the body cur holds, or "".
// The fingerprint in the Description is not enough (someone may replace the
// body and keep the Description): the record must also be unmodified since
// our publish (same Id and LastModifiedDate) and the size must match.
func backupFindPublished(folder string, cur *salesforce.StaticResource) string {
	fp := FingerprintFromDescription(cur.Description)
	if fp == "" || cur.LastModifiedDate.IsZero() {
		return ""
	}
	p := backupPublishedCopy(folder, fp)
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != cur.BodyLength {
		return ""
	}
	raw, err := os.ReadFile(strings.TrimSuffix(p, ".zip") + ".json")
	if err != nil {
		return ""
	}
	var m publishedMark
	if json.Unmarshal(raw, &m) != nil || m.ResourceID != cur.ID || !m.LastModified.Equal(cur.LastModifiedDate) {
		return ""
	}
	return p
}

// backupLinkOrCopy makes dst hold the bytes of src: a hard link when possible,
// else a copy through a temporary file.
func backupLinkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open %s: %w", filepath.Base(src), err)
	}
	defer in.Close()
	return backupWriteFile(dst, func(w io.Writer) (int64, error) { return io.Copy(w, in) }, -1)
}

// backupWriteFile writes through fill into a temporary file next to dst,
// checks the byte count when want ≥ 0, syncs and renames it into place.
func backupWriteFile(dst string, fill func(w io.Writer) (int64, error), want int64) (err error) {
	f, err := os.CreateTemp(filepath.Dir(dst), ".tmp-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	n, err := fill(f)
	if err != nil {
		return err
	}
	if want >= 0 && n != want {
		return fmt.Errorf("wrote %d bytes, expected %d", n, want)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", filepath.Base(dst), err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", filepath.Base(dst), err)
	}
	if err = os.Chmod(f.Name(), 0o600); err != nil {
		return fmt.Errorf("chmod %s: %w", filepath.Base(dst), err)
	}
	if err = os.Rename(f.Name(), dst); err != nil {
		return fmt.Errorf("rename into %s: %w", filepath.Base(dst), err)
	}
	return nil
}

// backupWriteSidecar writes the JSON description of a backup next to its ZIP.
func backupWriteSidecar(zipPath string, sc backupSidecar) error {
	raw, err := json.MarshalIndent(sc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode backup sidecar: %w", err)
	}
	jsonPath := strings.TrimSuffix(zipPath, ".zip") + ".json"
	return backupWriteFile(jsonPath, func(w io.Writer) (int64, error) {
		n, err := w.Write(raw)
		return int64(n), err
	}, int64(len(raw)))
}

// backupRotate keeps the newest keep backups in folder.
func backupRotate(folder, resource string, keep int) error {
	list, err := backupList(folder, resource)
	if err != nil {
		return err
	}
	var errs []error
	for i := keep; i < len(list); i++ {
		p := list[i].Path
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
		if err := os.Remove(strings.TrimSuffix(p, ".zip") + ".json"); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// backupRotatePublished keeps the newest keep copies of our own publishes.
func backupRotatePublished(folder string, keep int) error {
	dir := filepath.Join(folder, publishedDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil // nothing to rotate
	}
	type item struct {
		path string
		mod  time.Time
	}
	var items []item
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".zip") {
			continue
		}
		if fi, err := e.Info(); err == nil {
			items = append(items, item{filepath.Join(dir, e.Name()), fi.ModTime()})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].mod.After(items[j].mod) })
	var errs []error
	for i := keep; i < len(items); i++ {
		for _, p := range []string{items[i].path, strings.TrimSuffix(items[i].path, ".zip") + ".json"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// backupSavePublished keeps a copy of what we just published (got is the
// record read back by the verification), named by its fingerprint, so the
// next overwrite can back it up without a download.
func backupSavePublished(folder string, b Bundle, got *salesforce.StaticResource, now time.Time) error {
	dir := filepath.Join(folder, publishedDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create published folder: %w", err)
	}
	dst := backupPublishedCopy(folder, b.Fingerprint())
	if fi, err := os.Stat(dst); err != nil || fi.Size() != b.Size() {
		if err := backupCopyBundle(b, dst); err != nil {
			return err
		}
	}
	_ = os.Chtimes(dst, now, now)
	raw, err := json.Marshal(publishedMark{ResourceID: got.ID, LastModified: got.LastModifiedDate})
	if err != nil {
		return fmt.Errorf("encode published mark: %w", err)
	}
	err = backupWriteFile(strings.TrimSuffix(dst, ".zip")+".json", func(w io.Writer) (int64, error) {
		n, err := w.Write(raw)
		return int64(n), err
	}, int64(len(raw)))
	if err != nil {
		return err
	}
	return backupRotatePublished(folder, keepPublished)
}

// backupCopyBundle writes the bundle's bytes to dst (a hard link for a
// bundle that is already a file).
func backupCopyBundle(b Bundle, dst string) error {
	if fb, ok := b.(*backupBundle); ok {
		return backupLinkOrCopy(fb.path, dst)
	}
	rc, err := b.Open()
	if err != nil {
		return fmt.Errorf("open bundle: %w", err)
	}
	defer rc.Close()
	return backupWriteFile(dst, func(w io.Writer) (int64, error) { return io.Copy(w, rc) }, b.Size())
}

// backupBundle is a Bundle backed by a file on disk (a backup being restored).
type backupBundle struct {
	path string
	size int64
	fp   string
}

func (b *backupBundle) Size() int64                  { return b.size }
func (b *backupBundle) Fingerprint() string          { return b.fp }
func (b *backupBundle) Open() (io.ReadCloser, error) { return os.Open(b.path) }

// backupFileSHA256 is "sha256:<hex>" of a file's raw bytes: the fingerprint of a
// backup whose content fingerprint is unknown.
func backupFileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("open backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read backup: %w", err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
