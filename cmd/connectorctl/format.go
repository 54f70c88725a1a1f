package main

import (
	"fmt"
	"time"
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
