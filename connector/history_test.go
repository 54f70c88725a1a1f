package connector

import (
	"bytes"
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	requireOK(t, f.svc.Publish(ctx, f.k, v1, PublishOptions{}), OutcomeCreated)
	requireOK(t, f.svc.Publish(ctx, f.k, v2, PublishOptions{DryRun: true}), OutcomeWouldUpdate)
	requireOK(t, f.svc.Publish(ctx, f.k, v2, PublishOptions{}), OutcomeUpdated)
	requireOK(t, f.svc.Restore(ctx, f.k, RestoreOptions{}), OutcomeUpdated)
	editInSetup(t, f.org, []byte("edited"))
	requireFailed(t, f.svc.Publish(ctx, f.k, v2, PublishOptions{}), CodeChangedOutside)
	// A resource of someone else, replaced on purpose.
	other := Key{System: "Other", Environment: Sandbox}
	authorizeTestConnector(t, f.svc, f.org, other)
	requireOK(t, f.svc.Publish(ctx, other, v1, PublishOptions{ResourceName: "Theirs", ReplaceExisting: true}), OutcomeCreated)
	f.org.PutResource(sfsim.Resource{Name: "Theirs2", Body: []byte("x"), Description: "theirs"})
	requireOK(t, f.svc.Publish(ctx, other, v1, PublishOptions{ResourceName: "Theirs2", ReplaceExisting: true}), OutcomeUpdated)

	all, err := f.svc.History(nil)
	require.NoError(t, err)
	require.Len(t, all, 6, "the dry run is not journaled")
	mine, err := f.svc.History(&f.k)
	require.NoError(t, err)
	require.Len(t, mine, 4)
	c, err := f.svc.Registry.Get(f.k)
	require.NoError(t, err)

	want := []struct{ action, outcome, code, fp string }{
		{ActionPublish, "created", "", v1.Fingerprint()},
		{ActionPublish, "updated", "", v2.Fingerprint()},
		{ActionRestore, "updated", "", v1.Fingerprint()},
		{ActionPublish, "failed", CodeChangedOutside, v2.Fingerprint()},
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
		assert.Equal(t, DefaultResourceName, e.Resource)
		assert.False(t, e.Time.IsZero())
	}
	assert.Equal(t, v2.Size(), mine[1].Size)
	assert.NotEmpty(t, mine[1].BackupPath)
	assert.Equal(t, ActionReplace, all[5].Action, "a foreign resource overwritten")
	assert.Equal(t, ActionPublish, all[4].Action, "creating under a new name replaces nothing")

	// The CSV parses back to the same entries.
	var buf bytes.Buffer
	require.NoError(t, WriteHistoryCSV(&buf, all))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 1+len(all))
	assert.Equal(t, HistoryCSVHeader, rows[0])
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
	requireOK(t, f.svc.Publish(ctx, f.k, v2, PublishOptions{Force: true}), OutcomeUpdated)
	after, err := os.ReadFile(f.svc.HistoryPath())
	require.NoError(t, err)
	assert.True(t, bytes.HasPrefix(after, raw))
	assert.Equal(t, 1, strings.Count(string(after[len(raw):]), "\n"))
}

func TestCSVCellsGuardFormulas(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteHistoryCSV(&buf, []HistoryEntry{{Connector: "=HYPERLINK(\"x\")", OrgName: "@evil", User: "+1"}}))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, "'=HYPERLINK(\"x\")", rows[1][2])
	assert.Equal(t, "'@evil", rows[1][4])
	assert.Equal(t, "'+1", rows[1][9])
}
