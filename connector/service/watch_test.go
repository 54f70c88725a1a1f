package service

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/watch"
)

// watchHarness runs Watch on a folder and hands its events to the test.
type watchHarness struct {
	events chan watch.WatchEvent
	done   chan error
	cancel context.CancelFunc
}

func startWatch(t *testing.T, svc *Service, folder string, keys ...connector.Key) *watchHarness {
	t.Helper()
	ctx, cancel := context.WithCancel(testCtx(t))
	h := &watchHarness{events: make(chan watch.WatchEvent, 16), done: make(chan error, 1), cancel: cancel}
	go func() {
		h.done <- svc.Watch(ctx, watch.WatchOptions{Folder: folder, Keys: keys, Quiet: 400 * time.Millisecond,
			OnEvent: func(e watch.WatchEvent) { h.events <- e }})
	}()
	t.Cleanup(cancel)
	return h
}

// next waits for the next event of a kind other than started.
func (h *watchHarness) next(t *testing.T) watch.WatchEvent {
	t.Helper()
	for {
		select {
		case e := <-h.events:
			if e.Kind != watch.WatchStarted {
				return e
			}
		case err := <-h.done:
			t.Fatalf("watch ended: %v", err)
		case <-time.After(20 * time.Second):
			t.Fatal("no watch event")
		}
	}
}

// none asserts that no event comes within a few quiet periods.
func (h *watchHarness) none(t *testing.T) {
	t.Helper()
	select {
	case e := <-h.events:
		t.Fatalf("unexpected event %s", e.Kind)
	case <-time.After(1500 * time.Millisecond):
	}
}

func saveFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
}

// atomicSave saves like editors do: write a temporary file, rename it over.
func atomicSave(t *testing.T, path, content string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".swp")
	saveFile(t, tmp, content)
	require.NoError(t, os.Rename(tmp, path))
}

func TestWatchOnePublishPerQuietPeriod(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	dir := t.TempDir()
	saveFile(t, filepath.Join(dir, "index.html"), "<p>v0</p>")
	saveFile(t, filepath.Join(dir, "js/app.js"), "console.log(0)")

	h := startWatch(t, f.svc, dir, f.k)
	e := h.next(t)
	require.Equal(t, watch.WatchPublished, e.Kind, "the folder is published once at the start")
	requireOK(t, e.Results[0], publish.OutcomeCreated)
	f.org.ResetRequests()

	// A burst of writes to several files: one publish.
	for i := range 20 {
		saveFile(t, filepath.Join(dir, "js/app.js"), "console.log("+string(rune('a'+i))+")")
		saveFile(t, filepath.Join(dir, "index.html"), "<p>burst "+string(rune('a'+i))+"</p>")
	}
	e = h.next(t)
	require.Equal(t, watch.WatchPublished, e.Kind)
	requireOK(t, e.Results[0], publish.OutcomeUpdated)
	assert.Equal(t, "<p>burst t</p>", string(mustUnzip(t, requireOneResource(t, f.org, connector.DefaultResourceName).Body, "index.html")))
	assert.Equal(t, 1, writes(f.org))

	// Editors' atomic-rename saves, several in a row, and a new subfolder: one publish.
	for i := range 5 {
		atomicSave(t, filepath.Join(dir, "index.html"), "<p>saved "+string(rune('0'+i))+"</p>")
	}
	saveFile(t, filepath.Join(dir, "css/new/app.css"), "body{}")
	e = h.next(t)
	require.Equal(t, watch.WatchPublished, e.Kind)
	requireOK(t, e.Results[0], publish.OutcomeUpdated)
	assert.Equal(t, "<p>saved 4</p>", string(mustUnzip(t, requireOneResource(t, f.org, connector.DefaultResourceName).Body, "index.html")))
	assert.Equal(t, "body{}", string(mustUnzip(t, requireOneResource(t, f.org, connector.DefaultResourceName).Body, "css/new/app.css")))
	assert.Equal(t, 2, writes(f.org))

	// Saved again with the same content: the fingerprint is unchanged, nothing sent.
	f.org.ResetRequests()
	atomicSave(t, filepath.Join(dir, "index.html"), "<p>saved 4</p>")
	e = h.next(t)
	assert.Equal(t, watch.WatchUnchanged, e.Kind)
	assert.Empty(t, f.org.Requests())
	h.none(t)

	// Ctrl+C: Watch returns cleanly.
	h.cancel()
	select {
	case err := <-h.done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not stop")
	}
}

