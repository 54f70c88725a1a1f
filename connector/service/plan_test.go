package service

import (
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// TestPublishPlanPairs: a dry run compares the bundle with what the org
// holds, file by file, for pairs of bundles.
func TestPublishPlanPairs(t *testing.T) {
	base := map[string]string{"index.html": "<p>v1</p>", "js/app.js": "console.log(1)", "css/app.css": "body{}"}
	with := func(edit func(m map[string]string)) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		edit(m)
		return m
	}
	tests := []struct {
		name      string
		next      map[string]string
		want      []publish.FileChange
		unchanged int
	}{
		{"one file changed", with(func(m map[string]string) { m["js/app.js"] = "console.log(22)" }),
			[]publish.FileChange{{Path: "js/app.js", Change: publish.ChangeChanged, OldSize: 14, NewSize: 15}}, 2},
		{"one added", with(func(m map[string]string) { m["img/logo.svg"] = "<svg/>" }),
			[]publish.FileChange{{Path: "img/logo.svg", Change: publish.ChangeAdded, NewSize: 6}}, 3},
		{"one removed", with(func(m map[string]string) { delete(m, "css/app.css") }),
			[]publish.FileChange{{Path: "css/app.css", Change: publish.ChangeRemoved, OldSize: 6}}, 2},
		{"renamed: removed and added", with(func(m map[string]string) { m["js/main.js"] = m["js/app.js"]; delete(m, "js/app.js") }),
			[]publish.FileChange{{Path: "js/app.js", Change: publish.ChangeRemoved, OldSize: 14}, {Path: "js/main.js", Change: publish.ChangeAdded, NewSize: 14}}, 2},
		{"same size, other content", with(func(m map[string]string) { m["index.html"] = "<p>v2</p>" }),
			[]publish.FileChange{{Path: "index.html", Change: publish.ChangeChanged, OldSize: 9, NewSize: 9}}, 2},
		{"all replaced", map[string]string{"other.txt": "x"},
			[]publish.FileChange{{Path: "css/app.css", Change: publish.ChangeRemoved, OldSize: 6}, {Path: "index.html", Change: publish.ChangeRemoved, OldSize: 9},
				{Path: "js/app.js", Change: publish.ChangeRemoved, OldSize: 14}, {Path: "other.txt", Change: publish.ChangeAdded, NewSize: 1}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPublishFixture(t, sfsim.Options{})
			ctx := testCtx(t)
			requireOK(t, f.svc.Publish(ctx, f.k, testBundle(t, base), publish.PublishOptions{}), publish.OutcomeCreated)
			f.org.ResetRequests()
			res := f.svc.Publish(ctx, f.k, testBundle(t, tt.next), publish.PublishOptions{DryRun: true})
			requireOK(t, res, publish.OutcomeWouldUpdate)
			require.NotNil(t, res.Plan)
			assert.Equal(t, tt.want, res.Plan.Files)
			assert.Equal(t, tt.unchanged, res.Plan.Unchanged)
			assert.Equal(t, publish.PlanSourceLocalCopy, res.Plan.Source, "untouched since our publish: our copy, no download")
			assert.Zero(t, countRequests(f.org, http.MethodGet, "/Body"))
			assert.False(t, res.Plan.UpToDate())
			assert.Len(t, f.org.Resources(), 1)
			assert.Equal(t, testBundle(t, base).Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body, "a dry run writes nothing")
		})
	}
}

func TestPublishPlanSources(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)

	// Nothing in the org: every file is added.
	res := f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{DryRun: true})
	requireOK(t, res, publish.OutcomeWouldCreate)
	assert.Equal(t, publish.PlanSourceNone, res.Plan.Source)
	assert.Equal(t, len(v1.Files()), res.Plan.Added)
	assert.Zero(t, res.Plan.OldSize)

	// The same bundle: already up to date, no plan needed, one request.
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	f.org.ResetRequests()
	res = f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{DryRun: true})
	requireOK(t, res, publish.OutcomeUpToDate)
	assert.Equal(t, 1, res.Requests)

	// Changed in Setup: the org's version is downloaded to compare.
	other := testBundle(t, map[string]string{"index.html": "<p>edited in Setup</p>"})
	editInSetup(t, f.org, other.Bytes())
	f.org.ResetRequests()
	res = f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{DryRun: true})
	requireOK(t, res, publish.OutcomeWouldUpdate)
	assert.True(t, res.ChangedOutside)
	assert.Equal(t, publish.PlanSourceDownload, res.Plan.Source)
	assert.Equal(t, 1, countRequests(f.org, http.MethodGet, "/Body"))
	assert.Equal(t, other.Size(), res.Plan.OldSize)

	// A hand-made body (not a ZIP): replaced as a whole.
	editInSetup(t, f.org, []byte("console.log('by hand')"))
	res = f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{DryRun: true})
	requireOK(t, res, publish.OutcomeWouldUpdate)
	assert.True(t, res.Plan.OrgNotBundle)
	assert.Equal(t, len(v2.Files()), res.Plan.Added)
}

