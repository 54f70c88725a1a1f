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
// + = _ ! -) that mixes both is taken for a token or a secret: a consumer
// secret, an access token, a line of base64.
const minTokenRun = 32

// MaySecret reports whether v, the value of a flag, an argument or an
// environment variable, may be a key or a secret and so must never be
// shown: PEM text or a part of it, several lines, more than 256 bytes, or
// a run of 32 or more letters and digits mixing both (a token, a consumer
// secret, base64). A short path, URL, name or number is not.
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

// hasTokenRun reports a run of at least minTokenRun characters of
// [A-Za-z0-9+=_!-] holding both a letter and a digit. '/', '.', ':' and
// spaces end a run, so paths and URLs are runs of their parts.
func hasTokenRun(v string) bool {
	n, letter, digit := 0, false, false
	for i := 0; i <= len(v); i++ {
		var c byte
		if i < len(v) {
			c = v[i]
		}
		switch {
		case i < len(v) && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'):
			n, letter = n+1, true
		case i < len(v) && c >= '0' && c <= '9':
			n, digit = n+1, true
		case i < len(v) && strings.IndexByte("+=_!-", c) >= 0:
			n++
		default:
			if n >= minTokenRun && letter && digit {
				return true
			}
			n, letter, digit = 0, false, false
		}
	}
	return false
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
