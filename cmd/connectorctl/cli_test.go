package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/tokenstore"
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
	assert.Equal(t, "512 B", connector.FormatSize(512, "en"))
	assert.Equal(t, "1.5 KB", connector.FormatSize(1536, "en"))
	assert.Equal(t, "5 MB", connector.FormatSize(5*1024*1024, "en"))
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