func digestsOf(t testing.TB, files map[string]string) []packaging.FileDigest {
	return testBundle(t, files).Files()
}

func TestDiffFilesTable(t *testing.T) {
	a := digestsOf(t, map[string]string{"a": "1", "b": "22", "c": "333"})
	b := digestsOf(t, map[string]string{"b": "22", "c": "334", "d": "4444"})
	changes, unchanged := publish.DiffFiles(a, b)
	assert.Equal(t, []publish.FileChange{
		{Path: "a", Change: publish.ChangeRemoved, OldSize: 1},
		{Path: "c", Change: publish.ChangeChanged, OldSize: 3, NewSize: 3},
		{Path: "d", Change: publish.ChangeAdded, NewSize: 4},
	}, changes)
	assert.Equal(t, 1, unchanged)
	changes, unchanged = publish.DiffFiles(a, a)
	assert.Empty(t, changes)
	assert.Equal(t, 3, unchanged)
	changes, _ = publish.DiffFiles(nil, nil)
	assert.Empty(t, changes)
}

// FuzzDiffFiles: for any two file lists, the diff is sorted, names each
// path once, and applying it to the old list gives the new one.
func FuzzDiffFiles(f *testing.F) {
	f.Add("a=1;b=2", "b=2;c=3")
	f.Add("", "x=1")
	f.Add("a=1;a=2", "a=2")
	f.Fuzz(func(t *testing.T, olds, news string) {
		parse := func(s string) []packaging.FileDigest {
			var out []packaging.FileDigest
			for _, part := range strings.Split(s, ";") {
				name, content, ok := strings.Cut(part, "=")
				if !ok || name == "" {
					continue
				}
				out = append(out, packaging.FileDigest{Name: name, Size: int64(len(content)), SHA256: content})
			}
			return out
		}
		old, nw := parse(olds), parse(news)
		changes, unchanged := publish.DiffFiles(old, nw)
		if !sort.SliceIsSorted(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path }) {
			t.Fatalf("not sorted: %v", changes)
		}
		state := map[string]packaging.FileDigest{}
		for _, d := range old {
			state[d.Name] = d
		}
		want := map[string]packaging.FileDigest{}
		for _, d := range nw {
			want[d.Name] = d
		}
		seen := map[string]bool{}
		for _, c := range changes {
			if seen[c.Path] {
				t.Fatalf("%s listed twice", c.Path)
			}
			seen[c.Path] = true
			switch c.Change {
			case publish.ChangeAdded, publish.ChangeChanged:
				if c.NewSize != want[c.Path].Size {
					t.Fatalf("size of %s: %d, want %d", c.Path, c.NewSize, want[c.Path].Size)
				}
				state[c.Path] = want[c.Path]
			case publish.ChangeRemoved:
				if _, ok := want[c.Path]; ok {
					t.Fatalf("%s removed but in the new list", c.Path)
				}
				delete(state, c.Path)
			default:
				t.Fatalf("unknown change %q", c.Change)
			}
		}
		if len(state) != len(want) || unchanged != len(want)-countNot(changes, publish.ChangeRemoved) {
			t.Fatalf("applying the diff gives %d files, want %d (unchanged %d)", len(state), len(want), unchanged)
		}
		for name, d := range want {
			if state[name] != d {
				t.Fatalf("%s: %v, want %v", name, state[name], d)
			}
		}
	})
}

func countNot(changes []publish.FileChange, kind string) int {
	n := 0
	for _, c := range changes {
		if c.Change != kind {
			n++
		}
	}
	return n
}
