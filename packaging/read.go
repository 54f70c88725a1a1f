package packaging

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/internal/sizes"
)

// ratioFloor is the size up to which an entry may unpack regardless of its
// compression ratio: small, very repetitive files are legitimate.
const ratioFloor = 1 << 20

// fileSum is one regular file's name, size and SHA-256.
type fileSum struct {
	name string
	size int64
	sum  [sha256.Size]byte
}

var copyBufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

func corrupt(entry, detail string) *ValidationError {
	reason, id := "the ZIP archive is damaged", "corrupt_zip"
	if entry != "" {
		reason, id = "the entry is damaged", "corrupt_entry"
	}
	if detail != "" {
		reason += " (" + detail + ")"
	}
	return &ValidationError{
		Entry:  safetext.Escape(entry),
		ID:     id,
		Reason: reason,
		Fix:    "Download or export the ZIP again, or choose the folder it came from.",
		Err:    ErrCorrupt,
	}
}

func tooManyEntries(n, limit int) *ValidationError {
	return &ValidationError{
		ID:     "too_many_entries",
		Args:   map[string]any{"Count": n, "Max": limit},
		Reason: fmt.Sprintf("the bundle has %d entries, over the limit of %d", n, limit),
		Fix:    "Remove files the content does not need, or split it into several resources.",
		Err:    ErrTooManyEntries,
	}
}

func tooMuchUnpacked(entry string, limit int64) *ValidationError {
	return &ValidationError{
		Entry:  safetext.Escape(entry),
		ID:     "unpacked_too_large",
		Args:   map[string]any{"LimitSize": limit},
		Reason: fmt.Sprintf("the bundle unpacks to more than %s, the limit", sizes.Format(limit, "en")),
		Fix:    "Remove large files the content does not need.",
		Err:    ErrZipBomb,
	}
}

func emptyBundle() *ValidationError {
	return &ValidationError{
		ID:     "empty",
		Reason: "the bundle contains no files",
		Fix:    "Choose the ZIP or folder that holds the self-hosted content files.",
		Err:    ErrEmpty,
	}
}

func tooBig(size, limit int64) *ValidationError {
	shown := sizes.Format(size, "en")
	if shown == sizes.Format(limit, "en") {
		shown = fmt.Sprintf("%d bytes", size)
	}
	return &ValidationError{
		ID:   "too_large",
		Args: map[string]any{"BundleSize": size, "LimitSize": limit, "OverSize": size - limit},
		Reason: fmt.Sprintf("the bundle is %s, over Salesforce's %s limit for one static resource",
			shown, sizes.Format(limit, "en")),
		Fix: fmt.Sprintf("Remove or shrink at least %s of files (compressed), or split the content into several resources.",
			sizes.Format(size-limit, "en")),
		Err: ErrTooLarge,
	}
}

// scanZip validates a ZIP archive and hashes every regular file. It never
// trusts header sizes: the unpacked bytes are counted while reading and
// reading stops at the caps.
func scanZip(data []byte, l Limits) ([]fileSum, error) {
	if len(data) < 4 || !bytes.HasPrefix(data, []byte("PK")) {
		// Go's reader accepts data before the archive (self-extracting
		// files); a content bundle must start with a ZIP header.
		return nil, &ValidationError{
			ID:     "not_zip",
			Reason: "the file is not a ZIP archive",
			Fix:    "Choose a .zip file or a folder of content files.",
			Err:    ErrNotZip,
		}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, &ValidationError{
			ID:     "not_zip_or_damaged",
			Reason: "the file is not a ZIP archive or is damaged",
			Fix:    "Choose a .zip file or a folder of content files; if it is a ZIP, download or export it again.",
			Err:    ErrNotZip,
		}
	}
	if l.MaxEntries > 0 && len(zr.File) > l.MaxEntries {
		return nil, tooManyEntries(len(zr.File), l.MaxEntries)
	}
	files, err := checkHeaders(zr.File, data, l)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, emptyBundle()
	}
	return hashEntries(files, l)
}

