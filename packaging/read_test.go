package packaging

import (
	"archive/zip"
	"bytes"
	"crypto/rand"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type zipCase struct {
	name   string
	data   func(t testing.TB) []byte
	limits *Limits // nil: DefaultLimits
	err    error   // sentinel; nil: accepted
	entry  string  // expected ValidationError.Entry
	reason string  // part of the reason
}

func entries(es ...zent) func(t testing.TB) []byte {
	return func(t testing.TB) []byte { return makeZip(t, es...) }
}

func zeros(n int) string { return string(make([]byte, n)) }

func zipCases() []zipCase {
	return []zipCase{
		{name: "plain", data: entries(zent{name: "a.js", body: "x"}, zent{name: "css/", mode: fs.ModeDir | 0o755}, zent{name: "css/b.css", body: "y"})},
		{name: "wrapping folder", data: entries(zent{name: "walkme/", mode: fs.ModeDir | 0o755}, zent{name: "walkme/a.js", body: "x"})},
		{name: "store method", data: entries(zent{name: "a.js", body: "x", store: true})},
		{name: "empty file", data: entries(zent{name: "a.js"}, zent{name: "b.js", body: "b"})},
		{name: "unicode name", data: entries(zent{name: "über/ça.js", body: "x"})},

		{name: "not a zip", data: func(testing.TB) []byte { return []byte("hello, this is text") }, err: ErrNotZip, reason: "not a ZIP"},
		{name: "empty input", data: func(testing.TB) []byte { return nil }, err: ErrNotZip},
		{name: "truncated", data: func(t testing.TB) []byte { d := makeZip(t, zent{name: "a.js", body: "x"}); return d[:len(d)-10] }, err: ErrNotZip},
		{name: "prefixed data", data: func(t testing.TB) []byte {
			return append([]byte("MZ\x90\x00junk"), makeZip(t, zent{name: "a.js", body: "x"})...)
		}, err: ErrNotZip},
		{name: "checksum mismatch", data: flipStoredByte, err: ErrCorrupt, entry: "a.js", reason: "checksum"},
		{name: "corrupt deflate", data: entries(zent{name: "a.js", body: "\xff\xff\xff\xff garbage", raw: true, method: zip.Deflate, size: 100}), err: ErrCorrupt, entry: "a.js"},
		{name: "header size lies", data: func(t testing.TB) []byte {
			return makeZip(t, zent{name: "a.js", body: string(deflate(t, []byte(strings.Repeat("x", 5000)))), raw: true, method: zip.Deflate, size: 10})
		}, err: ErrCorrupt, entry: "a.js"},

		{name: "absolute", data: entries(zent{name: "/etc/passwd", body: "x"}), err: ErrInsecurePath, entry: "/etc/passwd", reason: "absolute"},
		{name: "dot dot", data: entries(zent{name: "a/../../evil.js", body: "x"}), err: ErrInsecurePath, entry: "a/../../evil.js", reason: ".."},
		{name: "dot dot only", data: entries(zent{name: "..", body: "x"}), err: ErrInsecurePath, reason: ".."},
		{name: "backslash", data: entries(zent{name: `..\evil.js`, body: "x"}), err: ErrInsecurePath, reason: "backslash"},
		{name: "drive letter", data: entries(zent{name: "C:/Windows/evil.js", body: "x"}), err: ErrInsecurePath, reason: "drive letter"},
		{name: "drive relative", data: entries(zent{name: "c:evil.js", body: "x"}), err: ErrInsecurePath, reason: "drive letter"},
		{name: "colon", data: entries(zent{name: "ab:c.js", body: "x"}), err: ErrInsecurePath, reason: ":"},
		{name: "NUL", data: entries(zent{name: "a\x00.js", body: "x"}), err: ErrInsecurePath, reason: "control character"},
		{name: "control char", data: entries(zent{name: "a\n.js", body: "x"}), err: ErrInsecurePath, reason: "control character"},
		{name: "dot segment", data: entries(zent{name: "./a.js", body: "x"}), err: ErrInsecurePath, reason: "plain relative"},
		{name: "double slash", data: entries(zent{name: "a//b.js", body: "x"}), err: ErrInsecurePath, reason: "plain relative"},
		{name: "empty name", data: entries(zent{name: "", body: "x"}), err: ErrInsecurePath, reason: "empty name"},
		{name: "invalid utf8", data: entries(zent{name: "a\xff.js", body: "x"}), err: ErrInsecurePath, reason: "UTF-8"},
		{name: "path too long", data: entries(zent{name: strings.Repeat("d/", 100) + strings.Repeat("a", 60), body: "x"}), err: ErrInsecurePath, reason: "over the limit of 255"},

		{name: "symlink", data: entries(zent{name: "link.js", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777}), err: ErrSymlink, entry: "link.js"},
		{name: "named pipe", data: entries(zent{name: "fifo", mode: fs.ModeNamedPipe | 0o644}), err: ErrNotRegular, entry: "fifo"},
		{name: "device", data: entries(zent{name: "dev", mode: fs.ModeDevice | 0o644}), err: ErrNotRegular, entry: "dev"},

		{name: "exact duplicate", data: entries(zent{name: "a.js", body: "1"}, zent{name: "a.js", body: "2"}), err: ErrDuplicate, entry: "a.js", reason: "twice"},
		{name: "case duplicate", data: entries(zent{name: "A.js", body: "1"}, zent{name: "a.js", body: "2"}), err: ErrDuplicate, entry: "a.js", reason: "upper/lower case"},
		{name: "file then folder", data: entries(zent{name: "lib", body: "1"}, zent{name: "lib/a.js", body: "2"}), err: ErrDuplicate, entry: "lib", reason: "both a file and a folder"},
		{name: "folder then file", data: entries(zent{name: "lib/a.js", body: "2"}, zent{name: "lib", body: "1"}), err: ErrDuplicate, entry: "lib", reason: "both a file and a folder"},
		{name: "dir entry then file", data: entries(zent{name: "Lib/", mode: fs.ModeDir | 0o755}, zent{name: "lib", body: "1"}), err: ErrDuplicate, entry: "lib"},
		{name: "repeated dir entry is fine", data: entries(zent{name: "d/", mode: fs.ModeDir | 0o755}, zent{name: "d/", mode: fs.ModeDir | 0o755}, zent{name: "d/a.js", body: "x"})},

		{name: "encrypted", data: entries(zent{name: "a.js", body: "x", flags: 0x1}), err: ErrEncrypted, entry: "a.js"},
		{name: "bzip2 method", data: entries(zent{name: "a.js", body: "BZh91AY", raw: true, method: 12, size: 7}), err: ErrUnsupportedMethod, entry: "a.js", reason: "method 12"},

		{name: "no entries", data: entries(), err: ErrEmpty},
		{name: "only folders", data: entries(zent{name: "a/", mode: fs.ModeDir | 0o755}, zent{name: "a/b/", mode: fs.ModeDir | 0o755}), err: ErrEmpty},

		{name: "ratio bomb", data: entries(zent{name: "bomb.js", body: zeros(4 << 20)}), err: ErrZipBomb, entry: "bomb.js", reason: "times its compressed size"},
		{name: "small repetitive file is fine", data: entries(zent{name: "pad.js", body: zeros(512 << 10)})},
		{name: "local name differs", data: func(t testing.TB) []byte {
			return renameLocal(t, makeZip(t, zent{name: "a.js", body: "x"}, zent{name: "ok.js", body: "y"}), "ok.js", "../ev")
		}, err: ErrCorrupt, entry: "ok.js", reason: "local header"},
		{name: "unlisted first entry", data: func(t testing.TB) []byte {
			return dropCentral(t, makeZip(t, zent{name: "hidden.js", body: "x"}, zent{name: "a.js", body: "y"}), "hidden.js")
		}, err: ErrCorrupt, entry: "a.js", reason: "local header"},
		{name: "unlisted last entry", data: func(t testing.TB) []byte {
			return dropCentral(t, makeZip(t, zent{name: "a.js", body: "x"}, zent{name: "hidden.js", body: "y"}), "hidden.js")
		}, err: ErrCorrupt, reason: "unlisted data"},
		{name: "unlisted last entry, stored", data: func(t testing.TB) []byte {
			return dropCentral(t, makeZip(t, zent{name: "a.js", body: "x", store: true}, zent{name: "hidden.js", body: "y", store: true}), "hidden.js")
		}, err: ErrCorrupt, reason: "unlisted data"},
		{name: "raw entries without descriptors", data: entries(zent{name: "a.js", body: "abc", raw: true, size: 3}, zent{name: "b.js", body: "de", raw: true, size: 2})},
		{name: "comment with a fake end record", data: func(t testing.TB) []byte {
			var buf bytes.Buffer
			zw := zip.NewWriter(&buf)
			w, err := zw.Create("a.js")
			require.NoError(t, err)
			_, _ = w.Write([]byte("x"))
			require.NoError(t, zw.SetComment("PK\x05\x06 tricky comment"))
			require.NoError(t, zw.Close())
			return buf.Bytes()
		}},
		{name: "overlapping entries", data: overlapZip, err: ErrZipBomb, entry: "b.js", reason: "overlaps"},
		{name: "unpacked over cap", data: entries(zent{name: "a.js", body: strings.Repeat("abcdefgh", 200)}, zent{name: "b.js", body: strings.Repeat("abcdefgh", 200)}),
			limits: &Limits{MaxUncompressed: 3000}, err: ErrZipBomb, entry: "b.js", reason: "more than 2.9 KB"},
		{name: "header claims 2^64-1 bytes", data: entries(zent{name: "a.js", body: "abc", raw: true, size: 1}, zent{name: "b.js", body: "abc", raw: true, size: 1<<64 - 1}),
			err: ErrZipBomb, entry: "b.js", reason: "more than 200 MB"},
		{name: "too many entries", data: entries(zent{name: "a", body: "1"}, zent{name: "b", body: "2"}, zent{name: "c", body: "3"}),
			limits: &Limits{MaxEntries: 2}, err: ErrTooManyEntries, reason: "3 entries, over the limit of 2"},
		{name: "over 5 MB", data: func(t testing.TB) []byte {
			b := make([]byte, MaxResourceSize+300<<10)
			_, _ = rand.Read(b)
			return makeZip(t, zent{name: "big.bin", body: string(b), store: true})
		}, err: ErrTooLarge, reason: "over Salesforce's 5 MB limit"},
	}
}

func TestFromZipValidation(t *testing.T) {
	for _, tt := range zipCases() {
		t.Run(tt.name, func(t *testing.T) {
			l := DefaultLimits
			if tt.limits != nil {
				l = *tt.limits
			}
			data := tt.data(t)
			b, err := fromZip(data, "test.zip", l)
			if tt.err == nil {
				require.NoError(t, err)
				assert.Equal(t, int64(len(data)), b.Size())
				assert.Equal(t, "test.zip", b.Source())
				assert.Regexp(t, `^sha256:[0-9a-f]{64}$`, b.Fingerprint())
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.err)
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			if tt.entry != "" {
				assert.Equal(t, tt.entry, verr.Entry)
			}
			assert.Contains(t, verr.Reason, tt.reason)
			assert.NotEmpty(t, verr.Fix)
			assert.True(t, strings.HasSuffix(verr.Fix, "."), "the fix is a sentence: %q", verr.Fix)
			assert.Nil(t, b)
		})
	}
}

func TestTooManyEntriesDefault(t *testing.T) {
	es := make([]zent, DefaultLimits.MaxEntries+1)
	for i := range es {
		es[i] = zent{name: fmt.Sprintf("f%05d.js", i), body: "x", store: true}
	}
	_, err := FromZip(makeZip(t, es...), "")
	assert.ErrorIs(t, err, ErrTooManyEntries)

	_, err = FromZip(makeZip(t, es[:DefaultLimits.MaxEntries]...), "")
	assert.NoError(t, err)
}

func TestTooBigSaysHowMuchToCut(t *testing.T) {
	err := tooBig(MaxResourceSize+(1<<20)+(1<<19), MaxResourceSize)
	assert.Equal(t, "the bundle is 6.5 MB, over Salesforce's 5 MB limit for one static resource", err.Reason)
	assert.Equal(t, "Remove or shrink at least 1.5 MB of files (compressed), or split the content into several resources.", err.Fix)

	err = tooBig(MaxResourceSize+10, MaxResourceSize)
	assert.Contains(t, err.Reason, "5242890 bytes")
	assert.Contains(t, err.Fix, "10 B")
}

// TestHashStopsAtCapWhenHeaderLies checks the caps are enforced while reading,
// not taken from the headers: the central directory claims a huge size.
func TestHashStopsAtCapWhenHeaderLies(t *testing.T) {
	body := zeros(3 << 20)
	data := makeZip(t, zent{name: "a.js", body: body})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	f := zr.File[0]
	f.UncompressedSize64 = 1 << 40 // the header lies

	t.Run("ratio", func(t *testing.T) {
		_, err := hashEntries([]*zip.File{f}, DefaultLimits)
		assert.ErrorIs(t, err, ErrZipBomb)
		assert.ErrorContains(t, err, "times its compressed size")
	})
	t.Run("total", func(t *testing.T) {
		_, err := hashEntries([]*zip.File{f}, Limits{MaxUncompressed: 1 << 20})
		assert.ErrorIs(t, err, ErrZipBomb)
		assert.ErrorContains(t, err, "more than 1 MB")
	})
	t.Run("no caps reads it all", func(t *testing.T) {
		f.UncompressedSize64 = uint64(len(body))
		sums, err := hashEntries([]*zip.File{f}, Limits{})
		require.NoError(t, err)
		assert.Equal(t, int64(len(body)), sums[0].size)
	})
}

func TestErrorMessage(t *testing.T) {
	_, err := FromZip(makeZip(t, zent{name: "../x.js", body: "x"}), "")
	assert.EqualError(t, err, `../x.js: the path contains "..", which would leave the bundle folder`)
	_, err = FromZip(nil, "")
	assert.EqualError(t, err, "the file is not a ZIP archive")
}

func FuzzOpenZip(f *testing.F) {
	for _, tt := range zipCases() {
		if tt.name == "over 5 MB" || tt.name == "ratio bomb" {
			continue // too large to be useful seeds
		}
		f.Add(tt.data(f))
	}
	fixtures, err := filepath.Glob(filepath.Join("testdata", "*.zip"))
	require.NoError(f, err)
	for _, p := range fixtures {
		data, err := os.ReadFile(p)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := FromZip(data, "fuzz.zip")
		if err != nil {
			var verr *ValidationError
			if !assert.ErrorAs(t, err, &verr) {
				return
			}
			assert.NotEmpty(t, verr.Reason)
			assert.NotEmpty(t, verr.Fix)
			return
		}
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil && err != zip.ErrInsecurePath { //nolint:errorlint // sentinel returned as is
			t.Fatalf("accepted a ZIP Go cannot read: %v", err)
		}
		files := 0
		for _, zf := range zr.File {
			name := strings.TrimSuffix(zf.Name, "/")
			if !fs.ValidPath(name) || strings.ContainsAny(name, `\:`) || strings.HasPrefix(name, "/") {
				t.Fatalf("accepted escaping path %q", zf.Name)
			}
			if zf.Mode()&fs.ModeSymlink != 0 {
				t.Fatalf("accepted symlink %q", zf.Name)
			}
			if !strings.HasSuffix(zf.Name, "/") {
				files++
			}
		}
		assert.Equal(t, files, b.Summary().Files)
		fp, err := Fingerprint(data)
		require.NoError(t, err)
		assert.Equal(t, b.Fingerprint(), fp)
	})
}

// TestRealToolZips opens ZIPs made by Info-ZIP (from a folder and streamed,
// with data descriptors), Python's zipfile and the JDK's jar: all are
// accepted and fingerprint like the same tree built from a folder.
func TestRealToolZips(t *testing.T) {
	tree := fstest.MapFS{
		"walkme/css/a.css":     {Data: []byte("body{color:red}\n")},
		"walkme/js/app.js":     {Data: []byte(strings.Repeat("function f(){return 1}\n", 200) + "\n")},
		"walkme/settings.json": {Data: []byte("{\"a\":1}\n")},
	}
	want, err := FromFS(tree, "tree")
	require.NoError(t, err)
	for _, name := range []string{"infozip.zip", "infozip-stream.zip", "python.zip", "jar.zip"} {
		t.Run(name, func(t *testing.T) {
			b, err := Open(filepath.Join("testdata", name))
			require.NoError(t, err)
			assert.Equal(t, want.Fingerprint(), b.Fingerprint())
			assert.Equal(t, 3, b.Summary().Files)
		})
	}
}
