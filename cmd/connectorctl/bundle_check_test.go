package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// zipBundle writes files as a ZIP file, the kind of bundle checked while
// the publish starts.
func zipBundle(t *testing.T, files map[string]string) string {
	t.Helper()
	b, err := packaging.Open(writeBundle(t, files))
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "content.zip")
	require.NoError(t, os.WriteFile(p, b.Bytes(), 0o600))
	return p
}

// A ZIP file is checked while the publish reads the org, and the command
// says what it always said, in the same order: the bundle's lines, then
// the result. A bad ZIP is reported first, nothing is written and the
// history has no entry for it.
func TestPublishZipCheckedWhileTheOrgIsRead(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")

	good := zipBundle(t, map[string]string{"index.html": "<p>v1</p>", "app.js": "console.log(1)"})
	r := c.run("publish", good, "Lightning/Sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	lines := strings.Split(r.stdout, "\n")
	require.GreaterOrEqual(t, len(lines), 3, r.stdout)
	assert.True(t, strings.HasPrefix(lines[0], "Bundle "+good+": 2 files"), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "Fingerprint sha256:"), lines[1])
	assert.Contains(t, lines[2], "Lightning/Sandbox: created")
	writes := len(org.Resources())
	hist := c.run("history", "--json")
	require.Equal(t, exitOK, hist.code, hist.stderr)
	var before []connector.HistoryEntry
	require.NoError(t, json.Unmarshal([]byte(hist.stdout), &before), hist.stdout)

	for _, tc := range []struct{ name, body string }{
		{"not a zip", "this is not a zip"},
		{"a zip cut short", string(mustRead(t, good)[:40])},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.zip")
			require.NoError(t, os.WriteFile(bad, []byte(tc.body), 0o600))
			reqs := len(org.Requests())
			r := c.run("publish", bad, "Lightning/Sandbox", "--yes")
			assert.Equal(t, exitFailure, r.code)
			assert.Contains(t, r.stderr, "cannot be published")
			assert.NotContains(t, r.stdout, "Bundle ", "no bundle line for a bundle that failed its check")
			for _, q := range org.Requests()[reqs:] {
				assert.NotEqual(t, "PATCH", q.Method, "nothing written: %s %s", q.Method, q.Path)
				assert.NotEqual(t, "POST", q.Method, "nothing written: %s %s", q.Method, q.Path)
			}
			assert.Len(t, org.Resources(), writes)
			hist := c.run("history", "--json")
			var after []connector.HistoryEntry
			require.NoError(t, json.Unmarshal([]byte(hist.stdout), &after), hist.stdout)
			assert.Len(t, after, len(before), "no history entry for a bundle that failed its check")
		})
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	return b
}
