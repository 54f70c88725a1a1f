package packaging

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/connectors-app/connectors/internal/safetext"
)

// Built bundles are deflated at BestSpeed, about twice as fast as
// DefaultCompression (see BenchmarkBuildFolder) and ~10% larger; a bundle
// over the size limit is rebuilt at BestCompression before it is refused.
const (
	fastLevel  = flate.BestSpeed
	smallLevel = flate.BestCompression
)

// dosDate2000 is 2000-01-01 in MS-DOS date format: the fixed timestamp of
// every built entry (CreateRaw ignores FileHeader.Modified).
const dosDate2000 = (2000-1980)<<9 | 1<<5 | 1

// fileMode is the fixed permission of every built entry.
const fileMode = 0o644

// precompressed lists extensions stored as is: deflating them costs time and
// saves nothing.
var precompressed = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".webp": true, ".avif": true,
	".woff": true, ".woff2": true, ".gz": true, ".zip": true, ".br": true, ".mp3": true, ".mp4": true, ".webm": true,
}

var (
	junkDirs  = map[string]bool{"__MACOSX": true, ".git": true}
	junkFiles = map[string]bool{".DS_Store": true, "Thumbs.db": true, ".git": true}
)

var (
	flatePools = map[int]*sync.Pool{fastLevel: newFlatePool(fastLevel), smallLevel: newFlatePool(smallLevel)}
	bufPool    = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

func newFlatePool(level int) *sync.Pool {
	return &sync.Pool{New: func() any {
		w, _ := flate.NewWriter(io.Discard, level)
		return w
	}}
}

// BuildZip writes a deterministic ZIP of every regular file in fsys: entries
// sorted by path, forward slashes, a fixed timestamp (2000-01-01) and fixed
// permissions (0644), no folder entries; images, fonts and archives are
// stored, everything else deflated unless that does not shrink it. Symbolic links and other special
// files are refused; well-known junk (.DS_Store, Thumbs.db, __MACOSX/, .git/)
// is left out and listed in Summary.Skipped. DefaultLimits apply, except the
// 5 MB resource limit, which Open and FromFS check.
func BuildZip(fsys fs.FS, w io.Writer) (Summary, error) {
	b, err := buildZip(fsys, w, DefaultLimits, fastLevel)
	return b.summary, err
}

type buildEntry struct {
	name string
	size int64
}

// collect walks fsys and returns the files to pack, sorted by path, and the
// junk it skipped.
func collect(fsys fs.FS, l Limits) ([]buildEntry, []string, error) {
	c := &collector{l: l, names: newNameSet(64)}
	if err := fs.WalkDir(fsys, ".", c.visit); err != nil {
		var verr *ValidationError
		if errors.As(err, &verr) {
			return nil, nil, verr
		}
		return nil, nil, fmt.Errorf("read folder: %w", err)
	}
	if len(c.entries) == 0 {
		return nil, nil, emptyBundle()
	}
	slices.SortFunc(c.entries, func(a, b buildEntry) int { return strings.Compare(a.name, b.name) })
	return c.entries, c.skipped, nil
}

// collector is collect's walk: the files found so far, the junk skipped.
type collector struct {
	l       Limits
	names   *nameSet
	entries []buildEntry
	skipped []string
	total   int64
}

// visit is the fs.WalkDirFunc of collect.
func (c *collector) visit(p string, d fs.DirEntry, err error) error {
	if err != nil {
		if p == "." {
			return err
		}
		return unreadable(p, err)
	}
	if p == "." {
		return nil
	}
	if skip, err := c.skipJunk(p, d); skip {
		return err
	}
	if err := checkWalkedEntry(p, d, c.l.MaxPathLen); err != nil {
		return err
	}
	if d.IsDir() {
		return nil
	}
	return c.addFile(p, d)
}

// skipJunk reports whether p is well-known junk and, if so, records it in
// skipped; for a junk folder the error is fs.SkipDir, so the walk leaves it.
// A symbolic link named like junk is not junk: checkWalkedEntry refuses it.
func (c *collector) skipJunk(p string, d fs.DirEntry) (bool, error) {
	base := path.Base(p)
	if d.IsDir() && junkDirs[base] {
		c.skipped = append(c.skipped, p+"/")
		return true, fs.SkipDir
	}
	if !d.IsDir() && junkFiles[base] && d.Type()&fs.ModeSymlink == 0 {
		c.skipped = append(c.skipped, p)
		return true, nil
	}
	return false, nil
}

// checkWalkedEntry checks the name of a file or folder found in the walk, then
// refuses symbolic links and special files.
func checkWalkedEntry(p string, d fs.DirEntry, maxPathLen int) error {
	display := p
	if d.IsDir() {
		display += "/"
	}
	if verr := checkEntryName(p, display, maxPathLen); verr != nil {
		verr.Fix = "Rename the file or folder with plain letters, digits, dots, dashes and underscores, and keep paths short."
		return verr
	}
	return refuseSpecial(p, d.Type())
}

// addFile records the regular file p, within the limits on the number of
// files and on their total size.
func (c *collector) addFile(p string, d fs.DirEntry) error {
	if verr := c.names.addFile(p); verr != nil {
		return verr
	}
	if c.l.MaxEntries > 0 && len(c.entries) >= c.l.MaxEntries {
		return &ValidationError{
			ID:     "too_many_files",
			Reason: fmt.Sprintf("the folder has more than %d files, the limit", c.l.MaxEntries),
			Args:   map[string]any{"Max": c.l.MaxEntries},
			Fix:    "Choose the folder that holds only the content files, or split it into several resources.",
			Err:    ErrTooManyEntries,
		}
	}
	info, err := d.Info()
	if err != nil {
		return unreadable(p, err)
	}
	c.total += info.Size()
	if c.l.MaxUncompressed > 0 && c.total > c.l.MaxUncompressed {
		return tooMuchUnpacked(p, c.l.MaxUncompressed)
	}
	c.entries = append(c.entries, buildEntry{name: p, size: info.Size()})
	return nil
}

// refuseSpecial refuses symbolic links and files that are neither regular
// files nor folders.
func refuseSpecial(p string, t fs.FileMode) error {
	switch {
	case t&fs.ModeSymlink != 0:
		return &ValidationError{
			Entry:  safetext.Escape(p),
			ID:     "symlink",
			Reason: "the file is a symbolic link; links are not followed",
			Fix:    "Replace the link with a copy of the file or folder it points to, or remove it.",
			Err:    ErrSymlink,
		}
	case t.IsDir():
		return nil
	case !t.IsRegular():
		return &ValidationError{
			Entry:  safetext.Escape(p),
			ID:     "not_regular_file",
			Reason: "the file is not a regular file (device, pipe or socket)",
			Fix:    "Remove it from the folder.",
			Err:    ErrNotRegular,
		}
	}
	return nil
}

func unreadable(p string, err error) *ValidationError {
	reason, id := "the file cannot be read", "unreadable"
	if errors.Is(err, fs.ErrPermission) {
		reason += ": permission denied"
		id = "unreadable_permission"
	}
	return &ValidationError{
		Entry:  safetext.Escape(p),
		ID:     id,
		Reason: reason,
		Fix:    "Check that the file exists and that you may read it, then try again.",
		Err:    ErrUnreadable,
	}
}

// packed is one entry compressed by a worker.
type packed struct {
	sum    fileSum
	crc    uint32
	method uint16
	raw    *bytes.Buffer // file content
	comp   *bytes.Buffer // deflated content, nil when stored
	err    error
	done   chan struct{}
}

func (p *packed) body() []byte {
	if p.comp != nil {
		return p.comp.Bytes()
	}
	return p.raw.Bytes()
}

func (p *packed) release() {
	for _, b := range []*bytes.Buffer{p.raw, p.comp} {
		if b != nil && b.Cap() <= 4<<20 {
			bufPool.Put(b)
		}
	}
	p.raw, p.comp = nil, nil
}

// buildZip compresses the entries concurrently, each into its own buffer, and
// writes them in path order with CreateRaw, hashing while compressing.
// built is what buildZip made.
type built struct {
	summary  Summary
	sums     []fileSum
	deflated int64 // compressed bytes of deflated entries: what a tighter level can shrink
}

func buildZip(fsys fs.FS, w io.Writer, l Limits, level int) (built, error) {
	entries, skipped, err := collect(fsys, l)
	if err != nil {
		return built{}, err
	}
	jobs := make([]packed, len(entries))
	for i := range jobs {
		jobs[i].done = make(chan struct{})
	}
	var (
		next   atomic.Int64
		total  atomic.Int64
		failed atomic.Bool
		wg     sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), len(entries)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(entries) {
					return
				}
				if !failed.Load() {
					jobs[i].err = pack(fsys, entries[i], &jobs[i], &total, l, flatePools[level])
				}
				close(jobs[i].done)
			}
		})
	}
	defer func() {
		failed.Store(true)
		wg.Wait()
	}()

	cw := &countingWriter{w: w}
	zw := zip.NewWriter(cw)
	sums := make([]fileSum, len(entries))
	var deflated int64
	for i := range jobs {
		j := &jobs[i]
		<-j.done
		if j.err != nil {
			failed.Store(true)
			return built{}, j.err
		}
		if err := writeRaw(zw, j); err != nil {
			failed.Store(true)
			return built{}, fmt.Errorf("write zip: %w", err)
		}
		if j.comp != nil {
			deflated += int64(j.comp.Len())
		}
		sums[i] = j.sum
		j.release()
	}
	if err := zw.Close(); err != nil {
		return built{}, fmt.Errorf("write zip: %w", err)
	}
	return built{summary: summarize(sums, cw.n, skipped), sums: sums, deflated: deflated}, nil
}

