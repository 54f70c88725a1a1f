package service

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestHistoryJournal: a publish, a restore, a failure and a replace each
// append one entry (never a dry run); the CSV parses back to the same
// entries.
func TestHistoryJournal(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	f.svc.AppVersion = "1.2.3"
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{DryRun: true}), publish.OutcomeWouldUpdate)
	requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)
	requireOK(t, f.svc.Restore(ctx, f.k, publish.RestoreOptions{}), publish.OutcomeUpdated)
	editInSetup(t, f.org, []byte("edited"))
	requireFailed(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{}), connector.CodeChangedOutside)
	// A resource of someone else, replaced on purpose.
	other := connector.Key{System: "Other", Environment: connector.Sandbox}
	authorizeTestConnector(t, f.svc, f.org, other)
	requireOK(t, f.svc.Publish(ctx, other, v1, publish.PublishOptions{ResourceName: "Theirs", ReplaceExisting: true}), publish.OutcomeCreated)
	f.org.PutResource(sfsim.Resource{Name: "Theirs2", Body: []byte("x"), Description: "theirs"})
	requireOK(t, f.svc.Publish(ctx, other, v1, publish.PublishOptions{ResourceName: "Theirs2", ReplaceExisting: true}), publish.OutcomeUpdated)

	all, err := f.svc.History(nil)
	require.NoError(t, err)
	require.Len(t, all, 6, "the dry run is not journaled")
	mine, err := f.svc.History(&f.k)
	require.NoError(t, err)
	require.Len(t, mine, 4)
	c, err := f.svc.Registry.Get(f.k)
	require.NoError(t, err)

	want := []struct{ action, outcome, code, fp string }{
		{connector.ActionPublish, "created", "", v1.Fingerprint()},
		{connector.ActionPublish, "updated", "", v2.Fingerprint()},
		{connector.ActionRestore, "updated", "", v1.Fingerprint()},
		{connector.ActionPublish, "failed", connector.CodeChangedOutside, v2.Fingerprint()},
	}
	for i, w := range want {
		e := mine[i]
		assert.Equal(t, w.action, e.Action, i)
		assert.Equal(t, w.outcome, e.Outcome, i)
		assert.Equal(t, w.code, e.ErrorCode, i)
		assert.Equal(t, w.fp, e.Fingerprint, i)
		assert.Equal(t, f.k.String(), e.Connector)
		assert.Equal(t, c.ID, e.ConnectorID)
		assert.Equal(t, c.Org.OrgID, e.OrgID)
		assert.Equal(t, "admin@demo.example", e.User)
		assert.Equal(t, "1.2.3", e.AppVersion)
		assert.Equal(t, connector.DefaultResourceName, e.Resource)
		assert.False(t, e.Time.IsZero())
	}
	assert.Equal(t, v2.Size(), mine[1].Size)
	assert.NotEmpty(t, mine[1].BackupPath)
	assert.Equal(t, connector.ActionReplace, all[5].Action, "a foreign resource overwritten")
	assert.Equal(t, connector.ActionPublish, all[4].Action, "creating under a new name replaces nothing")

	// The CSV parses back to the same entries.
	var buf bytes.Buffer
	require.NoError(t, connector.WriteHistoryCSV(&buf, all))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+len(all))
	assert.Equal(t, connector.HistoryCSVHeader, rows[0])
	for i, e := range all {
		row := map[string]string{}
		for j, h := range rows[0] {
			row[h] = rows[i+1][j]
		}
		at, err := time.Parse(time.RFC3339, row["time"])
		require.NoError(t, err)
		assert.True(t, at.Equal(e.Time.Truncate(time.Second)))
		assert.Equal(t, e.Action, row["action"])
		assert.Equal(t, e.Connector, row["connector"])
		assert.Equal(t, e.OrgID, row["org_id"])
		assert.Equal(t, e.Fingerprint, row["fingerprint"])
		assert.Equal(t, strconv.FormatInt(e.Size, 10), row["size"])
		assert.Equal(t, e.User, row["user"])
		assert.Equal(t, e.Outcome, row["outcome"])
		assert.Equal(t, e.ErrorCode, row["error_code"])
		assert.Equal(t, e.AppVersion, row["app_version"])
	}

	// Append-only: earlier lines are never rewritten.
	raw, err := os.ReadFile(f.svc.HistoryPath())
	require.NoError(t, err)
	requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{Force: true}), publish.OutcomeUpdated)
	after, err := os.ReadFile(f.svc.HistoryPath())
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(after, raw))
	assert.Equal(t, 1, strings.Count(string(after[len(raw):]), "\n"))
}

