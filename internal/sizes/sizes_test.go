package sizes

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// English sizes, as packaging's messages and the CLI print them.
func TestFormatEnglish(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 1023: "1023 B", 1024: "1 KB", 1536: "1.5 KB", 800 << 10: "800 KB",
		5 << 20: "5 MB", 5<<20 + 100<<10: "5.1 MB", 3 << 30: "3 GB",
	} {
		assert.Equal(t, want, Format(n, "en"), n)
	}
}
