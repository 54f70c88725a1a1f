package main

// Issue 16 #1 and #4, end to end: connectorctl run as a CI job runs it
// (its own process, an empty HOME, a private TMPDIR, the log in the config
// folder) through the error paths of the JWT bearer and client-credentials
// flows. No key, secret or assertion may reach any channel: stdout,
// stderr, --json, the JUnit report, diagnostics (text and --json), the
// log, the files left in the config folder and in the temporary folder.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/sfsim"
)

const (
	scanClientSecret = "5F2B8C1E9D0A4B7C6E3F1A2D8B9C0E4F7A6B5C3D2E1F0A9B8C7D6E5F4A3B2C1D"
	scanWrongSecret  = "9E8D7C6B5A4F3E2D1C0B9A8F7E6D5C4B3A2F1E0D9C8B7A6F5E4D3C2B1A0F9E8D"
	jwtHeaderB64     = "eyJhbGciOiJSUzI1NiJ9" // {"alg":"RS256"}: the start of every assertion
)

// secretScan is the CI job's world: one simulated org, a config folder
// with the log in it, a private temporary folder, reports and backups, and
// every text the runs printed.
type secretScan struct {
	t       *testing.T
	ctl     string
	org     *sfsim.Org
	dir     string
	cfg     string
	tmp     string
	reports string
	backups string
	bundle  string
	outputs []string
	markers []string // what must never appear
}

func newSecretScan(t *testing.T) *secretScan {
	ctl, _ := binaries(t)
	dir := t.TempDir()
	s := &secretScan{t: t, ctl: ctl, dir: dir, cfg: filepath.Join(dir, "config"), tmp: filepath.Join(dir, "tmp"),
		reports: filepath.Join(dir, "reports"), backups: filepath.Join(dir, "backups")}
	for _, d := range []string{s.cfg, s.tmp} {
		require.NoError(t, os.MkdirAll(d, 0o700))
	}
	s.bundle = writeBundle(t, map[string]string{"index.html": "<p>scan</p>"})
	org, err := sfsim.Start(sfsim.Options{Sandbox: true, Username: "ci@acme.example", OrgName: "Acme UAT"})
	require.NoError(t, err)
	t.Cleanup(func() { _ = org.Close() })
	s.org = org
	org.EnableClientCredentials("CCApp", scanClientSecret)
	s.markers = append(s.markers, scanClientSecret, scanClientSecret[:24], scanWrongSecret, scanWrongSecret[:24],
		jwtHeaderB64, "!AQ", "PRIVATE KEY")
	return s
}

// keyMarkers adds every line of a PEM key's body, and each line's quarters,
// to what must never appear.
func (s *secretScan) keyMarkers(pemText []byte) {
	for _, l := range strings.Split(string(pemText), "\n") {
		if l == "" || strings.HasPrefix(l, "-----") {
			continue
		}
		s.markers = append(s.markers, l)
		for i := 0; i+16 <= len(l); i += 16 {
			s.markers = append(s.markers, l[i:i+16])
		}
	}
}

// env is the job's environment plus extra variables.
func (s *secretScan) env(extra ...string) []string {
	return append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=",
		"LANG=C.UTF-8",
		"TMPDIR=" + s.tmp,
		"BROWSER=false",
		"CONNECTORS_LOG_DIR=" + filepath.Join(s.cfg, "logs"),
		connector.ConfigDirEnv + "=" + s.cfg,
	}, extra...)
}

// run runs connectorctl, keeps what it printed and checks its exit code.
func (s *secretScan) run(name string, wantCode int, env []string, args ...string) result {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.ctl, args...)
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		require.ErrorAs(s.t, err, &ee, "%s: %s", name, errOut.String())
		code = ee.ExitCode()
	}
	r := result{code: code, stdout: out.String(), stderr: errOut.String()}
	s.outputs = append(s.outputs, name+"\n"+r.stdout+r.stderr)
	assert.Equal(s.t, wantCode, r.code, "%s: stdout %s\nstderr %s", name, r.stdout, r.stderr)
	return r
}

