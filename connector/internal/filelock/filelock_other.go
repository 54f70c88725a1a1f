//go:build !unix && !windows

package filelock

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("lock held elsewhere")

// lockFile is a no-op where the platform has no advisory locks (wasm, plan9).
func lockFile(*os.File, bool) error { return nil }

func unlockFile(*os.File) error { return nil }
