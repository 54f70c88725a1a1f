package backup

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/connectors-app/connectors/connector/salesforce"
)

// publishedMark is the JSON next to a published copy: which record it went
// to and who and when last wrote it right after our verified publish.
type publishedMark struct {
	ResourceID       string    `json:"resourceId"`
	LastModified     time.Time `json:"lastModified"`
	LastModifiedByID string    `json:"lastModifiedById,omitempty"`
	// ModifiedBound: LastModified is the org's clock when it answered our
	// write (the record was last modified at or before it, whole seconds),
	// not the record's own value.
	ModifiedBound bool `json:"modifiedBound,omitempty"`
	// The record's metadata right after our publish (newer versions).
	Name         string `json:"name,omitempty"`
	ContentType  string `json:"contentType,omitempty"`
	CacheControl string `json:"cacheControl,omitempty"`
	Description  string `json:"description,omitempty"`
}

// PublishedCopy is our local copy of bundle fp when it is there whole
// (size bytes), else "". Its content is the bundle fp: the caller decides
// from the org's record whether the org holds that bundle.
func (s *Store) PublishedCopy(fp string, size int64) string {
	if fp == "" {
		return ""
	}
	p := s.publishedCopy(fp)
	fi, err := os.Stat(p)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != size {
		return ""
	}
	return p
}

func (s *Store) publishedCopy(fp string) string {
	return filepath.Join(s.Dir, publishedDir, fpHex(fp)+".zip")
}

// SavePublished keeps a copy of what we just published (got is the record
// as the write left it; bound says its LastModifiedDate is the org's clock
// at the write's answer, not the record's own value), named by its
// fingerprint, so the next overwrite can back it up without a download. A
// body without a fingerprint (a foreign resource put back by a restore) is
// not kept.
func (s *Store) SavePublished(b Body, got *salesforce.StaticResource, bound bool, now time.Time) error {
	fp := b.Fingerprint()
	if fp == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(s.Dir, publishedDir), 0o700); err != nil {
		return fmt.Errorf("create published folder: %w", err)
	}
	dst := s.publishedCopy(fp)
	if fi, err := os.Stat(dst); err != nil || fi.Size() != b.Size() {
		if err := copyBody(b, dst); err != nil {
			return err
		}
	}
	_ = os.Chtimes(dst, now, now)
	m := publishedMark{
		ResourceID: got.ID, LastModified: got.LastModifiedDate, LastModifiedByID: got.LastModifiedByID, ModifiedBound: bound,
		Name: got.Name, ContentType: got.ContentType, CacheControl: got.CacheControl, Description: got.Description,
	}
	if err := writeJSON(sidecarPath(dst), m); err != nil {
		return err
	}
	return s.rotatePublished(s.keepPublished())
}

// copyBody writes the body's bytes to dst (a hard link for a backup file).
func copyBody(b Body, dst string) error {
	if f, ok := b.(*File); ok {
		return linkOrCopy(f.path, dst)
	}
	rc, err := b.Open()
	if err != nil {
		return fmt.Errorf("open bundle: %w", err)
	}
	defer rc.Close()
	return writeFile(dst, func(w io.Writer) (int64, error) { return io.Copy(w, rc) }, b.Size())
}

// rotatePublished keeps the newest keep copies of our own publishes; it
// deletes only copies it wrote (named as publishedCopy names them) and
// their marks.
func (s *Store) rotatePublished(keep int) error {
	dir := filepath.Join(s.Dir, publishedDir)
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
		if !e.Type().IsRegular() || !publishedName.MatchString(e.Name()) {
			continue
		}
		if fi, err := e.Info(); err == nil {
			items = append(items, item{filepath.Join(dir, e.Name()), fi.ModTime()})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].mod.After(items[j].mod) })
	var errs []error
	for i := keep; i < len(items); i++ {
		for _, p := range []string{items[i].path, sidecarPath(items[i].path)} {
			if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
