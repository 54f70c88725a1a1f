package main

// The soak (issue 17 #6): random sequences of publishes, restores, dry runs
// and status checks against ONE simulated org, from two "laptops" (web
// connectors, tokens in the real keyring, persistent config folders) and a
// "CI" actor (publish --connectors FILE with a JWT key, no local state, a
// --backup-dir per run), with faults drawn at random: 5xx and 429 bursts
// with Retry-After, sessions expiring, lost answers (the write lands, the
// answer never arrives), kill -9 of a running connectorctl, concurrent
// publishes, and edits in Setup by another user and by the same user.
// After every step it checks the invariants listed in soak_check_test.go,
// reading the org through sfsim (every version that was ever live, via
// OnResourceWrite) and the actors' folders.
//
//	make soak N=2000 SEED=123        # a long run (no time bound)
//	CONNECTORS_SOAK_SEED=123 CONNECTORS_SOAK_STEPS=18 .ci/test-env go test -count=1 -run '^TestSoak$' ./cmd/connectorctl/
//
// In `make test` it runs for CONNECTORS_SOAK_DURATION (default
// soakDefaultDuration) on a new random seed, printed. Every failure
// prints the seed and the step that reproduce it, with the step log (also
// written to CONNECTORS_SOAK_LOG, default $TMPDIR/connectors-soak-SEED.log).
// Each step draws from its own stream (seed, step index), so what step k
// does is the same whatever earlier steps ended with; where a kill lands,
// and whether two writes fall in the same second, depend on timing, so
// such a step may need a few runs to end the same way.
// CONNECTORS_SOAK_KEEP_GOING=1 runs on after a violation and tallies them
// all; CONNECTORS_SOAK_VERBOSE=1 logs every request of every step;
// CONNECTORS_SOAK_ALLOW=I3c,... reports those invariants without failing.

import (
	"archive/zip"
	"bytes"
	"context"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/packaging"
)

const (
	// soakDefaultDuration bounds the soak in `make test` (with -race the
	// test process is slower; the connectorctl processes are not raced).
	soakDefaultDuration = 100 * time.Second
	soakKey             = "Soak/Sandbox"
	soakCIClient        = "SoakCI"
	// soakEditBase: Setup edits have bodies of at least this size, each a
	// size of its own, never a bundle's (a same-user edit keeping a body
	// size is the documented residual limit).
	soakEditBase = 20000
)

// soakSettings are read from the environment (make soak sets them).
type soakSettings struct {
	seed      uint64
	steps     int           // 0: until duration
	duration  time.Duration // 0: until steps
	keepGoing bool          // tally every violation instead of stopping at the first step with one
	verbose   bool          // log every request of every step
	// allow are invariants reported but not failing the soak
	// (CONNECTORS_SOAK_ALLOW=I3c,X4): a residual limit being decided.
	allow   map[string]bool
	logFile string
}

func soakSettingsFromEnv(t *testing.T) soakSettings {
	t.Helper()
	var s soakSettings
	if v := os.Getenv("CONNECTORS_SOAK_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "CONNECTORS_SOAK_SEED must be a number")
		s.seed = n
	} else {
		var b [8]byte
		_, _ = crand.Read(b[:])
		s.seed = binary.LittleEndian.Uint64(b[:]) % 1_000_000_000
	}
	if v := os.Getenv("CONNECTORS_SOAK_STEPS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "CONNECTORS_SOAK_STEPS must be a number")
		s.steps = n
	}
	if v := os.Getenv("CONNECTORS_SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, "CONNECTORS_SOAK_DURATION must be a duration such as 90s")
		s.duration = d
	} else if s.steps == 0 {
		s.duration = soakDefaultDuration
	}
	s.keepGoing = os.Getenv("CONNECTORS_SOAK_KEEP_GOING") != ""
	s.verbose = os.Getenv("CONNECTORS_SOAK_VERBOSE") != ""
	s.allow = map[string]bool{}
	for _, id := range strings.Split(os.Getenv("CONNECTORS_SOAK_ALLOW"), ",") {
		if id = strings.TrimSpace(id); id != "" {
			s.allow[id] = true
		}
	}
	s.logFile = os.Getenv("CONNECTORS_SOAK_LOG")
	if s.logFile == "" {
		s.logFile = filepath.Join(os.TempDir(), fmt.Sprintf("connectors-soak-%d.log", s.seed))
	}
	return s
}

// soakActor is a computer publishing to the org.
type soakActor struct {
	name string
	ci   bool
	root string // everything of this actor
	dir  string // config folder (laptops)
	runs int    // CI runs so far
}