// nextSkipping waits for the next event of a kind other than those given.
func (h *watchHarness) nextSkipping(t *testing.T, kinds ...string) watch.WatchEvent {
	t.Helper()
	for {
		e := h.next(t)
		if !slices.Contains(kinds, e.Kind) {
			return e
		}
	}
}

// requirePublished asserts e published index.html with the given content.
func requirePublished(t *testing.T, f *publishFixture, e watch.WatchEvent, index string) {
	t.Helper()
	require.Equal(t, watch.WatchPublished, e.Kind, "%+v", e.Problem)
	requireOK(t, e.Results[0], publish.OutcomeUpdated)
	assert.Equal(t, index, string(mustUnzip(t, requireOneResource(t, f.org, connector.DefaultResourceName).Body, "index.html")))
}

// TestWatchFolderDeletedAndCreatedAgain: a build's rm -rf dist && mkdir
// dist left the watch deaf (one line, then nothing forever). Now it
// re-attaches: the new content is published once quiet, and so is every
// later change; a folder that stays gone is reported once; a parent
// deleted too, or the folder moved away, are followed as well.
func TestWatchFolderDeletedAndCreatedAgain(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	parent := t.TempDir()
	dir := filepath.Join(parent, "dist")
	saveFile(t, filepath.Join(dir, "index.html"), "<p>v0</p>")
	saveFile(t, filepath.Join(dir, "js/app.js"), "console.log(0)")
	h := startWatch(t, f.svc, dir, f.k)
	e := h.next(t)
	require.Equal(t, watch.WatchPublished, e.Kind)
	requireOK(t, e.Results[0], publish.OutcomeCreated)

	// rm -rf dist && mkdir dist, then the build writes: published once quiet.
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.Mkdir(dir, 0o700))
	saveFile(t, filepath.Join(dir, "index.html"), "<p>v1</p>")
	saveFile(t, filepath.Join(dir, "js/app.js"), "console.log(1)")
	requirePublished(t, f, h.nextSkipping(t, watch.WatchGone, watch.WatchBack, watch.WatchInvalid), "<p>v1</p>")

	// A change afterwards, in the folder and in a subfolder: still seen.
	saveFile(t, filepath.Join(dir, "index.html"), "<p>v2</p>")
	requirePublished(t, f, h.next(t), "<p>v2</p>")
	saveFile(t, filepath.Join(dir, "js/app.js"), "console.log(2)")
	requirePublished(t, f, h.next(t), "<p>v2</p>")

	// Deleted, and it stays gone: said once, nothing attempted.
	f.org.ResetRequests()
	require.NoError(t, os.RemoveAll(dir))
	e = h.next(t)
	require.Equal(t, watch.WatchGone, e.Kind)
	require.NotNil(t, e.Problem)
	assert.Equal(t, "watch_folder_gone", e.Problem.MessageID())
	assert.Contains(t, e.Problem.Message, "The folder "+dir+" was deleted or moved away")
	h.none(t)
	assert.Empty(t, f.org.Requests())

	// Its parent goes too, then both come back (mkdir -p build/dist).
	require.NoError(t, os.RemoveAll(parent))
	saveFile(t, filepath.Join(dir, "index.html"), "<p>v3</p>")
	saveFile(t, filepath.Join(dir, "js/app.js"), "console.log(3)")
	assert.Equal(t, watch.WatchBack, h.next(t).Kind)
	requirePublished(t, f, h.next(t), "<p>v3</p>")
	saveFile(t, filepath.Join(dir, "js/app.js"), "console.log(4)")
	requirePublished(t, f, h.next(t), "<p>v3</p>")

	// Moved away and made again: the new folder is watched, the old one not.
	require.NoError(t, os.Rename(dir, dir+".old"))
	require.NoError(t, os.Mkdir(dir, 0o700))
	saveFile(t, filepath.Join(dir, "index.html"), "<p>v5</p>")
	saveFile(t, filepath.Join(dir, "js/app.js"), "console.log(5)")
	requirePublished(t, f, h.nextSkipping(t, watch.WatchGone, watch.WatchBack, watch.WatchInvalid), "<p>v5</p>")
	saveFile(t, filepath.Join(dir+".old", "index.html"), "<p>old</p>")
	saveFile(t, filepath.Join(dir+".old", "js/app.js"), "old")
	h.none(t)
	saveFile(t, filepath.Join(dir, "index.html"), "<p>v6</p>")
	requirePublished(t, f, h.next(t), "<p>v6</p>")

	h.cancel()
	select {
	case err := <-h.done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not stop")
	}
}