// scan asserts no marker is in any output or in any file under the job's
// folders (config with its log, temporary, reports, backups).
func (s *secretScan) scan() {
	s.t.Helper()
	check := func(where, text string) {
		for _, m := range s.markers {
			if strings.Contains(text, m) {
				s.t.Errorf("%s holds secret material %q", where, m)
				return
			}
		}
	}
	for _, o := range s.outputs {
		name, _, _ := strings.Cut(o, "\n")
		check("the output of "+name, o)
	}
	files := 0
	for _, root := range []string{s.cfg, s.tmp, s.reports, s.backups} {
		_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return nil //nolint:nilerr // a folder never made holds nothing
			}
			b, rerr := os.ReadFile(p)
			require.NoError(s.t, rerr)
			files++
			check(p, string(b))
			return nil
		})
	}
	assert.Positive(s.t, files)
}

func (s *secretScan) tokenRequests() int {
	n := 0
	for _, q := range s.org.Requests() {
		if q.Path == "/services/oauth2/token" {
			n++
		}
	}
	return n
}

func TestNoKeyOrSecretInAnyOutput(t *testing.T) {
	s := newSecretScan(t)
	keyPEM, certPEM, err := oauth.NewKeyPair("connectors-ci", time.Hour)
	require.NoError(t, err)
	otherKey, _, err := oauth.NewKeyPair("not-uploaded", time.Hour)
	require.NoError(t, err)
	require.NoError(t, s.org.RegisterJWTClient("CIApp", certPEM))
	s.keyMarkers(keyPEM)
	s.keyMarkers(otherKey)
	lines := strings.Split(string(keyPEM), "\n")
	garbled := strings.Replace(string(keyPEM), lines[5], strings.Repeat("A", len(lines[5])), 1)
	keyFile := filepath.Join(s.dir, "ci.key")
	require.NoError(t, os.WriteFile(keyFile, keyPEM, 0o600))
	login, instance := hostPort(s.org.LoginURL()), hostPort(s.org.InstanceURL())
	jwtArgs := []string{"authorize", "Acme/Sandbox", "--jwt", "--client-id", "CIApp", "--username", "ci@acme.example", "--login-url", s.org.LoginURL()}
	ccArgs := []string{"authorize", "Beta/Sandbox", "--client-credentials", "--client-id", "CCApp", "--login-url", s.org.InstanceURL()}
	with := func(base []string, more ...string) []string { return append(append([]string(nil), base...), more...) }
	keyFileEnv := connector.JWTKeyFileEnv + "=" + string(keyPEM)

	// The JWT error paths of authorize.
	r := s.run("key text in CONNECTORS_JWT_KEY_FILE, --json", exitFailure, s.env(keyFileEnv), with(jwtArgs, "--allow-login-host", login, "--json")...)
	assert.Contains(t, r.stderr, "$CONNECTORS_JWT_KEY_FILE holds a PEM private key, not a file path")
	assert.Contains(t, r.stderr, `"code":"jwt_key_missing"`)
	r = s.run("key text in CONNECTORS_JWT_KEY_FILE", exitFailure, s.env(keyFileEnv), with(jwtArgs, "--allow-login-host", login)...)
	assert.Contains(t, r.stderr, "Put the key's PEM text in $CONNECTORS_JWT_KEY instead")
	r = s.run("key text as --jwt-key-file", exitUsage, s.env(), with(jwtArgs, "--jwt-key-file", string(keyPEM), "--allow-login-host", login)...)
	assert.Contains(t, r.stderr, "--jwt-key-file holds a PEM private key, not a file path")
	r = s.run("key text as --jwt-key-file=, --json", exitUsage, s.env(), with(jwtArgs, "--jwt-key-file="+string(keyPEM), "--json")...)
	assert.Contains(t, r.stderr, `"code":"usage"`)
	r = s.run("key text unquoted after --jwt-key-file", exitUsage, s.env(), with(jwtArgs, append([]string{"--jwt-key-file"}, strings.Fields(string(keyPEM))...)...)...)
	assert.Contains(t, r.stderr, "(not shown)")
	r = s.run("key text as another flag's value", exitUsage, s.env(), with(jwtArgs, "--allow-login-host", string(keyPEM))...)
	assert.Contains(t, r.stderr, "--allow-login-host got a PEM private key (not shown)")
	r = s.run("key text as an argument", exitUsage, s.env(), "authorize", string(keyPEM))
	assert.Contains(t, r.stderr, "(not shown)")
	r = s.run("a line of the key as a command", exitUsage, s.env(), lines[3])
	assert.Contains(t, r.stderr, "Unknown command a 64-character value (not shown)")
	alnum := strings.Map(func(r rune) rune {
		if r == '/' || r == '+' || r == '=' {
			return -1
		}
		return r
	}, lines[3])
	r = s.run("a line of the key as an environment", exitUsage, s.env(), "status", "Acme/"+alnum)
	assert.Contains(t, r.stderr, "(not shown)")
	r = s.run("a garbled key in CONNECTORS_JWT_KEY", exitFailure, s.env(connector.JWTKeyEnv+"="+garbled), with(jwtArgs, "--allow-login-host", login)...)
	assert.Contains(t, r.stderr, "The JWT key from $CONNECTORS_JWT_KEY is not a usable RSA private key")
	r = s.run("a key whose certificate is not uploaded", exitFailure, s.env(connector.JWTKeyEnv+"="+string(otherKey)), with(jwtArgs, "--allow-login-host", login, "--json")...)
	assert.Contains(t, r.stderr, connector.CodeInvalidAssertion)
	before := s.tokenRequests()
	r = s.run("a JWT for a host not allowed", exitUsage, s.env(connector.JWTKeyEnv+"="+string(keyPEM)), jwtArgs...)
	assert.Contains(t, r.stderr, "--allow-login-host "+login)
	assert.Equal(t, before, s.tokenRequests(), "no assertion was sent")

	// The client-credentials error paths of authorize.
	r = s.run("a client secret the org refuses", exitFailure, s.env(connector.ClientSecretEnv+"="+scanWrongSecret), with(ccArgs, "--allow-login-host", instance, "--json")...)
	assert.Contains(t, r.stderr, `"code":"invalid_client"`)
	before = s.tokenRequests()
	r = s.run("a client secret for a host not allowed", exitUsage, s.env(connector.ClientSecretEnv+"="+scanClientSecret), ccArgs...)
	assert.Contains(t, r.stderr, "did not send the client secret")
	assert.Equal(t, before, s.tokenRequests(), "no secret was sent")

	// Both authorized, exported: the CI job runs from the file.
	s.run("authorize --jwt", exitOK, s.env(connector.JWTKeyFileEnv+"="+keyFile), with(jwtArgs, "--allow-login-host", login)...)
	s.run("authorize --client-credentials", exitOK, s.env(connector.ClientSecretEnv+"="+scanClientSecret), with(ccArgs, "--allow-login-host", instance)...)
	file := filepath.Join(s.dir, "connectors.json")
	s.run("export", exitOK, s.env(), "export", "--output", file)
	publish := func(report string, more ...string) []string {
		return with([]string{"publish", s.bundle, "--connectors", file, "--all", "--report", filepath.Join(s.reports, report),
			"--backup-dir", s.backups}, more...)
	}
	allow := []string{"--allow-login-host", login, "--allow-login-host", instance}

	r = s.run("publish: key text in CONNECTORS_JWT_KEY_FILE, a refused secret", exitFailure,
		s.env(keyFileEnv, connector.ClientSecretEnv+"="+scanWrongSecret), publish("junit-1.xml", with(allow, "--json")...)...)
	var pj publishJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &pj), r.stdout)
	require.Len(t, pj.Results, 2)
	assert.Equal(t, connector.CodeJWTKey, pj.Results[0].ErrorCode)
	assert.Equal(t, connector.CodeInvalidClient, pj.Results[1].ErrorCode)
	junit, err := os.ReadFile(filepath.Join(s.reports, "junit-1.xml"))
	require.NoError(t, err)
	assert.Contains(t, string(junit), "$CONNECTORS_JWT_KEY_FILE holds a PEM private key")
	s.run("publish: a garbled key", exitFailure, s.env(connector.JWTKeyEnv+"="+garbled, connector.ClientSecretEnv+"="+scanWrongSecret),
		publish("junit-2.xml", allow...)...)
	before = s.tokenRequests()
	r = s.run("publish: hosts not allowed", exitFailure, s.env(connector.JWTKeyEnv+"="+string(keyPEM), connector.ClientSecretEnv+"="+scanClientSecret),
		publish("junit-3.xml", "--json")...)
	assert.Equal(t, 2, strings.Count(r.stdout, connector.CodeLoginHostNotAllowed), r.stdout)
	assert.Equal(t, before, s.tokenRequests(), "nothing was sent")
	s.run("status from the file: key text in CONNECTORS_JWT_KEY_FILE", exitFailure, s.env(keyFileEnv, connector.ClientSecretEnv+"="+scanWrongSecret),
		with([]string{"status", "--connectors", file, "--json"}, allow...)...)
	s.run("status: key text in CONNECTORS_JWT_KEY_FILE", exitFailure, s.env(keyFileEnv), with([]string{"status"}, allow...)...)
	s.run("publish: the happy path", exitOK, s.env(connector.JWTKeyEnv+"="+string(keyPEM), connector.ClientSecretEnv+"="+scanClientSecret),
		publish("junit-4.xml", allow...)...)

	// diagnostics, with the key's text still in the variable, reads the
	// errors recorded above.
	diagEnv := s.env(keyFileEnv, connector.JWTKeyEnv+"="+garbled, connector.ClientSecretEnv+"="+scanClientSecret)
	r = s.run("diagnostics", exitOK, diagEnv, "diagnostics")
	assert.Contains(t, r.stdout, "CONNECTORS_JWT_KEY_FILE=set (a PEM private key, hidden)")
	assert.Contains(t, r.stdout, "holds a PEM private key, not a file path", "the recorded errors are there")
	s.run("diagnostics --json", exitOK, diagEnv, "diagnostics", "--json")
	s.run("diagnostics --connectors", exitOK, diagEnv, "diagnostics", "--connectors", file)

	s.scan()
	left, err := os.ReadDir(s.tmp)
	require.NoError(t, err)
	assert.Empty(t, left, "the runs removed their temporary folders")
}

