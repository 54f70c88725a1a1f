package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestNewCmdPublish: publish's flags and arguments become its Options
// (targets resolved: --all from the registry, then the --shard share), and
// a usage error never reaches the run function.
func TestNewCmdPublish(t *testing.T) {
	c := newCLI(t)
	for _, k := range []string{"Lightning/Sandbox", "Lightning/Test", "Acme/Production"} {
		c.addConnector(k, nil, nil)
	}
	ci := ciPublishFlags{APIReserve: defaultAPIReserve}
	tests := []struct {
		name  string
		args  []string
		want  publishOptions
		usage bool
	}{
		{name: "one target", args: []string{"b.zip", "Lightning/Sandbox"},
			want: publishOptions{BundlePath: "b.zip", Keys: keys(t, "Lightning/Sandbox"), CI: ci}},
		{name: "targets in order, each once", args: []string{"./content", "lightning/test", "Acme/Production", "lightning/test"},
			want: publishOptions{BundlePath: "./content", Keys: keys(t, "lightning/test", "Acme/Production"), CI: ci}},
		{name: "every flag", args: []string{"b.zip", "Lightning/Sandbox", "--resource", "WalkMe_Preview", "--dry-run", "--force",
			"--verify", "-y", "--replace-existing", "--json", "--max-parallel", "4", "--report", "out/junit.xml", "--api-reserve", "0", "--backup-dir", "bk"},
			want: publishOptions{BundlePath: "b.zip", Keys: keys(t, "Lightning/Sandbox"), ResourceName: "WalkMe_Preview",
				DryRun: true, Force: true, Verify: true, Yes: true, ReplaceExisting: true, JSON: true,
				CI: ciPublishFlags{MaxParallel: 4, Report: "out/junit.xml", APIReserve: 0, BackupDir: "bk"}}},
		{name: "--all takes the registry", args: []string{"b.zip", "--all"},
			want: publishOptions{BundlePath: "b.zip", Keys: keys(t, "Acme/Production", "Lightning/Sandbox", "Lightning/Test"),
				CI: ciPublishFlags{All: true, APIReserve: defaultAPIReserve}}},
		{name: "--shard takes its share of --all", args: []string{"b.zip", "--all", "--shard", "2/2"},
			want: publishOptions{BundlePath: "b.zip", Keys: keys(t, "Lightning/Sandbox"),
				CI: ciPublishFlags{All: true, Shard: "2/2", APIReserve: defaultAPIReserve}}},
		{name: "no target", args: []string{"b.zip"}, usage: true},
		{name: "no bundle", args: nil, usage: true},
		{name: "--all and targets", args: []string{"b.zip", "Lightning/Sandbox", "--all"}, usage: true},
		{name: "not a connector", args: []string{"b.zip", "Lightning"}, usage: true},
		{name: "bad resource name", args: []string{"b.zip", "Lightning/Sandbox", "--resource", "a b"}, usage: true},
		{name: "--max-parallel 0", args: []string{"b.zip", "Lightning/Sandbox", "--max-parallel", "0"}, usage: true},
		{name: "negative --api-reserve", args: []string{"b.zip", "Lightning/Sandbox", "--api-reserve", "-1"}, usage: true},
		{name: "--shard out of range", args: []string{"b.zip", "--all", "--shard", "3/2"}, usage: true},
		{name: "empty --shard", args: []string{"b.zip", "--all", "--shard", ""}, usage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *publishOptions
			err := execCmd(newCmdPublish(c.factory(&bytes.Buffer{}, &bytes.Buffer{}), capture(&got)), tt.args...)
			if tt.usage {
				requireUsage(t, err, got)
				return
			}
			require.NoError(t, err)
			requireEnv(t, &got.cmdEnv)
			assert.Equal(t, tt.want, *got)
		})
	}
}

// TestNewCmdPublishConnectorsFile: with --connectors the Options say so
// (the backups then go with the run's temporary folder).
func TestNewCmdPublishConnectorsFile(t *testing.T) {
	c := newCLI(t)
	f := c.factory(&bytes.Buffer{}, &bytes.Buffer{})
	f.connectorsFile = "connectors.json"
	var got *publishOptions
	require.NoError(t, execCmd(newCmdPublish(f, capture(&got)), "b.zip", "Lightning/Sandbox"))
	assert.Equal(t, "connectors.json", got.ConnectorsFile)
}

