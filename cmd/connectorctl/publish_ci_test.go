package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
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
