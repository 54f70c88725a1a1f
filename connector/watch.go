package connector

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
	Keys []Key
	// Quiet is the quiet period; 0 means DefaultWatchQuiet.
	Quiet time.Duration
	// OnEvent receives what each quiet period led to (from Watch's goroutine).
	OnEvent func(WatchEvent)
}

// Kinds of WatchEvent.
const (
	WatchStarted   = "started"   // watching; Fingerprint is the folder's at start
	WatchPublished = "published" // published; Results say how each target went
	WatchUnchanged = "unchanged" // changes, but the same content fingerprint: skipped
	WatchInvalid   = "invalid"   // the folder is not a publishable bundle right now
)

// WatchEvent is what one quiet period led to.
type WatchEvent struct {
	Time        time.Time       `json:"time"`
	Kind        string          `json:"kind"`
	Fingerprint string          `json:"fingerprint,omitempty"`
	Results     []PublishResult `json:"results,omitempty"`
	Problem     *Problem        `json:"-"`
	// Failed counts the targets whose publish failed.
	Failed int `json:"failed,omitempty"`
}

// CheckWatchTargets refuses production targets (a production connector,
// or a production org in a Sandbox or Test slot): publish on change is for
// Sandbox and Test connectors only.
func (s *Service) CheckWatchTargets(keys []Key) error {
	if len(keys) == 0 {
		return &Problem{Code: CodeWatchFailed, Message: "No connector to publish to was given.", Fix: "Name at least one Sandbox or Test connector."}
	}
	for _, k := range keys {
		c, err := s.Registry.Get(k)
		if err != nil {
			return err
		}
		if c.IsProductionTarget() {
			return &Problem{
				Code:    CodeWatchProduction,
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
// the start when the org does not have the folder's content. It returns
// nil when ctx ends (Ctrl+C, the window closing), after the publish in
// progress ends.
func (s *Service) Watch(ctx context.Context, opts WatchOptions) error {
	if err := s.CheckWatchTargets(opts.Keys); err != nil {
		return err
	}
	quiet := opts.Quiet
	if quiet <= 0 {
		quiet = DefaultWatchQuiet
	}
	run := &watchRun{s: s, ctx: ctx, opts: opts}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return &Problem{Code: CodeWatchFailed, Message: "The folder cannot be watched on this computer.", Fix: "Publish with connectorctl publish instead.", Err: err}
	}
	defer func() { _ = w.Close() }()
	if err := watchTree(w, opts.Folder); err != nil {
		return &Problem{Code: CodeWatchFailed, Message: fmt.Sprintf("The folder %s cannot be watched.", opts.Folder), Fix: "Check that it exists and is readable.", Err: err}
	}
	run.emit(WatchEvent{Kind: WatchStarted})
	run.publish(true)
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			if ev.Op.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					_ = watchTree(w, ev.Name) // a new subfolder
				}
			}
			if timer == nil {
				timer = time.NewTimer(quiet)
			} else {
				timer.Reset(quiet)
			}
			fire = timer.C
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			s.pubLogger().Warn("watch error", "folder", opts.Folder, "err", err)
		case <-fire:
			fire = nil
			run.publish(false)
		}
	}
}

// watchRun is one Watch: where events go, and the fingerprint last
// published to every target.
type watchRun struct {
	s    *Service
	ctx  context.Context
	opts WatchOptions
	last string
}

func (r *watchRun) emit(e WatchEvent) {
	e.Time = r.s.pubNow().UTC()
	if r.opts.OnEvent != nil {
		r.opts.OnEvent(e)
	}
}

// publish publishes the folder to every target, unless its fingerprint is
// the one last published everywhere (force publishes anyway).
func (r *watchRun) publish(force bool) {
	b, err := packaging.Open(r.opts.Folder)
	if err != nil {
		r.emit(WatchEvent{Kind: WatchInvalid, Problem: AsProblem(err)})
		return
	}
	fp := b.Fingerprint()
	if fp == r.last && !force {
		r.emit(WatchEvent{Kind: WatchUnchanged, Fingerprint: fp})
		return
	}
	results := r.s.PublishMany(r.ctx, r.opts.Keys, b, PublishOptions{}, nil)
	e := WatchEvent{Kind: WatchPublished, Fingerprint: fp, Results: results}
	for _, res := range results {
		if res.Outcome == OutcomeFailed {
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
