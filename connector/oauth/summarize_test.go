package oauth

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

// A non-JSON error body is shown as one short line, its control characters
// escaped visibly and its letters kept.
func TestSummarizeEscapes(t *testing.T) {
	assert.Equal(t, `proxy \x1b[31mdenied\x1b[0m: café`, summarize("text/plain", []byte("proxy \x1b[31mdenied\x1b[0m:\r\n  café\n")))
	assert.Equal(t, "empty response", summarize("text/plain", []byte(" \n")))
	assert.Contains(t, summarize("text/html; charset=utf-8", []byte("<html>\x1b</html>")), "HTML page")
	long := summarize("text/plain", []byte(strings.Repeat("日本", 300)))
	assert.Equal(t, 201, utf8.RuneCountInString(long), "200 characters and the ellipsis")
	assert.True(t, utf8.ValidString(long), "never cut inside a character")
}