func TestCSVCellsGuardFormulas(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, connector.WriteHistoryCSV(&buf, []connector.HistoryEntry{{Connector: "=HYPERLINK(\"x\")", OrgName: "@evil", User: "+1"}}))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, "'=HYPERLINK(\"x\")", rows[1][2])
	assert.Equal(t, "'@evil", rows[1][4])
	assert.Equal(t, "'+1", rows[1][9])
}

// appendRaw appends text to the file at path as it is.
func appendRaw(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	require.NoError(t, err)
	_, err = f.WriteString(text)
	require.NoError(t, err)
	require.NoError(t, f.Close())
}

// TestHistorySkipsDamagedLines: a 2 MB garbage line (it made the whole
// history fail as "cannot read or write its configuration folder"), a line
// that is not JSON, objects that are no entries and a blank line are
// skipped; every entry around them is read, and the warning counts them
// without quoting them.
func TestHistorySkipsDamagedLines(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	logs := &syncBuffer{}
	f.svc.Logger = slog.New(slog.NewTextHandler(logs, nil))
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	garbage := strings.Repeat("g", 2<<20)
	appendRaw(t, f.svc.HistoryPath(), garbage+"\n\x1b[31mnot json\n{}\n\n"+`{"action":"publish"}`+"\n")
	requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)

	entries, err := f.svc.History(&f.k)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, v1.Fingerprint(), entries[0].Fingerprint)
	assert.Equal(t, v2.Fingerprint(), entries[1].Fingerprint)
	assert.Contains(t, logs.String(), "damaged lines skipped")
	assert.Contains(t, logs.String(), "count=4")

	var seen []string
	scan, err := connector.ScanHistory(f.svc.Registry, connector.HistoryQuery{}, func(e connector.HistoryEntry) error {
		seen = append(seen, e.Fingerprint)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{v1.Fingerprint(), v2.Fingerprint()}, seen)
	assert.Equal(t, 2, scan.Entries)
	assert.Equal(t, 4, scan.Damaged, "garbage, not JSON, {} and an entry without time; the blank line is no damage")
	assert.Equal(t, 2, scan.FirstDamaged)
	assert.Equal(t, int64(len(garbage)+1), scan.FirstDamagedSize)
	p := scan.Problem()
	require.NotNil(t, p)
	assert.Equal(t, connector.CodeHistoryDamaged, p.Code)
	assert.Contains(t, p.Message, "4 in all, the first at line 2 (2 MB)")
	assert.Contains(t, p.Message, f.svc.HistoryPath())
	assert.NotContains(t, p.Error(), "\x1b")
	assert.NotContains(t, p.Error(), "not json")
	assert.NotContains(t, p.Error(), "ggg")
	assert.Nil(t, connector.HistoryScan{Entries: 3}.Problem(), "no damage, no warning")
}

// TestHistoryAppendAfterTornLine: a publish after a torn last line (no
// newline: a crash mid-write) starts its entry on a new line; it was glued
// onto the torn line and lost with it.
func TestHistoryAppendAfterTornLine(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	torn := `{"time":"2026-01-02T03:04:05Z","action":"publish","connector":"Lightning/Sand`
	appendRaw(t, f.svc.HistoryPath(), torn)
	requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)

	entries, err := f.svc.History(&f.k)
	require.NoError(t, err)
	require.Len(t, entries, 2, "the entry after the torn line is kept")
	assert.Equal(t, v2.Fingerprint(), entries[1].Fingerprint)
	raw, err := os.ReadFile(f.svc.HistoryPath())
	require.NoError(t, err)
	assert.Contains(t, string(raw), "\n"+torn+"\n{", "the torn line stays as it was, on its own line")
	assert.NotContains(t, string(raw), "\n\n")

	// A journal that ends well gets no extra newline.
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeUpdated)
	raw2, err := os.ReadFile(f.svc.HistoryPath())
	require.NoError(t, err)
	assert.NotContains(t, string(raw2), "\n\n")
	assert.Equal(t, 1, strings.Count(string(raw2[len(raw):]), "\n"))
}

