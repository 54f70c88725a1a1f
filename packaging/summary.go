package packaging

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/connectors-app/connectors/internal/sizes"
)

const largestShown = 5

func summarize(sums []fileSum, compressed int64, skipped []string) Summary {
	s := Summary{Files: len(sums), CompressedSize: compressed, Skipped: skipped}
	largest := make([]FileEntry, 0, len(sums))
	for _, f := range sums {
		s.UncompressedSize += f.size
		largest = append(largest, FileEntry{Name: f.name, Size: f.size})
	}
	slices.SortFunc(largest, func(a, b FileEntry) int {
		if c := cmp.Compare(b.Size, a.Size); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	s.Largest = largest[:min(largestShown, len(largest))]
	return s
}

// String reads like "12 files, 1.2 MB (3.4 MB unpacked); largest: a.js 800 KB, b.css 200 KB".
func (s Summary) String() string {
	var b strings.Builder
	noun := "files"
	if s.Files == 1 {
		noun = "file"
	}
	fmt.Fprintf(&b, "%d %s, %s (%s unpacked)", s.Files, noun, sizes.Format(s.CompressedSize, "en"), sizes.Format(s.UncompressedSize, "en"))
	if len(s.Largest) > 0 {
		b.WriteString("; largest: ")
		for i, f := range s.Largest {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %s", f.Name, sizes.Format(f.Size, "en"))
		}
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(&b, "; skipped: %s", strings.Join(s.Skipped, ", "))
	}
	return b.String()
}
