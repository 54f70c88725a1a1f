package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// A JWT connector, in-process: authorize, status --json names the source,
// export holds no secret, and a run from the file works with a token
// store that fails on any use (no keyring at all).
func TestJWTAuthorizeStatusExportInProcess(t *testing.T) {
	keyPEM, certPEM, err := oauth.NewKeyPair("ci", time.Hour)
	require.NoError(t, err)
	org, _ := startOrg(t, sfsim.Options{Sandbox: true, Username: "ci@acme.example"})
	require.NoError(t, org.RegisterJWTClient("CIApp", certPEM))
	c := newCLI(t)
	c.tokens = failingStore{t}
	c.env[connector.JWTKeyEnv] = string(keyPEM)

	allow := hostPort(org.LoginURL()) // the simulated org is no Salesforce login host
	r := c.run("authorize", "Acme/Sandbox", "--jwt", "--client-id", "CIApp", "--username", "ci@acme.example", "--login-url", org.LoginURL(), "--json", "--allow-login-host", allow)
	require.Equal(t, 0, r.code, r.stderr)
	var auth authorizeJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &auth))
	assert.Equal(t, "jwt", auth.AuthMethod)
	assert.Equal(t, "jwt", auth.CredentialSource)
	assert.Equal(t, "CIApp", auth.ClientID)

	r = c.run("status", "--json", "--allow-login-host", allow)
	require.Equal(t, 0, r.code, r.stderr)
	var sts []statusJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &sts))
	require.Len(t, sts, 1)
	assert.Equal(t, "jwt", sts[0].CredentialSource)
	assert.Equal(t, connector.StateConnected, sts[0].State)

	file := filepath.Join(t.TempDir(), "connectors.json")
	r = c.run("export", "--output", file)
	require.Equal(t, 0, r.code, r.stderr)
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "PRIVATE")
	assert.NotContains(t, string(raw), "!AQ")

	// Another "job": its own config folder, only the file.
	d := newCLI(t)
	d.tokens = failingStore{t}
	d.env[connector.JWTKeyEnv] = string(keyPEM)
	bundle := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bundle, "index.html"), []byte("<p>hi</p>"), 0o600))
	r = d.run("publish", bundle, "--connectors", file, "--all", "--json", "--allow-login-host", allow)
	require.Equal(t, 0, r.code, r.stderr)
	var pub publishJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &pub), "stdout is only JSON")
	require.Len(t, pub.Results, 1)
	assert.Equal(t, service.OutcomeCreated, pub.Results[0].Outcome)
	assert.Contains(t, r.stderr, "--backup-dir", "the backups would end with the run: it says so")
	list, err := d.registry().List()
	require.NoError(t, err)
	assert.Empty(t, list, "--connectors never writes to the config folder")

	// An update with --backup-dir keeps the replaced version there.
	backups := filepath.Join(t.TempDir(), "backups")
	require.NoError(t, os.WriteFile(filepath.Join(bundle, "index.html"), []byte("<p>v2</p>"), 0o600))
	r = d.run("publish", bundle, "--connectors", file, "--all", "--json", "--backup-dir", backups, "--allow-login-host", allow)
	require.Equal(t, 0, r.code, r.stderr)
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &pub))
	assert.Equal(t, service.OutcomeUpdated, pub.Results[0].Outcome)
	require.NotEmpty(t, pub.Results[0].BackupPath)
	assert.True(t, strings.HasPrefix(pub.Results[0].BackupPath, backups), pub.Results[0].BackupPath)
	_, err = os.Stat(pub.Results[0].BackupPath)
	assert.NoError(t, err, "the backup outlives the run")
	assert.NotContains(t, r.stderr, "--backup-dir")

	// A damaged file is refused with its fix.
	require.NoError(t, os.WriteFile(file, []byte(`{"version":1,"connectors":[{"system":"A","environment":"nope"}]}`), 0o600))
	r = d.run("publish", bundle, "--connectors", file, "--all")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "connectorctl export")
}

// The CI examples and docs/ci.md only use flags connectorctl has.
func TestCIDocsUseRealFlags(t *testing.T) {
	flags := map[string]bool{"help": true, "version": true}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(fl *pflag.Flag) { flags[fl.Name] = true })
		c.PersistentFlags().VisitAll(func(fl *pflag.Flag) { flags[fl.Name] = true })
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(newRootCmd(newFactory(&ioStreams{})))
	re := regexp.MustCompile(`connectorctl [^\n` + "`" + `]*(?:\\\n[^\n` + "`" + `]*)*`)
	flagRE := regexp.MustCompile(`(?:^|\s)--([a-z][a-z-]+)`)
	for _, f := range []string{"../../docs/ci.md", "../../docs/ci/github-actions-publish.yml", "../../docs/ci/gitlab-ci.yml",
		"../../docs/ci/github-actions-fleet.yml", "../../docs/ci/gitlab-fleet.yml"} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		// GitLab folds the command over lines: join them.
		text := strings.ReplaceAll(string(b), "\n      --", " --")
		n := 0
		for _, cmd := range re.FindAllString(text, -1) {
			for _, m := range flagRE.FindAllStringSubmatch(cmd, -1) {
				n++
				assert.True(t, flags[m[1]], "%s: --%s is not a connectorctl flag (in %q)", f, m[1], cmd)
			}
		}
		assert.Positive(t, n, f)
	}
}
