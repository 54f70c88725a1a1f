package publish

// The publish plan: what a publish will change in the org, file by file.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/salesforce"
	"github.com/connectors-app/connectors/packaging"
)

// Kinds of FileChange.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
	ChangeChanged = "changed"
)

// Where a plan read the org's version from.
const (
	PlanSourceNone      = "none"       // the org has no such resource: everything is added
	PlanSourceLocalCopy = "local-copy" // untouched since our publish: our copy of it
	PlanSourceDownload  = "download"   // changed since, or not ours: downloaded
)

// FileChange is one file a publish adds, removes or changes.
type FileChange struct {
	Path    string `json:"path"`
	Change  string `json:"change"`            // added, removed or changed
	OldSize int64  `json:"oldSize,omitempty"` // in the org (removed, changed)
	NewSize int64  `json:"newSize,omitempty"` // in the bundle (added, changed)
}

// Plan is what a publish will change in the org: the bundle compared with
// the org's version, file by file.
type Plan struct {
	Source    string       `json:"source"`
	Added     int          `json:"added"`
	Removed   int          `json:"removed"`
	Changed   int          `json:"changed"`
	Unchanged int          `json:"unchanged"`
	OldSize   int64        `json:"oldSize"` // the org's body in bytes (0 when none)
	NewSize   int64        `json:"newSize"` // the bundle in bytes
	Files     []FileChange `json:"files"`
	// OrgNotBundle: the org's body is not a ZIP bundle (a hand-made
	// resource): it is replaced as a whole, and every file is added.
	OrgNotBundle bool `json:"orgNotBundle,omitempty"`
}

// UpToDate reports whether the plan changes nothing.
func (p *Plan) UpToDate() bool {
	return p != nil && p.Source != PlanSourceNone && !p.OrgNotBundle && p.Added+p.Removed+p.Changed == 0
}

// DiffFiles compares the org's files (old) with the bundle's (new) by path
// and content and returns the changes sorted by path. A path listed twice
// counts once (the last entry wins).
func DiffFiles(old, new []packaging.FileDigest) (changes []FileChange, unchanged int) {
	before := make(map[string]packaging.FileDigest, len(old))
	for _, f := range old {
		before[f.Name] = f
	}
	after := make(map[string]packaging.FileDigest, len(new))
	for _, f := range new {
		after[f.Name] = f
	}
	for name, n := range after {
		o, ok := before[name]
		switch {
		case !ok:
			changes = append(changes, FileChange{Path: name, Change: ChangeAdded, NewSize: n.Size})
		case o.SHA256 != n.SHA256 || o.Size != n.Size:
			changes = append(changes, FileChange{Path: name, Change: ChangeChanged, OldSize: o.Size, NewSize: n.Size})
		default:
			unchanged++
		}
	}
	for name, o := range before {
		if _, ok := after[name]; !ok {
			changes = append(changes, FileChange{Path: name, Change: ChangeRemoved, OldSize: o.Size})
		}
	}
	sort.Slice(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes, unchanged
}

// newPlan compares two file lists into a plan.
func newPlan(source string, old, new []packaging.FileDigest, oldSize, newSize int64) *Plan {
	p := &Plan{Source: source, OldSize: oldSize, NewSize: newSize, Files: []FileChange{}}
	changes, unchanged := DiffFiles(old, new)
	if changes != nil {
		p.Files = changes
	}
	p.Unchanged = unchanged
	for _, c := range changes {
		switch c.Change {
		case ChangeAdded:
			p.Added++
		case ChangeRemoved:
			p.Removed++
		case ChangeChanged:
			p.Changed++
		}
	}
	return p
}

// bundleFiles lists the files of b.
func bundleFiles(b Bundle) ([]packaging.FileDigest, error) {
	if fb, ok := b.(interface{ Files() []packaging.FileDigest }); ok {
		return fb.Files(), nil
	}
	rc, err := b.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	return packaging.Digests(data)
}

// plan compares b with what the org holds (cur, nil when none): from our
// local copy of that bundle when the org's record shows it holds one
// published with Connectors, else from the downloaded body.
func (r *publishRun) plan(ctx context.Context, b Bundle, cur *salesforce.StaticResource) (*Plan, error) {
	files, err := bundleFiles(b)
	if err != nil {
		return nil, fmt.Errorf("list the bundle's files: %w", err)
	}
	if cur == nil {
		return newPlan(PlanSourceNone, nil, files, 0, b.Size()), nil
	}
	source := PlanSourceDownload
	var old []byte
	if local := r.localCopyOf(cur); local != "" {
		if old, err = os.ReadFile(local); err == nil {
			source = PlanSourceLocalCopy
		}
	}
	if source == PlanSourceDownload {
		var buf bytes.Buffer
		if _, err := r.client.DownloadBody(ctx, cur.ID, &buf); err != nil {
			return nil, fmt.Errorf("download the org's version to compare: %w", err)
		}
		old = buf.Bytes()
	}
	oldFiles, err := packaging.Digests(old)
	if err != nil {
		p := newPlan(source, nil, files, int64(len(old)), b.Size())
		p.OrgNotBundle = true
		return p, nil
	}
	return newPlan(source, oldFiles, files, int64(len(old)), b.Size()), nil
}

// localCopyOf is our local copy of the bundle cur holds, when the org's
// record shows cur holds a bundle published with Connectors, else "".
func (r *publishRun) localCopyOf(cur *salesforce.StaticResource) string {
	v := r.found
	if v == nil || v.ResourceID != cur.ID || (v.Provenance != connector.ProvOwn && v.Provenance != connector.ProvConnectors) {
		return ""
	}
	return r.store.PublishedCopy(v.Fingerprint, cur.BodyLength)
}
