package main

// The bundle's check, started before the publish so that the publish's
// session and reads need not wait for it (publish.PendingBundle).

import (
	"context"
	"io"
	"os"
	"sync"

	"github.com/connectors-app/connectors/packaging"
)

// bundleCheck is the bundle being opened and checked: a ZIP file in the
// background (pending), anything else (a folder, a path that is not there)
// at once, as openBundle does.
type bundleCheck struct {
	pending *pendingBundle // nil when checked at once
	b       *packaging.Bundle
	err     error
}

// startBundleCheck starts checking the bundle at path.
func startBundleCheck(path string) *bundleCheck {
	info, err := os.Stat(path)
	if err != nil || !info.Mode().IsRegular() {
		b, err := openBundle(path)
		return &bundleCheck{b: b, err: err}
	}
	p := &pendingBundle{size: info.Size(), checked: make(chan struct{}), shownCh: make(chan struct{})}
	go func() {
		defer close(p.checked)
		p.b, p.err = openBundle(path)
	}()
	return &bundleCheck{pending: p}
}

// wait returns the checked bundle, or the problem that refuses it.
func (c *bundleCheck) wait() (*packaging.Bundle, error) {
	if c.pending == nil {
		return c.b, c.err
	}
	<-c.pending.checked
	return c.pending.b, c.pending.err
}

// shown lets a publish that waits for the bundle go on: the command has
// printed the bundle's lines (or reported its problem).
func (c *bundleCheck) shown() {
	if c.pending != nil {
		c.pending.once.Do(func() { close(c.pending.shownCh) })
	}
}

// pendingBundle is a ZIP file being checked, as a publish.PendingBundle:
// its size is the file's, its content waits for the check.
type pendingBundle struct {
	size    int64
	checked chan struct{} // closed when the check has ended
	shownCh chan struct{} // closed when the command has shown the bundle
	once    sync.Once
	b       *packaging.Bundle
	err     error
}

func (p *pendingBundle) Size() int64 { return p.size }

// Ready waits until the bundle is checked and shown, and returns the
// check's problem.
func (p *pendingBundle) Ready(ctx context.Context) error {
	select {
	case <-p.shownCh:
	case <-ctx.Done():
		return ctx.Err()
	}
	<-p.checked
	return p.err
}

// Fingerprint is the checked bundle's ("" when it failed its check).
func (p *pendingBundle) Fingerprint() string {
	<-p.checked
	if p.b == nil {
		return ""
	}
	return p.b.Fingerprint()
}

// Open reads the checked bundle's bytes.
func (p *pendingBundle) Open() (io.ReadCloser, error) {
	<-p.checked
	if p.b == nil {
		return nil, p.err
	}
	return p.b.Open()
}

// Files are the checked bundle's files (for a dry run's plan).
func (p *pendingBundle) Files() []packaging.FileDigest {
	<-p.checked
	if p.b == nil {
		return nil
	}
	return p.b.Files()
}
