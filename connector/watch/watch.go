package watch

// Publish on save: watch a folder and publish it to Sandbox and Test
// connectors after each quiet period following changes.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/packaging"
)

// DefaultWatchQuiet is how long a folder must stay unchanged before a
// publish: bursts of writes and editors' save-by-rename fall within it.
const DefaultWatchQuiet = 700 * time.Millisecond

// WatchOptions tune Watch.
type WatchOptions struct {
	// Folder is the content folder to watch (and publish).
	Folder string
	// Keys are the targets: Sandbox and Test connectors only.
	Keys []connector.Key
	// Quiet is the quiet period; 0 means DefaultWatchQuiet.
	Quiet time.Duration
	// ResourceName overrides each connector's resource name, as publish's.
	ResourceName string
	// OnEvent receives what each quiet period led to (from Watch's goroutine).
	OnEvent func(WatchEvent)
}

// Kinds of WatchEvent.
const (
	WatchStarted   = "started"   // watching; Fingerprint is the folder's at start
	WatchPublished = "published" // published; Results say how each target went
	WatchUnchanged = "unchanged" // changes, but the same content fingerprint: skipped
	WatchInvalid   = "invalid"   // the folder is not a publishable bundle right now
	// WatchGone: the folder was deleted or moved away and has not come
	// back within a quiet period; Problem says so. The watch goes on: the
	// folder is published once it is back (a build's rm -rf dist && mkdir dist).
	WatchGone = "gone"
	WatchBack = "back" // the folder announced gone is back; a publish follows
)

// WatchEvent is what one quiet period led to.
type WatchEvent struct {
	Time        time.Time               `json:"time"`
	Kind        string                  `json:"kind"`
	Fingerprint string                  `json:"fingerprint,omitempty"`
	Results     []publish.PublishResult `json:"results,omitempty"`
	Problem     *connector.Problem      `json:"-"`
	// Failed counts the targets whose publish failed.
	Failed int `json:"failed,omitempty"`
}

// CheckWatchTargets refuses production targets (a production connector,
// or a production org in a Sandbox or Test slot): publish on change is for
// Sandbox and Test connectors only.
func (s *Watcher) CheckWatchTargets(keys []connector.Key) error {
	if len(keys) == 0 {
		return &connector.Problem{Code: connector.CodeWatchFailed, Message: "No connector to publish to was given.", Fix: "Name at least one Sandbox or Test connector."}
	}
	for _, k := range keys {
		c, err := s.Registry.Get(k)
		if err != nil {
			return err
		}
		if c.IsProductionTarget() {
			return &connector.Problem{
				Code:    connector.CodeWatchProduction,
				Message: fmt.Sprintf("%s is a production target: publishing on every change is only for Sandbox and Test connectors, so nothing is watched.", k),
				Fix:     "Watch a Sandbox or Test connector, and publish to production with an explicit publish after checking its plan.",
			}
		}
	}
	return nil
}

// Watch publishes opts.Folder to opts.Keys after each quiet period that
// follows changes in it (bursts and atomic-rename saves give one publish),
// skipping a content fingerprint already published. It publishes once at
// the start when the org does not have the folder's content. When the
// folder is deleted or moved away, Watch waits for it to come back (it
// watches the nearest folder above it), says so after a quiet period
// (WatchGone), and publishes it once it is back and quiet; it fails only
// when that wait cannot be watched. It returns nil when ctx ends (Ctrl+C,
// the window closing), after the publish in progress ends.
func (s *Watcher) Watch(ctx context.Context, opts WatchOptions) error {
	if err := s.CheckWatchTargets(opts.Keys); err != nil {
		return err
	}
	root, w, err := openWatch(opts.Folder)
	if err != nil {
		return err
	}
	defer func() { _ = w.Close() }()
	run := &watchRun{s: s, ctx: ctx, opts: opts, w: w, root: root}
	run.emit(WatchEvent{Kind: WatchStarted})
	run.publish(true)
	return run.loop(quietPeriod(opts.Quiet))
}

