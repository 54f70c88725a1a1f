package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

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

// TestNewCmdWatch: watch's folder, targets and flags become its Options.
func TestNewCmdWatch(t *testing.T) {
	tests := []cmdCase[watchOptions]{
		{name: "defaults", args: []string{"./content", "Lightning/Sandbox"},
			want: watchOptions{Folder: "./content", Keys: keys(t, "Lightning/Sandbox"), Quiet: service.DefaultWatchQuiet}},
		{name: "every flag", args: []string{"dist", "Lightning/Sandbox", "lightning/test", "--quiet", "2s", "--resource", "WalkMe_Preview"},
			want: watchOptions{Folder: "dist", Keys: keys(t, "Lightning/Sandbox", "lightning/test"), Quiet: 2 * time.Second, ResourceName: "WalkMe_Preview"}},
		{name: "no target", args: []string{"dist"}, usage: true},
		{name: "negative quiet", args: []string{"dist", "Lightning/Sandbox", "--quiet", "-1s"}, usage: true},
		{name: "bad resource name", args: []string{"dist", "Lightning/Sandbox", "--resource", "a b"}, usage: true},
		{name: "not a connector", args: []string{"dist", "Lightning"}, usage: true},
	}
	checkCmdCases(t, newCmdWatch, tests)
}

func TestWatchRefusesProductionTargets(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	seedAuthorized(t, c, org, port, "Lightning/Production")
	dir := writeBundle(t, map[string]string{"index.html": "x"})
	r := c.run("watch", dir, "lightning/sandbox", "lightning/production")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout+r.stderr, "Lightning/Production is a production target: publishing on every change is only for Sandbox and Test connectors")
	assert.Empty(t, org.Resources(), "nothing published, nothing watched")
	r = c.run("watch", dir)
	assert.Equal(t, exitUsage, r.code)
}
