package main

// End-to-end tests: they build connectorctl (CGO_ENABLED=0) and the
// browserplayer, and drive the binary in a subprocess against an in-test
// simulated org, with the real OS keyring. Run them under .ci/test-env
// (private dbus session with an unlocked gnome-keyring).

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

var (
	buildOnce  sync.Once
	buildDir   string
	buildErr   error
	ctlPath    string
	playerPath string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binaries builds connectorctl without cgo, and the browserplayer, once.
func binaries(t *testing.T) (ctl, player string) {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "connectorctl-e2e-")
		if buildErr != nil {
			return
		}
		ctlPath = filepath.Join(buildDir, "connectorctl")
		playerPath = filepath.Join(buildDir, "browserplayer")
		for _, b := range []struct{ out, pkg string }{
			{ctlPath, "."},
			{playerPath, "../../connector/internal/webdriver/cmd/browserplayer"},
		} {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			cmd := exec.CommandContext(ctx, "go", "build", "-o", b.out, b.pkg)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
			out, err := cmd.CombinedOutput()
			cancel()
			if err != nil {
				buildErr = fmt.Errorf("go build %s: %w\n%s", b.pkg, err, out)
				return
			}
		}
	})
	require.NoError(t, buildErr)
	return ctlPath, playerPath
}

// e2e is one end-to-end scenario: a simulated org, a config folder and a
// unique system name (the keyring is shared by every test in the session).
type e2e struct {
	t       *testing.T
	ctl     string
	player  string
	dir     string
	org     *sfsim.Org
	port    int
	system  string
	browser string // browserplayer log
}

func newE2E(t *testing.T, opts sfsim.Options) *e2e {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("the end-to-end tests use the real OS keyring: run them under .ci/test-env, e.g. .ci/test-env go test ./cmd/connectorctl/")
	}
	ctl, player := binaries(t)
	org, port := startOrg(t, opts)
	rb := make([]byte, 4)
	_, _ = rand.Read(rb)
	e := &e2e{t: t, ctl: ctl, player: player, dir: t.TempDir(), org: org, port: port, system: "E2E" + hex.EncodeToString(rb)}
	e.browser = filepath.Join(e.dir, "browserplayer.log")
	t.Cleanup(func() {
		kr := tokenstore.NewKeyring("")
		if reg, err := connector.OpenRegistry(e.dir); err == nil {
			cs, _ := reg.List()
			for _, c := range cs {
				_ = kr.Delete(c.TokenKey())
			}
		}
		if t.Failed() {
			if b, err := os.ReadFile(e.browser); err == nil {
				t.Logf("browserplayer log:\n%s", b)
			}
		}
	})
	return e
}

func (e *e2e) key(env connector.Environment) string {
	return connector.Key{System: e.system, Environment: env}.String()
}

// env is the subprocess environment: ours (dbus, HOME) with the config
// folder and the browser set.
func (e *e2e) env(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, connector.ConfigDirEnv+"=") || strings.HasPrefix(kv, "BROWSER=") {
			continue
		}
		env = append(env, kv)
	}
	env = append(env,
		connector.ConfigDirEnv+"="+e.dir,
		"BROWSER="+e.player,
		"BROWSERPLAYER_WAIT=1",
		"BROWSERPLAYER_LOG="+e.browser,
		"SFSIM_USERNAME="+e.org.Username(),
		"SFSIM_PASSWORD="+e.org.Password(),
		"LANG=en_US.UTF-8",
	)
	return append(env, extra...)
}

