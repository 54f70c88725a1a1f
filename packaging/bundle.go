// Package packaging opens, builds, validates and fingerprints a content
// bundle: a ZIP of self-hosted files, from a .zip file or a folder.
package packaging

import (
	"bytes"
	"errors"
	"io"
)

// MaxResourceSize is Salesforce's limit for one StaticResource: 5 MB.
const MaxResourceSize = 5 * 1024 * 1024

// Bundle is a validated content bundle held in memory (at most 5 MB).
type Bundle struct {
	data        []byte
	fingerprint string
	summary     Summary
	source      string
	sums        []fileSum
}

// Summary describes a bundle for the window and the CLI.
type Summary struct {
	Files            int         `json:"files"`
	CompressedSize   int64       `json:"compressedSize"`
	UncompressedSize int64       `json:"uncompressedSize"`
	Largest          []FileEntry `json:"largest"` // up to 5, largest first
	// Skipped lists the well-known junk left out of a folder (".DS_Store",
	// "Thumbs.db", "__MACOSX/", ".git/"), as slash-separated paths; folders end in "/".
	Skipped []string `json:"skipped,omitempty"`
}

// FileEntry is one file of the bundle.
type FileEntry struct {
	Name string `json:"name"`
	Size int64  `json:"size"`
}

// Sentinel errors carried by ValidationError.Err, for errors.Is.
var (
	ErrNotZip            = errors.New("not a zip archive")
	ErrCorrupt           = errors.New("corrupt zip entry")
	ErrInsecurePath      = errors.New("insecure path")
	ErrSymlink           = errors.New("symbolic link")
	ErrNotRegular        = errors.New("not a regular file")
	ErrDuplicate         = errors.New("duplicate name")
	ErrTooManyEntries    = errors.New("too many entries")
	ErrTooLarge          = errors.New("bundle too large")
	ErrZipBomb           = errors.New("suspicious compression ratio")
	ErrEmpty             = errors.New("empty bundle")
	ErrEncrypted         = errors.New("encrypted entry")
	ErrUnsupportedMethod = errors.New("unsupported compression method")
	ErrUnreadable        = errors.New("unreadable file")
	ErrInvalidName       = errors.New("invalid resource name")
)

// ValidationError names the offending entry and the reason, with a fix.
// Error() is "entry: reason"; show Fix as the next step.
//
// ID names the reason in the message catalogue ("too_large", "path_absolute")
// and Args holds the values Reason and Fix quote (byte counts under keys
// ending in "Size"), so a front end can say the same in another language.
type ValidationError struct {
	Entry  string         // "" for the whole bundle; folders end in "/"; escaped for display (safetext.Escape)
	ID     string         // stable ID of the reason, e.g. "too_large"
	Reason string         // what is wrong, lowercase, no final period
	Fix    string         // one sentence naming the fix
	Args   map[string]any // values quoted by Reason and Fix
	Err    error          // one of the Err* sentinels, for errors.Is
}

func (e *ValidationError) Error() string {
	if e.Entry == "" {
		return e.Reason
	}
	return e.Entry + ": " + e.Reason
}

// Unwrap returns the sentinel error (ErrInsecurePath, ErrTooLarge, ...).
func (e *ValidationError) Unwrap() error { return e.Err }

// Size is the ZIP's size in bytes.
func (b *Bundle) Size() int64 { return int64(len(b.data)) }

// Fingerprint is "sha256:<hex>" of the content (names and bytes), stable across zip timestamps and entry order.
func (b *Bundle) Fingerprint() string { return b.fingerprint }

// Open returns a fresh reader of the ZIP bytes.
func (b *Bundle) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b.data)), nil }

// Summary describes the bundle.
func (b *Bundle) Summary() Summary { return b.summary }

// Source is the path the bundle was opened from.
func (b *Bundle) Source() string { return b.source }

// Bytes returns the ZIP bytes (do not modify).
func (b *Bundle) Bytes() []byte { return b.data }
