package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector"
)

// fmtTime shows t relative to now on a terminal ("5m ago") and as RFC 3339
// UTC otherwise (stable for scripts); "-" when unset.
func fmtTime(t *time.Time, now time.Time, tty bool) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	if !tty {
		return t.UTC().Format(time.RFC3339)
	}
	return ago(now.Sub(*t))
}

func ago(d time.Duration) string {
	switch {
	case d < 0:
		return "just now"
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	}
}

// fmtDuration rounds for humans: 850ms, 1.2s, 1m3s.
func fmtDuration(d time.Duration) string {
	switch {
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	case d < time.Minute:
		return d.Round(100 * time.Millisecond).String()
	default:
		return d.Round(time.Second).String()
	}
}

// symbols used in human output.
const (
	symOK   = "✓"
	symFail = "✗"
	symWarn = "!"
	symNext = "→"
)

// fmtVersionTime names a backed-up version by the local time it was taken.
func fmtVersionTime(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// quoteKey quotes a key for a shell when its system name has spaces.
func quoteKey(k connector.Key) string {
	s := k.String()
	if strings.ContainsAny(s, " \t'\"$`\\&;|<>()*?[]#~") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

func orgLabel(o *connector.OrgInfo) string {
	if o.OrgName != "" {
		return o.OrgName
	}
	return o.OrgID
}
