package packaging

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
)

// Fingerprint returns "sha256:<64 hex>" over the sorted (name, SHA-256 of
// content) pairs of the archive's regular files. It does not depend on
// timestamps, entry order, compression method or directory entries. The
// archive is validated as by FromZip, except for the 5 MB resource limit.
func Fingerprint(zipData []byte) (string, error) {
	l := DefaultLimits
	l.MaxCompressed = 0
	sums, err := scanZip(zipData, l)
	if err != nil {
		return "", err
	}
	return fingerprintOf(sums), nil
}

// fingerprintOf hashes name NUL sha256(content) for each file in name order.
// Names never contain NUL, so the encoding is unambiguous.
func fingerprintOf(sums []fileSum) string {
	sorted := slices.Clone(sums)
	slices.SortFunc(sorted, func(a, b fileSum) int { return strings.Compare(a.name, b.name) })
	h := sha256.New()
	for _, s := range sorted {
		h.Write([]byte(s.name))
		h.Write([]byte{0})
		h.Write(s.sum[:])
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}