// checkHeaders runs the cheap, deterministic checks on the central directory
// and returns the regular files.
func checkHeaders(all []*zip.File, data []byte, l Limits) ([]*zip.File, error) {
	names := newNameSet(len(all))
	files := make([]*zip.File, 0, len(all))
	var claimed uint64
	for _, f := range all {
		isFile, err := checkEntryKind(f, names, l.MaxPathLen)
		if err != nil {
			return nil, err
		}
		if !isFile {
			continue
		}
		if err := checkFileEntry(f, names); err != nil {
			return nil, err
		}
		if claimed, err = claimSize(f, l, claimed); err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	if err := checkLayout(all, data); err != nil {
		return nil, err
	}
	return files, nil
}

// checkEntryKind checks the entry's name and kind: it refuses symbolic links
// and special files, records a folder entry in names, and reports whether f
// is a regular file, the only kind checkHeaders keeps.
func checkEntryKind(f *zip.File, names *nameSet, maxPathLen int) (bool, error) {
	isDir := strings.HasSuffix(f.Name, "/")
	clean := strings.TrimSuffix(f.Name, "/")
	if verr := checkEntryName(clean, f.Name, maxPathLen); verr != nil {
		return false, verr
	}
	mode := f.Mode()
	switch {
	case mode&fs.ModeSymlink != 0:
		return false, &ValidationError{
			Entry:  safetext.Escape(f.Name),
			ID:     "entry_symlink",
			Reason: "the entry is a symbolic link",
			Fix:    "Replace the link with the file it points to and build the ZIP again.",
			Err:    ErrSymlink,
		}
	case mode.IsDir() || isDir:
		if !isDir || f.UncompressedSize64 != 0 {
			return false, corrupt(f.Name, "a folder entry must end with \"/\" and hold no data")
		}
		if verr := names.addDir(clean); verr != nil {
			return false, verr
		}
		return false, nil
	case !mode.IsRegular():
		return false, &ValidationError{
			Entry:  safetext.Escape(f.Name),
			ID:     "entry_not_regular",
			Reason: "the entry is not a regular file (device, pipe or socket)",
			Fix:    "Remove it and build the ZIP again.",
			Err:    ErrNotRegular,
		}
	}
	return true, nil
}

// checkFileEntry refuses a regular file that is encrypted or compressed with
// a method other than Store or Deflate, then records its name in names.
func checkFileEntry(f *zip.File, names *nameSet) error {
	if f.Flags&0x1 != 0 {
		return &ValidationError{
			Entry:  safetext.Escape(f.Name),
			ID:     "encrypted",
			Reason: "the entry is encrypted (password-protected)",
			Fix:    "Build the ZIP again without a password.",
			Err:    ErrEncrypted,
		}
	}
	if f.Method != zip.Store && f.Method != zip.Deflate {
		return &ValidationError{
			Entry:  safetext.Escape(f.Name),
			ID:     "compression",
			Args:   map[string]any{"Method": f.Method},
			Reason: fmt.Sprintf("the entry uses compression method %d; only Store (0) and Deflate (8) are supported", f.Method),
			Fix:    "Build the ZIP again with standard (Deflate) compression.",
			Err:    ErrUnsupportedMethod,
		}
	}
	if verr := names.addFile(f.Name); verr != nil {
		return verr
	}
	return nil
}

// claimSize adds the size f claims unpacked to claimed, the total so far,
// within the limit on the total and the limit on one entry's ratio; it
// returns the new total.
func claimSize(f *zip.File, l Limits, claimed uint64) (uint64, error) {
	if l.MaxUncompressed > 0 {
		// claimed <= MaxUncompressed here, so the subtraction cannot wrap.
		if f.UncompressedSize64 > uint64(l.MaxUncompressed)-claimed {
			return claimed, tooMuchUnpacked(f.Name, l.MaxUncompressed)
		}
		claimed += f.UncompressedSize64
	}
	if f.UncompressedSize64 > entryCap(f, l) {
		return claimed, bomb(f.Name, l.MaxRatio)
	}
	return claimed, nil
}

func bomb(entry string, ratio float64) *ValidationError {
	return &ValidationError{
		Entry:  safetext.Escape(entry),
		ID:     "zip_bomb_ratio",
		Args:   map[string]any{"Ratio": fmt.Sprintf("%.0f", ratio)},
		Reason: fmt.Sprintf("the entry unpacks to more than %.0f times its compressed size, like a zip bomb", ratio),
		Fix:    "Check where the ZIP came from and build it again from the original files.",
		Err:    ErrZipBomb,
	}
}

// entryCap is the most bytes one entry may unpack to.
func entryCap(f *zip.File, l Limits) uint64 {
	if l.MaxRatio <= 0 {
		return 1<<63 - 1
	}
	c := uint64(l.MaxRatio * float64(f.CompressedSize64))
	return max(c, ratioFloor)
}

// checkLayout refuses archives whose entries a streaming reader (such as
// Java's ZipInputStream) would see differently from the central directory:
// data outside the file, entries overlapping (the "overlapping files" zip
// bomb), a local header whose name differs, or bytes between entries that
// could hide an extra entry. Every local header must start where the previous
// entry (and its data descriptor) ends.
func checkLayout(all []*zip.File, data []byte) error {
	type span struct {
		start, end int64
		f          *zip.File
	}
	size := int64(len(data))
	spans := make([]span, 0, len(all))
	for _, f := range all {
		off, err := f.DataOffset()
		if err != nil {
			return corrupt(f.Name, "bad local header")
		}
		end := off + int64(f.CompressedSize64)
		if off < 0 || end < off || end > size {
			return corrupt(f.Name, "data past the end of the file")
		}
		spans = append(spans, span{off, end, f})
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var prevEnd int64
	var prev *zip.File
	for _, sp := range spans {
		if prev != nil && sp.start < prevEnd {
			return &ValidationError{
				Entry:  safetext.Escape(sp.f.Name),
				ID:     "zip_bomb_overlap",
				Args:   map[string]any{"Other": safetext.Escape(prev.Name)},
				Reason: fmt.Sprintf("the entry's data overlaps %q, as in a zip bomb", prev.Name),
				Fix:    "Check where the ZIP came from and build it again from the original files.",
				Err:    ErrZipBomb,
			}
		}
		if !localHeaderAt(data, prevEnd, prev, sp.f.Name, sp.start) {
			return &ValidationError{
				Entry:  safetext.Escape(sp.f.Name),
				ID:     "header_mismatch",
				Reason: "the entry's local header does not match the ZIP directory (name or position), which can hide files",
				Fix:    "Build the ZIP again with a standard tool, or choose the folder it came from.",
				Err:    ErrCorrupt,
			}
		}
		prevEnd, prev = sp.end, sp.f
	}
	if cd, ok := directoryOffset(data); ok && !followsEntry(prevEnd, prev, cd) {
		return &ValidationError{
			ID:     "hidden_data",
			Reason: "the ZIP has unlisted data between its last entry and its directory, which can hide files",
			Fix:    "Build the ZIP again with a standard tool, or choose the folder it came from.",
			Err:    ErrCorrupt,
		}
	}
	return nil
}

// descriptorSizes are the possible sizes of a data descriptor: with or
// without its signature, 32- or 64-bit sizes.
var descriptorSizes = []int64{16, 12, 24, 20}

// followsEntry reports whether pos is where the next record starts after an
// entry ending at end (prev == nil: the start of the file).
func followsEntry(end int64, prev *zip.File, pos int64) bool {
	if prev == nil || prev.Flags&0x8 == 0 {
		return pos == end
	}
	for _, d := range descriptorSizes {
		if pos == end+d {
			return true
		}
	}
	return false
}

// localHeaderAt reports whether a local file header named name, whose data
// starts at dataStart, begins right after the previous entry.
func localHeaderAt(data []byte, end int64, prev *zip.File, name string, dataStart int64) bool {
	starts := []int64{end}
	if prev != nil && prev.Flags&0x8 != 0 {
		starts = starts[:0]
		for _, d := range descriptorSizes {
			starts = append(starts, end+d)
		}
	}
	for _, p := range starts {
		if p+30 > int64(len(data)) || string(data[p:p+4]) != "PK\x03\x04" {
			continue
		}
		nameLen := int64(binary.LittleEndian.Uint16(data[p+26:]))
		extraLen := int64(binary.LittleEndian.Uint16(data[p+28:]))
		if nameLen != int64(len(name)) || p+30+nameLen+extraLen != dataStart {
			continue
		}
		if string(data[p+30:p+30+nameLen]) == name {
			return true
		}
	}
	return false
}

// directoryOffset reads the central directory's offset from the end record;
// ok is false for ZIP64 archives (offset in another record) or no record.
func directoryOffset(data []byte) (int64, bool) {
	const eocdLen = 22
	lowest := max(0, len(data)-eocdLen-0xffff)
	for i := len(data) - eocdLen; i >= lowest; i-- {
		if string(data[i:i+4]) != "PK\x05\x06" {
			continue
		}
		if commentLen := int(binary.LittleEndian.Uint16(data[i+20:])); i+eocdLen+commentLen > len(data) {
			continue // as archive/zip: not the end record
		}
		off := binary.LittleEndian.Uint32(data[i+16:])
		if off == 0xffffffff {
			return 0, false
		}
		return int64(off), true
	}
	return 0, false
}

// hashEntries unpacks and hashes the files concurrently, enforcing the caps
// while reading. On several failures the first entry's error is returned.
func hashEntries(files []*zip.File, l Limits) ([]fileSum, error) {
	sums := make([]fileSum, len(files))
	errs := make([]error, len(files))
	var (
		next   atomic.Int64
		total  atomic.Int64
		failed atomic.Bool
		wg     sync.WaitGroup
	)
	workers := min(runtime.GOMAXPROCS(0), len(files))
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) || failed.Load() {
					return
				}
				if err := hashEntry(files[i], &sums[i], &total, l); err != nil {
					errs[i] = err
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return sums, nil
}

func hashEntry(f *zip.File, out *fileSum, total *atomic.Int64, l Limits) error {
	rc, err := f.Open()
	if err != nil {
		return corrupt(f.Name, "")
	}
	defer rc.Close()
	h := sha256.New()
	bp := copyBufPool.Get().(*[]byte)
	defer copyBufPool.Put(bp)
	buf := *bp
	limit := entryCap(f, l)
	var n uint64
	for {
		k, rerr := rc.Read(buf)
		if k > 0 {
			n += uint64(k)
			if n > limit {
				return bomb(f.Name, l.MaxRatio)
			}
			if l.MaxUncompressed > 0 && total.Add(int64(k)) > l.MaxUncompressed {
				return tooMuchUnpacked(f.Name, l.MaxUncompressed)
			}
			h.Write(buf[:k])
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			if errors.Is(rerr, zip.ErrChecksum) {
				return corrupt(f.Name, "checksum mismatch")
			}
			return corrupt(f.Name, "")
		}
	}
	out.name = f.Name
	out.size = int64(n)
	h.Sum(out.sum[:0])
	return nil
}