func writeRaw(zw *zip.Writer, j *packed) error {
	body := j.body()
	fh := &zip.FileHeader{
		Name:               j.sum.name,
		Method:             j.method,
		CRC32:              j.crc,
		CompressedSize64:   uint64(len(body)),
		UncompressedSize64: uint64(j.sum.size),
		ModifiedDate:       dosDate2000, //nolint:staticcheck // CreateRaw ignores Modified; the MS-DOS field is the only way
	}
	fh.CreatorVersion = 20 // ZIP spec 2.0; SetMode adds "made by Unix"
	fh.SetMode(fileMode)
	if !isASCII(j.sum.name) && utf8.ValidString(j.sum.name) {
		fh.Flags |= 0x800 // names are UTF-8
	}
	fw, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	_, err = fw.Write(body)
	return err
}

// pack reads, hashes and deflates one file.
func pack(fsys fs.FS, e buildEntry, out *packed, total *atomic.Int64, l Limits, flatePool *sync.Pool) error {
	f, err := fsys.Open(e.name)
	if err != nil {
		return unreadable(e.name, err)
	}
	defer func() { _ = f.Close() }()
	raw := bufPool.Get().(*bytes.Buffer)
	raw.Reset()
	raw.Grow(int(e.size) + bytes.MinRead)
	out.raw = raw
	var r io.Reader = f
	if l.MaxUncompressed > 0 {
		r = io.LimitReader(f, l.MaxUncompressed+1)
	}
	if _, err := raw.ReadFrom(r); err != nil {
		return unreadable(e.name, err)
	}
	if l.MaxUncompressed > 0 && total.Add(int64(raw.Len())) > l.MaxUncompressed {
		return tooMuchUnpacked(e.name, l.MaxUncompressed)
	}
	data := raw.Bytes()
	out.sum = fileSum{name: e.name, size: int64(len(data)), sum: sha256.Sum256(data)}
	out.crc = crc32.ChecksumIEEE(data)
	out.method = zip.Store
	if len(data) == 0 || precompressed[strings.ToLower(path.Ext(e.name))] {
		return nil
	}
	comp := bufPool.Get().(*bytes.Buffer)
	comp.Reset()
	fw := flatePool.Get().(*flate.Writer)
	defer flatePool.Put(fw)
	fw.Reset(comp)
	if _, err := fw.Write(data); err != nil {
		return fmt.Errorf("deflate %s: %w", e.name, err)
	}
	if err := fw.Close(); err != nil {
		return fmt.Errorf("deflate %s: %w", e.name, err)
	}
	if comp.Len() >= len(data) {
		bufPool.Put(comp)
		return nil
	}
	out.comp = comp
	out.method = zip.Deflate
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
