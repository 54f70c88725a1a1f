package packaging

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/connectors-app/connectors/internal/sizes"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenFolder(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"walkme/a.js":          "console.log('a')",
		"walkme/css/b.css":     "body{}",
		"walkme/.DS_Store":     "junk",
		"walkme/img/Thumbs.db": "junk",
		"__MACOSX/walkme/._a":  "junk",
		".git/HEAD":            "ref: refs/heads/main",
		"walkme/empty.json":    "",
	})
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "walkme", "emptydir"), 0o755))

	b, err := Open(dir)
	require.NoError(t, err)
	assert.Equal(t, dir, b.Source())
	s := b.Summary()
	assert.Equal(t, 3, s.Files)
	assert.Equal(t, int64(len("console.log('a')")+len("body{}")), s.UncompressedSize)
	assert.Equal(t, b.Size(), s.CompressedSize)
	assert.Equal(t, []string{".git/", "__MACOSX/", "walkme/.DS_Store", "walkme/img/Thumbs.db"}, s.Skipped)

	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), b.Size())
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		assert.Equal(t, fs.FileMode(0o644), f.Mode(), f.Name)
		assert.Equal(t, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), f.Modified.UTC(), f.Name)
	}
	assert.Equal(t, []string{"walkme/a.js", "walkme/css/b.css", "walkme/empty.json"}, names)

	// The built ZIP passes the ZIP checks and fingerprints the same.
	b2, err := FromZip(b.Bytes(), "copy.zip")
	require.NoError(t, err)
	assert.Equal(t, b.Fingerprint(), b2.Fingerprint())
	fp, err := Fingerprint(b.Bytes())
	require.NoError(t, err)
	assert.Equal(t, b.Fingerprint(), fp)
}

func TestOpenZipFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "content.zip")
	data := makeZip(t, zent{name: "a.js", body: "x"})
	require.NoError(t, os.WriteFile(p, data, 0o644))
	b, err := Open(p)
	require.NoError(t, err)
	assert.Equal(t, data, b.Bytes())
	rc, err := b.Open()
	require.NoError(t, err)
	defer rc.Close()
	var got bytes.Buffer
	_, err = got.ReadFrom(rc)
	require.NoError(t, err)
	assert.Equal(t, data, got.Bytes())
}

func TestOpenFolderValidation(t *testing.T) {
	big := func(t testing.TB, dir string) {
		r := make([]byte, MaxResourceSize+(200<<10))
		_, _ = rand.NewChaCha8([32]byte{1}).Read(r) // incompressible
		writeTree(t, dir, map[string]string{"big.woff2": string(r)})
	}
	tests := []struct {
		name   string
		setup  func(t testing.TB, dir string)
		limits *Limits
		err    error
		entry  string
		reason string
	}{
		{name: "symlink file", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{"a.js": "x"})
			require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, "passwd.js")))
		}, err: ErrSymlink, entry: "passwd.js", reason: "not followed"},
		{name: "symlink folder", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{"a.js": "x"})
			require.NoError(t, os.Symlink("/etc", filepath.Join(dir, "etc")))
		}, err: ErrSymlink, entry: "etc"},
		{name: "symlink named like junk", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{"a.js": "x"})
			require.NoError(t, os.Symlink("/etc/passwd", filepath.Join(dir, ".DS_Store")))
		}, err: ErrSymlink, entry: ".DS_Store"},
		{name: "case duplicate", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{"App.js": "1", "app.js": "2"})
		}, err: ErrDuplicate, entry: "app.js", reason: "upper/lower case"},
		{name: "file and folder differ by case", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{"Lib/a.js": "1", "lib": "2"})
		}, err: ErrDuplicate, entry: "lib", reason: "both a file and a folder"},
		{name: "backslash in a file name", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{`a\b.js`: "1"})
		}, err: ErrInsecurePath, entry: `a\b.js`, reason: "backslash"},
		{name: "control character in a file name", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{"a\tb.js": "1"})
		}, err: ErrInsecurePath, reason: "control character"},
		{name: "empty folder", setup: func(testing.TB, string) {}, err: ErrEmpty},
		{name: "only junk", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{".DS_Store": "x", ".git/config": "y"})
		}, err: ErrEmpty},
		{name: "only empty folders", setup: func(t testing.TB, dir string) {
			require.NoError(t, os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755))
		}, err: ErrEmpty},
		{name: "over 5 MB", setup: big, err: ErrTooLarge, reason: "5.2 MB, over Salesforce's 5 MB limit"},
		{name: "too many files", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{"a": "1", "b": "2", "c/d": "3"})
		}, limits: &Limits{MaxEntries: 2}, err: ErrTooManyEntries, reason: "more than 2 files"},
		{name: "too much unpacked", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{"a": strings.Repeat("a", 600), "b": strings.Repeat("b", 600)})
		}, limits: &Limits{MaxUncompressed: 1000}, err: ErrZipBomb, entry: "b", reason: "more than 1000 B"},
		{name: "path too long", setup: func(t testing.TB, dir string) {
			writeTree(t, dir, map[string]string{strings.Repeat("d", 200) + "/" + strings.Repeat("f", 60): "1"})
		}, err: ErrInsecurePath, reason: "over the limit of 255"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, dir)
			l := DefaultLimits
			if tt.limits != nil {
				l = *tt.limits
			}
			b, err := OpenWithLimits(dir, l)
			require.Error(t, err)
			assert.Nil(t, b)
			assert.ErrorIs(t, err, tt.err)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			if tt.entry != "" {
				assert.Equal(t, tt.entry, verr.Entry)
			}
			assert.Contains(t, verr.Reason, tt.reason)
			assert.NotEmpty(t, verr.Fix)
		})
	}
}

