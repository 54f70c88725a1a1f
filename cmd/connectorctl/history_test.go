package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// TestHistoryDamagedJournal: a 2 MB garbage line made every form of
// history fail ("cannot read or write its configuration folder"), and a
// publish after a torn last line glued its entry onto it (lost). Now the
// damaged lines are skipped with a warning on stderr, and both entries show.
func TestHistoryDamagedJournal(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	journal := filepath.Join(c.dir, connector.HistoryFileName)
	require.Equal(t, exitOK, c.run("publish", writeBundle(t, map[string]string{"index.html": "<p>v1</p>"}), "lightning/sandbox").code)
	appendText(t, journal, strings.Repeat("\x1b[2J", 1<<19)+"\n"+`{"time":"2026-11-24T12:00:00Z","action":"pub`)
	require.Equal(t, exitOK, c.run("publish", writeBundle(t, map[string]string{"index.html": "<p>v2</p>"}), "lightning/sandbox").code)

	r := c.run("history")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 3, r.stdout)
	assert.Contains(t, lines[1], "created")
	assert.Contains(t, lines[2], "updated")
	assert.Contains(t, r.stderr, "Skipped damaged lines in the history journal "+journal+": 2 in all, the first at line 2 (2 MB).")
	assert.Contains(t, r.stderr, "delete those lines from the file")
	assert.NotContains(t, r.stdout+r.stderr, "\x1b")
	assert.NotContains(t, r.stderr, `\x1b`, "the damaged line is not quoted")

	r = c.run("history", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	var entries []connector.HistoryEntry
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &entries))
	require.Len(t, entries, 2)
	assert.Equal(t, "updated", entries[1].Outcome)
	var warn map[string]string
	require.NoError(t, json.Unmarshal([]byte(r.stderr), &warn), r.stderr)
	assert.Equal(t, connector.CodeHistoryDamaged, warn["code"])

	r = c.run("history", "--csv", "lightning/sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	assert.Len(t, rows, 3)
	assert.Contains(t, r.stderr, "2 in all")
}

// TestHistoryOutputKeepsCharacters: CSV from history and export-csv went
// through csv.Writer's 4 KB flushes, which cut "é" in two past the first
// few KB; the terminal escaping then showed it as \xc3\xa9.
func TestHistoryOutputKeepsCharacters(t *testing.T) {
	c := newCLI(t)
	at := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	var journal strings.Builder
	for i := range 300 {
		line, err := json.Marshal(connector.HistoryEntry{Time: at.Add(time.Duration(i) * time.Minute), Action: connector.ActionPublish,
			Connector: "Lightning/Sandbox", OrgName: "Société Générale Démo", User: "élodie@exemple.fr", Resource: "Ressource_é", Outcome: "updated"})
		require.NoError(t, err)
		journal.Write(append(line, '\n'))
	}
	appendText(t, filepath.Join(c.dir, connector.HistoryFileName), journal.String())
	for _, args := range [][]string{{"history", "--csv"}, {"history", "--json"}, {"history"}} {
		r := c.run(args...)
		require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
		assert.Zero(t, strings.Count(r.stdout, `\x`), "%v: no character cut in two", args)
		assert.Equal(t, 300, strings.Count(r.stdout, "élodie@exemple.fr"), args)
		assert.Empty(t, r.stderr, args)
	}

	orgName := "Générale Démo " + strings.Repeat("日本支社", 20)
	for i := range 80 {
		c.addConnector(fmt.Sprintf("Système%02d/Sandbox", i), &connector.OrgInfo{OrgID: "00D000000000001AAA", OrgName: orgName,
			Username: "élodie@exemple.fr", IsSandbox: true, AuthorizedAt: at}, nil)
	}
	r := c.run("export-csv")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Zero(t, strings.Count(r.stdout, `\x`), "export-csv: no character cut in two")
	assert.Equal(t, 80, strings.Count(r.stdout, orgName))
}

