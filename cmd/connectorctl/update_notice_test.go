package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/internal/update"
)

// releaseFeed is a local release feed naming v1.5.0; while held, it
// answers nothing (a slow network).
type releaseFeed struct {
	srv   *httptest.Server
	held  chan struct{}
	reads atomic.Int32
}

func newReleaseFeed(t *testing.T, body string) *releaseFeed {
	t.Helper()
	f := &releaseFeed{held: make(chan struct{})}
	close(f.held)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.reads.Add(1)
		<-f.held
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(f.srv.Close)
	return f
}

const feedV150 = `{"tag_name":"v1.5.0","html_url":"https://github.com/connectors-app/connectors/releases/tag/v1.5.0"}`

// TestUpdateNotice: a release build on a terminal starts the day's check
// in the background and does not wait for it (the feed is still holding
// its answer when the command is done); the next run says a newer release
// exists, once a day; --json, CI, the switch, a pipe and a developer's
// build never see a notice nor start a check.
func TestUpdateNotice(t *testing.T) {
	feed := newReleaseFeed(t, feedV150)
	c := newCLI(t)
	c.errTTY = true
	c.version = "1.4.0"
	c.updateState = filepath.Join(t.TempDir(), "update-check.json")
	c.env[update.FeedEnv] = feed.srv.URL
	var checks spawned
	c.spawn = func() error {
		checks.start(func() {
			ck := &update.Checker{Feed: feed.srv.URL, StateFile: c.updateState, Now: func() time.Time { return c.now }}
			_, _ = ck.Check(context.Background())
		})
		return nil
	}

	feed.held = make(chan struct{}) // the feed is slow
	r := c.run("list")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "new release", "nothing known yet, and the command did not wait for the feed")
	assert.Equal(t, 1, checks.started())
	close(feed.held)
	checks.wait()

	r = c.run("list")
	assert.Contains(t, r.stderr, "A new release of connectorctl is available: 1.4.0 → 1.5.0\nhttps://github.com/connectors-app/connectors/releases/tag/v1.5.0\n")
	assert.Equal(t, 1, checks.started(), "checked once a day")
	r = c.run("list")
	assert.NotContains(t, r.stderr, "new release", "told once a day")

	c.now = c.now.Add(update.Interval + time.Minute)
	for name, set := range map[string]func(){
		"--json":   func() {},
		"CI":       func() { c.env["CI"] = "true" },
		"switch":   func() { c.env[update.OffEnv] = "1" },
		"a pipe":   func() { c.errTTY = false },
		"dev":      func() { c.version = "0.1.0-dev-gd72c901" },
		"complete": func() {},
	} {
		t.Run(name, func(t *testing.T) {
			env, tty, v := c.env, c.errTTY, c.version
			c.env = map[string]string{update.FeedEnv: feed.srv.URL}
			defer func() { c.env, c.errTTY, c.version = env, tty, v }()
			set()
			args := []string{"list"}
			switch name {
			case "--json":
				args = []string{"list", "--json"}
			case "complete":
				args = []string{"__complete", "list", ""}
			}
			r := c.run(args...)
			assert.NotContains(t, r.stderr, "new release")
			assert.Equal(t, 1, checks.started(), "no check started")
		})
	}
	r = c.run("list")
	assert.Contains(t, r.stderr, "1.4.0 → 1.5.0", "a day later: told again")
	assert.Equal(t, 2, checks.started(), "and the next day's check started")
	checks.wait()
}

// spawned counts the background checks a test's spawner starts and waits
// for them.
type spawned struct {
	n    atomic.Int32
	done chan struct{}
}

func (s *spawned) start(fn func()) {
	s.n.Add(1)
	s.done = make(chan struct{})
	done := s.done
	go func() {
		defer close(done)
		fn()
	}()
}

func (s *spawned) started() int { return int(s.n.Load()) }

func (s *spawned) wait() {
	if s.done != nil {
		<-s.done
	}
}

// TestUpdateNoticeRealProcesses: the real binary on a pseudo-terminal
// (script(1)) starts the check as a detached process that records the
// feed's answer; the next run prints the notice after the command's own
// output; a feed that never answers leaves the command as it is.
func TestUpdateNoticeRealProcesses(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Fatal("script(1) (util-linux) is needed: apt-get install bsdutils")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "connectorctl")
	build := exec.Command("go", "build", "-ldflags", "-X github.com/connectors-app/connectors/internal/version.version=1.4.0", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)
	feed := newReleaseFeed(t, feedV150)
	cache := filepath.Join(dir, "cache")
	state := filepath.Join(cache, "connectors", "update-check.json")
	onTTY := func(feedURL string) string {
		t.Helper()
		cmd := exec.Command("script", "-qec", bin+" list", "/dev/null")
		cmd.Env = append(cleanEnv(), "XDG_CACHE_HOME="+cache, "CONNECTORS_CONFIG_DIR="+filepath.Join(dir, "cfg"),
			"CONNECTORS_LOG_DIR="+filepath.Join(dir, "logs"), update.FeedEnv+"="+feedURL)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	out1 := onTTY(feed.srv.URL)
	assert.NotContains(t, out1, "new release")
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(state)
		return err == nil && strings.Contains(string(b), `"version": "1.5.0"`)
	}, 30*time.Second, 50*time.Millisecond, "the detached check records the answer")
	out2 := onTTY(feed.srv.URL)
	assert.Contains(t, out2, "A new release of connectorctl is available: 1.4.0 → 1.5.0")
	assert.Less(t, strings.Index(out2, "No connectors yet"), strings.Index(out2, "A new release"), "after the command's own output")

	// a pipe: no notice, no check
	require.NoError(t, os.RemoveAll(cache))
	cmd := exec.Command(bin, "list")
	cmd.Env = append(cleanEnv(), "XDG_CACHE_HOME="+cache, "CONNECTORS_CONFIG_DIR="+filepath.Join(dir, "cfg"), update.FeedEnv+"="+feed.srv.URL)
	piped, _ := cmd.CombinedOutput()
	assert.NotContains(t, string(piped), "new release")
	_, err = os.Stat(state)
	assert.True(t, os.IsNotExist(err), "no check from a pipe")
}

// cleanEnv is the environment without CI variables and the switch.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if update.Off(func(n string) string {
			if n == k {
				return "x"
			}
			return ""
		}) || k == update.FeedEnv {
			continue
		}
		env = append(env, kv)
	}
	return env
}