func TestWatchRefusesProduction(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	prod := connector.Key{System: "Lightning", Environment: connector.Production}
	authorizeTestConnector(t, f.svc, f.org, prod)
	dir := t.TempDir()
	saveFile(t, filepath.Join(dir, "index.html"), "x")
	for _, keys := range [][]connector.Key{{prod}, {f.k, prod}} {
		err := f.svc.Watch(testCtx(t), watch.WatchOptions{Folder: dir, Keys: keys})
		var p *connector.Problem
		require.ErrorAs(t, err, &p)
		assert.Equal(t, connector.CodeWatchProduction, p.Code)
		assert.Contains(t, p.Message, "only for Sandbox and Test connectors")
	}
	assert.Empty(t, f.org.Resources(), "nothing published")
}

// mustUnzip returns the content of name in the ZIP bytes.
func mustUnzip(t *testing.T, zipData []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(zipData), int64(len(zipData)))
	require.NoError(t, err)
	for _, f := range zr.File {
		if f.Name == name {
			rc, err := f.Open()
			require.NoError(t, err)
			defer rc.Close()
			b, err := io.ReadAll(rc)
			require.NoError(t, err)
			return b
		}
	}
	t.Fatalf("%s not in the bundle", name)
	return nil
}

// TestWatchPublishesToTheNamedResource: watch takes --resource like
// publish (issue 17: it had none).
func TestWatchPublishesToTheNamedResource(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	dir := t.TempDir()
	saveFile(t, filepath.Join(dir, "index.html"), "<p>preview</p>")
	ctx, cancel := context.WithCancel(testCtx(t))
	defer cancel()
	events := make(chan watch.WatchEvent, 16)
	go func() {
		_ = f.svc.Watch(ctx, watch.WatchOptions{Folder: dir, Keys: []connector.Key{f.k}, Quiet: 300 * time.Millisecond, ResourceName: "WalkMe_Preview",
			OnEvent: func(e watch.WatchEvent) { events <- e }})
	}()
	for e := range events {
		if e.Kind == watch.WatchStarted {
			continue
		}
		require.Equal(t, watch.WatchPublished, e.Kind, "%+v", e.Problem)
		requireOK(t, e.Results[0], publish.OutcomeCreated)
		break
	}
	assert.Equal(t, "<p>preview</p>", string(mustUnzip(t, requireOneResource(t, f.org, "WalkMe_Preview").Body, "index.html")))
	assert.Nil(t, f.org.Resource(connector.DefaultResourceName), "not the connector's default resource")

	// status judges the resource last published, not only the configured one.
	cur := requireOneResource(t, f.org, "WalkMe_Preview")
	f.org.PutResource(sfsim.Resource{ID: cur.ID, Name: cur.Name, Description: cur.Description, Body: []byte("edited"),
		LastModifiedDate: time.Now().Add(2 * time.Second), LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe"})
	st := f.svc.Status(testCtx(t), f.k)
	require.NotNil(t, st.Drift, "drift of the resource published with --resource")
	assert.Equal(t, "Jane Doe", st.Drift.By())
}
