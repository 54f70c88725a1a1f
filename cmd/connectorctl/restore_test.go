package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestNewCmdRestore: restore's argument and flags become its Options.
func TestNewCmdRestore(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		want  restoreOptions
		usage bool
	}{
		{name: "defaults", args: []string{"Lightning/Sandbox"}, want: restoreOptions{Key: keys(t, "Lightning/Sandbox")[0]}},
		{name: "every flag", args: []string{"lightning/production", "--resource", "WalkMe_Preview", "-y", "--json"},
			want: restoreOptions{Key: keys(t, "lightning/production")[0], ResourceName: "WalkMe_Preview", Yes: true, JSON: true}},
		{name: "no connector", args: nil, usage: true},
		{name: "two connectors", args: []string{"A/Sandbox", "B/Sandbox"}, usage: true},
		{name: "bad resource name", args: []string{"A/Sandbox", "--resource", "a b"}, usage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *restoreOptions
			err := execCmd(newCmdRestore(newCLI(t).factory(&bytes.Buffer{}, &bytes.Buffer{}), capture(&got)), tt.args...)
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
