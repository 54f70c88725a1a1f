package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
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

// fileTree is every file under dir with its content.
func fileTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(raw)
		return err
	}))
	return out
}

// jwtConnectorsFile authorizes Acme/Sandbox with the JWT flow on a new
// simulated org and returns the exported connectors file's text, with the
// key to run it.
func jwtConnectorsFile(t *testing.T) (org *sfsim.Org, file string, keyPEM []byte) {
	t.Helper()
	keyPEM, certPEM, err := oauth.NewKeyPair("ci", time.Hour)
	require.NoError(t, err)
	org, _ = startOrg(t, sfsim.Options{Sandbox: true, Username: "ci@acme.example"})
	require.NoError(t, org.RegisterJWTClient("CIApp", certPEM))
	c := newCLI(t)
	c.tokens = failingStore{t}
	c.env[connector.JWTKeyEnv] = string(keyPEM)
	r := c.run("authorize", "Acme/Sandbox", "--jwt", "--client-id", "CIApp", "--username", "ci@acme.example", "--login-url", org.LoginURL(), "--allow-login-host", hostPort(org.LoginURL()))
	require.Equal(t, exitOK, r.code, r.stderr)
	r = c.run("export")
	require.Equal(t, exitOK, r.code, r.stderr)
	return org, r.stdout, keyPEM
}

// TestConnectorsFileIDCannotLeaveTheBackupFolder: a connectors file whose
// id holds a path ("x/../../some/dir", or one that leads to a dist/ folder
// of release archives beside --backup-dir) is refused, naming the line and
// the connector, before anything is written or deleted: no published copy
// outside --backup-dir, no backup rotation among the release archives.
func TestConnectorsFileIDCannotLeaveTheBackupFolder(t *testing.T) {
	org, exported, keyPEM := jwtConnectorsFile(t)
	var f connector.ExportFile
	require.NoError(t, json.Unmarshal([]byte(exported), &f))
	require.Len(t, f.Connectors, 1)
	goodID := f.Connectors[0].ID
	require.Contains(t, exported, `"id": "`+goodID+`"`)

	for _, tt := range []struct{ id, resource string }{
		{"x/../../some/dir", "WalkMe_Content"},
		{"x/../..", "dist"}, // <backup-dir>/<name>-x/../../dist: the dist/ folder itself
	} {
		t.Run(tt.id, func(t *testing.T) {
			work := t.TempDir()
			backups := filepath.Join(work, "backups")
			dist := filepath.Join(work, "dist")
			require.NoError(t, os.MkdirAll(dist, 0o755))
			for i := range 8 {
				require.NoError(t, os.WriteFile(filepath.Join(dist, fmt.Sprintf("app-1.%d.0.zip", i)), []byte(fmt.Sprintf("release %d", i)), 0o644))
			}
			text := strings.Replace(exported, `"id": "`+goodID+`"`, `"id": "`+tt.id+`"`, 1)
			text = strings.Replace(text, `"resourceName": "WalkMe_Content"`, `"resourceName": "`+tt.resource+`"`, 1)
			file := filepath.Join(work, "connectors.json")
			require.NoError(t, os.WriteFile(file, []byte(text), 0o644))
			before := fileTree(t, work)

			d := newCLI(t)
			d.tokens = failingStore{t}
			d.env[connector.JWTKeyEnv] = string(keyPEM)
			for v := range 2 { // a create, then an update (which backs up and rotates)
				bundle := writeBundle(t, map[string]string{"index.html": fmt.Sprintf("<p>v%d</p>", v)})
				r := d.run("publish", bundle, "--connectors", file, "--all", "--backup-dir", backups, "--allow-login-host", hostPort(org.LoginURL()))
				assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
				assert.Contains(t, r.stderr, "line 4: connector 1 (Acme): its id "+fmt.Sprintf("%q", tt.id)+" is not one Connectors writes")
				assert.Contains(t, r.stderr, "connectorctl export")
			}
			assert.Equal(t, before, fileTree(t, work), "nothing written or deleted beside --backup-dir (nor in it)")
			assert.NoDirExists(t, backups)
			assert.Empty(t, org.Resources(), "nothing published")
		})
	}
}

// TestRestoreAfterRenameInProcess: `rename Acme Gamma` keeps the backups
// with the connector, as its help says: `restore Gamma/…` finds and puts
// back the version Acme's publish replaced.
func TestRestoreAfterRenameInProcess(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Acme/Sandbox")
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>"})
	require.Equal(t, exitOK, c.run("publish", v1, "Acme/Sandbox").code)
	require.Equal(t, exitOK, c.run("publish", v2, "Acme/Sandbox").code)

	r := c.run("rename", "Acme/Sandbox", "Gamma")
	require.Equal(t, exitOK, r.code, r.stderr)
	r = c.run("restore", "Gamma/Sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Equal(t, bundleBytes(t, v1), org.Resource(connector.DefaultResourceName).Body)
}

// Issue 16 #3: a connectors file that calls a production org's connector
// a sandbox publishes nothing without --yes (exit 2, as for a production
// connector known upfront): the org's own word decides.
func TestConnectorsFileCannotUnlockProductionCLI(t *testing.T) {
	keyPEM, certPEM, err := oauth.NewKeyPair("ci", time.Hour)
	require.NoError(t, err)
	org, _ := startOrg(t, sfsim.Options{Username: "ci@acme.example"}) // a production org
	require.NoError(t, org.RegisterJWTClient("CIApp", certPEM))
	c := newCLI(t)
	c.tokens = failingStore{t}
	c.env[connector.JWTKeyEnv] = string(keyPEM)
	allow := hostPort(org.LoginURL()) // the simulated org is no Salesforce login host
	r := c.run("authorize", "Acme/Production", "--jwt", "--client-id", "CIApp", "--username", "ci@acme.example", "--login-url", org.LoginURL(), "--allow-login-host", allow)
	require.Equal(t, 0, r.code, r.stderr)
	file := filepath.Join(t.TempDir(), "connectors.json")
	r = c.run("export", "--output", file)
	require.Equal(t, 0, r.code, r.stderr)
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	for _, env := range []string{"Sandbox", "UAT:sandbox"} {
		edited := strings.NewReplacer(`"environment": "Production"`, `"environment": "`+env+`", "allowEnvironmentMismatch": true`,
			`"orgKind": "production"`, `"orgKind": "sandbox"`).Replace(string(raw))
		require.NotEqual(t, string(raw), edited)
		require.NoError(t, os.WriteFile(file, []byte(edited), 0o600))

		d := newCLI(t)
		d.tokens = failingStore{t}
		d.env[connector.JWTKeyEnv] = string(keyPEM)
		bundle := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(bundle, "index.html"), []byte("<p>hi</p>"), 0o600))
		r = d.run("publish", bundle, "--connectors", file, "--all", "--json", "--allow-login-host", allow)
		assert.Equal(t, exitUsage, r.code, env+": "+r.stdout+r.stderr)
		assert.Contains(t, r.stdout, connector.CodeProductionNotConfirmed)
		assert.Nil(t, org.Resource(connector.DefaultResourceName), env+": nothing was written")
	}
}
