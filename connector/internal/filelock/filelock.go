// Package filelock takes advisory, cross-process locks on files with
// github.com/gofrs/flock: flock(2) on Unix, LockFileEx on Windows. The lock
// is held by an open file descriptor, so it is released when the process
// exits, even on a crash. This package adds what the connector needs on top:
// the lock folder is created, and every lock comes back as one idempotent
// unlock function.
//
// Locks are per open file description: two Lock calls on the same path in
// one process also exclude each other, which is what the connector wants
// (the window and its own background checks behave like two processes).
package filelock

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// pollInterval is how often LockContext retries a held lock.
const pollInterval = 25 * time.Millisecond

// newLock creates the lock's folder and returns an unlocked lock on path
// (the file, mode 0600, is created when the lock is first taken).
func newLock(path string) (*flock.Flock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil { //nolint:gosec // lock paths are built by the app under its config dir
		return nil, fmt.Errorf("create lock folder: %w", err)
	}
	return flock.New(path, flock.SetPermissions(0o600)), nil
}

// Lock blocks until it holds an exclusive lock on path (created if absent)
// and returns the function that releases it.
func Lock(path string) (unlock func(), err error) {
	fl, err := newLock(path)
	if err != nil {
		return nil, err
	}
	if err := fl.Lock(); err != nil {
		return nil, fmt.Errorf("lock %s: %w", filepath.Base(path), err)
	}
	return releaser(fl), nil
}

// TryLock takes the lock if it is free; ok is false (and err nil) when
// another holder has it.
func TryLock(path string) (unlock func(), ok bool, err error) {
	fl, err := newLock(path)
	if err != nil {
		return nil, false, err
	}
	ok, err = fl.TryLock()
	if err != nil {
		return nil, false, fmt.Errorf("lock %s: %w", filepath.Base(path), err)
	}
	if !ok {
		return nil, false, nil
	}
	return releaser(fl), true, nil
}

// LockContext retries the lock until it holds it or ctx ends.
func LockContext(ctx context.Context, path string) (unlock func(), err error) {
	fl, err := newLock(path)
	if err != nil {
		return nil, err
	}
	ok, err := fl.TryLockContext(ctx, pollInterval)
	switch {
	case err != nil && ctx.Err() != nil:
		return nil, fmt.Errorf("wait for lock %s: %w", filepath.Base(path), ctx.Err())
	case err != nil:
		return nil, fmt.Errorf("lock %s: %w", filepath.Base(path), err)
	case !ok:
		return nil, fmt.Errorf("wait for lock %s: %w", filepath.Base(path), context.Canceled)
	}
	return releaser(fl), nil
}

// releaser unlocks fl (closing its file) once, however often it is called.
func releaser(fl *flock.Flock) func() {
	var once sync.Once
	return func() { once.Do(func() { _ = fl.Unlock() }) }
}