func TestOpenPathErrors(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing.zip"))
	assert.ErrorIs(t, err, fs.ErrNotExist)

	if runtime.GOOS != "windows" {
		_, err = Open("/dev/null")
		assert.ErrorIs(t, err, ErrNotZip)
	}

	p := filepath.Join(t.TempDir(), "notes.zip")
	require.NoError(t, os.WriteFile(p, []byte("not a zip"), 0o644))
	_, err = Open(p)
	assert.ErrorIs(t, err, ErrNotZip)

	big := filepath.Join(t.TempDir(), "big.zip")
	require.NoError(t, os.WriteFile(big, make([]byte, MaxResourceSize+1), 0o644))
	_, err = Open(big)
	assert.ErrorIs(t, err, ErrTooLarge, "the size is checked before reading")
}

func TestBuildDeterministic(t *testing.T) {
	files := map[string]string{
		"b.js":         strings.Repeat("function b() { return 1 }\n", 50),
		"a.js":         "x",
		"a/z.css":      "body{}",
		"a.b/c.json":   `{"k": "v"}`,
		"ünïcode/é.js": "é",
		"zero":         "",
		"img/logo.PNG": strings.Repeat("not really a png ", 100),
	}
	dir1, dir2 := t.TempDir(), t.TempDir()
	writeTree(t, dir1, files)
	writeTree(t, dir2, files)
	// Different timestamps and permissions on the second copy.
	old := time.Date(2011, 3, 4, 5, 6, 7, 0, time.UTC)
	require.NoError(t, os.Chtimes(filepath.Join(dir2, "a.js"), old, old))
	require.NoError(t, os.Chmod(filepath.Join(dir2, "b.js"), 0o600))

	b1, err := Open(dir1)
	require.NoError(t, err)
	b1again, err := Open(dir1)
	require.NoError(t, err)
	b2, err := Open(dir2)
	require.NoError(t, err)
	assert.Equal(t, b1.Bytes(), b1again.Bytes(), "same folder twice")
	assert.Equal(t, b1.Bytes(), b2.Bytes(), "same files, other timestamps and modes")

	mapfs := fstest.MapFS{}
	for name, body := range files {
		mapfs[name] = &fstest.MapFile{Data: []byte(body), Mode: 0o755, ModTime: time.Now()}
	}
	b3, err := FromFS(mapfs, "embedded")
	require.NoError(t, err)
	assert.Equal(t, b1.Bytes(), b3.Bytes(), "an fs.FS builds the same bytes")

	var buf bytes.Buffer
	s, err := BuildZip(mapfs, &buf)
	require.NoError(t, err)
	assert.Equal(t, b1.Bytes(), buf.Bytes())
	assert.Equal(t, b1.Summary(), s)

	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	assert.Equal(t, []string{"a.b/c.json", "a.js", "a/z.css", "b.js", "img/logo.PNG", "zero", "ünïcode/é.js"}, names, "sorted by full path")
	assert.Equal(t, zip.Deflate, zr.File[3].Method, "compressible files are deflated")
	assert.Equal(t, zip.Store, zr.File[1].Method, "tiny files are stored")
	assert.Equal(t, zip.Store, zr.File[4].Method, "images are stored as is")
	assert.NotZero(t, zr.File[6].Flags&0x800, "UTF-8 names are flagged")
}

