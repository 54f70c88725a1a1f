package connector

import (
	"fmt"
	"strings"
)

func HostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	return u
}

func OrgLabel(o *OrgInfo) string {
	if o == nil {
		return "its org"
	}
	if o.OrgName != "" {
		return fmt.Sprintf("%q (%s)", o.OrgName, o.OrgID)
	}
	return "the org " + o.OrgID
}

func UserLabel(o *OrgInfo) string {
	if o == nil || o.Username == "" {
		return "the authorized user"
	}
	return o.Username
}
