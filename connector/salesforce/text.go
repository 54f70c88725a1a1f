package salesforce

import (
	"fmt"
	"html"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Excerpt turns an error body (plain text or an HTML page such as the
// maintenance page) into one short line of plain text of at most max runes:
// tags, scripts and styles dropped, entities decoded, whitespace collapsed.
func Excerpt(body []byte, max int) string {
	s := string(body)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	if strings.Contains(s, "<") {
		s = stripHTML(s)
	}
	s = strings.Join(strings.FieldsFunc(s, unicode.IsSpace), " ")
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = strings.TrimSpace(string(r[:max-1])) + "…"
	}
	return s
}

func stripHTML(s string) string {
	var b strings.Builder
	lower := strings.ToLower(s)
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			b.WriteString(html.UnescapeString(s[i : i+j]))
			i += j
			continue
		}
		// Skip the content of script and style elements entirely.
		skipped := false
		for _, tag := range []string{"script", "style"} {
			if strings.HasPrefix(lower[i+1:], tag) {
				if end := strings.Index(lower[i:], "</"+tag); end >= 0 {
					i += end + 2 + len(tag)
				} else {
					i = len(s)
				}
				skipped = true
				break
			}
		}
		if !skipped {
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				break
			}
			i += j + 1
			b.WriteByte(' ')
			continue
		}
		if j := strings.IndexByte(s[i:], '>'); j >= 0 {
			i += j + 1
		} else {
			i = len(s)
		}
	}
	return b.String()
}

// dateTimeLayout is Salesforce's datetime format, e.g. 2018-06-14T21:05:57.000+0000.
const dateTimeLayout = "2006-01-02T15:04:05.000-0700"

// ParseDateTime parses a Salesforce datetime ("2018-06-14T21:05:57.000+0000"),
// also accepting RFC 3339. The empty string gives the zero time.
func ParseDateTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(dateTimeLayout, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("parse datetime %q: unknown format", s)
}

// FormatDateTime formats t the way Salesforce does.
func FormatDateTime(t time.Time) string { return t.UTC().Format(dateTimeLayout) }
