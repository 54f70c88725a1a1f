package connector

// How messages name orgs, users and hosts.

import (
	"fmt"
	"strings"
)

// HostOf is the host of a URL, without scheme, path or query.
func HostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

// OrgLabel names an org in a message: its name and ID, else its ID, else "its org".
func OrgLabel(o *OrgInfo) string {
	if o == nil {
		return "its org"
	}
	if o.OrgName != "" {
		return fmt.Sprintf("%q (%s)", o.OrgName, o.OrgID)
	}
	return "the org " + o.OrgID
}

// UserLabel names the authorized user in a message: the username, else "the authorized user".
func UserLabel(o *OrgInfo) string {
	if o == nil || o.Username == "" {
		return "the authorized user"
	}
	return o.Username
}

// DisplayName is the org's name, or "name unknown" when the org could not
// tell it (its name is only readable through the API): never the org ID
// passed off as a name.
func (o *OrgInfo) DisplayName() string {
	if o == nil || o.OrgName == "" {
		return "name unknown"
	}
	return o.OrgName
}
