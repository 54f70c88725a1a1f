package packaging

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// zent describes one entry of a test ZIP.
type zent struct {
	name     string
	body     string
	store    bool        // zip.Store instead of zip.Deflate
	method   uint16      // with raw: the method to claim
	mode     fs.FileMode // 0: plain file
	flags    uint16      // extra general-purpose flags (e.g. 0x1 encrypted)
	modified time.Time
	raw      bool   // write with CreateRaw: body is the stored data as is
	size     uint64 // with raw: the UncompressedSize64 to claim
}

// makeZip builds a ZIP from entries, in the given order.
func makeZip(t testing.TB, entries ...zent) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: e.modified}
		if e.store {
			fh.Method = zip.Store
		}
		if e.raw {
			fh.Method = e.method
		}
		if e.mode != 0 {
			fh.SetMode(e.mode)
		}
		fh.Flags |= e.flags
		if e.raw {
			fh.CRC32 = crc32.ChecksumIEEE([]byte(e.body))
			fh.CompressedSize64 = uint64(len(e.body))
			fh.UncompressedSize64 = e.size
			w, err := zw.CreateRaw(fh)
			require.NoError(t, err)
			_, err = w.Write([]byte(e.body))
			require.NoError(t, err)
			continue
		}
		w, err := zw.CreateHeader(fh)
		require.NoError(t, err)
		if e.body != "" {
			_, err = w.Write([]byte(e.body))
			require.NoError(t, err)
		}
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	require.NoError(t, err)
	_, err = w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

// overlapZip has two central-directory entries pointing at the same data.
func overlapZip(t testing.TB) []byte {
	t.Helper()
	data := makeZip(t, zent{name: "a.js", body: "same"}, zent{name: "b.js", body: "same"})
	sig := []byte("PK\x01\x02")
	first := bytes.Index(data, sig)
	second := first + 1 + bytes.Index(data[first+1:], sig)
	require.Greater(t, second, first)
	binary.LittleEndian.PutUint32(data[second+42:], 0) // local header offset of b.js := a.js's
	return data
}

// flipStoredByte stores one entry and corrupts a byte of its data (checksum error).
func flipStoredByte(t testing.TB) []byte {
	t.Helper()
	data := makeZip(t, zent{name: "a.js", body: "console.log('hello')", store: true})
	i := bytes.Index(data, []byte("hello"))
	require.Positive(t, i)
	data[i] = 'j'
	return data
}

// jsLike returns n bytes of pseudo-random JavaScript-ish text that deflates ~3-4x.
func jsLike(r *rand.Rand, n int) []byte {
	words := []string{"function", "return", "const", "let", "var", "if", "else", "for", "while",
		"this", "document", "window", "walkme", "getElementById", "addEventListener", "null",
		"undefined", "true", "false", "new", "Promise", "async", "await", "=>", "{", "}", "(", ")",
		";", "=", "===", "+", "&&", "||", "\n", "\n  ", "'click'", "JSON.parse", "items", "length"}
	var b strings.Builder
	b.Grow(n + 32)
	for b.Len() < n {
		if r.IntN(30) == 0 {
			// identifiers and numbers that do not repeat
			b.WriteString("_x")
			for range 6 {
				b.WriteByte(byte('a' + r.IntN(26)))
			}
			b.WriteByte(byte('0' + r.IntN(10)))
		} else {
			b.WriteString(words[r.IntN(len(words))])
		}
		b.WriteByte(' ')
	}
	return []byte(b.String()[:n])
}

// writeTree writes files (slash paths) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
}

// genFolder writes n files totalling about total bytes of JS-like text.
func genFolder(t testing.TB, dir string, n, total int) {
	t.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	per := total / n
	for i := range n {
		sub := filepath.Join(dir, "content", string(rune('a'+i%7)))
		require.NoError(t, os.MkdirAll(sub, 0o755))
		size := per/2 + r.IntN(per)
		require.NoError(t, os.WriteFile(filepath.Join(sub, fmt.Sprintf("file%04d.js", i)), jsLike(r, size), 0o644))
	}
}

// dropCentral removes name's record from the central directory, leaving its
// local header and data in place: an entry only a streaming reader would see.
func dropCentral(t testing.TB, data []byte, name string) []byte {
	t.Helper()
	eocd := bytes.LastIndex(data, []byte("PK\x05\x06"))
	require.Positive(t, eocd)
	cd := int(binary.LittleEndian.Uint32(data[eocd+16:]))
	for p := cd; p < eocd; {
		nameLen := int(binary.LittleEndian.Uint16(data[p+28:]))
		n := 46 + nameLen + int(binary.LittleEndian.Uint16(data[p+30:])) + int(binary.LittleEndian.Uint16(data[p+32:]))
		if string(data[p+46:p+46+nameLen]) == name {
			out := append(append([]byte{}, data[:p]...), data[p+n:]...)
			e := eocd - n
			binary.LittleEndian.PutUint16(out[e+8:], binary.LittleEndian.Uint16(out[e+8:])-1)
			binary.LittleEndian.PutUint16(out[e+10:], binary.LittleEndian.Uint16(out[e+10:])-1)
			binary.LittleEndian.PutUint32(out[e+12:], binary.LittleEndian.Uint32(out[e+12:])-uint32(n))
			return out
		}
		p += n
	}
	t.Fatalf("no central record for %q", name)
	return nil
}

// renameLocal changes the first occurrence of from (the local header's name)
// to to, of the same length, leaving the central directory as is.
func renameLocal(t testing.TB, data []byte, from, to string) []byte {
	t.Helper()
	require.Len(t, to, len(from))
	i := bytes.Index(data, []byte(from))
	require.Positive(t, i)
	out := append([]byte{}, data...)
	copy(out[i:], to)
	return out
}
