package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestNewCmdRestore: restore's argument and flags become its Options.
func TestNewCmdRestore(t *testing.T) {
	tests := []cmdCase[restoreOptions]{
		{name: "defaults", args: []string{"Lightning/Sandbox"}, want: restoreOptions{Key: keys(t, "Lightning/Sandbox")[0]}},
		{name: "every flag", args: []string{"lightning/production", "--resource", "WalkMe_Preview", "-y", "--json"},
			want: restoreOptions{Key: keys(t, "lightning/production")[0], ResourceName: "WalkMe_Preview", Yes: true, JSON: true}},
		{name: "no connector", args: nil, usage: true},
		{name: "two connectors", args: []string{"A/Sandbox", "B/Sandbox"}, usage: true},
		{name: "bad resource name", args: []string{"A/Sandbox", "--resource", "a b"}, usage: true},
	}
	checkCmdCases(t, newCmdRestore, tests)
}

// TestRestoreRunAgainstSimulatedOrg calls restoreRun with its Options, no
// cobra: without a backup it is refused; after an update it puts the
// previous version back.
func TestRestoreRunAgainstSimulatedOrg(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	k := keys(t, "lightning/sandbox")[0]

	err := restoreRun(ctx, &restoreOptions{cmdEnv: c.runEnv(&out, &errOut), Key: k})
	require.Error(t, err)
	assert.Equal(t, connector.CodeNoBackup, describe(err).Code)

	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>"})
	for _, b := range []string{v1, v2} {
		require.NoError(t, publishRun(ctx, &publishOptions{cmdEnv: c.runEnv(&out, &errOut), BundlePath: b, Keys: []connector.Key{k}}))
	}
	require.Equal(t, bundleBytes(t, v2), org.Resource(connector.DefaultResourceName).Body)

	out.Reset()
	errOut.Reset()
	require.NoError(t, restoreRun(ctx, &restoreOptions{cmdEnv: c.runEnv(&out, &errOut), Key: k}))
	assert.Contains(t, errOut.String(), "Restoring WalkMe_Content on Lightning/Sandbox to the version of ")
	assert.Contains(t, out.String(), "✓ Lightning/Sandbox: restored the version of ")
	assert.Equal(t, bundleBytes(t, v1), org.Resource(connector.DefaultResourceName).Body)
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

// TestRestoreProductionConfirmationNamesVersion: restoring on a production
// target asks on a terminal (naming the version's date and size) and needs
// --yes without one; the result says which version was restored.
func TestRestoreProductionConfirmationNamesVersion(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{OrgName: "Demo Org"})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Production")
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>", "app.js": "v2()"})
	require.Equal(t, exitOK, c.run("publish", v1, "Lightning/Production", "--yes").code)
	require.Equal(t, exitOK, c.run("publish", v2, "Lightning/Production", "--yes").code)
	size := connector.FormatSize(int64(len(bundleBytes(t, v1))), "en")
	before := writes(org)

	// No terminal, no --yes: refused, nothing written.
	r := c.run("restore", "Lightning/Production")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "there is no terminal to confirm the restore on")
	assert.Equal(t, before, writes(org))

	// On a terminal the prompt names the version; a wrong answer writes nothing.
	c.inTTY = true
	c.in = strings.NewReader("no\n")
	r = c.run("restore", "Lightning/Production")
	assert.NotEqual(t, exitOK, r.code)
	assert.Regexp(t, `Restoring WalkMe_Content on Lightning/Production to the version of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(`+size+`\)`, r.stderr)
	assert.Contains(t, r.stderr, "Type the org name (Demo Org)")
	assert.Equal(t, before, writes(org))

	c.in = strings.NewReader("Demo Org\n")
	r = c.run("restore", "Lightning/Production")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Regexp(t, `restored the version of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d of WalkMe_Content`, r.stdout)
	assert.Equal(t, bundleBytes(t, v1), org.Resource(connector.DefaultResourceName).Body)
}
