package connector

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenLogWritesAndRotates(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("CONNECTORS_LOG_DIR", dir)
	path := filepath.Join(dir, "app.log")
	// Given a log file past the rotation size
	require.NoError(t, os.WriteFile(path, []byte(strings.Repeat("x", maxLogSize+1)), 0o600))

	// When the log is opened and written
	log, closer, err := OpenLog("app", slog.LevelInfo)
	require.NoError(t, err)
	log.Info("publish done", "connector", "Lightning/Sandbox")
	require.NoError(t, closer.Close())

	// Then the old file was rotated and the new one holds the line, private to the user
	old, err := os.Stat(path + ".1")
	require.NoError(t, err)
	assert.Greater(t, old.Size(), int64(maxLogSize))
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, string(data), `msg="publish done" connector=Lightning/Sandbox`)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}
