// Package backup keeps local copies of a StaticResource: the body and the
// metadata it had before each overwrite (so it can be put back exactly), and
// a copy of what this app published (so the next overwrite needs no
// download).
//
// Layout of one Store (one connector's resource):
//
//	<dir>/<UTC timestamp>_<short fp>.zip   previous body (whatever its type)
//	<dir>/<UTC timestamp>_<short fp>.json  sidecar: Backup
//	<dir>/published/<fp hex>.zip          what we published
//	<dir>/published/<fp hex>.json         the record right after that publish
//
// The store lists, rotates and deletes only files of these names (what it
// writes), inside its own folder: anything else there is left alone.
//
// The package knows nothing of connectors: the caller (package connector)
// picks the folder and says which fingerprint a Description records.
package backup

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
	"github.com/connectors-app/connectors/internal/lazyregexp"
)

const (
	// DefaultKeep is how many backups are kept per connector and resource.
	DefaultKeep = 5
	// DefaultKeepPublished is how many copies of our own publishes are kept.
	DefaultKeepPublished = 3
	// timeFormat sorts lexically in time order (fixed width, UTC).
	timeFormat   = "20060102T150405.000000000Z"
	publishedDir = "published"
)

// backupName is the name newPath gives a backup (the time is timeFormat),
// publishedName the name of a published copy (publishedCopy).
var (
	backupName    = lazyregexp.New(`^[0-9]{8}T[0-9]{6}\.[0-9]{9}Z_([0-9a-f]{12}|unknown)(-[1-9][0-9]*)?\.zip$`)
	publishedName = lazyregexp.New(`^[0-9a-f]{64}\.zip$`)
)

// Sources of a backup.
const (
	SourceDownload  = "download"   // the body was downloaded from the org
	SourceLocalCopy = "local-copy" // our copy of the body we published, untouched since
)

// Backup is one local backup: the body of a StaticResource (in the file at
// Path) and the record's metadata as it was, so a restore can put all of it
// back. Older backups may lack the metadata (empty fields).
type Backup struct {
	Path     string `json:"path"`
	Resource string `json:"resource"` // the resource name asked for (the folder's)
	// Fingerprint is the content fingerprint the record's Description
	// claimed ("" for a resource not published by this app).
	Fingerprint string `json:"fingerprint,omitempty"`
	// Size is the body's size in bytes, as recorded when it was taken.
	Size int64 `json:"size"`
	// SHA256 is "sha256:<hex>" of the backup file's bytes, taken while it
	// was written: a restore refuses a file that no longer matches.
	SHA256  string    `json:"sha256,omitempty"`
	TakenAt time.Time `json:"takenAt"`

	// The record as it was in the org.
	Name               string    `json:"name,omitempty"` // with its case
	ContentType        string    `json:"contentType,omitempty"`
	CacheControl       string    `json:"cacheControl,omitempty"`
	Description        string    `json:"description,omitempty"`
	ResourceID         string    `json:"resourceId,omitempty"`
	LastModifiedDate   time.Time `json:"lastModifiedDate,omitzero"`
	LastModifiedByID   string    `json:"lastModifiedById,omitempty"`
	LastModifiedByName string    `json:"lastModifiedByName,omitempty"`

	// Connector names the connector it was taken for (for people reading the folder).
	Connector string `json:"connector,omitempty"`
	// Source is SourceDownload or SourceLocalCopy.
	Source string `json:"source,omitempty"`
}

// Body is what the store needs from a bundle: connector.Bundle satisfies it.
type Body interface {
	Size() int64
	Fingerprint() string
	Open() (io.ReadCloser, error)
}

// Store holds the backups of one connector's resource in Dir.
type Store struct {
	// Dir is the folder of this connector's resource.
	Dir string
	// Resource is the resource name the folder is for.
	Resource string
	// Keep and KeepPublished bound what is kept; 0 means the defaults.
	Keep, KeepPublished int
}

func (s *Store) keep() int {
	if s.Keep > 0 {
		return s.Keep
	}
	return DefaultKeep
}

func (s *Store) keepPublished() int {
	if s.KeepPublished > 0 {
		return s.KeepPublished
	}
	return DefaultKeepPublished
}

