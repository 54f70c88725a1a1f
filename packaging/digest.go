package packaging

import (
	"encoding/hex"
	"slices"
	"strings"
)

// FileDigest is one regular file of a bundle: its slash-separated name,
// size and "sha256:<hex>" of its content.
type FileDigest struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Files lists the bundle's regular files by name.
func (b *Bundle) Files() []FileDigest { return digestsOf(b.sums) }

// Digests validates ZIP bytes as Fingerprint does (without the 5 MB
// resource limit) and lists their regular files by name.
func Digests(zipData []byte) ([]FileDigest, error) {
	l := DefaultLimits
	l.MaxCompressed = 0
	sums, err := scanZip(zipData, l)
	if err != nil {
		return nil, err
	}
	return digestsOf(sums), nil
}

func digestsOf(sums []fileSum) []FileDigest {
	out := make([]FileDigest, 0, len(sums))
	for _, s := range sums {
		out = append(out, FileDigest{Name: s.name, Size: s.size, SHA256: "sha256:" + hex.EncodeToString(s.sum[:])})
	}
	slices.SortFunc(out, func(a, b FileDigest) int { return strings.Compare(a.Name, b.Name) })
	return out
}
