package lazyregexp

import (
	"regexp"
	"strings"
	"testing"
)

func TestSameAsRegexp(t *testing.T) {
	const expr = `(?i)\b(token|secret)=([^\s&]+)`
	lazy, eager := New(expr), regexp.MustCompile(expr)
	in := "a token=abc&secret=xyz b"
	if lazy.MatchString(in) != eager.MatchString(in) || lazy.String() != eager.String() {
		t.Fatal("MatchString or String differ")
	}
	if got, want := strings.Join(lazy.FindStringSubmatch(in), "|"), strings.Join(eager.FindStringSubmatch(in), "|"); got != want {
		t.Fatalf("FindStringSubmatch %q, want %q", got, want)
	}
	if got, want := lazy.ReplaceAllString(in, "$1=***"), eager.ReplaceAllString(in, "$1=***"); got != want {
		t.Fatalf("ReplaceAllString %q, want %q", got, want)
	}
	if got, want := lazy.ReplaceAllStringFunc(in, strings.ToUpper), eager.ReplaceAllStringFunc(in, strings.ToUpper); got != want {
		t.Fatalf("ReplaceAllStringFunc %q, want %q", got, want)
	}
	first := lazy.Re()
	if again := lazy.Re(); again != first {
		t.Fatal("compiled more than once")
	}
}

func TestInvalidPanicsOnFirstUse(t *testing.T) {
	r := New(`(`)
	defer func() {
		if recover() == nil {
			t.Fatal("an invalid pattern did not panic on first use")
		}
	}()
	r.MatchString("x")
}
