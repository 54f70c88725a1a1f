package connector

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// LogDir is where the app and the CLI write their log files:
// $CONNECTORS_LOG_DIR, else <os.UserCacheDir>/connectors/logs.
func LogDir() (string, error) {
	if d := os.Getenv("CONNECTORS_LOG_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the cache folder: %w", err)
	}
	return filepath.Join(base, "connectors", "logs"), nil
}

// maxLogSize is the size at which a log file is rotated to <name>.1.
const maxLogSize = 1 << 20

// OpenLog opens (appending) <LogDir>/<name>.log, rotating it to <name>.log.1
// past 1 MiB, and returns a text logger writing to it. Tokens are never
// passed to the logger by this codebase; the file is still created 0600.
func OpenLog(name string, level slog.Level) (*slog.Logger, io.Closer, error) {
	dir, err := LogDir()
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create the log folder: %w", err)
	}
	path := filepath.Join(dir, name+".log")
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLogSize {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open the log file: %w", err)
	}
	w := &lockedWriter{w: f}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level})), f, nil
}

// DiscardLogger is a logger that drops everything.
func DiscardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
