// Package safetext makes text that came from outside the program safe to
// show on a terminal, in a log or in a report: OAuth error descriptions,
// Salesforce error messages, ZIP entry names, org and user names, pasted
// URLs. It is the one sanitizer of the project; connector, packaging, the
// CLI and the window all use it, and it imports nothing of theirs.
//
// Escaping is visible and in Go's notation: a control character becomes
// \x1b, \r, \n or \u0085, a bidirectional override becomes \u202e, a byte
// that is not UTF-8 becomes \xff. Ordinary text, including letters of any
// script (é, ü, 日本), symbols and emoji, is left as it is. The output never
// holds a character Unsafe reports, so escaping twice changes nothing.
//
// Its twin rule (secret.go): a value that may be a key or a secret (a
// flag's, an argument's or an environment variable's) is never shown;
// Value quotes such values, saying only what a secret one looks like.
package safetext

import (
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unsafe reports whether r must not reach a terminal or a log raw: the C0
// controls (U+0000–U+001F, so also ESC, which starts ANSI escape sequences),
// DEL, the C1 controls (U+0080–U+009F, among them the one-character CSI),
// the bidirectional controls that reorder what is shown (U+061C, U+200E,
// U+200F, U+202A–U+202E, U+2066–U+2069) and the line and paragraph
// separators U+2028 and U+2029.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == '\u2028', r == '\u2029':
		return true
	}
	return r >= 0x600 && unicode.Is(unicode.Bidi_Control, r)
}

// Escape returns s with every unsafe character (see Unsafe) and every byte
// that is not valid UTF-8 written as a visible escape. Use it on one value
// from outside before it goes into a message: a newline in it is escaped
// too. Clean text is returned unchanged, without copying.
func Escape(s string) string { return escape(s, false) }

// EscapeLines is Escape for multi-line text the program laid out itself (a
// report, the CLI's output): it keeps newlines and tabs and escapes
// everything else Escape does.
func EscapeLines(s string) string { return escape(s, true) }

func escape(s string, keepLines bool) string {
	i := firstUnsafe(s, keepLines)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case keepLines && (r == '\n' || r == '\t'):
			b.WriteRune(r)
		case Unsafe(r):
			b.WriteString(escapeRune(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstUnsafe is the byte offset of the first character escape changes, or -1.
func firstUnsafe(s string, keepLines bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if keepLines && (c == '\n' || c == '\t') {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || Unsafe(r) {
			return i
		}
		i += size
	}
	return -1
}

// escapeRune writes r the way Go's strconv.QuoteRune does, without quotes:
// \a \b \f \n \r \t \v, \xNN below U+0080, \uNNNN above.
func escapeRune(r rune) string {
	q := strconv.QuoteRuneToASCII(r)
	return q[1 : len(q)-1]
}

func hex2(c byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[c>>4], digits[c&0xf]})
}

// EscapeJSON rewrites every unsafe character inside encoded JSON (as
// encoding/json writes it, which already escapes C0 controls, U+2028 and
// U+2029 but passes DEL, C1 and bidirectional controls) as a \uNNNN escape.
// The document decodes to exactly the same value, and shows safely on a
// terminal. Newlines and tabs, JSON's own whitespace, are kept.
func EscapeJSON(b []byte) []byte {
	s := string(b)
	if firstUnsafe(s, true) < 0 {
		return b
	}
	var out strings.Builder
	out.Grow(len(b) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			out.WriteString(`\ufffd`) // not UTF-8: what encoding/json itself writes for it
		case r == '\n' || r == '\t' || !Unsafe(r):
			out.WriteString(s[i : i+size])
		default:
			out.WriteString(`\u`)
			out.WriteString(hex2(byte(r >> 8)))
			out.WriteString(hex2(byte(r)))
		}
		i += size
	}
	return []byte(out.String())
}

// Writer escapes, with EscapeLines, everything written through it, so
// nothing written to the underlying writer can move the cursor, recolour
// the terminal or reorder the text. Each Write is escaped on its own:
// callers write whole characters (fmt, text/tabwriter and encoding/json do).
type Writer struct{ w io.Writer }

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p and writes it; it reports len(p) on success.
func (w *Writer) Write(p []byte) (int, error) {
	s := string(p)
	if firstUnsafe(s, true) < 0 {
		return w.w.Write(p)
	}
	if _, err := io.WriteString(w.w, EscapeLines(s)); err != nil {
		return 0, err
	}
	return len(p), nil
}
