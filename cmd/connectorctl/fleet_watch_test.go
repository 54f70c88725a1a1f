package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// fleetWatchRun is a fleet --every running in-process on a ticker the test
// drives: tick runs one more check and returns once its report is out.
type fleetWatchRun struct {
	t      *testing.T
	out    *watchedBuffer
	errOut *watchedBuffer
	grew   chan struct{}
	ticks  chan time.Time
	every  chan time.Duration
	cancel context.CancelFunc
	done   chan int
}

func startFleetWatch(t *testing.T, c *cli, args ...string) *fleetWatchRun {
	t.Helper()
	w := &fleetWatchRun{t: t, grew: make(chan struct{}, 1), ticks: make(chan time.Time), every: make(chan time.Duration, 1), done: make(chan int, 1)}
	signal := func(string) {
		select {
		case w.grew <- struct{}{}:
		default:
		}
	}
	w.out, w.errOut = &watchedBuffer{watch: signal}, &watchedBuffer{watch: signal}
	f := c.factory(w.out, w.errOut)
	f.newTicker = func(d time.Duration) (<-chan time.Time, func()) {
		w.every <- d
		return w.ticks, func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	t.Cleanup(cancel)
	go func() { w.done <- run(ctx, append([]string{"fleet"}, args...), f) }()
	return w
}

// waitFor waits until stdout and stderr hold text count times.
func (w *fleetWatchRun) waitFor(text string, count int) {
	w.t.Helper()
	deadline := time.After(20 * time.Second)
	for strings.Count(w.out.String()+w.errOut.String(), text) < count {
		select {
		case <-w.grew:
		case <-w.done:
			w.t.Fatalf("fleet ended before %q:\n%s\n%s", text, w.out.String(), w.errOut.String())
		case <-deadline:
			w.t.Fatalf("no %q in:\n%s\n%s", text, w.out.String(), w.errOut.String())
		}
	}
}

// tick runs one more check and waits until want appears once more.
func (w *fleetWatchRun) tick(want string) {
	w.t.Helper()
	n := strings.Count(w.out.String()+w.errOut.String(), want)
	w.ticks <- time.Time{}
	w.waitFor(want, n+1)
}

// stop interrupts the watch (as Ctrl+C does) and returns its exit code.
func (w *fleetWatchRun) stop() int {
	w.t.Helper()
	w.cancel()
	select {
	case code := <-w.done:
		return code
	case <-time.After(20 * time.Second):
		w.t.Fatal("fleet --every did not stop")
		return -1
	}
}

// fleetWatchFixture: three orgs, Acme/Production and Gamma/Sandbox
// current, Beta/Sandbox behind v2.
func fleetWatchFixture(t *testing.T) (c *cli, v2 string, orgs map[string]*sfsim.Org) {
	t.Helper()
	c = newCLI(t)
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 = writeBundle(t, map[string]string{"index.html": "<p>v2</p>"})
	orgs = map[string]*sfsim.Org{}
	for key, b := range map[string]string{"Acme/Production": v2, "Beta/Sandbox": v1, "Gamma/Sandbox": v2} {
		org, port := startOrg(t, sfsim.Options{Sandbox: !strings.HasSuffix(key, "Production")})
		seedAuthorized(t, c, org, port, key)
		orgs[key] = org
		r := c.run("publish", b, key, "--yes")
		require.Equal(t, 0, r.code, r.stderr)
	}
	return c, v2, orgs
}

// editInSetup is another user changing the resource in Setup, at.
func editInSetup(t *testing.T, org *sfsim.Org, body, who string, at time.Time) {
	t.Helper()
	g := org.Resource(connector.DefaultResourceName)
	require.NotNil(t, g)
	org.PutResource(sfsim.Resource{ID: g.ID, Name: g.Name, ContentType: g.ContentType, Description: g.Description,
		Body: []byte(body), LastModifiedDate: at, LastModifiedByID: "005000000000777AAA", LastModifiedByName: who})
}

// TestFleetEvery: fleet --every prints the usual table first, then at each
// check only what changed, a line per connector ("!" before a change to
// act on) and the counts, or one "No change" line; it posts to the webhook
// only a check with a change to act on, saying what changed and the
// counts; Ctrl+C ends it with exit 0; the webhook's secret is never shown.
func TestFleetEvery(t *testing.T) {
	logDir := t.TempDir()
	t.Setenv("CONNECTORS_LOG_DIR", logDir)
	c, v2, orgs := fleetWatchFixture(t)
	hook := newHookServer(t, 200, "ok", false)

	w := startFleetWatch(t, c, v2, "--every", "1m", "--notify", hook.url(), "--notify-format", "slack")
	w.waitFor("Checking again every 1m (Ctrl+C to stop).\n", 1)
	assert.Equal(t, time.Minute, <-w.every, "the schedule is --every")
	first := w.out.String()
	assert.Regexp(t, `(?m)^Beta/Sandbox\s+Demo Org\s+behind\s`, first)
	assert.Contains(t, first, "2 current, 1 behind.\nChecking again every 1m (Ctrl+C to stop).\n")
	assert.Empty(t, hook.requests(), "the first check is the baseline: no post")

	// Nothing changed: one quiet line, no post.
	w.tick("No change: 2 current, 1 behind.\n")
	assert.Equal(t, "2026-11-24 "+c.now.Local().Format("15:04:05")+" No change: 2 current, 1 behind.\n", strings.TrimPrefix(w.out.String(), first))
	assert.Empty(t, hook.requests())

	// Someone edits Gamma in Setup; Beta is brought up to date.
	editInSetup(t, orgs["Gamma/Sandbox"], "edited", "Jane Doe", time.Now().Add(3*time.Second))
	r := c.run("publish", v2, "Beta/Sandbox", "--yes")
	require.Equal(t, 0, r.code, r.stderr)
	before := w.out.String()
	w.tick("2 changes, 1 to act on: 2 current, 1 changed outside.\n")
	at := fmtVersionTime(c.now)
	assert.ElementsMatch(t, []string{
		at + " ! Gamma/Sandbox: current → changed outside",
		at + " Beta/Sandbox: behind → current",
		at + " 2 changes, 1 to act on: 2 current, 1 changed outside.",
	}, strings.Split(strings.TrimSpace(strings.TrimPrefix(w.out.String(), before)), "\n"))
	reqs := hook.requests()
	require.Len(t, reqs, 1, "a check with a change to act on is posted")
	var msg map[string]string
	require.NoError(t, json.Unmarshal(reqs[0].Body, &msg))
	text := msg["text"]
	assert.True(t, strings.HasPrefix(text, "*Fleet of "+v2+": 1 change to act on (2 changes since the last check)*\n"), text)
	assert.Contains(t, text, "\n• ⚠ Gamma/Sandbox: current → changed outside\n")
	assert.Contains(t, text, "\n• Beta/Sandbox: behind → current\n")
	assert.True(t, strings.HasSuffix(text, "\nNow: 2 current, 1 changed outside."), text)

	// A second edit outside Connectors is news again.
	editInSetup(t, orgs["Gamma/Sandbox"], "edited again", "John Roe", time.Now().Add(6*time.Second))
	w.tick("1 change, 1 to act on: 2 current, 1 changed outside.\n")
	assert.Contains(t, w.out.String(), at+" ! Gamma/Sandbox: changed outside again (changed since the last check)\n")
	require.Len(t, hook.requests(), 2)

	// A change for the better only: reported, not posted.
	r = c.run("publish", v2, "Gamma/Sandbox", "--yes", "--force")
	require.Equal(t, 0, r.code, r.stderr)
	w.tick("1 change, 0 to act on: 3 current.\n")
	assert.Contains(t, w.out.String(), at+" Gamma/Sandbox: changed outside → current\n")
	assert.Len(t, hook.requests(), 2, "nothing to act on: no post")

	assert.Equal(t, exitOK, w.stop(), w.errOut.String())
	assert.True(t, strings.HasSuffix(w.out.String(), "Stopped watching the fleet.\n"), w.out.String())
	assert.Empty(t, w.errOut.String())
	assertNoToken(t, logDir, w.out.String(), w.errOut.String())
}

// TestFleetEveryJSONAndHTML: with --json each check is one JSON line (the
// first with the bundle and every row, the later ones with the changes:
// connector, from, to, alert, and the counts); --html is written again at
// each check; a refused post is a warning and the watch goes on.
func TestFleetEveryJSONAndHTML(t *testing.T) {
	c, v2, orgs := fleetWatchFixture(t)
	hook := newHookServer(t, 500, "", false)
	report := filepath.Join(t.TempDir(), "fleet.html")
	c.env[notifyURLEnv] = hook.url()

	w := startFleetWatch(t, c, v2, "--every", "1h", "--json", "--html", report, "--notify-format", "teams")
	w.waitFor("Checking again every 1h (Ctrl+C to stop).\n", 1)
	<-w.every
	assert.Equal(t, "Report written to "+report+".\nChecking again every 1h (Ctrl+C to stop).\n", w.errOut.String())
	page, err := os.ReadFile(report)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(page), `">behind</span>`))

	editInSetup(t, orgs["Gamma/Sandbox"], "edited", "Jane Doe", time.Now().Add(3*time.Second))
	w.tick(`"first":false`)
	w.waitFor("! The fleet summary could not be posted to the webhook at 127.0.0.1: it answered 500 Internal Server Error.", 1)
	w.tick(`"first":false`)
	assert.Equal(t, exitOK, w.stop())

	type line struct {
		CheckedAt  time.Time      `json:"checkedAt"`
		First      bool           `json:"first"`
		Bundle     map[string]any `json:"bundle"`
		AllCurrent bool           `json:"allCurrent"`
		Summary    string         `json:"summary"`
		Counts     map[string]int `json:"counts"`
		Changes    []map[string]any
		Alerts     int              `json:"alerts"`
		Notified   *bool            `json:"notified"`
		Rows       []map[string]any `json:"rows"`
	}
	var lines []line
	sc := bufio.NewScanner(strings.NewReader(w.out.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l line
		require.NoError(t, json.Unmarshal(sc.Bytes(), &l), "one JSON object per line: %s", sc.Text())
		assert.NotContains(t, sc.Text(), `"changes":null`)
		lines = append(lines, l)
	}
	require.Len(t, lines, 3, w.out.String())
	assert.True(t, lines[0].First)
	assert.NotEmpty(t, lines[0].Bundle["fingerprint"])
	assert.Len(t, lines[0].Rows, 3)
	assert.Empty(t, lines[0].Changes)
	assert.Equal(t, "2 current, 1 behind", lines[0].Summary)
	assert.Equal(t, c.now, lines[0].CheckedAt)

	assert.False(t, lines[1].First)
	assert.Nil(t, lines[1].Bundle)
	assert.Empty(t, lines[1].Rows, "later checks carry the changes only")
	assert.Equal(t, []map[string]any{{"connector": "Gamma/Sandbox", "from": "current", "to": "changed_outside", "alert": true}}, lines[1].Changes)
	assert.Equal(t, 1, lines[1].Alerts)
	assert.Equal(t, "1 current, 1 behind, 1 changed outside", lines[1].Summary)
	assert.Equal(t, map[string]int{"current": 1, "behind": 1, "changed_outside": 1, "absent": 0, "needs_authorization": 0, "unreachable": 0}, lines[1].Counts)
	require.NotNil(t, lines[1].Notified)
	assert.False(t, *lines[1].Notified, "the webhook refused it")
	assert.Len(t, hook.requests(), 1)

	assert.Empty(t, lines[2].Changes)
	assert.Zero(t, lines[2].Alerts)
	assert.Nil(t, lines[2].Notified, "nothing to post")

	page, err = os.ReadFile(report)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(page), `">changed outside</span>`), "the report is written again at each check")
	assert.True(t, strings.HasSuffix(w.errOut.String(), "Stopped watching the fleet.\n"), w.errOut.String())
	assertNoToken(t, "", w.out.String(), w.errOut.String())
}

