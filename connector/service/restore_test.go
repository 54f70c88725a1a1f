package service

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/backup"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

func TestRestoreBringsBackPreviousVersionByteForByte(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)

	// When we restore, then v1 is back, byte for byte, and v2 was backed up first.
	nextSecond(t)
	f.org.ResetRequests()
	res := f.svc.Restore(ctx, f.k, publish.RestoreOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, 2, res.Requests, "list + PATCH: both bodies are local")
	got := requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, v1.Bytes(), got.Body)
	rec := connector.ParseDescription(got.Description)
	assert.True(t, rec.Full(), "a restore writes a fresh record: %s", got.Description)
	assert.Equal(t, v1.Fingerprint(), rec.Fingerprint)
	assert.Equal(t, v1.Size(), rec.Size)
	assert.Equal(t, v1.Fingerprint(), res.Fingerprint)
	assert.Equal(t, v2.Bytes(), fileBytes(t, res.BackupPath))
	c, err := f.svc.Registry.Get(f.k)
	require.NoError(t, err)
	require.NotNil(t, c.LastPublish)
	assert.True(t, c.LastPublish.Restored)
	assert.Equal(t, v1.Fingerprint(), c.LastPublish.Fingerprint)

	// A second restore undoes the first (the newest backup other than the org's body).
	requireOK(t, f.svc.Restore(ctx, f.k, publish.RestoreOptions{}), publish.OutcomeUpdated)
	assert.Equal(t, v2.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)

	// Publishing v1 again after that is an ordinary update.
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeUpdated)
}

func TestRestoreRecreatesDeletedResource(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)
	client, _, err := f.svc.Session(ctx, f.k)
	require.NoError(t, err)
	require.NoError(t, client.DeleteStaticResource(ctx, requireOneResource(t, f.org, connector.DefaultResourceName).ID))
	require.Empty(t, f.org.Resources())

	res := f.svc.Restore(ctx, f.k, publish.RestoreOptions{})
	requireOK(t, res, publish.OutcomeCreated)
	assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
}

func TestRestoreWithoutBackup(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	res := f.svc.Restore(ctx, f.k, publish.RestoreOptions{})
	requireFailed(t, res, connector.CodeNoBackup)
	assert.Zero(t, res.Requests)

	// Only one version ever published: still nothing to go back to.
	requireOK(t, f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{}), publish.OutcomeCreated)
	requireFailed(t, f.svc.Restore(ctx, f.k, publish.RestoreOptions{}), connector.CodeNoBackup)

	requireFailed(t, f.svc.Restore(ctx, f.k, publish.RestoreOptions{Resource: "not valid"}), connector.CodeInvalidName)
}

func TestBackupsKeepLastFive(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	const n = 8
	bundles := make([]*packaging.Bundle, n)
	for i := range bundles {
		bundles[i] = versionBundle(t, i)
		outcome := publish.OutcomeUpdated
		if i == 0 {
			outcome = publish.OutcomeCreated
		}
		requireOK(t, f.svc.Publish(ctx, f.k, bundles[i], publish.PublishOptions{}), outcome)
	}
	// n publishes overwrite n-1 times; the last 5 backups remain, newest first:
	// the bodies of versions n-2 … n-6.
	list, err := f.svc.Backups(f.k, connector.DefaultResourceName)
	require.NoError(t, err)
	require.Len(t, list, backup.DefaultKeep)
	for i, bk := range list {
		want := bundles[n-2-i]
		assert.Equal(t, want.Fingerprint(), bk.Fingerprint, "backup %d", i)
		assert.Equal(t, want.Size(), bk.Size)
		assert.Equal(t, connector.DefaultResourceName, bk.Resource)
		assert.Equal(t, want.Bytes(), fileBytes(t, bk.Path))
		assert.FileExists(t, bk.Path[:len(bk.Path)-len(".zip")]+".json")
		if i > 0 {
			assert.False(t, bk.TakenAt.After(list[i-1].TakenAt), "newest first")
		}
	}
	zips, err := filepath.Glob(filepath.Join(filepath.Dir(list[0].Path), "*.zip"))
	require.NoError(t, err)
	assert.Len(t, zips, backup.DefaultKeep, "older backups were deleted")
	published, err := filepath.Glob(filepath.Join(filepath.Dir(list[0].Path), "published", "*.zip"))
	require.NoError(t, err)
	assert.LessOrEqual(t, len(published), backup.DefaultKeepPublished)

	// The folder is named after the connector (with its ID) and the resource.
	c, err := f.svc.Registry.Get(f.k)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(f.svc.BackupDir, connector.LockName(f.k)+"-"+c.ID, "walkme_content"), filepath.Dir(list[0].Path))
	// Names differing only in case share the backups.
	same, err := f.svc.Backups(connector.Key{System: "LIGHTNING", Environment: connector.Sandbox}, "WALKME_CONTENT")
	require.NoError(t, err)
	assert.Equal(t, list, same)
}

func TestBackupFoldersDoNotCollide(t *testing.T) {
	svc := newTestService(t)
	for _, sys := range []string{"Lightning X", "Lightning_X"} {
		_, err := svc.Registry.Upsert(connector.Key{System: sys, Environment: connector.Sandbox}, nil)
		require.NoError(t, err)
	}
	a, err := svc.backupDir(connector.Key{System: "Lightning X", Environment: connector.Sandbox}, connector.DefaultResourceName)
	require.NoError(t, err)
	b, err := svc.backupDir(connector.Key{System: "Lightning_X", Environment: connector.Sandbox}, connector.DefaultResourceName)
	require.NoError(t, err)
	c, err := svc.backupDir(connector.Key{System: "lightning x", Environment: connector.Sandbox}, "walkme_content")
	require.NoError(t, err)
	assert.NotEqual(t, a, b, "two connectors never share backups")
	assert.Equal(t, a, c, "case does not matter, as in the registry")

	// a connector removed and added again never sees the old one's backups
	require.NoError(t, svc.Registry.Delete(connector.Key{System: "Lightning X", Environment: connector.Sandbox}))
	_, err = svc.Registry.Upsert(connector.Key{System: "Lightning X", Environment: connector.Sandbox}, nil)
	require.NoError(t, err)
	d, err := svc.backupDir(connector.Key{System: "Lightning X", Environment: connector.Sandbox}, connector.DefaultResourceName)
	require.NoError(t, err)
	assert.NotEqual(t, a, d)
}