func (e *e2e) command(ctx context.Context, extraEnv []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, e.ctl, args...)
	cmd.Env = e.env(extraEnv...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// run runs connectorctl to completion.
func (e *e2e) run(extraEnv []string, args ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := e.command(ctx, extraEnv, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		require.ErrorAs(e.t, err, &ee, "run connectorctl %v: %s", args, errOut.String())
		code = ee.ExitCode()
	}
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// authorize runs `authorize KEY --json` with the browserplayer as $BROWSER.
func (e *e2e) authorize(key string, extraEnv []string, extra ...string) result {
	e.t.Helper()
	args := append([]string{"authorize", key, "--login-url", e.org.LoginURL(), "--callback-port", strconv.Itoa(e.port), "--timeout", "90s", "--json"}, extra...)
	return e.run(extraEnv, args...)
}

// authorizeNoBrowser runs `authorize KEY --no-browser --json`, reads the
// URL it prints, plays the user over HTTP (sfsim.PlayUser) and follows the
// redirect to the loopback callback, as a browser on the machine would.
func (e *e2e) authorizeNoBrowser(key string, allow bool, extra ...string) result {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"authorize", key, "--login-url", e.org.LoginURL(), "--callback-port", strconv.Itoa(e.port), "--no-browser", "--timeout", "60s", "--json"}, extra...)
	cmd := e.command(ctx, []string{"BROWSER=/bin/false"}, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	require.NoError(e.t, cmd.Start())
	var errOut bytes.Buffer
	urls := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			errOut.WriteString(line + "\n")
			if s := strings.TrimSpace(line); strings.HasPrefix(s, "http") && strings.Contains(s, "/services/oauth2/authorize") {
				urls <- s
			}
		}
	}()
	var authURL string
	select {
	case authURL = <-urls:
	case <-ctx.Done():
		e.t.Fatal("connectorctl printed no authorize URL")
	}
	loc, err := e.org.PlayUser(ctx, authURL, allow)
	require.NoError(e.t, err)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc, nil)
	require.NoError(e.t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err, "the loopback callback answers")
	_ = resp.Body.Close()
	werr := cmd.Wait()
	_ = pw.Close()
	<-scanned
	code := 0
	if werr != nil {
		var ee *exec.ExitError
		require.ErrorAs(e.t, werr, &ee)
		code = ee.ExitCode()
	}
	assert.NotContains(e.t, out.String()+errOut.String(), "/bin/false", "--no-browser never runs the browser")
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// requestsSince returns the org's requests after the first n.
func requestsSince(org *sfsim.Org, n int) []sfsim.RequestLog {
	all := org.Requests()
	if n > len(all) {
		return nil
	}
	return all[n:]
}

func countReq(reqs []sfsim.RequestLog, host, method, pathPart string) int {
	n := 0
	for _, r := range reqs {
		if r.Host == host && r.Method == method && strings.Contains(r.Path, pathPart) {
			n++
		}
	}
	return n
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal([]byte(s), &v), "not the JSON expected: %s", s)
	return v
}