// TestFleetEveryStopsOnSIGTERM: the real process, stopped by SIGTERM (a CI
// job cancelled, a service stopped) after its first check, exits 0.
func TestFleetEveryStopsOnSIGTERM(t *testing.T) {
	ctl, _ := binaries(t)
	org, exported, keyPEM := jwtConnectorsFile(t)
	file := filepath.Join(t.TempDir(), "connectors.json")
	require.NoError(t, os.WriteFile(file, []byte(exported), 0o600))
	bundle := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	hook := newHookServer(t, 200, "ok", false)

	cmd := exec.Command(ctl, "fleet", bundle, "--connectors", file, "--allow-login-host", hostPort(org.LoginURL()), "--every", "1m", "--notify-format", "slack")
	cmd.Env = append(os.Environ(), connector.JWTKeyEnv+"="+string(keyPEM), notifyURLEnv+"="+hook.url(),
		"CONNECTORS_CONFIG_DIR="+t.TempDir(), "CONNECTORS_LOG_DIR="+t.TempDir())
	grew := make(chan struct{}, 1)
	out := &watchedBuffer{watch: func(string) {
		select {
		case grew <- struct{}{}:
		default:
		}
	}}
	cmd.Stdout, cmd.Stderr = out, out
	require.NoError(t, cmd.Start())
	deadline := time.After(30 * time.Second)
	for !strings.Contains(out.String(), "Checking again every 1m") {
		select {
		case <-grew:
		case <-deadline:
			_ = cmd.Process.Kill()
			t.Fatalf("no first check: %s", out.String())
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	err := cmd.Wait()
	assert.NoError(t, err, "exit 0 on SIGTERM: %s", out.String())
	assert.Contains(t, out.String(), "Acme/Sandbox")
	assert.True(t, strings.HasSuffix(out.String(), "Stopped watching the fleet.\n"), out.String())
	assertNoToken(t, "", out.String())
}

// TestFleetEveryGoesOnAfterAFailedCheck: a later check that cannot run (a
// connector named on the command line was removed) is a warning with its
// fix, and the watch goes on; a first check that cannot run is an error.
func TestFleetEveryGoesOnAfterAFailedCheck(t *testing.T) {
	c, v2, _ := fleetWatchFixture(t)
	w := startFleetWatch(t, c, v2, "Acme/Production", "Beta/Sandbox", "--every", "1m")
	w.waitFor("Checking again every 1m (Ctrl+C to stop).\n", 1)
	<-w.every
	r := c.run("remove", "Beta/Sandbox", "--yes")
	require.Equal(t, exitOK, r.code, r.stderr)
	w.tick("! The check could not run: There is no connector Beta/Sandbox.")
	w.tick("! The check could not run: There is no connector Beta/Sandbox.")
	assert.Equal(t, exitOK, w.stop(), w.errOut.String())
	assert.True(t, strings.HasSuffix(w.out.String(), "Stopped watching the fleet.\n"), w.out.String())

	r = c.run("fleet", v2, "Beta/Sandbox", "--every", "1m")
	assert.Equal(t, exitFailure, r.code, "the first check cannot run: %s", r.stdout)
	assert.Contains(t, r.stderr, "There is no connector Beta/Sandbox.")
}
