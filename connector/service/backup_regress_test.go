package service

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/backup"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// writeRequests counts the POST and PATCH requests to StaticResource.
func writeRequests(org *sfsim.Org) int {
	return countRequests(org, http.MethodPost, "/StaticResource") + countRequests(org, http.MethodPatch, "/StaticResource")
}

// evilZip is a ZIP holding ../evil.js, which a publish refuses.
func evilZip(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("../evil.js")
	require.NoError(t, err)
	_, err = w.Write([]byte("alert(1)"))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestRestoreRefusesDamagedBackup: a truncated or replaced backup, or one
// that now holds ../evil.js (with a sidecar made to match), is refused with
// a plain message and nothing is written to the org.
func TestRestoreRefusesDamagedBackup(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, bk publish.Backup)
		want   string
	}{
		{"truncated", func(t *testing.T, bk publish.Backup) {
			require.NoError(t, os.Truncate(bk.Path, 60))
		}, "it holds 60 bytes"},
		{"replaced", func(t *testing.T, bk publish.Backup) {
			other := versionBundle(t, 3).Bytes()
			// the same size, so only the fingerprint tells
			if len(other) > int(bk.Size) {
				other = other[:bk.Size]
			}
			for len(other) < int(bk.Size) {
				other = append(other, ' ')
			}
			require.NoError(t, os.WriteFile(bk.Path, other, 0o600))
		}, "its content changed since it was taken"},
		{"holds ../evil.js", func(t *testing.T, bk publish.Backup) {
			evil := evilZip(t)
			require.NoError(t, os.WriteFile(bk.Path, evil, 0o600))
			// Someone also fixed up the sidecar: only the ZIP check is left.
			sum, err := backup.FileSHA256(bk.Path)
			require.NoError(t, err)
			bk.SHA256, bk.Size = sum, int64(len(evil))
			raw, err := json.Marshal(bk)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(backup.SidecarPath(bk.Path), raw, 0o600))
		}, "not a bundle a publish would accept"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPublishFixture(t, sfsim.Options{})
			ctx := testCtx(t)
			v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
			requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
			requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)
			list, err := f.svc.Backups(f.k, "")
			require.NoError(t, err)
			require.Len(t, list, 1)
			tt.damage(t, list[0])

			f.org.ResetRequests()
			res := f.svc.Restore(ctx, f.k, publish.RestoreOptions{})
			requireFailed(t, res, connector.CodeBackupDamaged)
			assert.Contains(t, res.Problem.Message, tt.want)
			assert.Contains(t, res.Problem.Message, "Nothing was written")
			assert.Zero(t, writeRequests(f.org), "nothing written")
			assert.Equal(t, v2.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
		})
	}
}

// TestRestoreBringsBackMetadata: replacing someone else's resource and
// restoring it puts back its body, the case of its name, its content type,
// cache control and description.
func TestRestoreBringsBackMetadata(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	theirs := versionBundle(t, 7).Bytes()
	f.org.PutResource(sfsim.Resource{
		Name: "walkme_CONTENT", ContentType: "application/x-zip-compressed", CacheControl: "Public",
		Description: "Jane's loader, do not touch", Body: theirs,
		LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe",
	})
	v1 := versionBundle(t, 1)
	res := f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{ReplaceExisting: true})
	requireOK(t, res, publish.OutcomeUpdated)
	got := requireOneResource(t, f.org, connector.DefaultResourceName)
	require.Equal(t, connector.DefaultResourceName, got.Name)

	list, err := f.svc.Backups(f.k, "")
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "walkme_CONTENT", list[0].Name)
	assert.Equal(t, "Jane Doe", list[0].LastModifiedByName)
	assert.Equal(t, "005000000000777AAA", list[0].LastModifiedByID)

	res = f.svc.Restore(ctx, f.k, publish.RestoreOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	require.NotNil(t, res.RestoredFrom)
	assert.Equal(t, list[0].TakenAt, res.RestoredFrom.TakenAt)
	got = requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, theirs, got.Body)
	assert.Equal(t, "walkme_CONTENT", got.Name)
	assert.Equal(t, "application/x-zip-compressed", got.ContentType)
	assert.Equal(t, "Public", got.CacheControl)
	assert.Equal(t, "Jane's loader, do not touch", got.Description)
}

