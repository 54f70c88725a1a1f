package main

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/internal/safetext"
)

// hostile is outside text that would recolour a terminal, return the
// cursor to overwrite the line and reverse what follows.
const hostile = "\x1b[31mred\x1b[0m\rfake\u202etxt.exe"

// hostileShown is hostile as it must be shown.
const hostileShown = `\x1b[31mred\x1b[0m\rfake\u202etxt.exe`

// assertPlain fails when s holds a raw control character (newline and tab
// are layout) or invalid UTF-8.
func assertPlain(t *testing.T, s, where string) {
	t.Helper()
	assert.Equal(t, safetext.EscapeLines(s), s, "%s holds raw control characters: %q", where, s)
}

// redirectWithError plays a browser that comes back from Salesforce with an
// OAuth error whose error_description carries control characters.
func redirectWithError(t *testing.T, done chan<- error) func(string) error {
	return func(authorizeURL string) error {
		go func() {
			au, err := url.Parse(authorizeURL)
			if err != nil {
				done <- err
				return
			}
			q := url.Values{"error": {"invalid_client"}, "error_description": {hostile}, "state": {au.Query().Get("state")}}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, au.Query().Get("redirect_uri")+"?"+q.Encode(), nil)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			done <- err
		}()
		return nil
	}
}

// An OAuth error_description with an ANSI sequence, a carriage return and
// a bidi override reaches stderr, the log file and diagnostics escaped.
func TestAuthorizeErrorDescriptionNeverRaw(t *testing.T) {
	logDir := t.TempDir()
	t.Setenv("CONNECTORS_LOG_DIR", logDir)
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	done := make(chan error, 1)
	c.browser = redirectWithError(t, done)
	r := c.run("authorize", "Acme/Sandbox", "--login-url", org.LoginURL(), "--callback-port", strconv.Itoa(port), "--timeout", "20s")
	require.NoError(t, <-done)
	require.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "Salesforce does not accept this app for your user ("+hostileShown+")")
	assertPlain(t, r.stderr, "stderr")

	c.browser = redirectWithError(t, done)
	rj := c.run("authorize", "Acme/Sandbox", "--login-url", org.LoginURL(), "--callback-port", strconv.Itoa(port), "--timeout", "20s", "--json")
	require.NoError(t, <-done)
	require.Equal(t, exitFailure, rj.code, rj.stdout+rj.stderr)
	lines := strings.Split(strings.TrimSpace(rj.stderr), "\n")
	var e jsonError
	require.NoError(t, json.Unmarshal([]byte(lines[len(lines)-1]), &e), rj.stderr)
	assert.Contains(t, e.Error, hostileShown)
	assertPlain(t, rj.stderr, "stderr with --json")

	log, err := os.ReadFile(filepath.Join(logDir, "connectorctl.log"))
	require.NoError(t, err)
	assert.Contains(t, string(log), "authorization failed")
	assertPlain(t, string(log), "the log file")

	d := c.run("diagnostics")
	require.Equal(t, exitOK, d.code, d.stderr)
	assert.Contains(t, d.stdout, "Salesforce does not accept this app for your user ("+hostileShown+")")
	assertPlain(t, d.stdout, "diagnostics")
}

// Org and user names from Salesforce are shown escaped by list and
// status; --json keeps their exact value for programs, as \u escapes.
func TestOutsideNamesNeverRawOnStdout(t *testing.T) {
	c := newCLI(t)
	org := &connector.OrgInfo{OrgID: "00D000000000001AAA", OrgName: "Acme " + hostile, Username: "bob\u009b2J@acme.com",
		InstanceURL: "https://acme.my.salesforce.com", IsSandbox: true, AuthorizedAt: c.now}
	c.addConnector("Acme/Sandbox", org, nil)

	r := c.run("list")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "Acme "+hostileShown)
	assert.Contains(t, r.stdout, `bob\u009b2J@acme.com`)
	assertPlain(t, r.stdout, "list")

	rj := c.run("list", "--json")
	require.Equal(t, exitOK, rj.code, rj.stderr)
	assertPlain(t, rj.stdout, "list --json")
	var items []struct {
		Org connector.OrgInfo `json:"org"`
	}
	require.NoError(t, json.Unmarshal([]byte(rj.stdout), &items), rj.stdout)
	require.Len(t, items, 1)
	assert.Equal(t, org.OrgName, items[0].Org.OrgName, "a program reads the exact name")
	assert.Equal(t, org.Username, items[0].Org.Username)

	rs := c.run("status", "Acme/Sandbox")
	assertPlain(t, rs.stdout+rs.stderr, "status")
}

