package connector

import "time"

// ShortVersion names a bundle version for people: the first 12 hex digits
// of its fingerprint ("3f2a9c0d12ab"), "unknown" without one.
func ShortVersion(fp string) string { return backupShortFP(fp) }

// LastPublish is the last publish of a connector's resource, as people
// are shown it: when, which version, by whom.
type LastPublish struct {
	At       time.Time
	Resource string
	Version  string // ShortVersion of the bundle
	By       string // the Salesforce user who published it
}

// LastPublished is c's last publish: the newer of what the live check read
// in the org's record (a publish with Connectors here or elsewhere: a
// teammate's, CI's) and this folder's record of its own last publish (by
// the connector's user). Nil when neither knows one. The window's card and
// list show it, so they never disagree.
func LastPublished(c Connector, live *Status) *LastPublish {
	var out *LastPublish
	if rec := c.LastPublish; rec != nil && !rec.At.IsZero() {
		out = &LastPublish{At: rec.At, Resource: rec.Resource, Version: ShortVersion(rec.Fingerprint)}
		if c.Org != nil {
			out.By = c.Org.Username
		}
		if out.Resource == "" {
			out.Resource = c.EffectiveResourceName()
		}
	}
	if live == nil || live.Found == nil {
		return out
	}
	v := live.Found
	if v.Provenance != ProvOwn && v.Provenance != ProvConnectors {
		return out
	}
	if out != nil && !v.When().After(out.At) {
		return out // the check ran before our last publish
	}
	who := v.Publisher // the record's own word
	if who == "" {
		who = v.Who()
	}
	res := c.EffectiveResourceName()
	if live.Resource != nil && live.Resource.Name != "" {
		res = live.Resource.Name
	}
	return &LastPublish{At: v.When(), Resource: res, Version: ShortVersion(v.Fingerprint), By: who}
}