func TestBuildZipWriteError(t *testing.T) {
	_, err := BuildZip(fstest.MapFS{"a.js": {Data: []byte("x")}}, failingWriter{})
	require.Error(t, err)
	assert.ErrorContains(t, err, "write zip")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestFingerprint(t *testing.T) {
	t1 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	base := makeZip(t,
		zent{name: "a.js", body: "alpha", modified: t1},
		zent{name: "css/b.css", body: "beta", modified: t1},
	)
	want, err := Fingerprint(base)
	require.NoError(t, err)
	assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, want)

	same := map[string][]byte{
		"other timestamps": makeZip(t, zent{name: "a.js", body: "alpha", modified: t2}, zent{name: "css/b.css", body: "beta", modified: t2}),
		"other order":      makeZip(t, zent{name: "css/b.css", body: "beta"}, zent{name: "a.js", body: "alpha"}),
		"stored":           makeZip(t, zent{name: "a.js", body: "alpha", store: true}, zent{name: "css/b.css", body: "beta", store: true}),
		"folder entries":   makeZip(t, zent{name: "css/", mode: fs.ModeDir | 0o755}, zent{name: "a.js", body: "alpha"}, zent{name: "css/b.css", body: "beta"}),
		"other modes":      makeZip(t, zent{name: "a.js", body: "alpha", mode: 0o755}, zent{name: "css/b.css", body: "beta", mode: 0o600}),
	}
	for name, data := range same {
		t.Run("same/"+name, func(t *testing.T) {
			got, err := Fingerprint(data)
			require.NoError(t, err)
			assert.Equal(t, want, got)
		})
	}
	different := map[string][]byte{
		"one byte":      makeZip(t, zent{name: "a.js", body: "alphA"}, zent{name: "css/b.css", body: "beta"}),
		"one name":      makeZip(t, zent{name: "A.js", body: "alpha"}, zent{name: "css/b.css", body: "beta"}),
		"moved":         makeZip(t, zent{name: "js/a.js", body: "alpha"}, zent{name: "css/b.css", body: "beta"}),
		"extra file":    makeZip(t, zent{name: "a.js", body: "alpha"}, zent{name: "css/b.css", body: "beta"}, zent{name: "c", body: ""}),
		"bytes shifted": makeZip(t, zent{name: "a.js", body: "alphab"}, zent{name: "css/b.css", body: "eta"}),
	}
	for name, data := range different {
		t.Run("different/"+name, func(t *testing.T) {
			got, err := Fingerprint(data)
			require.NoError(t, err)
			assert.NotEqual(t, want, got)
		})
	}
	t.Run("folder build matches", func(t *testing.T) {
		b, err := FromFS(fstest.MapFS{"a.js": {Data: []byte("alpha")}, "css/b.css": {Data: []byte("beta")}}, "")
		require.NoError(t, err)
		assert.Equal(t, want, b.Fingerprint())
	})
	t.Run("invalid zip", func(t *testing.T) {
		_, err := Fingerprint([]byte("nope"))
		assert.ErrorIs(t, err, ErrNotZip)
	})
}

