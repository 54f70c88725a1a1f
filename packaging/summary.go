package packaging

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
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
	fmt.Fprintf(&b, "%d %s, %s (%s unpacked)", s.Files, noun, HumanSize(s.CompressedSize), HumanSize(s.UncompressedSize))
	if len(s.Largest) > 0 {
		b.WriteString("; largest: ")
		for i, f := range s.Largest {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %s", f.Name, HumanSize(f.Size))
		}
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(&b, "; skipped: %s", strings.Join(s.Skipped, ", "))
	}
	return b.String()
}

// HumanSize formats bytes with binary units, as Salesforce counts its 5 MB:
// "512 B", "800 KB", "1.2 MB". The window and the CLI use it too.
func HumanSize(n int64) string {
	const unit = 1024
	switch {
	case n < unit:
		return fmt.Sprintf("%d B", n)
	case n < unit*unit:
		return trimZero(float64(n)/unit) + " KB"
	case n < unit*unit*unit:
		return trimZero(float64(n)/(unit*unit)) + " MB"
	default:
		return trimZero(float64(n)/(unit*unit*unit)) + " GB"
	}
}

// trimZero prints one decimal, dropping ".0" ("800 KB", "1.2 MB").
func trimZero(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	return strings.TrimSuffix(s, ".0")
}