// TestHistoryJSONLayout: the streamed --json is byte for byte what
// writeJSON gives for the whole slice (an empty journal is []).
func TestHistoryJSONLayout(t *testing.T) {
	reg, err := connector.OpenRegistry(t.TempDir())
	require.NoError(t, err)
	var all []connector.HistoryEntry
	for i := range 4 {
		want := new(bytes.Buffer)
		list := all
		if list == nil {
			list = []connector.HistoryEntry{}
		}
		require.NoError(t, writeJSON(want, list))
		got := new(bytes.Buffer)
		scan, err := writeHistoryJSON(got, reg, connector.HistoryQuery{})
		require.NoError(t, err)
		assert.Equal(t, want.String(), got.String(), "%d entries", i)
		assert.Equal(t, len(all), scan.Entries)
		e := connector.HistoryEntry{Time: time.Date(2026, 1, 1, 9, i, 0, 0, time.UTC), Action: connector.ActionPublish,
			Connector: "A/Sandbox", OrgName: "<b>\u202e&</b>", Outcome: "updated", Size: int64(i)}
		line, err := json.Marshal(e)
		require.NoError(t, err)
		appendText(t, filepath.Join(reg.Dir(), connector.HistoryFileName), string(line)+"\n")
		all = append(all, e)
	}
}

func appendText(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	require.NoError(t, err)
	_, err = f.WriteString(text)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// TestNewCmdHistory: history's optional argument, --json and --csv become
// its Options; both formats at once is a usage error.
func TestNewCmdHistory(t *testing.T) {
	sandbox := keys(t, "Lightning/Sandbox")[0]
	tests := []cmdCase[historyOptions]{
		{name: "everything", args: nil, want: historyOptions{}},
		{name: "one connector as JSON", args: []string{"Lightning/Sandbox", "--json"}, want: historyOptions{Key: &sandbox, JSON: true}},
		{name: "CSV", args: []string{"--csv"}, want: historyOptions{CSV: true}},
		{name: "JSON and CSV", args: []string{"--json", "--csv"}, usage: true},
		{name: "two connectors", args: []string{"A/Sandbox", "B/Sandbox"}, usage: true},
		{name: "not a connector", args: []string{"Lightning"}, usage: true},
	}
	checkCmdCases(t, newCmdHistory, tests)
}

// TestHistoryRunAfterPublishRun calls the run functions directly: a
// publish's entry is in historyRun's JSON, filtered by connector.
func TestHistoryRunAfterPublishRun(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	k := keys(t, "Lightning/Sandbox")[0]
	bundle := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	require.NoError(t, publishRun(ctx, &publishOptions{cmdEnv: c.runEnv(&out, &errOut), BundlePath: bundle, Keys: []connector.Key{k}}))

	out.Reset()
	require.NoError(t, historyRun(&historyOptions{cmdEnv: c.runEnv(&out, &errOut), Key: &k, JSON: true}))
	var entries []connector.HistoryEntry
	require.NoError(t, json.Unmarshal(out.Bytes(), &entries), out.String())
	require.Len(t, entries, 1)
	assert.Equal(t, "Lightning/Sandbox", entries[0].Connector)
	assert.Equal(t, "publish", entries[0].Action)

	c.addConnector("Acme/Sandbox", nil, nil)
	other := keys(t, "Acme/Sandbox")[0]
	out.Reset()
	require.NoError(t, historyRun(&historyOptions{cmdEnv: c.runEnv(&out, &errOut), Key: &other, JSON: true}))
	assert.Equal(t, "[]\n", out.String())
}

// TestHistoryVersionNamedAsTheOrgRecordNamesIt: `connectorctl history` and
// `fleet` showed "sha256:" and 12 hex digits, the window 8 and the org's
// record 12 without the prefix. Every front end now names a version with
// the domain's connector.ShortVersion.
func TestHistoryVersionNamedAsTheOrgRecordNamesIt(t *testing.T) {
	fp := "sha256:3f2a9c0d12ab45cd67ef89013f2a9c0d12ab45cd67ef89013f2a9c0d12ab45cd"
	row := historyRow(connector.HistoryEntry{Fingerprint: fp, Time: time.Now()})
	assert.Equal(t, connector.ShortVersion(fp), row[7])
	assert.Equal(t, "3f2a9c0d12ab", row[7])
	assert.Equal(t, "-", historyRow(connector.HistoryEntry{Time: time.Now()})[7], "no bundle: a dash")
}