func TestSummary(t *testing.T) {
	mapfs := fstest.MapFS{}
	sizes := map[string]int{"a.js": 800 << 10, "b.css": 200 << 10, "c.json": 10, "d.js": 3000, "e.js": 3000, "f.js": 5}
	for name, n := range sizes {
		mapfs[name] = &fstest.MapFile{Data: bytes.Repeat([]byte("ab"), n/2+n%2)[:n]}
	}
	mapfs["x/.DS_Store"] = &fstest.MapFile{Data: []byte("junk")}
	b, err := FromFS(mapfs, "")
	require.NoError(t, err)
	s := b.Summary()
	assert.Equal(t, 6, s.Files)
	assert.Equal(t, int64(800<<10+200<<10+10+3000+3000+5), s.UncompressedSize)
	assert.Equal(t, []FileEntry{{"a.js", 800 << 10}, {"b.css", 200 << 10}, {"d.js", 3000}, {"e.js", 3000}, {"c.json", 10}}, s.Largest)
	assert.Equal(t, []string{"x/.DS_Store"}, s.Skipped)

	s = Summary{
		Files: 12, CompressedSize: 1258291, UncompressedSize: 3565158,
		Largest: []FileEntry{{"a.js", 800 << 10}, {"b.css", 200 << 10}},
	}
	assert.Equal(t, "12 files, 1.2 MB (3.4 MB unpacked); largest: a.js 800 KB, b.css 200 KB", s.String())
	s = Summary{Files: 1, CompressedSize: 120, UncompressedSize: 100, Largest: []FileEntry{{"a.js", 100}}, Skipped: []string{".git/", ".DS_Store"}}
	assert.Equal(t, "1 file, 120 B (100 B unpacked); largest: a.js 100 B; skipped: .git/, .DS_Store", s.String())
}

func TestOverLimitRetriesTighterCompression(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	mapfs := fstest.MapFS{}
	for i := range 10 {
		mapfs[fmt.Sprintf("f%02d.js", i)] = &fstest.MapFile{Data: jsLike(r, 10<<10)}
	}
	l := DefaultLimits
	var fast, small bytes.Buffer
	_, err := buildZip(mapfs, &fast, l, fastLevel)
	require.NoError(t, err)
	_, err = buildZip(mapfs, &small, l, smallLevel)
	require.NoError(t, err)
	require.Less(t, small.Len(), fast.Len())

	l.MaxCompressed = int64(small.Len())
	b, err := fromFS(mapfs, "", l)
	require.NoError(t, err, "fits once compressed harder")
	assert.Equal(t, small.Bytes(), b.Bytes())

	l.MaxCompressed = int64(small.Len() - 1)
	_, err = fromFS(mapfs, "", l)
	assert.ErrorIs(t, err, ErrTooLarge)
}

// denyFS refuses to open one file, like a file without read permission.
type denyFS struct {
	fstest.MapFS
	deny string
}

func (d denyFS) Open(name string) (fs.File, error) {
	if name == d.deny {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.MapFS.Open(name)
}

func (d denyFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if name == d.deny {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrPermission}
	}
	return d.MapFS.ReadDir(name)
}

func TestUnreadable(t *testing.T) {
	fsys := denyFS{MapFS: fstest.MapFS{"a.js": {Data: []byte("a")}, "secret/b.js": {Data: []byte("b")}}, deny: "secret/b.js"}
	_, err := FromFS(fsys, "")
	assert.ErrorIs(t, err, ErrUnreadable)
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "secret/b.js", verr.Entry)
	assert.Equal(t, "the file cannot be read: permission denied", verr.Reason)

	fsys.deny = "secret"
	_, err = FromFS(fsys, "")
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "secret", verr.Entry)

	_, err = FromFS(os.DirFS(filepath.Join(t.TempDir(), "missing")), "")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.ErrorContains(t, err, "read folder")
}

func TestFarOverLimitSkipsTheRetry(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	mapfs := fstest.MapFS{}
	for i := range 10 {
		mapfs[fmt.Sprintf("f%02d.js", i)] = &fstest.MapFile{Data: jsLike(r, 10<<10)}
	}
	var fast, small bytes.Buffer
	_, err := buildZip(mapfs, &fast, DefaultLimits, fastLevel)
	require.NoError(t, err)
	_, err = buildZip(mapfs, &small, DefaultLimits, smallLevel)
	require.NoError(t, err)
	require.NotEqual(t, sizes.Format(int64(fast.Len()), "en"), sizes.Format(int64(small.Len()), "en"))
	l := DefaultLimits
	l.MaxCompressed = int64(fast.Len()) / 2
	_, err = fromFS(mapfs, "", l)
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, verr.Reason, sizes.Format(int64(fast.Len()), "en"), "the fast build's size is reported")
}