func TestE2EMainFlow(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: true, OrgName: "Acme UAT"})
	key := e.key(connector.Sandbox)

	// authorize: the browser (real Chromium) signs in and clicks Allow.
	r := e.authorize(key, nil)
	require.Equal(t, exitOK, r.code, "stdout: %s\nstderr: %s", r.stdout, r.stderr)
	assert.Contains(t, r.stderr, e.org.LoginURL()+"/services/oauth2/authorize?", "the URL is always printed")
	aj := decode[authorizeJSON](t, r.stdout)
	require.NotNil(t, aj.Org)
	assert.Equal(t, key, aj.Connector)
	assert.Equal(t, e.org.OrgID(), aj.Org.OrgID)
	assert.Equal(t, "Acme UAT", aj.Org.OrgName)
	assert.Equal(t, e.org.Username(), aj.Org.Username)
	assert.True(t, aj.EnvironmentOK)
	assert.True(t, aj.Permissions.Checked && aj.Permissions.APIEnabled && aj.Permissions.CustomizeApplication)
	assert.Nil(t, aj.Problem)
	assert.Equal(t, 1, countReq(e.org.Requests(), "login", http.MethodPost, "/services/oauth2/token"), "one code exchange")
	// The tokens are in the real keyring, never in the config folder.
	tok, err := tokenstore.NewKeyring("").Load(tokenKeyIn(t, e.dir, key))
	require.NoError(t, err)
	require.NotEmpty(t, tok.RefreshToken)
	assertNoSecretOnDisk(t, e.dir, tok.RefreshToken, tok.AccessToken)

	// list: local and instant.
	r = e.run(nil, "list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Regexp(t, key+`\s+Acme UAT\s+`+e.org.Username(), r.stdout)

	// status: connected, exit 0.
	r = e.run(nil, "status", key, "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	sts := decode[[]statusJSON](t, r.stdout)
	require.Len(t, sts, 1)
	assert.Equal(t, connector.StateConnected, sts[0].State)
	assert.False(t, sts[0].NeedsAttention)
	r = e.run(nil, "status")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, symOK+" Connected to Acme UAT")

	// publish: created; the org holds exactly the bundle's bytes.
	v1 := writeBundle(t, map[string]string{"index.html": "<h1>v1</h1>", "css/site.css": "h1{}", ".DS_Store": "junk"})
	n := len(e.org.Requests())
	r = e.run(nil, "publish", v1, key)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "Bundle "+v1+": 2 files")
	assert.Contains(t, r.stdout, "skipped: .DS_Store")
	assert.Contains(t, r.stdout, symOK+" "+key+": created WalkMe_Content")
	res := e.org.Resource(connector.DefaultResourceName)
	require.NotNil(t, res)
	assert.Equal(t, bundleBytes(t, v1), res.Body)
	assert.Equal(t, 1, countReq(requestsSince(e.org, n), "instance", http.MethodPost, "StaticResource"))

	// publish again unchanged: already up to date, nothing written.
	n = len(e.org.Requests())
	r = e.run(nil, "publish", v1, key, "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	pj := decode[publishJSON](t, r.stdout)
	require.Len(t, pj.Results, 1)
	assert.Equal(t, service.OutcomeUpToDate, pj.Results[0].Outcome)
	since := requestsSince(e.org, n)
	assert.Zero(t, countReq(since, "instance", http.MethodPost, "StaticResource")+countReq(since, "instance", http.MethodPatch, "StaticResource"))

	// change and publish: updated, with a local backup of v1.
	v2 := writeBundle(t, map[string]string{"index.html": "<h1>v2</h1>", "css/site.css": "h1{}"})
	r = e.run(nil, "publish", v2, key, "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	pj = decode[publishJSON](t, r.stdout)
	require.Len(t, pj.Results, 1)
	assert.Equal(t, service.OutcomeUpdated, pj.Results[0].Outcome)
	require.NotEmpty(t, pj.Results[0].BackupPath)
	assert.FileExists(t, pj.Results[0].BackupPath)
	assert.Equal(t, bundleBytes(t, v2), e.org.Resource(connector.DefaultResourceName).Body)

	// restore: v1 is back.
	r = e.run(nil, "restore", key)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, symOK+" "+key+": restored the version of ")
	assert.Equal(t, bundleBytes(t, v1), e.org.Resource(connector.DefaultResourceName).Body)

	// disconnect: revoked at the org and deleted from the keyring.
	n = len(e.org.Requests())
	r = e.run(nil, "disconnect", key, "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	dj := decode[disconnectJSON](t, r.stdout)
	assert.True(t, dj.Revoked)
	assert.True(t, dj.LocalDeleted)
	assert.Equal(t, 1, countReq(requestsSince(e.org, n), "login", http.MethodPost, "/services/oauth2/revoke"))
	_, err = tokenstore.NewKeyring("").Load(key)
	require.ErrorIs(t, err, tokenstore.ErrNotFound)

	// status now needs attention: exit 1 with the command that fixes it.
	r = e.run(nil, "status", key)
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "connectorctl authorize "+key)
}

