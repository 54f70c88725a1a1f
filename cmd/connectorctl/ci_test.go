package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
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

func TestShardsCoverEveryTargetOnceAndStayStable(t *testing.T) {
	var keys []connector.Key
	for i := range 41 {
		keys = append(keys, connector.Key{System: fmt.Sprintf("Org%02d", i), Environment: connector.Sandbox})
	}
	reversed := append([]connector.Key(nil), keys...)
	for i, j := 0, len(reversed)-1; i < j; i, j = i+1, j-1 {
		reversed[i], reversed[j] = reversed[j], reversed[i]
	}
	for _, n := range []int{1, 3, 4, 50} {
		seen := map[connector.Key]int{}
		for i := 1; i <= n; i++ {
			a, b := shardOf(keys, i, n), shardOf(reversed, i, n)
			assert.Equal(t, a, b, "shard %d/%d does not depend on the order of the list", i, n)
			assert.LessOrEqual(t, len(a), (len(keys)+n-1)/n, "balanced")
			for _, k := range a {
				seen[k]++
			}
		}
		assert.Len(t, seen, len(keys), "N=%d covers every target", n)
		for k, c := range seen {
			assert.Equal(t, 1, c, "%s once with N=%d", k, n)
		}
	}
	for _, bad := range []string{"0/4", "5/4", "1/0", "a/b", "2", "1/4/2", "-1/4"} {
		_, _, err := parseShard(bad)
		assert.Error(t, err, bad)
	}
}

func TestPublishCIFlagsUsageErrors(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Acme/Sandbox", &connector.OrgInfo{OrgID: "00D5g0000000001AAA", IsSandbox: true}, nil)
	bundle := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bundle, "index.html"), []byte("x"), 0o600))
	for _, args := range [][]string{
		{"publish", bundle},
		{"publish", bundle, "Acme/Sandbox", "--all"},
		{"publish", bundle, "--all", "--shard", "5/4"},
		{"publish", bundle, "--all", "--max-parallel", "0"},
		{"publish", bundle, "--all", "--api-reserve", "-1"},
		{"authorize", "Acme/Sandbox", "--jwt", "--username", "u@x"},
		{"authorize", "Acme/Sandbox", "--jwt", "--client-id", "K"},
		{"authorize", "Acme/Sandbox", "--jwt", "--client-credentials", "--client-id", "K"},
		{"authorize", "Acme/Sandbox", "--username", "u@x"},
		{"authorize", "Acme/Sandbox", "--client-credentials", "--client-id", "K", "--client-secret", "s3cret"},
	} {
		r := c.run(args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
		assert.NotContains(t, r.stderr, "s3cret")
	}
	// An empty shard is not an error: its report says 0 tests.
	report := filepath.Join(t.TempDir(), "r.xml")
	r := c.run("publish", bundle, "--all", "--shard", "2/2", "--report", report, "--json")
	require.Equal(t, 0, r.code, r.stderr)
	b, err := os.ReadFile(report)
	require.NoError(t, err)
	assert.Contains(t, string(b), `tests="0"`)
}

func TestClientCredentialsRefusesTheGenericLoginHosts(t *testing.T) {
	c := newCLI(t)
	c.env[connector.ClientSecretEnv] = "s3cret"
	for _, host := range []string{"https://login.salesforce.com", "test.salesforce.com"} {
		env := "Production"
		if strings.Contains(host, "test") {
			env = "Sandbox"
		}
		r := c.run("authorize", "Acme/"+env, "--client-credentials", "--client-id", "K", "--login-url", host)
		assert.Equal(t, exitUsage, r.code, r.stderr)
		assert.Contains(t, r.stderr, "My Domain")
	}
	r := c.run("authorize", "Acme/Production", "--client-credentials", "--client-id", "K")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "--login-url")
	_, err := c.registry().Get(connector.Key{System: "Acme", Environment: connector.Production})
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code, "nothing recorded")
}

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

func TestJUnitReportEscapesOutsideText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "r.xml")
	res := []resultJSON{
		{PublishResult: service.PublishResult{Connector: "A/Sandbox", Outcome: service.OutcomeFailed, ErrorCode: "x"}, Message: `Org "<b>&\x1b[31m" refused.`, Fix: "Do <this>."},
		{PublishResult: service.PublishResult{Connector: "B/Sandbox", Outcome: service.OutcomeSkipped, ErrorCode: connector.CodeAPIBudget}, Message: "Skipped B.", Fix: "Later."},
		{PublishResult: service.PublishResult{Connector: "C/Sandbox", Outcome: service.OutcomeCreated, Resource: "R"}},
	}
	require.NoError(t, writeJUnit(path, "content", "1/2", time.Now(), time.Second, res))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(raw, &doc), string(raw))
	assert.Equal(t, 3, doc.Tests)
	cases := doc.Suites[0].Cases
	require.NotNil(t, cases[0].Failure)
	assert.Contains(t, cases[0].Failure.Text, "Do <this>.")
	require.NotNil(t, cases[1].Skipped)
	assert.Nil(t, cases[2].Failure)
	assert.NotContains(t, string(raw), "\x1b")
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
	for _, f := range []string{"../../docs/ci.md", "../../docs/ci/github-actions-publish.yml", "../../docs/ci/gitlab-ci.yml"} {
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

// Issue 16 #7: --shard "" (an unset CI variable) is refused: it published
// every target, so every job of the matrix published everything.
func TestPublishRefusesAnEmptyShard(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Acme/Sandbox")
	bundle := writeBundle(t, map[string]string{"index.html": "x"})
	for _, args := range [][]string{
		{"publish", bundle, "--all", "--shard", ""},
		{"publish", bundle, "--all", "--shard="},
		{"publish", bundle, "--all", "--shard", " "},
		{"publish", bundle, "Acme/Sandbox", "--shard", ""},
	} {
		r := c.run(args...)
		assert.Equal(t, exitUsage, r.code, "%q: %s", args, r.stdout+r.stderr)
		assert.Contains(t, r.stderr, "--shard must be I/N", "%q", args)
		assert.Contains(t, r.stderr, "--shard 2/4")
	}
	assert.Equal(t, 0, writes(org), "nothing was published")
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