// List returns the backups, newest first: the files named as the store
// names them (nothing else in the folder). A ZIP without a readable sidecar
// is still listed (its time taken from the file name).
func (s *Store) List() ([]Backup, error) {
	entries, err := os.ReadDir(s.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read backup folder: %w", err)
	}
	var out []Backup
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !backupName.MatchString(name) {
			continue
		}
		p := filepath.Join(s.Dir, name)
		b := Backup{Path: p, Resource: s.Resource}
		sized := false
		if raw, err := os.ReadFile(sidecarPath(p)); err == nil {
			var sc Backup
			if json.Unmarshal(raw, &sc) == nil {
				b = sc
				b.Path = p
				sized = sc.SHA256 != "" // the recorded size is the one to check against
			}
		}
		if b.TakenAt.IsZero() {
			stamp, _, _ := strings.Cut(name, "_")
			if t, err := time.Parse(timeFormat, stamp); err == nil {
				b.TakenAt = t
			}
		}
		if fi, err := e.Info(); err == nil && !sized {
			b.Size = fi.Size()
		}
		if b.Resource == "" {
			b.Resource = s.Resource
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

// Find returns the newest backup that is not the body the org holds now
// (content fingerprint currentFP, currentSize bytes), or false.
func (s *Store) Find(currentFP string, currentSize int64) (Backup, bool, error) {
	list, err := s.List()
	if err != nil {
		return Backup{}, false, err
	}
	for _, b := range list {
		if currentFP != "" && b.Fingerprint == currentFP && b.Size == currentSize {
			continue // that is what the org holds now
		}
		return b, true, nil
	}
	return Backup{}, false, nil
}

// Save backs up cur, whose Description records the content fingerprint fp
// ("" for none), before it is overwritten. With local, the caller has
// proved from the org's record that cur's body is the bundle fp (published
// with Connectors, consistent record): a local copy of that bundle of
// cur's size is used (no request); otherwise download writes the body. The
// sidecar keeps cur's metadata. Nothing is rotated here: Trim runs once
// the write that this backup protects has landed, so a refused write never
// costs an older backup.
func (s *Store) Save(cur *salesforce.StaticResource, fp, connector string, now time.Time, local bool,
	download func(w io.Writer) (int64, error),
) (Backup, error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return Backup{}, fmt.Errorf("create backup folder: %w", err)
	}
	zipPath := s.newPath(now, fp) + ".zip"
	b := Backup{
		Path: zipPath, Resource: s.Resource, Fingerprint: fp, Size: cur.BodyLength, TakenAt: now.UTC(),
		Name: cur.Name, ContentType: cur.ContentType, CacheControl: cur.CacheControl, Description: cur.Description,
		ResourceID: cur.ID, LastModifiedDate: cur.LastModifiedDate.UTC(),
		LastModifiedByID: cur.LastModifiedByID, LastModifiedByName: cur.LastModifiedByName,
		Connector: connector,
	}
	copyPath := ""
	if local {
		copyPath = s.PublishedCopy(fp, cur.BodyLength)
	}
	if copyPath != "" {
		if err := linkOrCopy(copyPath, zipPath); err != nil {
			return Backup{}, err
		}
		sum, err := FileSHA256(zipPath)
		if err != nil {
			return Backup{}, err
		}
		b.SHA256, b.Source = sum, SourceLocalCopy
	} else {
		h := sha256.New()
		err := writeFile(zipPath, func(w io.Writer) (int64, error) {
			return download(io.MultiWriter(w, h))
		}, cur.BodyLength)
		if err != nil {
			return Backup{}, fmt.Errorf("download current body: %w", err)
		}
		b.SHA256, b.Source = "sha256:"+hex.EncodeToString(h.Sum(nil)), SourceDownload
	}
	if err := writeJSON(sidecarPath(zipPath), b); err != nil {
		// Without its sidecar the backup cannot be checked, hence not restored.
		_ = os.Remove(zipPath)
		return Backup{}, err
	}
	return b, nil
}

// Trim keeps the newest backups (5 by default) and deletes the older ones
// this store wrote: run after a write landed.
func (s *Store) Trim() error { return s.Rotate(s.keep()) }

// Remove deletes a backup and its sidecar: one taken from our local copy
// before a conditional write the org refused, which therefore does not hold
// what the org had.
func (s *Store) Remove(b Backup) error {
	var errs []error
	for _, p := range []string{b.Path, sidecarPath(b.Path)} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Rotate keeps the newest keep backups; it deletes only backups the store
// wrote (named as it names them, see List) and their sidecars.
func (s *Store) Rotate(keep int) error {
	list, err := s.List()
	if err != nil {
		return err
	}
	var errs []error
	for i := keep; i < len(list); i++ {
		for _, p := range []string{list[i].Path, sidecarPath(list[i].Path)} {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// newPath picks a fresh "<timestamp>_<short fp>" base (no extension).
func (s *Store) newPath(at time.Time, fp string) string {
	base := at.UTC().Format(timeFormat) + "_" + ShortFP(fp)
	p := filepath.Join(s.Dir, base)
	for i := 1; ; i++ {
		if _, err := os.Lstat(p + ".zip"); errors.Is(err, fs.ErrNotExist) {
			return p
		}
		p = filepath.Join(s.Dir, fmt.Sprintf("%s-%d", base, i))
	}
}

// NewPath is the base path (no extension) a backup taken at at would get;
// tests use it to lay backups out by hand.
func (s *Store) NewPath(at time.Time, fp string) string { return s.newPath(at, fp) }

func sidecarPath(zipPath string) string { return strings.TrimSuffix(zipPath, ".zip") + ".json" }

// SidecarPath is the JSON sidecar of the backup at zipPath.
func SidecarPath(zipPath string) string { return sidecarPath(zipPath) }

// fpHex is the hex part of "sha256:<64 hex digits>" (or a hash of fp for
// any other form: a Description may claim anything), safe as a file name
// and always 64 digits.
func fpHex(fp string) string {
	if h, ok := strings.CutPrefix(fp, "sha256:"); ok && len(h) == sha256.Size*2 && isHex(h) {
		return strings.ToLower(h)
	}
	sum := sha256.Sum256([]byte(fp))
	return hex.EncodeToString(sum[:])
}

func isHex(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') && (r < 'A' || r > 'F') {
			return false
		}
	}
	return true
}

// ShortFP is the first 12 hex digits of the fingerprint, or "unknown".
func ShortFP(fp string) string {
	if fp == "" {
		return "unknown"
	}
	return fpHex(fp)[:12]
}

// FileSHA256 is "sha256:<hex>" of a file's bytes.
func FileSHA256(path string) (string, error) {
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

// linkOrCopy makes dst hold the bytes of src: a hard link when possible,
// else a copy through a temporary file.
func linkOrCopy(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open %s: %w", filepath.Base(src), err)
	}
	defer in.Close()
	return writeFile(dst, func(w io.Writer) (int64, error) { return io.Copy(w, in) }, -1)
}

// writeFile writes through fill into a temporary file next to dst, checks
// the byte count when want ≥ 0, syncs and renames it into place.
// ErrBodyChanged: the body downloaded for a backup is not the size the
// record said (it changed between the read and the download).
var ErrBodyChanged = errors.New("the body changed while it was being backed up")

func writeFile(dst string, fill func(w io.Writer) (int64, error), want int64) (err error) {
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
		return fmt.Errorf("%w: wrote %d bytes, expected %d", ErrBodyChanged, n, want)
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

// writeJSON writes v as indented JSON to path, atomically.
func writeJSON(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	return writeFile(path, func(w io.Writer) (int64, error) {
		n, err := w.Write(raw)
		return int64(n), err
	}, int64(len(raw)))
}

// TakeOver moves the backups and published copies of another store folder
// of the same resource (the connector's folder under an earlier name) into
// this one: only files named as the store names them, each with its
// sidecar, never over a file of the same name. It removes from (and its
// published folder) when nothing else is left in them.
func (s *Store) TakeOver(from string) error {
	var errs []error
	for _, d := range []struct {
		sub  string
		name *lazyregexp.Regexp
	}{{"", backupName}, {publishedDir, publishedName}} {
		src, dst := filepath.Join(from, d.sub), filepath.Join(s.Dir, d.sub)
		entries, err := os.ReadDir(src)
		if err != nil {
			continue // nothing there
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || !d.name.MatchString(e.Name()) {
				continue
			}
			if err := os.MkdirAll(dst, 0o700); err != nil {
				errs = append(errs, err)
				break
			}
			for _, n := range []string{e.Name(), sidecarPath(e.Name())} {
				if _, err := os.Lstat(filepath.Join(dst, n)); err == nil {
					continue // ours already has it
				}
				if err := os.Rename(filepath.Join(src, n), filepath.Join(dst, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
					errs = append(errs, err)
				}
			}
		}
	}
	_ = os.Remove(filepath.Join(from, publishedDir)) // only when empty
	_ = os.Remove(from)
	return errors.Join(errs...)
}
