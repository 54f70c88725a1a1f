package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/packaging"
)

func TestUsageErrorsExit2(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"unknown command", []string{"frobnicate"}, `Unknown command "frobnicate"`},
		{"unknown flag", []string{"list", "--bogus"}, "Unknown flag: --bogus"},
		{"list takes no arguments", []string{"list", "extra"}, "List takes no arguments"},
		{"authorize needs a connector", []string{"authorize"}, "Authorize takes one connector"},
		{"authorize takes one connector", []string{"authorize", "A/Sandbox", "B/Sandbox"}, "Authorize takes one connector"},
		{"not SYSTEM/ENV", []string{"authorize", "Lightning"}, `"Lightning" is not a connector`},
		{"unknown environment", []string{"status", "Lightning/Sta ging"}, `Unknown environment "Sta ging"`},
		{"empty system", []string{"disconnect", "/Sandbox"}, "is not a connector"},
		{"port out of range", []string{"authorize", "A/Sandbox", "--callback-port", "70000"}, "The callback port 70000 is out of range"},
		{"port not a number", []string{"authorize", "A/Sandbox", "--callback-port", "abc"}, "Invalid argument"},
		{"bad timeout", []string{"authorize", "A/Sandbox", "--timeout", "soon"}, "Invalid argument"},
		{"negative timeout", []string{"authorize", "A/Sandbox", "--timeout", "-1s"}, "--timeout must be longer than zero, got -1s."},
		{"publish needs a target", []string{"publish", "content.zip"}, "Publish takes a bundle and at least one connector"},
		{"publish bad target", []string{"publish", "content.zip", "Lightning"}, `"Lightning" is not a connector`},
		{"bad resource name", []string{"publish", "content.zip", "A/Sandbox", "--resource", "my content"}, "is not a valid static resource name"},
		{"restore bad resource name", []string{"restore", "A/Sandbox", "--resource", "_x"}, "is not a valid static resource name"},
		{"doctor takes no arguments", []string{"doctor", "now"}, "Doctor takes no arguments"},
		{"completion unknown shell", []string{"completion", "tcsh"}, `Unknown command "tcsh"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			r := c.run(tt.args...)
			assert.Equal(t, exitUsage, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tt.wantErr)
			assert.Empty(t, r.stdout)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			require.Len(t, lines, 2, "one sentence and the fix: %q", r.stderr)

			// With --json the same error is one JSON object.
			rj := c.run(append(tt.args, "--json")...)
			assert.Equal(t, exitUsage, rj.code)
			m := jsonKeys(t, []byte(rj.stderr))
			requireKeys(t, m, "error", "code", "fix")
			assert.JSONEq(t, `"usage"`, string(m["code"]))
		})
	}
}

func TestUsageErrorsFixSuggestsValidName(t *testing.T) {
	c := newCLI(t)
	r := c.run("publish", "content.zip", "A/Sandbox", "--resource", "my content", "--json")
	require.Equal(t, exitUsage, r.code)
	var e jsonError
	require.NoError(t, json.Unmarshal([]byte(r.stderr), &e))
	assert.Equal(t, "usage", e.Code)
	assert.Contains(t, e.Fix, "my_content")
}

func TestHelpAndCompletion(t *testing.T) {
	c := newCLI(t)
	r := c.run("--help")
	require.Equal(t, exitOK, r.code)
	for _, cmd := range []string{"authorize", "list", "status", "publish", "restore", "disconnect", "doctor", "diagnostics", "demo-org", "completion"} {
		assert.Contains(t, r.stdout, "  "+cmd+" ", "help lists %s", cmd)
	}
	r = c.run("publish", "-h")
	require.Equal(t, exitOK, r.code)
	for _, fl := range []string{"--resource", "--dry-run", "--force", "--yes", "--json", "--config-dir"} {
		assert.Contains(t, r.stdout, fl)
	}
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := c.run("completion", shell)
		assert.Equal(t, exitOK, r.code, shell)
		assert.Contains(t, r.stdout, "connectorctl", shell)
	}
}

func TestCompletionOfConnectorKeys(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Lightning/Sandbox", nil, nil)
	c.addConnector("Lightning/Production", nil, nil)
	c.addConnector("Classic/Test", nil, nil)
	r := c.run("__complete", "status", "Li")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Lightning/Production\n")
	assert.Contains(t, r.stdout, "Lightning/Sandbox\n")
	assert.NotContains(t, r.stdout, "Classic/Test")
	// publish completes files first, then connectors.
	r = c.run("__complete", "publish", "content.zip", "cl")
	assert.Contains(t, r.stdout, "Classic/Test\n")
}

func sampleOrg(name string, sandbox bool) *connector.OrgInfo {
	return &connector.OrgInfo{
		OrgID: "00D000000000001AAA", OrgName: name, InstanceURL: "https://acme.my.salesforce.com",
		Username: "admin@acme.example", UserID: "005000000000001AAA", IsSandbox: sandbox,
		AuthorizedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
	}
}

func TestListEmpty(t *testing.T) {
	c := newCLI(t)
	r := c.run("list")
	assert.Equal(t, exitOK, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "No connectors yet.")
	assert.Contains(t, r.stderr, "connectorctl authorize")

	r = c.run("list", "--json")
	assert.Equal(t, exitOK, r.code)
	assert.JSONEq(t, `[]`, r.stdout)
}

func TestListTableAndJSON(t *testing.T) {
	c := newCLI(t)
	check := c.now.Add(-5 * time.Minute)
	c.addConnector("Lightning/Sandbox", sampleOrg("Acme UAT", true), func(cn *connector.Connector) {
		cn.LastState = connector.StateConnected
		cn.LastCheck = &check
		cn.LastPublish = &connector.PublishRecord{At: c.now.Add(-2 * time.Hour), Resource: "WalkMe_Content", ResourceID: "081000000000001AAA", Fingerprint: "sha256:ab", Size: 10}
	})
	c.addConnector("Lightning/Production", sampleOrg("Acme", false), func(cn *connector.Connector) {
		cn.NeedsReauth = true
	})
	c.addConnector("Classic/Test", nil, nil)

	// Given a non-terminal stdout, times are RFC 3339 for scripts.
	r := c.run("list")
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	require.Len(t, lines, 4)
	assert.Regexp(t, `^CONNECTOR\s+ORG\s+USER\s+LAST STATE\s+LAST CHECK\s+LAST PUBLISH$`, lines[0])
	assert.Regexp(t, `^Classic/Test\s+-\s+-\s+not_authorized\s+-\s+-$`, lines[1])
	assert.Regexp(t, `^Lightning/Production\s+Acme\s+admin@acme.example\s+needs_reauth\s+-\s+-$`, lines[2])
	assert.Regexp(t, `^Lightning/Sandbox\s+Acme UAT\s+admin@acme.example\s+connected\s+2026-11-24T11:55:00Z\s+2026-11-24T10:00:00Z$`, lines[3])

	// On a terminal, relative times.
	c.outTTY = true
	r = c.run("list")
	assert.Contains(t, r.stdout, "5m ago")
	assert.Contains(t, r.stdout, "2h ago")

	r = c.run("list", "--json")
	require.Equal(t, exitOK, r.code)
	var items []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &items))
	require.Len(t, items, 3)
	for _, it := range items {
		requireKeys(t, it, "connector", "system", "environment", "loginUrl", "clientId", "resourceName", "org", "needsReauth", "lastState", "lastCheck", "lastPublish")
	}
	assert.JSONEq(t, `"Lightning/Sandbox"`, string(items[2]["connector"]))
	assert.JSONEq(t, `"sandbox"`, string(items[2]["environment"]))
	assert.JSONEq(t, `"WalkMe_Content"`, string(items[2]["resourceName"]))
	assert.JSONEq(t, `"PlatformCLI"`, string(items[2]["clientId"]))
	org := jsonKeys(t, items[2]["org"])
	requireKeys(t, org, "orgId", "orgName", "instanceUrl", "username", "userId", "isSandbox", "authorizedAt")
	pub := jsonKeys(t, items[2]["lastPublish"])
	requireKeys(t, pub, "at", "resource", "resourceId", "fingerprint", "size")
	assert.JSONEq(t, `null`, string(items[0]["org"]))
}

// failingStore fails the test if the keyring is touched.
type failingStore struct{ t *testing.T }

func (s failingStore) Load(string) (*tokenstore.Tokens, error) {
	s.t.Error("list touched the keyring")
	return nil, errors.New("no")
}

func (s failingStore) Save(string, *tokenstore.Tokens) error {
	s.t.Error("list touched the keyring")
	return errors.New("no")
}

func (s failingStore) Delete(string) error {
	s.t.Error("list touched the keyring")
	return errors.New("no")
}
func (s failingStore) DeleteAll() error {
	s.t.Error("list touched the keyring")
	return errors.New("no")
}
func (s failingStore) Backend() string { return "failing" }

func TestListNeverTouchesKeyring(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Lightning/Sandbox", sampleOrg("Acme UAT", true), nil)
	c.tokens = failingStore{t}
	r := c.run("list")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stdout, "Lightning/Sandbox")
}

func TestConfigDirFlagAndEnv(t *testing.T) {
	c := newCLI(t)
	other := t.TempDir()
	reg, err := connector.OpenRegistry(other)
	require.NoError(t, err)
	_, err = reg.Upsert(connector.Key{System: "Elsewhere", Environment: connector.Test}, nil)
	require.NoError(t, err)

	r := c.run("list", "--config-dir", other)
	assert.Contains(t, r.stdout, "Elsewhere/Test")
	c.env[connector.ConfigDirEnv] = other
	r = c.run("list")
	assert.Contains(t, r.stdout, "Elsewhere/Test")
	// The flag wins over the environment.
	r = c.run("list", "--config-dir", c.dir)
	assert.NotContains(t, r.stdout, "Elsewhere/Test")
}

func TestProblemErrorsArePlainOrJSON(t *testing.T) {
	c := newCLI(t)
	r := c.run("status", "Nope/Sandbox")
	assert.Equal(t, exitFailure, r.code)
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	require.Len(t, lines, 2, r.stderr)
	assert.Contains(t, lines[0], "Nope/Sandbox")

	r = c.run("status", "Nope/Sandbox", "--json")
	assert.Equal(t, exitFailure, r.code)
	assert.Empty(t, r.stdout)
	var e jsonError
	require.NoError(t, json.Unmarshal([]byte(r.stderr), &e), r.stderr)
	assert.Equal(t, connector.CodeNotFound, e.Code)
	assert.NotEmpty(t, e.Error)
	assert.NotEmpty(t, e.Fix)

	// The failure is kept (code and sentence) for diagnostics.
	b, err := os.ReadFile(filepath.Join(c.dir, errorLogName))
	require.NoError(t, err)
	assert.Contains(t, string(b), "connectorctl status ["+connector.CodeNotFound+"]")
}

func TestPublishRefusesBadBundles(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Lightning/Sandbox", sampleOrg("Acme UAT", true), nil)
	notZip := filepath.Join(t.TempDir(), "content.zip")
	require.NoError(t, os.WriteFile(notZip, []byte("this is not a zip"), 0o600))
	emptyDir := t.TempDir()
	tests := []struct {
		name, path, want string
	}{
		{"missing", filepath.Join(t.TempDir(), "nope.zip"), "does not exist"},
		{"not a zip", notZip, "cannot be published"},
		{"empty folder", emptyDir, "cannot be published"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.run("publish", tt.path, "Lightning/Sandbox", "--json")
			assert.Equal(t, exitFailure, r.code)
			var e jsonError
			require.NoError(t, json.Unmarshal([]byte(r.stderr), &e), r.stderr)
			assert.Equal(t, connector.CodeInvalidBundle, e.Code)
			assert.Contains(t, e.Error, tt.want)
			assert.NotEmpty(t, e.Fix)
		})
	}
}

// writeBundle writes a content folder with the given files.
func writeBundle(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	}
	return dir
}

func TestPublishProductionNeedsConfirmation(t *testing.T) {
	bundle := writeBundle(t, map[string]string{"index.html": "<p>hi</p>", "app.js": "console.log(1)"})
	t.Run("no terminal and no --yes is a usage error before anything is sent", func(t *testing.T) {
		c := newCLI(t)
		c.addConnector("Lightning/Production", sampleOrg("Acme", false), nil)
		c.addConnector("Lightning/Sandbox", sampleOrg("Acme UAT", true), nil)
		r := c.run("publish", bundle, "Lightning/Sandbox", "Lightning/Production", "--json")
		assert.Equal(t, exitUsage, r.code)
		var e jsonError
		require.NoError(t, json.Unmarshal([]byte(r.stderr), &e), r.stderr)
		assert.Equal(t, connector.CodeProductionNotConfirmed, e.Code)
		assert.Contains(t, e.Fix, "--yes")
	})
	t.Run("a production org in a sandbox slot counts as production", func(t *testing.T) {
		c := newCLI(t)
		c.addConnector("Lightning/Sandbox", sampleOrg("Acme", false), func(cn *connector.Connector) { cn.AllowEnvironmentMismatch = true })
		r := c.run("publish", bundle, "Lightning/Sandbox")
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, "--yes")
	})
	t.Run("terminal answer that is not the org name cancels", func(t *testing.T) {
		c := newCLI(t)
		c.addConnector("Lightning/Production", sampleOrg("Acme", false), nil)
		c.inTTY = true
		c.in = strings.NewReader("Acme UAT\n")
		r := c.run("publish", bundle, "Lightning/Production")
		assert.Equal(t, exitFailure, r.code)
		assert.Contains(t, r.stderr, `the PRODUCTION org "Acme"`)
		assert.Contains(t, r.stderr, "Type the org name (Acme)")
		assert.Contains(t, r.stderr, "Nothing was written")
	})
	t.Run("dry run needs no confirmation", func(t *testing.T) {
		c := newCLI(t)
		c.addConnector("Lightning/Production", sampleOrg("Acme", false), nil)
		r := c.run("publish", bundle, "Lightning/Production", "--dry-run", "--json")
		assert.NotContains(t, r.stderr, connector.CodeProductionNotConfirmed)
		assert.NotEqual(t, exitUsage, r.code)
	})
}

func TestPublishUnknownTargetFailsBeforeSending(t *testing.T) {
	c := newCLI(t)
	bundle := writeBundle(t, map[string]string{"index.html": "x"})
	c.addConnector("Lightning/Sandbox", sampleOrg("Acme UAT", true), nil)
	r := c.run("publish", bundle, "Lightning/Sandbox", "Ghost/Sandbox")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "Ghost/Sandbox")
}

func TestDoctorReportsChecks(t *testing.T) {
	c := newCLI(t)
	r := c.run("doctor", "--json")
	var d struct {
		OK     bool                         `json:"ok"`
		Checks []map[string]json.RawMessage `json:"checks"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &d), r.stdout+r.stderr)
	allOK := true
	for _, ch := range d.Checks {
		requireKeys(t, ch, "name", "ok", "detail")
		var ok bool
		require.NoError(t, json.Unmarshal(ch["ok"], &ok))
		allOK = allOK && ok
	}
	assert.Equal(t, allOK, d.OK)
	if allOK {
		assert.Equal(t, exitOK, r.code)
	} else {
		assert.Equal(t, exitFailure, r.code)
	}

	r2 := c.run("doctor")
	assert.Equal(t, r.code, r2.code)
	marked := 0
	for _, l := range strings.Split(r2.stdout, "\n") {
		if strings.HasPrefix(l, symOK+" ") || strings.HasPrefix(l, symFail+" ") {
			marked++
		}
	}
	assert.Equal(t, len(d.Checks), marked, r2.stdout)
	assert.Equal(t, allOK, strings.Contains(r2.stdout, "All checks passed."))
}

