package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/connectors-app/connectors/connector"
)

// humanSize is a byte count in the app's language: "1.5 KB" in English,
// "1,5 Ko" in French (connector.FormatSize is the one formatter).
func humanSize(n int64) string {
	return connector.FormatSize(n, lang.X("format.lang", "en"))
}

// formatTime is a local date and time in the app's language:
// "2026-11-29 14:05" in English, "29/11/2026 14:05" in French.
func formatTime(t time.Time) string {
	return t.Local().Format(lang.X("format.datetime", "2006-01-02 15:04"))
}

// userText is who the org names (connector.Drift.By, OrgVersion.Who) in
// the app's language: "an unknown user" is the domain's English.
func userText(who string) string {
	if who == connector.UnknownUser {
		return lang.L("an unknown user")
	}
	return who
}

// localArgs copies a problem's arguments for a translated message: byte
// counts (keys ending in "Size") become sizes, times dates, in the app's
// language, and the domain's "an unknown user" is translated.
func localArgs(args map[string]any) map[string]any {
	out := make(map[string]any, len(args))
	for k, v := range args {
		switch n := v.(type) {
		case int64:
			if strings.HasSuffix(k, "Size") {
				v = humanSize(n)
			}
		case int:
			if strings.HasSuffix(k, "Size") {
				v = humanSize(int64(n))
			}
		case time.Time:
			v = formatTime(n)
		case string:
			v = userText(n)
		}
		out[k] = v
	}
	return out
}
