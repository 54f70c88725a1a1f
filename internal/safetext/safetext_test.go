package safetext

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var escapeCases = []struct {
	name, in, want string
}{
	{"empty", "", ""},
	{"plain ASCII", "Salesforce refused the request: bad value (HTTP 400).", "Salesforce refused the request: bad value (HTTP 400)."},
	{"accents and umlauts", "Société Générale, Müller & Söhne", "Société Générale, Müller & Söhne"},
	{"CJK", "日本の組織", "日本の組織"},
	{"RTL letters", "שלום עולם مرحبا", "שלום עולם مرحبا"},
	{"emoji with ZWJ", "👩‍💻 done ✓", "👩‍💻 done ✓"},
	{"narrow no-break space (French typography)", "Attention\u202f: prod", "Attention\u202f: prod"},
	{"backslash and quotes stay", `C:\bundle "x" 'y'`, `C:\bundle "x" 'y'`},
	{"replacement character is text", "bad \ufffd char", "bad \ufffd char"},
	{"ANSI colour", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
	{"OSC title", "\x1b]0;pwned\x07", `\x1b]0;pwned\a`},
	{"carriage return", "ok\rfake", `ok\rfake`},
	{"newline and tab", "a\nb\tc", `a\nb\tc`},
	{"NUL", "a\x00b", `a\x00b`},
	{"backspace", "abc\b\b", `abc\b\b`},
	{"DEL", "a\x7fb", `a\x7fb`},
	{"C1 CSI as UTF-8", "a\u009b31mb", `a\u009b31mb`},
	{"C1 NEL", "a\u0085b", `a\u0085b`},
	{"RLO", "invoice\u202egnp.exe", `invoice\u202egnp.exe`},
	{"LRE PDF", "\u202aA\u202c", `\u202aA\u202c`},
	{"isolates", "\u2066x\u2067y\u2068z\u2069", `\u2066x\u2067y\u2068z\u2069`},
	{"bidi marks", "a\u200eb\u200fc\u061cd", `a\u200eb\u200fc\u061cd`},
	{"line separator", "a\u2028b\u2029c", `a\u2028b\u2029c`},
	{"invalid UTF-8 byte", "a\xffb", `a\xffb`},
	{"raw C1 byte (invalid UTF-8)", "a\x9b31m", `a\x9b31m`},
	{"truncated UTF-8", "caf\xc3", `caf\xc3`},
	{"mixed", "é\x1b[2J日本\r\n", `é\x1b[2J日本\r\n`},
}

func TestEscape(t *testing.T) {
	for _, tc := range escapeCases {
		t.Run(tc.name, func(t *testing.T) {
			got := Escape(tc.in)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, got, Escape(got), "escaping twice changes nothing")
		})
	}
}

func TestEscapeLinesKeepsNewlinesAndTabs(t *testing.T) {
	assert.Equal(t, "a\tb\nc", EscapeLines("a\tb\nc"))
	assert.Equal(t, "line 1\nline 2 \\x1b[31m\\r\nend\t\\u202e", EscapeLines("line 1\nline 2 \x1b[31m\r\nend\t\u202e"))
	assert.Equal(t, "日本 é", EscapeLines("日本 é"))
}

func TestEscapeCleanTextIsNotCopied(t *testing.T) {
	s := strings.Repeat("Société 日本 ", 100)
	allocs := testing.AllocsPerRun(10, func() { _ = Escape(s) })
	assert.Zero(t, allocs)
}

func TestWriter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	n, err := w.Write([]byte("org: \x1b[31mAcme\r\n"))
	require.NoError(t, err)
	assert.Equal(t, len("org: \x1b[31mAcme\r\n"), n, "the caller's byte count")
	_, err = w.Write([]byte("user:\té\n"))
	require.NoError(t, err)
	assert.Equal(t, "org: \\x1b[31mAcme\\r\nuser:\té\n", buf.String())
}

func TestEscapeJSON(t *testing.T) {
	v := map[string]string{"name": "a\x7fb\u0085c\u202ed\x1be\u2028f é 日本", "plain": "x"}
	raw, err := json.MarshalIndent(v, "", "\t")
	require.NoError(t, err)
	require.True(t, bytes.ContainsRune(raw, '\u202e'), "encoding/json passes bidi controls: %q", raw)
	safe := EscapeJSON(raw)
	assertNoUnsafe(t, string(safe), true)
	var back map[string]string
	require.NoError(t, json.Unmarshal(safe, &back), "still JSON: %s", safe)
	assert.Equal(t, v, back, "decodes to the same value")
	assert.Contains(t, string(safe), `\u202e`)
	assert.Contains(t, string(safe), "é 日本")

	clean := []byte(`{"a": "b"}`)
	assert.Equal(t, clean, EscapeJSON(clean))
}

// assertNoUnsafe checks that s holds no raw unsafe character nor invalid UTF-8.
func assertNoUnsafe(t *testing.T, s string, keepLines bool) {
	t.Helper()
	require.True(t, utf8.ValidString(s), "%q is not UTF-8", s)
	for _, r := range s {
		if keepLines && (r == '\n' || r == '\t') {
			continue
		}
		require.False(t, Unsafe(r), "%q holds the raw character %U", s, r)
	}
}

// hasUnsafe reports whether s holds anything Escape would change.
func hasUnsafe(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, r := range s {
		if Unsafe(r) {
			return true
		}
	}
	return false
}

func FuzzEscape(f *testing.F) {
	for _, tc := range escapeCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		assertNoUnsafe(t, got, false)
		assert.Equal(t, got, Escape(got), "idempotent")
		if !hasUnsafe(s) {
			assert.Equal(t, s, got, "identity on clean text")
		}
		lines := EscapeLines(s)
		assertNoUnsafe(t, lines, true)
		if !strings.ContainsAny(s, "\n\t") {
			assert.Equal(t, got, lines)
		}
		if b, err := json.Marshal(s); err == nil {
			safe := EscapeJSON(b)
			assertNoUnsafe(t, string(safe), true)
			var back string
			require.NoError(t, json.Unmarshal(safe, &back))
			var direct string // encoding/json's own reading of its output
			require.NoError(t, json.Unmarshal(b, &direct))
			assert.Equal(t, direct, back, "EscapeJSON keeps the value")
		}
	})
}
