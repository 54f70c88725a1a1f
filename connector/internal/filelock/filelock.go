// Package filelock takes advisory, cross-process locks on files: flock(2) on
// Unix, LockFileEx on Windows. The lock is held by an open file descriptor,
// so it is released when the process exits, even on a crash.
//
// Locks are per open file description: two Lock calls on the same path in
// one process also exclude each other, which is what the connector wants
// (the window and its own background checks behave like two processes).
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// pollInterval is how often LockContext retries a held lock.
const pollInterval = 25 * time.Millisecond

// open opens (creating if needed) the lock file and its folder.
func open(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil { //nolint:gosec // lock paths are built by the app under its config dir
		return nil, fmt.Errorf("create lock folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600) //nolint:gosec // lock paths are built by the app under its config dir
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	return f, nil
}

// Lock blocks until it holds an exclusive lock on path (created if absent)
// and returns the function that releases it.
func Lock(path string) (unlock func(), err error) {
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	if err := lockFile(f, true); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", filepath.Base(path), err)
	}
	return releaser(f), nil
}

// TryLock takes the lock if it is free; ok is false (and err nil) when
// another holder has it.
func TryLock(path string) (unlock func(), ok bool, err error) {
	f, err := open(path)
	if err != nil {
		return nil, false, err
	}
	if err := lockFile(f, false); err != nil {
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("lock %s: %w", filepath.Base(path), err)
	}
	return releaser(f), true, nil
}

// LockContext polls TryLock until it holds the lock or ctx ends.
func LockContext(ctx context.Context, path string) (unlock func(), err error) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		unlock, ok, err := TryLock(path)
		if err != nil {
			return nil, err
		}
		if ok {
			return unlock, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for lock %s: %w", filepath.Base(path), ctx.Err())
		case <-t.C:
		}
	}
}

func releaser(f *os.File) func() {
	done := false
	return func() {
		if done {
			return
		}
		done = true
		_ = unlockFile(f)
		f.Close()
	}
}
