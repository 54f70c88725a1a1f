package publish

// Where a published resource is served (salesforce-api.md §Serving).

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/connectors-app/connectors/packaging"
)

// CacheNote says how long Salesforce's caches may keep the old version
// after an update (§Serving).
const CacheNote = "Salesforce's caches may keep the previous version for a while: Lightning components up to about 10 minutes, Experience Cloud (LWR) sites up to a day."

// Served says how pages reference a published resource.
type Served struct {
	// Visualforce is the merge field ({!$Resource.Name}).
	Visualforce string `json:"visualforce"`
	// Lightning is the LWC import (@salesforce/resourceUrl/Name).
	Lightning string `json:"lightning"`
	// Path is what both render: /resource/<timestamp>/<Name>, the
	// timestamp being the version's modification time in milliseconds
	// (it changes with each update, which busts browser caches).
	Path string `json:"path"`
	// File is one file of the bundle (index.html when there is one) and
	// FileURL its address on the org's instance.
	File    string `json:"file,omitempty"`
	FileURL string `json:"fileUrl,omitempty"`
	// CacheNote: how long caches may keep the old version.
	CacheNote string `json:"cacheNote"`
}

// ServedFor describes where the resource name, as modified at modified, is
// served on instanceURL; files (optional) picks the example file.
func ServedFor(instanceURL, name string, modified time.Time, files []packaging.FileDigest) *Served {
	s := &Served{
		Visualforce: "{!$Resource." + name + "}",
		Lightning:   "@salesforce/resourceUrl/" + name,
		Path:        "/resource/" + strconv.FormatInt(modified.UnixMilli(), 10) + "/" + name,
		CacheNote:   CacheNote,
	}
	for _, f := range files {
		if s.File == "" || strings.EqualFold(f.Name, "index.html") {
			s.File = f.Name
		}
	}
	if s.File != "" {
		var parts []string
		for _, p := range strings.Split(s.File, "/") {
			parts = append(parts, url.PathEscape(p))
		}
		s.FileURL = strings.TrimRight(instanceURL, "/") + s.Path + "/" + strings.Join(parts, "/")
	}
	return s
}
