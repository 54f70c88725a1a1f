package connector

import (
	"strings"
	"unicode/utf8"
)

// descriptionPrefix starts the Description of every StaticResource we
// publish. The first form was "Published by Connectors; fingerprint=<fp>";
// the current one adds the app version and the publisher:
// "Published by Connectors <version>; fingerprint=<fp>; by <username>".
const descriptionPrefix = "Published by Connectors"

// maxDescription is Salesforce's limit for Description (§6.1).
const maxDescription = 255

// DescriptionFor is the StaticResource Description in its first form,
// recording only the content fingerprint fp:
// "Published by Connectors; fingerprint=sha256:<hex>".
func DescriptionFor(fp string) string { return descriptionPrefix + "; fingerprint=" + fp }

// DescriptionWith is the Description recording the fingerprint, the app
// version and the publisher (Salesforce username), within Salesforce's 255
// characters: the version and then the publisher are shortened to fit (the
// fingerprint always fits whole).
func DescriptionWith(fp, version, publisher string) string {
	version = descriptionField(version)
	publisher = descriptionField(publisher)
	head := descriptionPrefix
	if version != "" {
		head += " " + truncateRunes(version, 40)
	}
	d := head + "; fingerprint=" + fp
	if publisher != "" {
		room := maxDescription - len(d) - len("; by ")
		if room > 0 {
			d += "; by " + truncateRunes(publisher, room)
		}
	}
	return d
}

// DescriptionInfo is what a Description written by this app records.
type DescriptionInfo struct {
	Fingerprint string // "" when none
	AppVersion  string // "" in the first form
	Publisher   string // "" in the first form
}

// ParseDescription reads both forms of our Description; other text gives
// an empty Fingerprint.
func ParseDescription(desc string) DescriptionInfo {
	info := DescriptionInfo{Fingerprint: FingerprintFromDescription(desc)}
	rest, ok := strings.CutPrefix(desc, descriptionPrefix)
	if !ok || info.Fingerprint == "" {
		return info
	}
	head, tail, _ := strings.Cut(rest, ";")
	info.AppVersion = strings.TrimSpace(head)
	if i := strings.Index(tail, "; by "); i >= 0 {
		info.Publisher = strings.TrimSpace(tail[i+len("; by "):])
	}
	return info
}

// descriptionField keeps a value on one line without our separators.
func descriptionField(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == ';' || r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// truncateRunes cuts s to at most n bytes on a rune boundary.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// FingerprintFromDescription returns the fingerprint recorded by
// DescriptionFor or DescriptionWith in a Description, or "" when there is
// none (a resource uploaded by hand or by another tool).
func FingerprintFromDescription(desc string) string {
	i := strings.Index(desc, "fingerprint=")
	if i < 0 {
		return ""
	}
	fp := desc[i+len("fingerprint="):]
	if j := strings.IndexAny(fp, " ;,\n\r\t"); j >= 0 {
		fp = fp[:j]
	}
	if !strings.HasPrefix(fp, "sha256:") || len(fp) == len("sha256:") {
		return ""
	}
	return fp
}