// assertNoSecretOnDisk fails if a token appears in any file of dir.
func assertNoSecretOnDisk(t *testing.T, dir string, secrets ...string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if s != "" && bytes.Contains(b, []byte(s)) {
				t.Errorf("%s contains a token", p)
			}
		}
		return nil
	})
	require.NoError(t, err)
}

func TestE2EDeniedConsent(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: true})
	key := e.key(connector.Sandbox)
	r := e.authorize(key, []string{"BROWSERPLAYER_DENY=1"})
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	je := decode[jsonError](t, lastLine(r.stderr))
	assert.Equal(t, connector.CodeAccessDenied, je.Code)
	assert.NotEmpty(t, je.Fix)
	assert.Empty(t, r.stdout)
	assert.Zero(t, countReq(e.org.Requests(), "login", http.MethodPost, "/services/oauth2/token"), "no code to exchange")
	_, err := tokenstore.NewKeyring("").Load(key)
	require.ErrorIs(t, err, tokenstore.ErrNotFound)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestE2EPermissionMissing(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: true})
	e.org.SetCustomizeApplication(false)
	key := e.key(connector.Sandbox)
	r := e.authorizeNoBrowser(key, true)
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	aj := decode[authorizeJSON](t, r.stdout)
	require.NotNil(t, aj.Problem, r.stdout)
	assert.Equal(t, connector.CodePermissionMissing, aj.Problem.Code)
	assert.True(t, aj.Permissions.APIEnabled)
	assert.False(t, aj.Permissions.CustomizeApplication)

	r = e.run(nil, "status", key)
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stdout, "Customize Application "+symFail)

	// Given the admin grants it, status recovers.
	e.org.SetCustomizeApplication(true)
	r = e.run(nil, "status", key)
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
}

func TestE2EAPIDisabled(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: true})
	e.org.SetAPIEnabled(false)
	key := e.key(connector.Sandbox)
	r := e.authorizeNoBrowser(key, true)
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout+r.stderr, connector.CodeAPIDisabled)

	r = e.run(nil, "list", "--json")
	t.Logf("after authorize with the API disabled: %s", r.stdout)

	bundle := writeBundle(t, map[string]string{"index.html": "x"})
	r = e.run(nil, "publish", bundle, key, "--yes", "--json")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	pj := decode[publishJSON](t, r.stdout)
	require.Len(t, pj.Results, 1)
	assert.Contains(t, []string{connector.CodeAPIDisabled, connector.CodeNotAuthorized}, pj.Results[0].ErrorCode)
	assert.Nil(t, e.org.Resource(connector.DefaultResourceName))
}

func TestE2EBadBundle(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: true})
	key := e.key(connector.Sandbox)
	r := e.authorizeNoBrowser(key, true)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	notZip := filepath.Join(t.TempDir(), "content.zip")
	require.NoError(t, os.WriteFile(notZip, []byte("PK not really"), 0o600))
	n := len(e.org.Requests())
	r = e.run(nil, "publish", notZip, key)
	assert.Equal(t, exitFailure, r.code)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	require.Len(t, lines, 2, "one sentence and its fix: %q", r.stderr)
	assert.Contains(t, lines[0], "cannot be published")
	assert.Empty(t, requestsSince(e.org, n), "a bad bundle never reaches the org")
}

func TestE2EWrongEnvironment(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: false}) // a production org
	key := e.key(connector.Sandbox)
	r := e.authorizeNoBrowser(key, true)
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, connector.CodeEnvMismatch)
	_, err := tokenstore.NewKeyring("").Load(key)
	require.ErrorIs(t, err, tokenstore.ErrNotFound, "a refused org leaves no tokens")

	// Allowed explicitly, it is accepted and said.
	r = e.authorizeNoBrowser(key, true, "--allow-environment-mismatch")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	aj := decode[authorizeJSON](t, r.stdout)
	assert.False(t, aj.EnvironmentOK)
	// A production org in the sandbox slot still needs --yes to publish.
	bundle := writeBundle(t, map[string]string{"index.html": "x"})
	r = e.run(nil, "publish", bundle, key)
	assert.Equal(t, exitUsage, r.code, r.stdout+r.stderr)
	assert.Nil(t, e.org.Resource(connector.DefaultResourceName))
	r = e.run(nil, "publish", bundle, key, "--yes")
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.NotNil(t, e.org.Resource(connector.DefaultResourceName))
}

