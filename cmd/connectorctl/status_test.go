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

// TestNewCmdStatus: status's arguments and --json become its Options.
func TestNewCmdStatus(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		want  statusOptions
		usage bool
	}{
		{name: "every connector", args: nil, want: statusOptions{Keys: keys(t)}},
		{name: "some, as JSON", args: []string{"Lightning/Sandbox", "acme/production", "--json"},
			want: statusOptions{Keys: keys(t, "Lightning/Sandbox", "acme/production"), JSON: true}},
		{name: "not a connector", args: []string{"Lightning"}, usage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCLI(t)
			var got *statusOptions
			err := execCmd(newCmdStatus(c.factory(&bytes.Buffer{}, &bytes.Buffer{}), capture(&got)), tt.args...)
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

// TestStatusRunAgainstSimulatedOrg calls statusRun with its Options, no
// cobra: a connected connector, then every connector (nil keys) with one
// never authorized, which needs attention (exit 1).
func TestStatusRunAgainstSimulatedOrg(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var out, errOut bytes.Buffer
	err := statusRun(ctx, &statusOptions{cmdEnv: c.runEnv(&out, &errOut), Keys: keys(t, "lightning/sandbox")})
	require.NoError(t, err, out.String()+errOut.String())
	assert.Contains(t, out.String(), "Lightning/Sandbox\n  ✓ Connected to Demo Org")

	c.addConnector("Acme/Sandbox", nil, nil)
	out.Reset()
	err = statusRun(ctx, &statusOptions{cmdEnv: c.runEnv(&out, &errOut), JSON: true})
	require.Equal(t, exitFailure, exitCode(err))
	var items []statusJSON
	require.NoError(t, json.Unmarshal(out.Bytes(), &items))
	require.Len(t, items, 2)
	byName := map[string]statusJSON{}
	for _, it := range items {
		byName[it.Connector] = it
	}
	assert.False(t, byName["Lightning/Sandbox"].NeedsAttention)
	assert.True(t, byName["Acme/Sandbox"].NeedsAttention)
	assert.Equal(t, connector.StateNotAuthorized, byName["Acme/Sandbox"].State)
	assert.Equal(t, []string{"connectorctl authorize Acme/Sandbox"}, byName["Acme/Sandbox"].NextSteps)
}

func TestStatusManyConcurrently(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	seedAuthorized(t, c, org, port, "Lightning/Test")
	c.addConnector("Other/Sandbox", nil, nil)

	r := c.run("status")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "Lightning/Sandbox\n  "+symOK+" Connected to Demo Org")
	assert.Contains(t, r.stdout, "Other/Sandbox\n  "+symFail+" Not authorized")
	assert.Contains(t, r.stdout, "1 of 3 connectors need attention.")

	// Only the connected ones: exit 0.
	r = c.run("status", "Lightning/Sandbox", "Lightning/Test", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	var items []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &items))
	require.Len(t, items, 2)
	assert.JSONEq(t, `"Lightning/Sandbox"`, string(items[0]["connector"]), "results in the order asked")
	assert.JSONEq(t, `"Lightning/Test"`, string(items[1]["connector"]))
	for _, it := range items {
		requireKeys(t, it, "connector", "state", "message", "tokensPresent", "sessionValid", "org", "environmentOk",
			"permissions", "checkedAt", "durationNs", "needsAttention", "nextSteps")
		assert.JSONEq(t, `"connected"`, string(it["state"]))
		assert.JSONEq(t, `[]`, string(it["nextSteps"]))
	}
	// The live check is recorded for list.
	r = c.run("list")
	assert.Regexp(t, `Lightning/Test\s+Demo Org\s+admin@demo.example\s+connected\s+\d{4}-`, r.stdout)
}