func TestDiagnosticsRedacts(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Lightning/Sandbox", sampleOrg("Acme UAT", true), nil)
	require.NoError(t, c.tokens.Save("Lightning/Sandbox", &tokenstore.Tokens{AccessToken: "00Dsecret!ACCESS", RefreshToken: "5Aep-REFRESH-secret"}))
	c.env["HTTPS_PROXY"] = "http://alice:hunter2@proxy.corp:8080"
	c.env["NO_PROXY"] = "localhost,.corp"
	c.env["BROWSER"] = "wslview"

	r := c.run("diagnostics")
	require.Equal(t, exitOK, r.code, r.stderr)
	for _, secret := range []string{"hunter2", "alice", "00Dsecret!ACCESS", "5Aep-REFRESH-secret"} {
		assert.NotContains(t, r.stdout, secret)
	}
	assert.Contains(t, r.stdout, "HTTPS_PROXY=http://REDACTED@proxy.corp:8080")
	assert.Contains(t, r.stdout, "NO_PROXY=localhost,.corp")
	assert.Contains(t, r.stdout, "BROWSER=wslview")
	assert.Contains(t, r.stdout, "config folder: "+c.dir)

	r = c.run("diagnostics", "--json")
	require.Equal(t, exitOK, r.code)
	m := jsonKeys(t, []byte(r.stdout))
	requireKeys(t, m, "version", "goVersion", "os", "arch", "configDir", "environment", "report")
	assert.NotContains(t, r.stdout, "hunter2")
	assert.NotContains(t, r.stdout, "REFRESH-secret")
}