// TestPublishRunAgainstSimulatedOrg calls publishRun with its Options, no
// cobra: a dry run writes nothing, a publish creates the resource, the
// same bundle again is up to date, and an unknown target fails before
// anything is sent.
func TestPublishRunAgainstSimulatedOrg(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	bundle := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	run := func(o publishOptions) (string, string, error) {
		var out, errOut bytes.Buffer
		o.cmdEnv = c.runEnv(&out, &errOut)
		o.BundlePath = bundle
		o.CI.APIReserve = defaultAPIReserve
		err := publishRun(ctx, &o)
		return out.String(), errOut.String(), err
	}

	out, _, err := run(publishOptions{Keys: keys(t, "lightning/sandbox"), DryRun: true})
	require.NoError(t, err)
	assert.Contains(t, out, "- Lightning/Sandbox: would create WalkMe_Content")
	assert.Nil(t, org.Resource(connector.DefaultResourceName), "a dry run wrote")

	out, _, err = run(publishOptions{Keys: keys(t, "Lightning/Sandbox"), JSON: true})
	require.NoError(t, err)
	var pj publishJSON
	require.NoError(t, json.Unmarshal([]byte(out), &pj))
	require.Len(t, pj.Results, 1)
	assert.Equal(t, service.OutcomeCreated, pj.Results[0].Outcome)
	assert.Equal(t, bundleBytes(t, bundle), org.Resource(connector.DefaultResourceName).Body)

	out, _, err = run(publishOptions{Keys: keys(t, "Lightning/Sandbox")})
	require.NoError(t, err)
	assert.Contains(t, out, "✓ Lightning/Sandbox: already up to date")

	before := writes(org)
	_, _, err = run(publishOptions{Keys: keys(t, "Lightning/Sandbox", "Nope/Sandbox")})
	require.Error(t, err)
	assert.Equal(t, connector.CodeNotFound, describe(err).Code)
	assert.Equal(t, before, writes(org))
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

func TestPublishProgressBarOnTerminal(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	seedAuthorized(t, c, org, port, "Lightning/Test")
	c.errTTY = true
	b := writeBundle(t, map[string]string{"index.html": strings.Repeat("<p>bar</p>", 5000)})
	r := c.run("publish", b, "Lightning/Sandbox", "Lightning/Test", "--resource", "Bar_Test")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "\r\033[KPublishing to 2 connectors [")
	assert.True(t, strings.HasSuffix(r.stderr, "\r\033[K"), "the bar is cleared: %q", r.stderr)
	// Both connectors reach the same org: whichever looks second may find
	// the other's resource (created, then updated: never a failure).
	assert.Equal(t, 2, strings.Count(r.stdout, symOK+" Lightning/"), r.stdout)
	assert.Contains(t, r.stdout, "created Bar_Test")
}

func TestPublishOneTargetFailsOthersSucceed(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	c.addConnector("Other/Sandbox", nil, nil) // never authorized
	b := writeBundle(t, map[string]string{"index.html": "x"})
	r := c.run("publish", b, "Lightning/Sandbox", "Other/Sandbox", "--json")
	assert.Equal(t, exitFailure, r.code)
	var pj publishJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &pj), r.stdout)
	assert.False(t, pj.OK)
	byConn := map[string]resultJSON{}
	for _, res := range pj.Results {
		byConn[res.Connector] = res
	}
	assert.Equal(t, service.OutcomeCreated, byConn["Lightning/Sandbox"].Outcome)
	failed := byConn["Other/Sandbox"]
	assert.Equal(t, service.OutcomeFailed, failed.Outcome)
	assert.Equal(t, connector.CodeNotAuthorized, failed.ErrorCode)
	assert.NotEmpty(t, failed.Message)
	assert.NotEmpty(t, failed.Fix)

	r = c.run("publish", b, "Other/Sandbox")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stdout, "✗ Other/Sandbox: ")
	assert.Contains(t, r.stdout, "  → ")
}

func TestPublishProductionConfirmedOnTerminal(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Production")
	c.inTTY = true
	c.in = strings.NewReader("demo org\n")
	b := writeBundle(t, map[string]string{"index.html": "prod"})
	r := c.run("publish", b, "Lightning/Production")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, `the PRODUCTION org "Demo Org"`)
	assert.Contains(t, r.stdout, "created WalkMe_Content")
	assert.NotNil(t, org.Resource(connector.DefaultResourceName))
}

// TestPublishForeignResourceNeedsReplaceExisting: a same-name resource this
// app did not publish is not overwritten without --replace-existing: exit 1,
// the flag named, nothing written. With the flag it is backed up, then replaced.
func TestPublishForeignResourceNeedsReplaceExisting(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	theirs := []byte("window.loader = 'theirs';")
	org.PutResource(sfsim.Resource{
		Name: "walkme_content", ContentType: "text/javascript", CacheControl: "Public", Description: "Jane's loader",
		Body: theirs, LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe",
	})
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})

	r := c.run("publish", v1, "Lightning/Sandbox")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "--replace-existing")
	assert.Contains(t, r.stdout, "Jane Doe")
	assert.Contains(t, r.stdout, "walkme_content")
	assert.Zero(t, writes(org), "nothing written")
	assert.Equal(t, theirs, org.Resource(connector.DefaultResourceName).Body)

	r = c.run("publish", v1, "Lightning/Sandbox", "--replace-existing", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	pj := decode[publishJSON](t, r.stdout)
	require.Len(t, pj.Results, 1)
	assert.Equal(t, service.OutcomeUpdated, pj.Results[0].Outcome)
	got, err := os.ReadFile(pj.Results[0].BackupPath)
	require.NoError(t, err)
	assert.Equal(t, theirs, got, "their body was backed up first")
	assert.Equal(t, bundleBytes(t, v1), org.Resource(connector.DefaultResourceName).Body)
}
