package filelock

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTryLockExcludes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "x.lock")
	unlock, ok, err := TryLock(path)
	require.NoError(t, err)
	require.True(t, ok)

	_, ok2, err := TryLock(path)
	require.NoError(t, err)
	assert.False(t, ok2, "second TryLock must fail while held")

	unlock()
	unlock() // idempotent
	unlock3, ok3, err := TryLock(path)
	require.NoError(t, err)
	assert.True(t, ok3, "free after unlock")
	unlock3()
}

func TestLockSerialises(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	var inside, maxInside atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			unlock, err := Lock(path)
			require.NoError(t, err)
			n := inside.Add(1)
			for {
				m := maxInside.Load()
				if n <= m || maxInside.CompareAndSwap(m, n) {
					break
				}
			}
			inside.Add(-1)
			unlock()
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), maxInside.Load())
}

func TestLockContextTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := Lock(path)
	require.NoError(t, err)
	defer unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = LockContext(ctx, path)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestLockContextWaits(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.lock")
	unlock, err := Lock(path)
	require.NoError(t, err)
	got := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	go func() {
		u, err := LockContext(ctx, path)
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	require.NoError(t, <-got)
}

// TestCrossProcess holds the lock in a child process and checks this one
// cannot take it until the child exits.
func TestCrossProcess(t *testing.T) {
	if os.Getenv("FILELOCK_CHILD") != "" {
		unlock, err := Lock(os.Getenv("FILELOCK_CHILD"))
		if err != nil {
			os.Exit(2)
		}
		defer unlock()
		os.Stdout.WriteString("locked\n")
		buf := make([]byte, 1)
		_, _ = os.Stdin.Read(buf) // hold until the parent closes stdin
		return
	}
	path := filepath.Join(t.TempDir(), "x.lock")
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCrossProcess$")
	cmd.Env = append(os.Environ(), "FILELOCK_CHILD="+path)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	buf := make([]byte, 7)
	_, err = stdout.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "locked\n", string(buf))

	_, ok, err := TryLock(path)
	require.NoError(t, err)
	assert.False(t, ok, "held by the child process")

	stdin.Close()
	require.NoError(t, cmd.Wait())
	unlock, ok, err := TryLock(path)
	require.NoError(t, err)
	assert.True(t, ok, "free once the child exited")
	unlock()
}