func TestE2EExpiredAndRevokedTokens(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: true})
	key := e.key(connector.Sandbox)
	r := e.authorizeNoBrowser(key, true)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	bundle := writeBundle(t, map[string]string{"index.html": "x"})

	// Expired session: refreshed once, the publish goes through.
	e.org.ExpireSessions()
	n := len(e.org.Requests())
	r = e.run(nil, "publish", bundle, key)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Equal(t, 1, countReq(requestsSince(e.org, n), "login", http.MethodPost, "/services/oauth2/token"), "one refresh")
	assert.NotNil(t, e.org.Resource(connector.DefaultResourceName))
	r = e.run(nil, "status", key)
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)

	// Revoked refresh token: needs reauthorization, status exits 1 and says how.
	e.org.RevokeRefreshTokens()
	e.org.ExpireSessions()
	r = e.run(nil, "status", key, "--json")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	sts := decode[[]statusJSON](t, r.stdout)
	require.Len(t, sts, 1)
	assert.Equal(t, connector.StateNeedsReauth, sts[0].State)
	assert.Equal(t, []string{"connectorctl authorize " + key}, sts[0].NextSteps)
	r = e.run(nil, "publish", bundle, key, "--force", "--json")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	pj := decode[publishJSON](t, r.stdout)
	require.Len(t, pj.Results, 1)
	assert.Equal(t, connector.CodeNeedsReauth, pj.Results[0].ErrorCode)
	r = e.run(nil, "list")
	assert.Contains(t, r.stdout, "needs_reauth")

	// Authorizing again fixes it.
	r = e.authorizeNoBrowser(key, true)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	r = e.run(nil, "status", key)
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
}

func TestE2EDemoOrg(t *testing.T) {
	ctl, _ := binaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ctl, "demo-org")
	cmd.WaitDelay = 5 * time.Second
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stdout)
	require.True(t, sc.Scan(), "a first line")
	loginURL := sc.Text()
	assert.Regexp(t, `^http://localhost:\d+$`, loginURL)
	var rest []string
	for sc.Scan() {
		rest = append(rest, sc.Text())
		if strings.HasPrefix(sc.Text(), "Press Ctrl+C") {
			break
		}
	}
	text := strings.Join(rest, "\n")
	assert.Contains(t, text, "admin@demo.example")
	assert.Contains(t, text, "demo-password")
	assert.Contains(t, text, "connectorctl authorize Demo/Sandbox --login-url "+loginURL)

	// The org answers on that URL.
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loginURL+"/.well-known/openid-configuration", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	_, _ = io.Copy(io.Discard, stdout)
	require.NoError(t, cmd.Wait(), errOut.String())
	assert.Contains(t, errOut.String(), "Demo org stopped.")
}

func TestE2ESandboxRefreshed(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: true})
	key := e.key(connector.Sandbox)
	r := e.authorizeNoBrowser(key, true)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	oldID := e.org.OrgID()

	// Given the sandbox was refreshed: a new org ID, every old token dead.
	e.org.RefreshSandbox()
	r = e.run(nil, "status", key, "--json")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	sts := decode[[]statusJSON](t, r.stdout)
	require.Len(t, sts, 1)
	assert.Contains(t, []connector.State{connector.StateNeedsReauth, connector.StateSandboxRefreshed}, sts[0].State)
	assert.Equal(t, []string{"connectorctl authorize " + key}, sts[0].NextSteps)

	// Authorizing again says the org changed.
	r = e.authorizeNoBrowser(key, true)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	aj := decode[authorizeJSON](t, r.stdout)
	assert.True(t, aj.OrgChanged)
	assert.Equal(t, oldID, aj.PreviousOrgID)
	assert.Equal(t, e.org.OrgID(), aj.Org.OrgID)
}

