package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

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
	assert.Equal(t, connector.OutcomeCreated, pj.Results[0].Outcome)
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