// The JWT command demo-org prints works as printed: it allows the
// simulated org's host, which is not a Salesforce login host.
func TestE2EDemoOrgJWTInstructionsWork(t *testing.T) {
	ctl, _ := binaries(t)
	dir := t.TempDir()
	keyPEM, certPEM, err := oauth.NewKeyPair("connectors-ci", time.Hour)
	require.NoError(t, err)
	keyFile, certFile := filepath.Join(dir, "ci.key"), filepath.Join(dir, "ci.crt")
	require.NoError(t, os.WriteFile(keyFile, keyPEM, 0o600))
	require.NoError(t, os.WriteFile(certFile, certPEM, 0o600))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	demo := exec.CommandContext(ctx, ctl, "demo-org", "--jwt-cert", certFile)
	demo.WaitDelay = 5 * time.Second
	stdout, err := demo.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, demo.Start())
	t.Cleanup(func() { _ = demo.Process.Kill(); _ = demo.Wait() })
	sc := bufio.NewScanner(stdout)
	var line string
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); strings.Contains(l, " --jwt ") {
			line = l
		}
		if strings.HasPrefix(sc.Text(), "Press Ctrl+C") {
			break
		}
	}
	require.NotEmpty(t, line, "demo-org prints the JWT command")
	assert.Contains(t, line, "--allow-login-host localhost:")
	args := strings.Fields(strings.Replace(line, "--jwt-key-file KEY", "--jwt-key-file "+keyFile, 1))
	require.Equal(t, "connectorctl", args[0])
	cmd := exec.CommandContext(ctx, ctl, args[1:]...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=", connector.ConfigDirEnv + "=" + filepath.Join(dir, "config"),
		"CONNECTORS_LOG_DIR=" + filepath.Join(dir, "logs"), "TMPDIR=" + dir}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "Demo/Sandbox")
}
