package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"
)

// humanSize is a byte count in the app's language: "1.5 KB" in English,
// "1,5 Ko" in French. The units and the decimal separator are catalogue
// entries ("format.*"), so a language brings its own.
func humanSize(n int64) string {
	const unit = 1024
	var v float64
	var u string
	switch {
	case n < unit:
		return lang.X("format.bytes", "{{.N}} B", map[string]any{"N": n})
	case n < unit*unit:
		v, u = float64(n)/unit, lang.X("format.kb", "KB")
	case n < unit*unit*unit:
		v, u = float64(n)/(unit*unit), lang.X("format.mb", "MB")
	default:
		v, u = float64(n)/(unit*unit*unit), lang.X("format.gb", "GB")
	}
	s := strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	s = strings.Replace(s, ".", lang.X("format.decimal", "."), 1)
	return s + " " + u
}

// formatTime is a local date and time in the app's language:
// "2026-11-29 14:05" in English, "29/11/2026 14:05" in French.
func formatTime(t time.Time) string {
	return t.Local().Format(lang.X("format.datetime", "2006-01-02 15:04"))
}

// localArgs copies a problem's arguments for a translated message: byte
// counts (keys ending in "Size") become sizes in the app's language.
func localArgs(args map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		if strings.HasSuffix(k, "Size") {
			switch n := v.(type) {
			case int64:
				v = humanSize(n)
			case int:
				v = humanSize(int64(n))
			}
		}
		out[k] = v
	}
	return out
}
