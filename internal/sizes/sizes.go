// Package sizes writes a byte count for people, in English or French: the
// one size formatter of the project (connector.FormatSize is its name in
// the domain; packaging's messages use it too).
package sizes

import (
	"fmt"
	"strings"
)

// sizeUnits are a language's byte-count words: the format of a count
// under 1 KB, the units, and the decimal separator.
type sizeUnits struct {
	bytes             string // with %d
	kb, mb, gb, point string
}

// sizeLanguages are the languages FormatSize speaks; any other is English.
var sizeLanguages = map[string]sizeUnits{
	"en": {bytes: "%d B", kb: "KB", mb: "MB", gb: "GB", point: "."},
	"fr": {bytes: "%d octets", kb: "Ko", mb: "Mo", gb: "Go", point: ","},
}

// Format is a byte count for people in language lang ("en", "fr"; any
// other is English), in binary units as Salesforce counts its 5 MB, with
// one decimal unless it is zero: "800 B", "1.5 KB", "2 MB" in English,
// "800 octets", "1,5 Ko", "2 Mo" in French.
func Format(n int64, lang string) string {
	u, ok := sizeLanguages[lang]
	if !ok {
		u = sizeLanguages["en"]
	}
	const unit = 1024
	var v float64
	var name string
	switch {
	case n < unit:
		return fmt.Sprintf(u.bytes, n)
	case n < unit*unit:
		v, name = float64(n)/unit, u.kb
	case n < unit*unit*unit:
		v, name = float64(n)/(unit*unit), u.mb
	default:
		v, name = float64(n)/(unit*unit*unit), u.gb
	}
	s := strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")
	return strings.Replace(s, ".", u.point, 1) + " " + name
}