// startAuthorize starts `authorize --no-browser` and returns the running
// command once it printed the authorize URL, with its stderr so far.
func (e *e2e) startAuthorize(ctx context.Context, key string, extra ...string) (*exec.Cmd, *bytes.Buffer, func() string) {
	e.t.Helper()
	args := append([]string{"authorize", key, "--login-url", e.org.LoginURL(), "--callback-port", strconv.Itoa(e.port), "--no-browser"}, extra...)
	cmd := e.command(ctx, nil, args...)
	var out bytes.Buffer
	cmd.Stdout = &out
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	require.NoError(e.t, cmd.Start())
	var mu sync.Mutex
	var errOut strings.Builder
	seen := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			errOut.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), "Waiting for the redirect") {
				once.Do(func() { close(seen) })
			}
		}
	}()
	select {
	case <-seen:
	case <-ctx.Done():
		e.t.Fatal("authorize never started waiting")
	}
	stderr := func() string {
		_ = pw.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		return errOut.String()
	}
	return cmd, &out, stderr
}

func TestE2EAuthorizeInterruptedAndTimeout(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: true})
	key := e.key(connector.Sandbox)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Ctrl+C while waiting for the browser: canceled, exit 1, port released.
	cmd, _, stderr := e.startAuthorize(ctx, key, "--json")
	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	err := cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, exitFailure, ee.ExitCode())
	je := decode[jsonError](t, lastLine(stderr()))
	assert.Equal(t, connector.CodeCanceled, je.Code)

	// The callback port is free again: a short timeout ends the same way.
	cmd, _, stderr = e.startAuthorize(ctx, key, "--timeout", "300ms")
	err = cmd.Wait()
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, exitFailure, ee.ExitCode())
	msg := stderr()
	assert.NotContains(t, msg, "port", "the port was released by the interrupted run: %s", msg)
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	require.GreaterOrEqual(t, len(lines), 2)
	assert.Contains(t, strings.Join(lines[len(lines)-2:], " "), "in time")
	_, err = tokenstore.NewKeyring("").Load(key)
	require.ErrorIs(t, err, tokenstore.ErrNotFound)
}

func TestE2EOrgUnreachableAndRevokeFails(t *testing.T) {
	e := newE2E(t, sfsim.Options{Sandbox: true})
	key := e.key(connector.Sandbox)
	r := e.authorizeNoBrowser(key, true)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)

	// Given the org cannot be reached any more.
	require.NoError(t, e.org.Close())
	r = e.run(nil, "status", key, "--json")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	sts := decode[[]statusJSON](t, r.stdout)
	require.Len(t, sts, 1)
	assert.Equal(t, connector.StateUnreachable, sts[0].State)
	assert.Contains(t, sts[0].NextSteps, "connectorctl doctor")

	// disconnect says honestly that the revoke failed, and still deletes locally.
	r = e.run(nil, "disconnect", key)
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, symFail+" The app could not reach Salesforce to revoke the authorization")
	assert.Contains(t, r.stdout, symOK+" Deleted the tokens from this computer.")
	assert.Contains(t, r.stdout, "  "+symNext+" ", "the manual fix is named")
	_, err := tokenstore.NewKeyring("").Load(key)
	require.ErrorIs(t, err, tokenstore.ErrNotFound)

	r = e.run(nil, "disconnect", key, "--json")
	assert.Equal(t, exitOK, r.code, "nothing left to revoke: %s", r.stdout+r.stderr)
	dj := decode[disconnectJSON](t, r.stdout)
	assert.False(t, dj.Revoked)
	assert.Nil(t, dj.Problem)
}