func TestRedactEnv(t *testing.T) {
	tests := []struct{ key, in, want string }{
		{"HTTPS_PROXY", "http://u:p@h:1", "http://REDACTED@h:1"},
		{"http_proxy", "u:p@h:1", "REDACTED@h:1"},
		{"HTTPS_PROXY", "http://h:1", "http://h:1"},
		{"NO_PROXY", "a@b", "a@b"},
		{"DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/bus,guid=abc", "unix:path=/run/bus,guid=REDACTED"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, redactEnv(tt.key, tt.in), fmt.Sprintf("%s=%s", tt.key, tt.in))
	}
}

func TestSentenceAndSplitFix(t *testing.T) {
	assert.Equal(t, "Hello.", sentence("hello"))
	assert.Equal(t, "Done!", sentence("done!"))
	assert.Empty(t, sentence("  "))
	_, err := connector.ParseKey("Lightning/Sta ging")
	msg, fix := splitFix(err)
	assert.Equal(t, `Unknown environment "Sta ging".`, msg)
	assert.Equal(t, "Use production, sandbox, test, or a name of letters and digits with its org kind, e.g. UAT:sandbox.", fix)
}

func TestHumanBytesAndAgo(t *testing.T) {
	assert.Equal(t, "512 B", packaging.HumanSize(512))
	assert.Equal(t, "1.5 KB", packaging.HumanSize(1536))
	assert.Equal(t, "5 MB", packaging.HumanSize(5*1024*1024))
	assert.Equal(t, "just now", ago(10*time.Second))
	assert.Equal(t, "3m ago", ago(3*time.Minute))
	assert.Equal(t, "2d ago", ago(50*time.Hour))
}