// TestHistoryAppendsCrossProcess: processes appending at once after a torn
// last line each keep every entry whole, on its own line, and the torn
// line is mended once (no empty line): the journal's lock covers the
// check of its last byte and the write.
func TestHistoryAppendsCrossProcess(t *testing.T) {
	const perChild = 100
	if dir := os.Getenv("HISTORY_CHILD_DIR"); dir != "" {
		reg, err := connector.OpenRegistry(dir)
		if err != nil {
			os.Exit(3)
		}
		for i := range perChild {
			line, _ := json.Marshal(connector.HistoryEntry{Time: time.Now().UTC(), Action: connector.ActionPublish,
				Connector: os.Getenv("HISTORY_CHILD_NAME") + "/Sandbox", Fingerprint: fmt.Sprintf("sha256:%064d", i), Outcome: "updated"})
			if err := connector.AppendHistoryLine(reg, line, connector.DiscardLogger()); err != nil {
				os.Exit(4)
			}
		}
		return
	}
	dir := t.TempDir()
	appendRaw(t, filepath.Join(dir, connector.HistoryFileName), `{"time":"2026-01-02T03:04:05Z","act`)
	names := []string{"a", "b", "c"}
	var cmds []*exec.Cmd
	for _, name := range names {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestHistoryAppendsCrossProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "HISTORY_CHILD_DIR="+dir, "HISTORY_CHILD_NAME="+name)
		require.NoError(t, cmd.Start())
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		require.NoError(t, c.Wait())
	}
	reg, err := connector.OpenRegistry(dir)
	require.NoError(t, err)
	per := map[string]int{}
	scan, err := connector.ScanHistory(reg, connector.HistoryQuery{}, func(e connector.HistoryEntry) error {
		per[e.Connector]++
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, len(names)*perChild, scan.Entries)
	for _, name := range names {
		assert.Equal(t, perChild, per[name+"/Sandbox"], name)
	}
	assert.Equal(t, 1, scan.Damaged, "only the torn line")
	raw, err := os.ReadFile(filepath.Join(dir, connector.HistoryFileName))
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "\n\n")
}

// TestHistoryScanUntil: a second pass bounded by the first one's End sees
// the same entries, even after more were appended.
func TestHistoryScanUntil(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	requireOK(t, f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{}), publish.OutcomeCreated)
	count := func(q connector.HistoryQuery) connector.HistoryScan {
		scan, err := connector.ScanHistory(f.svc.Registry, q, func(connector.HistoryEntry) error { return nil })
		require.NoError(t, err)
		return scan
	}
	first := count(connector.HistoryQuery{})
	require.Equal(t, 1, first.Entries)
	requireOK(t, f.svc.Publish(ctx, f.k, versionBundle(t, 2), publish.PublishOptions{}), publish.OutcomeUpdated)
	assert.Equal(t, 1, count(connector.HistoryQuery{Until: first.End}).Entries)
	assert.Equal(t, 2, count(connector.HistoryQuery{}).Entries)

	// An error from the callback stops the scan.
	stop := errors.New("stop")
	scan, err := connector.ScanHistory(f.svc.Registry, connector.HistoryQuery{}, func(connector.HistoryEntry) error { return stop })
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 1, scan.Entries)
}

// TestHistoryCSVWholeCharacters: the CSV reaches its writer in whole
// records, so an escaping writer (the CLI's) never cuts a character in two:
// csv.Writer's 4 KB flushes fell inside "é" and it showed as \xc3\xa9.
func TestHistoryCSVWholeCharacters(t *testing.T) {
	var entries []connector.HistoryEntry
	for i := range 300 {
		entries = append(entries, connector.HistoryEntry{Time: time.Unix(int64(i), 0), Action: connector.ActionPublish, Connector: "Lightning/Sandbox",
			OrgName: "Société Générale Démo", User: "élodie@exemple.fr", Outcome: "updated"})
	}
	var out bytes.Buffer
	require.NoError(t, connector.WriteHistoryCSV(wholeUTF8Writer{t: t, w: &out}, entries))
	rows, err := csv.NewReader(&out).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 301)

	var conns []connector.Connector
	for i := range 200 {
		conns = append(conns, connector.Connector{System: fmt.Sprintf("Système%03d", i), Environment: connector.Sandbox,
			Org: &connector.OrgInfo{OrgName: "Société Générale Démo", Username: "élodie@exemple.fr"}})
	}
	out.Reset()
	require.NoError(t, connector.WriteConnectorsCSV(wholeUTF8Writer{t: t, w: &out}, conns))
	rows, err = csv.NewReader(&out).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 201)
}

// wholeUTF8Writer fails the test when a write holds a cut character.
type wholeUTF8Writer struct {
	t *testing.T
	w io.Writer
}

func (w wholeUTF8Writer) Write(p []byte) (int, error) {
	if !utf8.Valid(p) {
		w.t.Errorf("a write of %d bytes cuts a character in two", len(p))
	}
	return w.w.Write(p)
}
