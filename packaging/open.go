package packaging

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Limits bound what a bundle may contain; a zero field means no limit.
type Limits struct {
	MaxEntries      int     // entries in the ZIP (files and folders) or files in a folder
	MaxUncompressed int64   // total unpacked bytes
	MaxRatio        float64 // unpacked/compressed per entry, for entries over 1 MB unpacked
	MaxCompressed   int64   // size of the ZIP
	MaxPathLen      int     // bytes in an entry path
}

// DefaultLimits fit a Salesforce StaticResource.
var DefaultLimits = Limits{
	MaxEntries:      10000,
	MaxUncompressed: 200 << 20,
	MaxRatio:        100,
	MaxCompressed:   MaxResourceSize,
	MaxPathLen:      255,
}

// Open reads a .zip file, or builds a deterministic ZIP from a folder, then
// validates it with DefaultLimits. Validation failures are *ValidationError.
func Open(path string) (*Bundle, error) { return OpenWithLimits(path, DefaultLimits) }

// OpenWithLimits is Open with explicit limits.
func OpenWithLimits(path string, l Limits) (*Bundle, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	if info.IsDir() {
		return fromFS(os.DirFS(path), path, l)
	}
	if !info.Mode().IsRegular() {
		return nil, &ValidationError{
			ID:     "not_zip_or_folder",
			Reason: "the chosen path is neither a ZIP file nor a folder",
			Fix:    "Choose a .zip file or a folder of content files.",
			Err:    ErrNotZip,
		}
	}
	if l.MaxCompressed > 0 && info.Size() > l.MaxCompressed {
		return nil, tooBig(info.Size(), l.MaxCompressed)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if l.MaxCompressed > 0 {
		r = io.LimitReader(f, l.MaxCompressed+1)
	}
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("read bundle: %w", err)
	}
	return fromZip(buf.Bytes(), path, l)
}

// FromZip validates ZIP bytes and fingerprints them with DefaultLimits. The
// bundle keeps data: do not modify it afterwards.
func FromZip(data []byte, source string) (*Bundle, error) {
	return fromZip(data, source, DefaultLimits)
}

func fromZip(data []byte, source string, l Limits) (*Bundle, error) {
	if l.MaxCompressed > 0 && int64(len(data)) > l.MaxCompressed {
		return nil, tooBig(int64(len(data)), l.MaxCompressed)
	}
	sums, err := scanZip(data, l)
	if err != nil {
		return nil, err
	}
	return &Bundle{
		data:        data,
		fingerprint: fingerprintOf(sums),
		summary:     summarize(sums, int64(len(data)), nil),
		source:      source,
		sums:        sums,
	}, nil
}

// FromFS builds a deterministic ZIP from a tree (a folder or the embedded demo
// content) and validates it with DefaultLimits.
func FromFS(fsys fs.FS, source string) (*Bundle, error) {
	return fromFS(fsys, source, DefaultLimits)
}

func fromFS(fsys fs.FS, source string, l Limits) (*Bundle, error) {
	var buf bytes.Buffer
	b, err := buildZip(fsys, &buf, l, fastLevel)
	if err != nil {
		return nil, err
	}
	// Slightly too big at the fast level: try the tightest before refusing
	// when it can plausibly fit (it shrinks deflated data by 10-15%, rarely
	// more than 20%, and stored data not at all).
	if over := int64(buf.Len()) - l.MaxCompressed; l.MaxCompressed > 0 && over > 0 && over <= b.deflated/5 {
		buf.Reset()
		if b, err = buildZip(fsys, &buf, l, smallLevel); err != nil {
			return nil, err
		}
	}
	if l.MaxCompressed > 0 && int64(buf.Len()) > l.MaxCompressed {
		return nil, tooBig(int64(buf.Len()), l.MaxCompressed)
	}
	return &Bundle{data: buf.Bytes(), fingerprint: fingerprintOf(b.sums), summary: b.summary, source: source, sums: b.sums}, nil
}