// soakVersion is one bundle: a zip file with its own fingerprint.
type soakVersion struct {
	label string
	path  string
	body  []byte
	sum   string
	fp    string
}

// soakWrite is one change of the resource the org applied.
type soakWrite struct {
	op     string
	before string // body sum ("" none)
	after  string
}

// soakLastWrite says who wrote the live version.
type soakLastWrite struct {
	kind    string // "none", "publish", "restore", "setup", "unknown"
	actor   string
	version string // label of the body
}

type soak struct {
	t        *testing.T
	set      soakSettings
	rng      *rand.Rand
	ctl      string
	org      *sfsim.Org
	root     string
	connFile string
	keyFile  string
	allow    string
	actors   []*soakActor

	versions []*soakVersion
	bodies   map[string]string // body sum -> label (every bundle and Setup edit)
	fps      map[string]string // body sum -> fingerprint (bundles)
	edits    int

	mu      sync.Mutex
	writes  []soakWrite
	started atomic.Int64
	reqMark int // requests before the step

	last     soakLastWrite
	setupDue bool // the live version is a Setup edit no Connectors write has replaced

	backups   map[string]string // backup file -> body sum (cache, by path)
	ciBackups map[string]string // the same, of the CI runs up to ciDone
	ciDone    int               // CI runs whose folders are final
	scanned   map[string]string // file -> "size/mtime" already scanned for tokens

	log        []string
	violations []soakViolation
	tally      map[string]int
}

type soakViolation struct {
	step    int
	id      string
	text    string
	allowed bool // CONNECTORS_SOAK_ALLOW
}

// TestSoak is issue 17 #6. See the comment at the top of this file.
func TestSoak(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("the soak uses the real OS keyring: run it under .ci/test-env (make soak, make test-race)")
	}
	set := soakSettingsFromEnv(t)
	bound := fmt.Sprintf("%d steps", set.steps)
	if set.steps == 0 {
		bound = "for " + set.duration.String()
	} else if set.duration > 0 {
		bound += " or " + set.duration.String()
	}
	fmt.Printf("soak: seed %d, %s (reproduce: make soak SEED=%d N=<step+1>)\n", set.seed, bound, set.seed)
	t.Logf("soak: seed %d, %s", set.seed, bound)
	s := newSoak(t, set)
	s.run()
}

func newSoak(t *testing.T, set soakSettings) *soak {
	t.Helper()
	ctl, _ := binaries(t)
	org, port := startOrg(t, sfsim.Options{Sandbox: true, OrgName: "Soak UAT"})
	s := &soak{
		t: t, set: set, ctl: ctl, org: org, root: t.TempDir(),
		bodies: map[string]string{}, fps: map[string]string{}, backups: map[string]string{}, ciBackups: map[string]string{}, scanned: map[string]string{},
		tally: map[string]int{}, last: soakLastWrite{kind: "none"},
	}
	org.OnRequest(func(*http.Request) { s.started.Add(1) })
	org.OnResourceWrite(func(w sfsim.ResourceWrite) {
		if (w.Before != nil && !strings.EqualFold(w.Before.Name, connector.DefaultResourceName)) ||
			(w.After != nil && !strings.EqualFold(w.After.Name, connector.DefaultResourceName)) {
			return
		}
		sw := soakWrite{op: w.Op}
		if w.Before != nil {
			sw.before = sum(w.Before.Body)
		}
		if w.After != nil {
			sw.after = sum(w.After.Body)
		}
		s.mu.Lock()
		s.writes = append(s.writes, sw)
		s.mu.Unlock()
	})
	for _, name := range []string{"laptopA", "laptopB"} {
		a := &soakActor{name: name, root: filepath.Join(s.root, name)}
		a.dir = filepath.Join(a.root, "config")
		for _, d := range []string{a.dir, filepath.Join(a.root, "tmp"), filepath.Join(a.root, "logs")} {
			require.NoError(t, os.MkdirAll(d, 0o700))
		}
		kr := tokenstore.NewKeyring("")
		c := &cli{t: t, dir: a.dir, env: map[string]string{}, tokens: kr}
		seedAuthorized(t, c, org, port, soakKey)
		t.Cleanup(func() { _ = kr.Delete(tokenKeyIn(t, a.dir, soakKey)) })
		s.actors = append(s.actors, a)
	}
	s.setupCI()
	return s
}

