package main

import (
	"fmt"
	"strings"
	"time"
)

// humanBytes formats a size in binary units like the packaging summary
// (Salesforce's 5 MB is 5 MiB): 512 B, 12.3 KB, 4.5 MB.
func humanBytes(n int64) string {
	const unit = 1024
	switch {
	case n < unit:
		return fmt.Sprintf("%d B", n)
	case n < unit*unit:
		return trimZero(float64(n)/unit) + " KB"
	case n < unit*unit*unit:
		return trimZero(float64(n)/(unit*unit)) + " MB"
	default:
		return trimZero(float64(n)/(unit*unit*unit)) + " GB"
	}
}

func trimZero(v float64) string {
	return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
}

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