// A ZIP entry name with control characters is named escaped when the
// bundle is refused.
func TestBadBundleEntryNameEscaped(t *testing.T) {
	c := newCLI(t)
	zipPath := filepath.Join(t.TempDir(), "bad.zip")
	require.NoError(t, os.WriteFile(zipPath, zipWithEntry(t, "ok\x1b[2J\rfake.js"), 0o600))
	r := c.run("publish", zipPath, "Acme/Sandbox", "--dry-run")
	require.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr+r.stdout, `ok\x1b[2J\rfake.js`)
	assertPlain(t, r.stdout+r.stderr, "publish output")
}

// `--client-id --no-browser` gave the client ID "--no-browser" and saved
// it: a string flag whose value looks like a flag is a usage error, and
// nothing is written.
func TestFlagValueThatLooksLikeAFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"next flag taken as the value", []string{"authorize", "Acme/Sandbox", "--client-id", "--no-browser"}, `--client-id needs a value, but got "--no-browser"`},
		{"with =", []string{"authorize", "Acme/Sandbox", "--login-url=-x"}, `--login-url needs a value, but got "-x"`},
		{"resource", []string{"authorize", "Acme/Sandbox", "--resource", "--no-browser"}, `--resource needs a value`},
		{"config dir of any command", []string{"list", "--config-dir", "--verbose"}, `--config-dir needs a value`},
		{"before the arguments are checked", []string{"authorize", "--client-id", "--resource", "X", "Acme/Sandbox"}, `--client-id needs a value, but got "--resource"`},
		{"publish resource", []string{"publish", "content.zip", "Acme/Sandbox", "--resource", "-y"}, `--resource needs a value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLI(t)
			c.browser = func(string) error {
				t.Error("a browser was opened")
				return nil
			}
			r := c.run(tc.args...)
			assert.Equal(t, exitUsage, r.code, r.stdout+r.stderr)
			assert.Contains(t, r.stderr, tc.want)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			require.Len(t, lines, 2, "the problem and the fix: %q", r.stderr)
			assert.Contains(t, lines[1], "right after the flag")
			list, err := c.registry().List()
			require.NoError(t, err)
			assert.Empty(t, list, "nothing saved")
		})
	}
	t.Run("the fix names the flag that was swallowed", func(t *testing.T) {
		r := newCLI(t).run("authorize", "Acme/Sandbox", "--client-id", "--no-browser")
		assert.Contains(t, r.stderr, "(--client-id VALUE), then --no-browser on its own.")
	})
}

// --timeout 0 meant the 3-minute default; a zero or negative wait is now
// refused, naming valid values, before anything is saved.
func TestTimeoutMustBePositive(t *testing.T) {
	for _, v := range []string{"0", "0s", "-5m"} {
		c := newCLI(t)
		r := c.run("authorize", "Acme/Sandbox", "--timeout", v, "--no-browser")
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, "--timeout must be longer than zero")
		assert.Contains(t, r.stderr, "e.g. --timeout 90s or --timeout 10m")
		list, err := c.registry().List()
		require.NoError(t, err)
		assert.Empty(t, list)
	}
	h := newCLI(t).run("authorize", "--help")
	assert.Contains(t, h.stdout, "(default 3m0s)")
}

// zipWithEntry builds a ZIP holding one file with that name.
func zipWithEntry(t *testing.T, name string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(name)
	require.NoError(t, err)
	_, err = w.Write([]byte("x"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}