// setupCI authorizes the CI connector with a JWT key in a folder of its
// own and exports it: CI runs have only the file and the key.
func (s *soak) setupCI() {
	t := s.t
	keyPEM, certPEM, err := oauth.NewKeyPair("soak-ci", time.Hour)
	require.NoError(t, err)
	require.NoError(t, s.org.RegisterJWTClient(soakCIClient, certPEM))
	ci := &soakActor{name: "ci", ci: true, root: filepath.Join(s.root, "ci")}
	require.NoError(t, os.MkdirAll(filepath.Join(ci.root, "logs"), 0o700))
	s.keyFile = filepath.Join(ci.root, "ci.key")
	require.NoError(t, os.WriteFile(s.keyFile, keyPEM, 0o600))
	s.allow = hostPort(s.org.LoginURL())
	admin := &cli{t: t, dir: filepath.Join(ci.root, "admin"), env: map[string]string{connector.JWTKeyEnv: string(keyPEM)}, tokens: failingStore{t}, in: strings.NewReader("")}
	r := admin.run("authorize", soakKey, "--jwt", "--client-id", soakCIClient, "--username", s.org.Username(),
		"--login-url", s.org.LoginURL(), "--allow-login-host", s.allow)
	require.Equal(t, exitOK, r.code, r.stderr)
	s.connFile = filepath.Join(ci.root, "connectors.json")
	r = admin.run("export", "--output", s.connFile)
	require.Equal(t, exitOK, r.code, r.stderr)
	s.actors = append(s.actors, ci)
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// ---- bodies ----

// storedZip is a zip of one stored (uncompressed) file: its size is the
// content's plus a constant, so sizes can be chosen.
func storedZip(t *testing.T, name string, content []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	_, err = w.Write(content)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// newVersion makes the next bundle: small, with a fingerprint of its own.
func (s *soak) newVersion() *soakVersion {
	n := len(s.versions) + 1
	label := fmt.Sprintf("v%d", n)
	pad := strings.Repeat(".", s.rng.IntN(1500))
	content := fmt.Sprintf("<!doctype html><title>soak</title><p>%s of seed %d</p><!--%s-->", label, s.set.seed, pad)
	body := storedZip(s.t, "index.html", []byte(content))
	require.Less(s.t, len(body), soakEditBase)
	v := &soakVersion{label: label, path: filepath.Join(s.root, "versions", label+".zip"), body: body, sum: sum(body)}
	require.NoError(s.t, os.MkdirAll(filepath.Dir(v.path), 0o700))
	require.NoError(s.t, os.WriteFile(v.path, body, 0o600))
	b, err := packaging.Open(v.path)
	require.NoError(s.t, err)
	v.fp = b.Fingerprint()
	s.versions = append(s.versions, v)
	s.bodies[v.sum] = label
	s.fps[v.sum] = v.fp
	return v
}

// pickVersion: a new version, a recent one, or the one live.
func (s *soak) pickVersion() *soakVersion {
	live := s.liveBody()
	switch p := s.rng.IntN(100); {
	case len(s.versions) == 0 || p < 45:
		return s.newVersion()
	case p < 70 && live != nil:
		if label, ok := s.bodies[sum(live.Body)]; ok {
			for _, v := range s.versions {
				if v.label == label {
					return v
				}
			}
		}
		fallthrough
	default:
		k := min(len(s.versions), 6)
		return s.versions[len(s.versions)-1-s.rng.IntN(k)]
	}
}

func (s *soak) liveBody() *sfsim.Resource {
	return s.org.Resource(connector.DefaultResourceName)
}

// ---- processes ----

type soakRun struct {
	actor  *soakActor
	args   []string
	code   int
	killed bool
	stdout string
	stderr string
	// backupDir is the CI run's --backup-dir.
	backupDir string
	err       error // the process could not be run (a harness failure)
}

func (s *soak) env(a *soakActor, runDir string) []string {
	if a.ci {
		return []string{
			"PATH=" + os.Getenv("PATH"), "HOME=", "LANG=C.UTF-8",
			"TMPDIR=" + filepath.Join(runDir, "tmp"),
			"CONNECTORS_LOG_DIR=" + filepath.Join(a.root, "logs"),
			connector.JWTKeyFileEnv + "=" + s.keyFile,
			"BROWSER=/bin/false",
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CONNECTORS_") || strings.HasPrefix(kv, "BROWSER=") || strings.HasPrefix(kv, "TMPDIR=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		connector.ConfigDirEnv+"="+a.dir,
		"CONNECTORS_LOG_DIR="+filepath.Join(a.root, "logs"),
		"TMPDIR="+filepath.Join(a.root, "tmp"),
		"BROWSER=/bin/false", "LANG=en_US.UTF-8",
	)
}

// publishArgs are the arguments of a publish (or dry run) by a.
func (s *soak) publishArgs(a *soakActor, v *soakVersion, extra ...string) (args []string, runDir string) {
	if !a.ci {
		return append([]string{"publish", v.path, soakKey, "--json"}, extra...), ""
	}
	a.runs++
	runDir = filepath.Join(a.root, "runs", strconv.Itoa(a.runs))
	args = []string{"publish", v.path, "--connectors", s.connFile, "--all", "--json",
		"--backup-dir", filepath.Join(runDir, "backups"), "--allow-login-host", s.allow}
	return append(args, extra...), runDir
}

// start runs connectorctl for a; killAfter > 0 sends SIGKILL then.
func (s *soak) start(a *soakActor, runDir string, killAfter time.Duration, args ...string) func() soakRun {
	if runDir != "" {
		require.NoError(s.t, os.MkdirAll(filepath.Join(runDir, "tmp"), 0o700))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	cmd := exec.CommandContext(ctx, s.ctl, args...)
	cmd.Env = s.env(a, runDir)
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	require.NoError(s.t, cmd.Start())
	var timer *time.Timer
	if killAfter > 0 {
		timer = time.AfterFunc(killAfter, func() { _ = cmd.Process.Signal(syscall.SIGKILL) })
	}
	return func() soakRun {
		defer cancel()
		err := cmd.Wait()
		if timer != nil {
			timer.Stop()
		}
		r := soakRun{actor: a, args: args, stdout: out.String(), stderr: errOut.String()}
		if runDir != "" {
			r.backupDir = filepath.Join(runDir, "backups")
		}
		if err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				r.err = fmt.Errorf("run connectorctl %v: %w: %s", args, err, r.stderr)
				return r
			}
			r.code = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
				r.killed = true
			}
		}
		return r
	}
}

// settle waits until every request the org received has been answered
// (a killed process's last request may still be in the org).
func (s *soak) settle() {
	deadline := time.Now().Add(30 * time.Second)
	for int64(len(s.org.Requests())) < s.started.Load() {
		if time.Now().After(deadline) {
			s.t.Fatalf("soak harness: the org still handles %d requests after 30s", s.started.Load()-int64(len(s.org.Requests())))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ---- JSON of the commands (decoded by the documented field names only) ----

type soakResult struct {
	Connector      string          `json:"connector"`
	Outcome        string          `json:"outcome"`
	ErrorCode      string          `json:"errorCode"`
	Message        string          `json:"message"`
	Error          string          `json:"error"`
	Fingerprint    string          `json:"fingerprint"`
	BackupPath     string          `json:"backupPath"`
	ChangedOutside bool            `json:"changedOutside"`
	Drift          json.RawMessage `json:"drift"`
	Replaced       *struct {
		Fingerprint string `json:"fingerprint"`
	} `json:"replaced"`
	RestoredFrom *struct {
		Path string `json:"path"`
	} `json:"restoredFrom"`
}

func (r soakResult) String() string {
	s := r.Outcome
	if r.ErrorCode != "" {
		s += "/" + r.ErrorCode
	}
	if r.ChangedOutside {
		s += " changedOutside"
	}
	return s
}

type soakPublishJSON struct {
	OK      bool         `json:"ok"`
	Results []soakResult `json:"results"`
}

// result decodes a publish's or restore's JSON (nil: none on stdout).
func (r soakRun) result() *soakResult {
	if r.args[0] == "restore" {
		var res soakResult
		if json.Unmarshal([]byte(r.stdout), &res) != nil || res.Outcome == "" {
			return nil
		}
		return &res
	}
	var out soakPublishJSON
	if json.Unmarshal([]byte(r.stdout), &out) != nil || len(out.Results) != 1 {
		return nil
	}
	return &out.Results[0]
}

func (r soakRun) String() string {
	s := fmt.Sprintf("exit %d", r.code)
	if r.killed {
		return s + " (killed)"
	}
	if res := r.result(); res != nil {
		s += " " + res.String()
	} else if r.code != 0 {
		var je struct {
			Code string `json:"code"`
		}
		if line := strings.TrimSpace(lastLine(r.stderr)); json.Unmarshal([]byte(line), &je) == nil && je.Code != "" {
			s += " error " + je.Code
		} else {
			s += " " + safeExcerpt(line, 160)
		}
	}
	return s
}

func safeExcerpt(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