// quietPeriod is the quiet period asked for, else DefaultWatchQuiet.
func quietPeriod(asked time.Duration) time.Duration {
	if asked <= 0 {
		return DefaultWatchQuiet
	}
	return asked
}

// openWatch returns the folder's absolute path and a watcher on its whole
// tree; the caller closes it.
func openWatch(folder string) (string, *fsnotify.Watcher, error) {
	root, err := filepath.Abs(folder)
	if err != nil {
		return "", nil, cannotWatchProblem(folder, err)
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return "", nil, &connector.Problem{Code: connector.CodeWatchFailed, Message: "The folder cannot be watched on this computer.", Fix: "Publish with connectorctl publish instead.", Err: err}
	}
	if err := watchTree(w, root); err != nil {
		_ = w.Close()
		return "", nil, cannotWatchProblem(folder, err)
	}
	return root, w, nil
}

// cannotWatchProblem: the folder (missing, unreadable) cannot be watched.
func cannotWatchProblem(folder string, err error) *connector.Problem {
	return &connector.Problem{Code: connector.CodeWatchFailed, Message: fmt.Sprintf("The folder %s cannot be watched.", safetext.Escape(folder)), Fix: "Check that it exists and is readable.", Err: err}
}

// loop takes the watcher's events until ctx ends or the watcher closes:
// each change (re)starts the quiet period, and the end of one publishes.
func (r *watchRun) loop(quiet time.Duration) error {
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-r.ctx.Done():
			return nil
		case ev, ok := <-r.w.Events:
			if !ok {
				return nil
			}
			changed, err := r.handle(ev)
			if err != nil {
				return err
			}
			if changed {
				timer = restartTimer(timer, quiet)
				fire = timer.C
			}
		case err, ok := <-r.w.Errors:
			if !ok {
				return nil
			}
			r.s.Log().Warn("watch error", "folder", r.opts.Folder, "err", err)
		case <-fire:
			fire = nil
			if err := r.quiet(); err != nil {
				return err
			}
		}
	}
}

// restartTimer starts the timer for d, creating it the first time.
func restartTimer(t *time.Timer, d time.Duration) *time.Timer {
	if t == nil {
		return time.NewTimer(d)
	}
	t.Reset(d)
	return t
}

// watchRun is one Watch: where events go, the fingerprint last published
// to every target, and whether the folder is watched or awaited.
type watchRun struct {
	s    *Watcher
	ctx  context.Context
	opts WatchOptions
	last string
	w    *fsnotify.Watcher
	root string // the folder, absolute
	// anchor is "" while the folder is watched; when it is gone, the
	// nearest existing folder above it, watched for its return.
	anchor   string
	goneSaid bool // WatchGone was emitted for the current absence
}

// handle takes one event; changed starts (or restarts) the quiet period.
func (r *watchRun) handle(ev fsnotify.Event) (changed bool, err error) {
	if ev.Op == fsnotify.Chmod {
		return false, nil
	}
	if r.anchor != "" { // awaiting the folder: only the way to it matters
		if ev.Name != r.anchor && ev.Name != r.root && !strings.HasPrefix(r.root, ev.Name+string(filepath.Separator)) {
			return false, nil
		}
		if err := r.follow(); err != nil {
			return false, err
		}
		return r.anchor == "", nil
	}
	if ev.Name == r.root && (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) {
		// Deleted or moved away (rm -rf dist): await its return; the
		// quiet period then says it is gone, or publishes it if back.
		return true, r.follow()
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
			_ = watchTree(r.w, ev.Name) // a new subfolder
		}
	}
	return true, nil
}

// quiet acts on a quiet period: publish the folder, or say it is gone.
func (r *watchRun) quiet() error {
	if r.anchor == "" && !publish.IsDir(r.root) { // gone without an event seen
		if err := r.follow(); err != nil {
			return err
		}
	}
	if r.anchor != "" {
		if !r.goneSaid {
			r.goneSaid = true
			folder := safetext.Escape(r.opts.Folder)
			r.emit(WatchEvent{Kind: WatchGone, Problem: &connector.Problem{
				Code: connector.CodeWatchFailed, ID: "watch_folder_gone",
				Message: fmt.Sprintf("The folder %s was deleted or moved away: nothing is published until it is back.", folder),
				Fix:     "Build or create it again: it is published once it is back and quiet.",
				Args:    map[string]any{"Folder": folder},
			}})
		}
		return nil
	}
	if r.goneSaid {
		r.goneSaid = false
		r.emit(WatchEvent{Kind: WatchBack})
	}
	r.publish(false)
	return nil
}

