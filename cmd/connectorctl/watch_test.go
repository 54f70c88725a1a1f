package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestWatchFolderGoneAndBack: `connectorctl watch` on a folder deleted by
// a build says so once it stays gone, and publishes it when it is back
// (it went deaf: one line, then nothing). Ctrl+C still ends it with 0.
func TestWatchFolderGoneAndBack(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	dir := filepath.Join(t.TempDir(), "dist")
	write := func(content string) {
		require.NoError(t, os.MkdirAll(dir, 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte(content), 0o600))
	}
	write("<p>v1</p>")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changed := make(chan struct{}, 1)
	out := &watchedBuffer{watch: func(string) {
		select {
		case changed <- struct{}{}:
		default:
		}
	}}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"watch", dir, "lightning/sandbox", "--quiet", "300ms"}, c.factory(out, &watchedBuffer{}))
	}()
	waitFor := func(text string, count int) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for strings.Count(out.String(), text) < count {
			select {
			case <-changed:
			case <-deadline:
				t.Fatalf("no %q in:\n%s", text, out.String())
			}
		}
	}
	waitFor("created", 1)

	require.NoError(t, os.RemoveAll(dir))
	waitFor("was deleted or moved away: nothing is published until it is back.", 1)
	assert.Contains(t, out.String(), "! The folder "+dir+" was deleted or moved away")
	write("<p>v2</p>")
	waitFor("The folder "+dir+" is back.", 1)
	waitFor("updated", 1)
	write("<p>v3</p>")
	waitFor("updated", 2)

	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code, out.String())
	case <-time.After(10 * time.Second):
		t.Fatal("watch did not stop")
	}
	assert.Contains(t, out.String(), "Stopped watching.")
	assert.Equal(t, 1, strings.Count(out.String(), "was deleted"), "said once")
}
