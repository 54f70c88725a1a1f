package backup

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/salesforce"
)

// body is a Body held in memory.
type body struct {
	data []byte
	fp   string
}

func (b body) Size() int64                  { return int64(len(b.data)) }
func (b body) Fingerprint() string          { return b.fp }
func (b body) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b.data)), nil }

// tree is every file under dir with its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(raw)
		return err
	}))
	return out
}

// unrelated writes files the store never wrote into dir (release archives,
// names close to its own) and returns them.
func unrelated(t *testing.T, dir string) map[string]string {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "published"), 0o700))
	files := map[string]string{
		"app-1.0.0.zip": "release 1", "app-1.1.0.zip": "release 2", "app-2.0.0.zip": "release 3",
		"app-2.1.0.zip": "release 4", "notes.json": "{}", "checksums.txt": "x",
		"20260101T000000.000000000Z_0123456789ab.zip.bak":           "near miss",
		"20260101T000000Z_0123456789ab.zip":                         "near miss",
		"20260101T000000.000000000Z_0123456789AB.zip":               "near miss (upper case)",
		"20260101T000000.000000000Z_unknown-0.zip":                  "near miss",
		"published/release.zip":                                     "release 5",
		"published/" + strings.Repeat("a", 63) + ".zip":             "near miss",
		"published/" + strings.Repeat("a", 64) + ".zip.orig":        "near miss",
		"published/" + strings.Repeat("A", 64) + ".zip":             "near miss (upper case)",
		"published/" + strings.Repeat("b", 64) + "-" + "1" + ".zip": "near miss",
	}
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		require.NoError(t, os.Chtimes(p, old, old)) // older than anything the store writes
	}
	return files
}

// TestRotationDeletesOnlyWhatTheStoreWrote: a store whose folder holds
// other .zip files (a dist/ folder a bad path led it to) keeps the newest
// backups and published copies it wrote, and deletes nothing else.
func TestRotationDeletesOnlyWhatTheStoreWrote(t *testing.T) {
	dir := t.TempDir()
	others := unrelated(t, dir)
	st := &Store{Dir: dir, Resource: "dist", Keep: 2, KeepPublished: 1}
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for i := range 4 {
		fp := "sha256:" + strings.Repeat(string(rune('0'+i)), 64)
		cur := &salesforce.StaticResource{ID: "081000000000001AAA", Name: "dist", BodyLength: 3, LastModifiedDate: base}
		_, err := st.Save(cur, fp, "Acme/Sandbox", base.Add(time.Duration(i)*time.Minute), false, func(w io.Writer) (int64, error) {
			n, err := w.Write([]byte("old"))
			return int64(n), err
		})
		require.NoError(t, err)
		require.NoError(t, st.Trim(), "after the write it protected landed")
		got := &salesforce.StaticResource{ID: "081000000000001AAA", Name: "dist", LastModifiedDate: base}
		require.NoError(t, st.SavePublished(body{data: []byte("new"), fp: fp}, got, false, base.Add(time.Duration(i)*time.Minute)))
	}

	after := tree(t, dir)
	for name, content := range others {
		assert.Equal(t, content, after[name], "%s is not the store's: left alone", name)
	}
	var ours []string
	for name := range after {
		if _, other := others[name]; !other {
			ours = append(ours, name)
		}
	}
	sort.Strings(ours)
	assert.Equal(t, []string{
		"20260301T120200.000000000Z_222222222222.json", "20260301T120200.000000000Z_222222222222.zip",
		"20260301T120300.000000000Z_333333333333.json", "20260301T120300.000000000Z_333333333333.zip",
		"published/" + strings.Repeat("3", 64) + ".json", "published/" + strings.Repeat("3", 64) + ".zip",
	}, ours, "the newest 2 backups and 1 published copy, with their sidecars")

	list, err := st.List()
	require.NoError(t, err)
	require.Len(t, list, 2, "only the store's own backups are listed (and could be restored)")
}

// TestFingerprintOfAnyFormNamesAFile: a Description may claim any
// fingerprint; a short or odd one names a file like any other (it made
// ShortFP panic).
func TestFingerprintOfAnyFormNamesAFile(t *testing.T) {
	for _, fp := range []string{"sha256:ab", "sha256:", "sha256:" + strings.Repeat("f", 65), "sha256:../../x", "md5:0123"} {
		assert.Len(t, fpHex(fp), 64, fp)
		assert.Regexp(t, `^[0-9a-f]{12}$`, ShortFP(fp), fp)
	}
	full := "sha256:" + strings.Repeat("AB", 32)
	assert.Equal(t, strings.Repeat("ab", 32), fpHex(full), "a real fingerprint is its own name")
}

// TestTakeOverMovesOnlyBackups: the folder of an earlier name gives its
// backups and published copies to the store, keeps anything else, and goes
// once empty.
func TestTakeOverMovesOnlyBackups(t *testing.T) {
	root := t.TempDir()
	from, to := filepath.Join(root, "old"), filepath.Join(root, "new")
	st := &Store{Dir: from}
	require.NoError(t, os.MkdirAll(filepath.Join(from, "published"), 0o700))
	b1 := filepath.Base(st.NewPath(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ""))
	pub := strings.Repeat("c", 64)
	for _, name := range []string{b1 + ".zip", b1 + ".json", "published/" + pub + ".zip", "published/" + pub + ".json"} {
		require.NoError(t, os.WriteFile(filepath.Join(from, name), []byte(name), 0o600))
	}
	require.NoError(t, (&Store{Dir: to}).TakeOver(from))
	assert.Equal(t, map[string]string{
		b1 + ".zip": b1 + ".zip", b1 + ".json": b1 + ".json",
		"published/" + pub + ".zip": "published/" + pub + ".zip", "published/" + pub + ".json": "published/" + pub + ".json",
	}, tree(t, to))
	assert.NoDirExists(t, from, "empty: removed")

	// Something else in the earlier folder stays there, with the folder.
	require.NoError(t, os.MkdirAll(from, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(from, "mine.zip"), []byte("x"), 0o600))
	require.NoError(t, (&Store{Dir: to}).TakeOver(from))
	assert.FileExists(t, filepath.Join(from, "mine.zip"))
	assert.NoFileExists(t, filepath.Join(to, "mine.zip"))
}
