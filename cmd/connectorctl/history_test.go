package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

func TestHistoryAndExportCSV(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	r := c.run("history")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "Nothing published")

	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>"})
	require.Equal(t, exitOK, c.run("publish", v1, "lightning/sandbox").code)
	require.Equal(t, exitOK, c.run("publish", v2, "lightning/sandbox").code)
	require.Equal(t, exitOK, c.run("restore", "lightning/sandbox").code)

	r = c.run("history", "lightning/sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 4, r.stdout)
	assert.Contains(t, lines[0], "ACTION")
	assert.Contains(t, lines[1], "publish")
	assert.Contains(t, lines[1], "created")
	assert.Contains(t, lines[3], "restore")
	assert.Contains(t, lines[3], org.Username())

	r = c.run("history", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	var entries []connector.HistoryEntry
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &entries))
	require.Len(t, entries, 3)
	assert.Equal(t, connector.ActionRestore, entries[2].Action)
	assert.NotEmpty(t, entries[0].AppVersion)

	r = c.run("history", "--csv")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 4)
	assert.Equal(t, connector.HistoryCSVHeader, rows[0])
	assert.Equal(t, entries[1].Fingerprint, rows[2][7])

	r = c.run("history", "--csv", "--json")
	assert.Equal(t, exitUsage, r.code)

	r = c.run("export-csv")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	rows, err = csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, connector.ConnectorsCSVHeader, rows[0])
	assert.Equal(t, "Lightning/Sandbox", rows[1][0])
	assert.Equal(t, org.Username(), rows[1][6])
	assert.Equal(t, entries[2].Fingerprint, rows[1][13])
}

func TestWatchRefusesProductionTargets(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	seedAuthorized(t, c, org, port, "Lightning/Production")
	dir := writeBundle(t, map[string]string{"index.html": "x"})
	r := c.run("watch", dir, "lightning/sandbox", "lightning/production")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout+r.stderr, "Lightning/Production is a production target: publishing on every change is only for Sandbox and Test connectors")
	assert.Empty(t, org.Resources(), "nothing published, nothing watched")
	r = c.run("watch", dir)
	assert.Equal(t, exitUsage, r.code)
}