func TestIsTerminal(t *testing.T) {
	devNull, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer devNull.Close()
	assert.False(t, isTerminal(devNull), "/dev/null is a character device, not a terminal")
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.False(t, isTerminal(r))
	assert.False(t, isTerminal(w))
}

func TestInvalidLoginURLIsAUsageError(t *testing.T) {
	c := newCLI(t)
	r := c.run("authorize", "Lightning/Sandbox", "--login-url", "ftp://nope example", "--no-browser", "--json")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	var e jsonError
	require.NoError(t, json.Unmarshal([]byte(r.stderr), &e), r.stderr)
	assert.Equal(t, connector.CodeInvalidLoginURL, e.Code)
	assert.NotEmpty(t, e.Fix)
}

func TestRestoreWithoutBackupIsRefused(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Lightning/Production", sampleOrg("Acme", false), nil)
	// No backup: refused with a plain message before any prompt, even with --yes.
	for _, args := range [][]string{{"restore", "lightning/PRODUCTION"}, {"restore", "Lightning/Production", "--yes"}} {
		r := c.run(args...)
		assert.Equal(t, exitFailure, r.code, r.stderr)
		assert.Contains(t, r.stderr, "There is no local backup of WalkMe_Content for Lightning/Production: nothing to restore, nothing was written.")
		assert.NotContains(t, r.stderr, "production connector")
	}
}