// TestPublishRefusesForeignResource: a same-name resource this app did not
// publish is not overwritten without ReplaceExisting; the result names it.
func TestPublishRefusesForeignResource(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	theirs := []byte("window.loader = 'theirs';")
	f.org.PutResource(sfsim.Resource{
		Name: "WalkMe_Content", ContentType: "text/javascript", Body: theirs,
		LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe",
	})
	f.org.ResetRequests()
	for _, opts := range []publish.PublishOptions{{}, {Force: true}, {DryRun: true}} {
		res := f.svc.Publish(ctx, f.k, versionBundle(t, 1), opts)
		requireFailed(t, res, connector.CodeResourceExists)
		require.NotNil(t, res.Existing)
		assert.Equal(t, "WalkMe_Content", res.Existing.Name)
		assert.Equal(t, int64(len(theirs)), res.Existing.Size)
		assert.Equal(t, "Jane Doe", res.Existing.LastModifiedByName)
		assert.Equal(t, "005000000000777AAA", res.Existing.LastModifiedByID)
		assert.False(t, res.Existing.LastModifiedDate.IsZero())
		assert.Contains(t, res.Problem.Message, "Jane Doe")
		assert.Contains(t, res.Problem.Fix, "--replace-existing")
	}
	assert.Zero(t, writeRequests(f.org))
	assert.Zero(t, countRequests(f.org, http.MethodGet, "/Body"), "not even downloaded")
	assert.Equal(t, theirs, requireOneResource(t, f.org, connector.DefaultResourceName).Body)
}

// TestPublishNotUpToDateWhenBodyReplacedSameSize: a body replaced in the
// org with one of the same size, under our Description, is not "already up
// to date": it is downloaded, backed up and overwritten, and the result
// says it had been changed outside the app.
func TestPublishNotUpToDateWhenBodyReplacedSameSize(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1 := versionBundle(t, 1)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	cur := requireOneResource(t, f.org, connector.DefaultResourceName)
	theirs := bytes.Repeat([]byte("x"), len(v1.Bytes()))
	f.org.PutResource(sfsim.Resource{
		ID: cur.ID, Name: cur.Name, ContentType: cur.ContentType, CacheControl: cur.CacheControl,
		Description: cur.Description, Body: theirs,
		LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe",
	})

	f.org.ResetRequests()
	res := f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{})
	requireFailed(t, res, connector.CodeChangedOutside)
	require.NotNil(t, res.Drift)
	assert.Equal(t, "Jane Doe", res.Drift.By())
	res = f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{Force: true})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.True(t, res.ChangedOutside)
	assert.Equal(t, 1, countRequests(f.org, http.MethodGet, "/Body"), "their body was downloaded, not taken from our copy")
	assert.Equal(t, theirs, fileBytes(t, res.BackupPath))
	assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)

	// Now untouched since our publish: up to date, one request.
	f.org.ResetRequests()
	res = f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpToDate)
	assert.Equal(t, 1, res.Requests)
	assert.False(t, res.ChangedOutside)
}

// TestRestoreEnforcesProductionConfirmation: Restore itself refuses a
// production target without ConfirmProduction (a Production connector, or a
// production org in a Sandbox slot), before any request.
func TestRestoreEnforcesProductionConfirmation(t *testing.T) {
	for _, k := range []connector.Key{{System: "Lightning", Environment: connector.Production}, {System: "Lightning", Environment: connector.Sandbox}} {
		t.Run(string(k.Environment), func(t *testing.T) {
			org := startTestOrg(t, sfsim.Options{})
			svc := newTestService(t)
			authorizeTestConnector(t, svc, org, k)
			_, err := svc.Registry.Update(k, func(c *connector.Connector) error {
				c.Org.IsSandbox = false // the org is a production org
				c.AllowEnvironmentMismatch = true
				return nil
			})
			require.NoError(t, err)
			ctx := testCtx(t)
			confirmed := publish.PublishOptions{ConfirmProduction: true}
			requireOK(t, svc.Publish(ctx, k, versionBundle(t, 1), confirmed), publish.OutcomeCreated)
			requireOK(t, svc.Publish(ctx, k, versionBundle(t, 2), confirmed), publish.OutcomeUpdated)

			org.ResetRequests()
			res := svc.Restore(ctx, k, publish.RestoreOptions{})
			requireFailed(t, res, connector.CodeProductionNotConfirmed)
			assert.Zero(t, res.Requests)
			assert.Empty(t, org.Requests())

			res = svc.Restore(ctx, k, publish.RestoreOptions{ConfirmProduction: true})
			requireOK(t, res, publish.OutcomeUpdated)
			assert.Equal(t, versionBundle(t, 1).Bytes(), requireOneResource(t, org, connector.DefaultResourceName).Body)
		})
	}
}
