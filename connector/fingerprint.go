package connector

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/connectors-app/connectors/connector/backup"
)

// backupShortFP is the first 12 hex digits of a fingerprint, for messages.
func backupShortFP(fp string) string { return backup.ShortFP(fp) }

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

// OrgRecord is what a publish writes into the resource's Description so
// that any computer can judge the resource from the org alone (the third
// form): "Published by Connectors <version>; fingerprint=<fp>; size=<n>;
// user=<18-char user Id>; at=<RFC 3339>; pub=<publish Id>; by <username>".
type OrgRecord struct {
	Fingerprint string
	Size        int64
	UserID      string // the Salesforce user who published
	At          time.Time
	AppVersion  string
	PubID       string // random per publish attempt (the intent's Id)
	Publisher   string // the Salesforce username, shortened to fit
}

// Description renders the record within Salesforce's 255 characters: the
// version and then the username are shortened to fit; the fingerprint,
// size, user, time and publish Id always fit whole.
func (o OrgRecord) Description() string {
	head := descriptionPrefix
	if v := descriptionField(o.AppVersion); v != "" {
		head += " " + truncateRunes(v, 24)
	}
	d := head + "; fingerprint=" + o.Fingerprint + "; size=" + strconv.FormatInt(o.Size, 10)
	if o.UserID != "" {
		d += "; user=" + descriptionField(o.UserID)
	}
	if !o.At.IsZero() {
		d += "; at=" + o.At.UTC().Truncate(time.Second).Format(time.RFC3339)
	}
	if o.PubID != "" {
		d += "; pub=" + descriptionField(o.PubID)
	}
	if p := descriptionField(o.Publisher); p != "" {
		if room := maxDescription - len(d) - len("; by "); room > 0 {
			d += "; by " + truncateRunes(p, room)
		}
	}
	return d
}

// DescriptionInfo is what a Description written by this app records: all
// three forms give the fingerprint; the second adds the version and the
// publisher; the third the size, user Id, time and publish Id.
type DescriptionInfo struct {
	Fingerprint string // "" when none
	AppVersion  string // "" in the first form
	Publisher   string // "" in the first form
	Size        int64  // -1 unless the third form
	UserID      string
	At          time.Time
	PubID       string
}

// Full reports the third form: enough to judge the resource from the org alone.
func (d DescriptionInfo) Full() bool {
	return d.Fingerprint != "" && d.Size >= 0 && d.UserID != "" && d.PubID != ""
}

// ParseDescription reads the three forms of our Description; other text
// gives an empty Fingerprint.
func ParseDescription(desc string) DescriptionInfo {
	info := DescriptionInfo{Fingerprint: FingerprintFromDescription(desc), Size: -1}
	rest, ok := strings.CutPrefix(desc, descriptionPrefix)
	if !ok || info.Fingerprint == "" {
		return info
	}
	head, tail, _ := strings.Cut(rest, ";")
	info.AppVersion = strings.TrimSpace(head)
	if i := strings.Index(tail, "; by "); i >= 0 {
		info.Publisher = strings.TrimSpace(tail[i+len("; by "):])
		tail = tail[:i]
	}
	for _, f := range strings.Split(tail, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok {
			continue
		}
		switch k {
		case "size":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
				info.Size = n
			}
		case "user":
			info.UserID = v
		case "at":
			if t, err := time.Parse(time.RFC3339, v); err == nil {
				info.At = t.UTC()
			}
		case "pub":
			info.PubID = v
		}
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
