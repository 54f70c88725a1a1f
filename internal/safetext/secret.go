package safetext

// Values that may be secrets. Escape makes text from outside safe to show;
// a value someone typed into a flag or set in an environment variable may
// be worse than unsafe: a private key pasted where a file path was wanted
// (a GitLab "Variable" instead of a "File" variable), a client secret in
// the wrong variable, a line of a key split off by a missing pair of
// quotes. Such a value is never shown: a message names the flag or the
// variable and says what the value looked like (Describe), and Value is
// how every message quotes a flag's, an argument's or a variable's value.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxShownValue is the longest value Value quotes: a path, a URL, a name
// or a number is shorter; a key, a certificate or a token in base64 is not.
const maxShownValue = 256

// minTokenRun is the length from which a run of letters and digits (with
// + / = _ ! -) is taken for a token or a secret (a consumer secret, an
// access token, a line of base64) when it switches between letters and
// digits at least minTokenFlips times, as random text does and names,
// paths and words seldom do; longRun, when it mixes them at all.
const (
	minTokenRun   = 32
	minTokenFlips = 4
	longRun       = 64
)

// MaySecret reports whether v, the value of a flag, an argument or an
// environment variable, may be a key or a secret and so must never be
// shown: PEM text or a part of it, several lines, more than 256 bytes, or
// a run of letters and digits that looks random (a token, a consumer
// secret, a line of base64; see hasTokenRun). A path, a URL, a name or a
// number is not, unless it holds such a run.
func MaySecret(v string) bool {
	switch {
	case strings.Contains(v, "-----BEGIN"), strings.Contains(v, "-----END"), strings.Contains(v, "PRIVATE KEY"):
		return true
	case strings.ContainsAny(v, "\n\r"):
		return true
	case len(v) > maxShownValue:
		return true
	}
	return hasTokenRun(v)
}

// hasTokenRun reports a run of characters of [A-Za-z0-9+/=_!-] that
// looks random: at least minTokenRun long with minTokenFlips switches
// between a letter and a digit, or longRun long with both. '.', ':',
// spaces and other characters end a run.
func hasTokenRun(v string) bool {
	var run tokenRun
	for i := 0; i < len(v); i++ {
		if class, inRun := runClass(v[i]); inRun {
			run.add(class)
			continue
		}
		if run.looksRandom() {
			return true
		}
		run = tokenRun{}
	}
	return run.looksRandom()
}

// runClass classifies a byte for hasTokenRun: class is 'a' for a letter,
// '0' for a digit and 0 for a symbol of [+/=_!-]; inRun is false for a
// byte that ends a run.
func runClass(c byte) (class byte, inRun bool) {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return 'a', true
	case c >= '0' && c <= '9':
		return '0', true
	case strings.IndexByte("+/=_!-", c) >= 0:
		return 0, true
	}
	return 0, false
}

// tokenRun is the run of token characters hasTokenRun is reading.
type tokenRun struct {
	n, flips      int  // its length; switches between a letter and a digit
	letter, digit bool // whether it has a letter, a digit
	prev          byte // 'a' after a letter, '0' after a digit
}

// add extends the run by one character of the given class.
func (r *tokenRun) add(class byte) {
	r.n++
	switch class {
	case 'a':
		r.letter = true
	case '0':
		r.digit = true
	default:
		return // a symbol neither flips nor breaks the letter/digit sequence
	}
	if r.prev != 0 && class != r.prev {
		r.flips++
	}
	r.prev = class
}

// looksRandom reports whether the run has both letters and digits and is
// at least minTokenRun long with minTokenFlips flips, or longRun long.
func (r tokenRun) looksRandom() bool {
	return r.letter && r.digit && (r.n >= minTokenRun && r.flips >= minTokenFlips || r.n >= longRun)
}

// Describe says what v looks like without showing any of it: "a PEM
// private key", "a PEM certificate", "PEM text", "text of 3 lines" or "a
// 64-character value". Use it (or Value) for a value MaySecret reports.
func Describe(v string) string {
	switch {
	case strings.Contains(v, "PRIVATE KEY"):
		return "a PEM private key"
	case strings.Contains(v, "-----BEGIN CERTIFICATE"):
		return "a PEM certificate"
	case strings.Contains(v, "-----BEGIN"), strings.Contains(v, "-----END"):
		return "PEM text"
	}
	if lines := strings.Count(strings.TrimRight(strings.ReplaceAll(v, "\r\n", "\n"), "\n"), "\n") + 1; lines > 1 {
		return fmt.Sprintf("text of %d lines", lines)
	}
	return fmt.Sprintf("a %d-character value", utf8.RuneCountInString(v))
}

// Value is how a message quotes the value of a flag, an argument or an
// environment variable: quoted like %q (so escaped) when it cannot be a
// secret, else only what it looks like, e.g. `a PEM private key (not
// shown)`. It is the one way such a value reaches a message, a report or
// a log.
func Value(v string) string {
	if MaySecret(v) {
		return Describe(v) + " (not shown)"
	}
	return strconv.Quote(v)
}

// Plain is Value for a value shown without quotes (a path, a host): v
// escaped when it cannot be a secret, else what it looks like.
func Plain(v string) string {
	if MaySecret(v) {
		return Describe(v) + " (not shown)"
	}
	return Escape(v)
}

// Scrub replaces, in a message written by code that is not ours (a flag
// parser's error, a library's), every value among values that MaySecret
// reports with what Value says of it. For a value of the form NAME=VALUE
// (--flag=VALUE) the part after the first '=' is checked too.
func Scrub(msg string, values []string) string {
	for _, v := range values {
		for _, cand := range secretParts(v) {
			shown := Value(cand)
			q := strconv.Quote(cand)
			// as it is, quoted (%q) or escaped (a newline written \n)
			for _, form := range []string{q, q[1 : len(q)-1], cand, Escape(cand)} {
				msg = strings.ReplaceAll(msg, form, shown)
			}
		}
	}
	return msg
}

// secretParts is v and, for NAME=VALUE, VALUE, when MaySecret reports them.
func secretParts(v string) []string {
	var out []string
	if _, after, ok := strings.Cut(v, "="); ok && after != "" && MaySecret(after) {
		out = append(out, after)
	}
	if MaySecret(v) {
		out = append([]string{v}, out...)
	}
	return out
}