// follow drops every watch and watches the folder again if it is there;
// otherwise it watches the nearest existing folder above it (anchor) for
// its return. It looks again after adding a watch, so a folder created
// meanwhile (rm -rf dist && mkdir dist is quick) is not missed.
func (r *watchRun) follow() error {
	for _, p := range r.w.WatchList() {
		_ = r.w.Remove(p)
	}
	r.anchor = ""
	for range 100 { // each round follows a change made meanwhile
		if publish.IsDir(r.root) {
			err := watchTree(r.w, r.root)
			if err == nil {
				return nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return r.lost(err)
			}
			continue // deleted again meanwhile
		}
		anchor := nearestDir(filepath.Dir(r.root))
		if err := r.w.Add(anchor); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return r.lost(err)
		}
		if next := nextDirTowards(anchor, r.root); next == "" || !publish.IsDir(next) {
			r.anchor = anchor
			return nil
		}
		_ = r.w.Remove(anchor) // the way down grew meanwhile: look again
	}
	return r.lost(errors.New("the folder keeps changing"))
}

// lost is the problem ending the watch when the folder's return cannot be
// watched.
func (r *watchRun) lost(err error) *connector.Problem {
	folder := safetext.Escape(r.opts.Folder)
	return &connector.Problem{
		Code: connector.CodeWatchFailed, ID: "watch_folder_lost",
		Message: fmt.Sprintf("The folder %s is gone, and its return cannot be watched, so the watch stopped.", folder),
		Fix:     "Start the watch again once the folder is back.",
		Args:    map[string]any{"Folder": folder},
		Err:     err,
	}
}

// nearestDir is dir, or the nearest existing folder above it.
func nearestDir(dir string) string {
	for !publish.IsDir(dir) {
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return dir
}

// nextDirTowards is the child of anchor on the way down to target ("" when
// target is not below anchor).
func nextDirTowards(anchor, target string) string {
	rel, err := filepath.Rel(anchor, target)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return ""
	}
	first, _, _ := strings.Cut(rel, string(filepath.Separator))
	return filepath.Join(anchor, first)
}

func (r *watchRun) emit(e WatchEvent) {
	e.Time = r.s.Clock().UTC()
	if r.opts.OnEvent != nil {
		r.opts.OnEvent(e)
	}
}

// publish publishes the folder to every target, unless its fingerprint is
// the one last published everywhere (force publishes anyway).
func (r *watchRun) publish(force bool) {
	b, err := packaging.Open(r.opts.Folder)
	if err != nil {
		r.emit(WatchEvent{Kind: WatchInvalid, Problem: connector.AsProblem(err)})
		return
	}
	fp := b.Fingerprint()
	if fp == r.last && !force {
		r.emit(WatchEvent{Kind: WatchUnchanged, Fingerprint: fp})
		return
	}
	results := r.s.PublishMany(r.ctx, r.opts.Keys, b, publish.PublishOptions{ResourceName: r.opts.ResourceName}, nil)
	e := WatchEvent{Kind: WatchPublished, Fingerprint: fp, Results: results}
	for _, res := range results {
		if res.Outcome == publish.OutcomeFailed {
			e.Failed++
		}
	}
	if e.Failed == 0 {
		r.last = fp
	}
	r.emit(e)
}

// watchTree adds dir and its subfolders (fsnotify is not recursive),
// skipping well-known junk folders.
func watchTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && (strings.HasPrefix(d.Name(), ".git") || d.Name() == "__MACOSX") {
			return filepath.SkipDir
		}
		if err := w.Add(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	})
}