// TestBackupsOfAnOlderVersionAreKept: the backup folder an older version
// named after the connector only is taken over, so no backup is lost.
func TestBackupsOfAnOlderVersionAreKept(t *testing.T) {
	svc := newTestService(t)
	c, err := svc.Registry.Upsert(sbKey, nil)
	require.NoError(t, err)
	old := filepath.Join(svc.BackupDir, connector.LockName(sbKey), "walkme_content")
	require.NoError(t, os.MkdirAll(old, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(old, "20261101T000000.000000000Z_unknown.zip"), []byte("PK"), 0o600))
	dir, err := svc.backupDir(sbKey, connector.DefaultResourceName)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(svc.BackupDir, connector.LockName(sbKey)+"-"+c.ID, "walkme_content"), dir)
	assert.FileExists(t, filepath.Join(dir, "20261101T000000.000000000Z_unknown.zip"))
	assert.NoDirExists(t, filepath.Join(svc.BackupDir, connector.LockName(sbKey)))
}

func TestBackupDownloadsWhenChangedElsewhere(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	// Someone uploads another body by hand into our record (no fingerprint).
	hand := []byte("console.log('uploaded by hand');")
	f.org.PutResource(sfsim.Resource{Name: connector.DefaultResourceName, ContentType: "text/javascript", CacheControl: "Public", Body: hand,
		LastModifiedDate: time.Now().Add(2 * time.Second)})

	res := f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireFailed(t, res, connector.CodeChangedOutside)
	assert.Equal(t, hand, requireOneResource(t, f.org, connector.DefaultResourceName).Body, "drift is not overwritten without Force")
	res = f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{Force: true})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.True(t, res.ChangedOutside, "our record, changed since our publish")
	assert.Equal(t, 5, res.Requests, "forced: read + lookup (who changed it) + read again (changed in a later second than our read) + download + PATCH")
	assert.Equal(t, hand, fileBytes(t, res.BackupPath))
	got := requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, "Public", got.CacheControl, "the existing cache control is kept")

	// The hand-made body (not a bundle, no fingerprint) restores byte for
	// byte, with its content type.
	requireOK(t, f.svc.Restore(ctx, f.k, publish.RestoreOptions{}), publish.OutcomeUpdated)
	got = requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, hand, got.Body)
	assert.Equal(t, "text/javascript", got.ContentType)
}

func TestBackupDownloadsWhenBodyReplacedUnderOurDescription(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	// Someone replaces the body (same size) but keeps our Description.
	other := append([]byte(nil), v1.Bytes()...)
	for i, j := 0, len(other)-1; i < j; i, j = i+1, j-1 {
		other[i], other[j] = other[j], other[i]
	}
	cur := requireOneResource(t, f.org, connector.DefaultResourceName)
	f.org.PutResource(sfsim.Resource{
		ID: cur.ID, Name: cur.Name, ContentType: cur.ContentType, CacheControl: cur.CacheControl,
		Description: cur.Description, Body: other, LastModifiedDate: time.Now().Add(time.Second),
	})

	// The same user, the same size, our Description kept: the org's record
	// cannot tell (the residual limit); --verify downloads before deciding.
	f.org.ResetRequests()
	res := f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{Verify: true})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, 1, countRequests(f.org, http.MethodGet, "/Body"), "--verify: downloaded, not our local copy")
	assert.Equal(t, other, fileBytes(t, res.BackupPath))
}

func TestBackupsListing(t *testing.T) {
	svc := newTestService(t)
	k := connector.Key{System: "Demo Org", Environment: connector.Test}
	list, err := svc.Backups(k, "Res")
	require.NoError(t, err)
	assert.Empty(t, list, "no connector, no backups")
	c, err := svc.Registry.Upsert(k, nil)
	require.NoError(t, err)
	list, err = svc.Backups(k, "Res")
	require.NoError(t, err)
	assert.Empty(t, list)

	folder, err := svc.backupDir(k, "Res")
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(folder, 0o700))
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range 3 {
		p := (&backup.Store{Dir: folder}).NewPath(base.Add(time.Duration(i)*time.Minute), "sha256:"+string(rune('a'+i))+"0000000000000000") + ".zip"
		require.NoError(t, os.WriteFile(p, []byte{byte(i)}, 0o600))
	}
	require.NoError(t, os.WriteFile(filepath.Join(folder, ".tmp-123"), nil, 0o600))
	list, err = svc.Backups(k, "Res")
	require.NoError(t, err)
	require.Len(t, list, 3)
	assert.Equal(t, base.Add(2*time.Minute), list[0].TakenAt, "time read from the name without a sidecar")
	assert.Equal(t, base, list[2].TakenAt)
	assert.Equal(t, int64(1), list[0].Size)
	assert.Equal(t, filepath.Join(svc.BackupDir, connector.LockName(k)+"-"+c.ID, "res"), folder)
	assert.True(t, strings.HasPrefix(filepath.Base(filepath.Dir(folder)), "demo_org-"), "readable: the system name comes first")
}
