package service

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// editInSetup changes the resource directly in the org, as a user in Setup
// would, a few seconds after our publish (HTTP-dates have whole seconds).
func editInSetup(t *testing.T, org *sfsim.Org, body []byte) sfsim.Resource {
	t.Helper()
	cur := requireOneResource(t, org, connector.DefaultResourceName)
	org.PutResource(sfsim.Resource{
		ID: cur.ID, Name: cur.Name, ContentType: cur.ContentType, CacheControl: cur.CacheControl,
		Description: "edited in Setup", Body: body, LastModifiedDate: time.Now().Add(3 * time.Second),
		LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe",
	})
	return requireOneResource(t, org, connector.DefaultResourceName)
}

// TestPublishRoundTrips: a first publish is two requests (lookup, POST), an
// unchanged one is one (read of our record), a changed one is two (the read
// that proves what the org holds, hence what the backup keeps, and the
// PATCH conditioned on the LastModifiedDate it returned); no read-back.
func TestPublishRoundTrips(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2, v3 := versionBundle(t, 1), versionBundle(t, 2), versionBundle(t, 3)
	steps := []struct {
		b        interface{ Fingerprint() string }
		want     publish.PublishOutcome
		requests []string
	}{
		{v1, publish.OutcomeCreated, []string{"GET query 200", "POST StaticResource 201"}},
		{v1, publish.OutcomeUpToDate, []string{"GET StaticResource 200"}},
		{v2, publish.OutcomeUpdated, []string{"GET StaticResource 200", "PATCH StaticResource 204"}},
		{v3, publish.OutcomeUpdated, []string{"GET StaticResource 200", "PATCH StaticResource 204"}},
		{v3, publish.OutcomeUpToDate, []string{"GET StaticResource 200"}},
	}
	for i, st := range steps {
		nextSecond(t)
		f.org.ResetRequests()
		res := f.svc.Publish(ctx, f.k, st.b.(publish.Bundle), publish.PublishOptions{})
		requireOK(t, res, st.want)
		assert.Equal(t, st.requests, requestLine(f.org), "step %d", i)
		assert.Equal(t, len(st.requests), res.Requests, "step %d", i)
	}
	// The conditional PATCH carried the record's time as the read returned it.
	var sent []string
	f.org.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPatch {
			sent = append(sent, r.Header.Get("If-Unmodified-Since"))
		}
	})
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeUpdated)
	require.Len(t, sent, 1)
	_, err := http.ParseTime(sent[0])
	assert.NoError(t, err, sent[0])
	// Every update kept a backup of what it replaced, from our local copy.
	list, err := f.svc.Backups(f.k, "")
	require.NoError(t, err)
	require.Len(t, list, 3)
	assert.Equal(t, v3.Fingerprint(), list[0].Fingerprint)
	assert.Equal(t, v3.Bytes(), fileBytes(t, list[0].Path))
}

// requestLine is "METHOD last-path-part STATUS" for each instance request.
func requestLine(org *sfsim.Org) []string {
	var out []string
	for _, r := range org.Requests() {
		if r.Host != "instance" {
			continue
		}
		part := "query"
		if strings.Contains(r.Path, "/sobjects/StaticResource") {
			part = "StaticResource"
			if strings.HasSuffix(r.Path, "/Body") {
				part = "Body"
			}
		}
		out = append(out, r.Method+" "+part+" "+strconv.Itoa(r.Status))
	}
	return out
}

// TestPublishDriftFromSetup: a resource edited in the org since our publish
// is not overwritten: the conditional write is refused (412), nothing is
// written, the result says when and by whom, and no backup of our old copy
// is left pretending to be what the org held. With Force the backup holds
// the edited version.
func TestPublishDriftFromSetup(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	edited := editInSetup(t, f.org, []byte("edited body"))

	f.org.ResetRequests()
	res := f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireFailed(t, res, connector.CodeChangedOutside)
	assert.Equal(t, []string{"GET StaticResource 200", "GET query 200"}, requestLine(f.org), "the read, then the lookup that names who changed it")
	assert.Equal(t, []byte("edited body"), requireOneResource(t, f.org, connector.DefaultResourceName).Body, "nothing written")
	require.NotNil(t, res.Drift)
	assert.Equal(t, "Jane Doe", res.Drift.By())
	assert.True(t, res.Drift.LastModifiedDate.Equal(edited.LastModifiedDate.Truncate(time.Millisecond)), "%v %v", res.Drift.LastModifiedDate, edited.LastModifiedDate)
	assert.Contains(t, res.Problem.Message, "changed outside Connectors")
	assert.Contains(t, res.Problem.Message, "Jane Doe")
	assert.Contains(t, res.Problem.Fix, "--force")
	assert.Empty(t, res.BackupPath)
	list, err := f.svc.Backups(f.k, "")
	require.NoError(t, err)
	assert.Empty(t, list, "the backup taken from our copy before the refused write is gone")

	// The dry run says so too, and writes nothing.
	res = f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{DryRun: true})
	requireOK(t, res, publish.OutcomeWouldUpdate)
	assert.True(t, res.ChangedOutside)

	res = f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{Force: true})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.True(t, res.ChangedOutside)
	assert.Equal(t, []byte("edited body"), fileBytes(t, res.BackupPath), "the backup keeps what was there")
	assert.Equal(t, v2.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
}

// TestPublishNoLostUpdateBetweenLookupAndWrite: an edit made after our
// lookup (and backup download) but before our write is not overwritten:
// the write carries If-Unmodified-Since = the LastModifiedDate we backed
// up, and the org refuses it. (Before, the edit was overwritten without
// any backup.)
func TestPublishNoLostUpdateBetweenLookupAndWrite(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	theirs := []byte("window.loader = 'theirs';")
	f.org.PutResource(sfsim.Resource{Name: connector.DefaultResourceName, ContentType: "text/javascript", Body: theirs,
		LastModifiedDate: time.Now().Add(-time.Hour), LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe"})
	var once sync.Once
	f.org.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPatch {
			once.Do(func() { editInSetup(t, f.org, []byte("edited meanwhile")) })
		}
	})
	res := f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{ReplaceExisting: true})
	requireFailed(t, res, connector.CodeChangedOutside)
	assert.Contains(t, res.Problem.Message, "while this publish ran")
	assert.Equal(t, []byte("edited meanwhile"), requireOneResource(t, f.org, connector.DefaultResourceName).Body, "their edit is not lost")
}

// TestPublishRecordGone: our record deleted in the org: the conditional
// write answers 404, the lookup finds nothing, and the resource is created
// again; the backup of our copy taken for the refused write is dropped.
func TestPublishRecordGone(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	require.True(t, f.org.DeleteResource(connector.DefaultResourceName))
	f.org.ResetRequests()
	res := f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeCreated)
	assert.Equal(t, []string{"GET StaticResource 404", "GET query 200", "POST StaticResource 201"}, requestLine(f.org))
	assert.Equal(t, v2.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
	list, err := f.svc.Backups(f.k, "")
	require.NoError(t, err)
	assert.Empty(t, list)
}

func TestDescriptionForms(t *testing.T) {
	fp := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	old := connector.DescriptionFor(fp)
	assert.Equal(t, fp, connector.FingerprintFromDescription(old))
	assert.Equal(t, connector.DescriptionInfo{Fingerprint: fp, Size: -1}, connector.ParseDescription(old))

	d := connector.DescriptionWith(fp, "1.4.0", "admin@example.com")
	assert.Equal(t, "Published by Connectors 1.4.0; fingerprint="+fp+"; by admin@example.com", d)
	assert.Equal(t, fp, connector.FingerprintFromDescription(d))
	assert.Equal(t, connector.DescriptionInfo{Fingerprint: fp, AppVersion: "1.4.0", Publisher: "admin@example.com", Size: -1}, connector.ParseDescription(d))
	assert.False(t, connector.ParseDescription(d).Full(), "the second form cannot judge a resource alone")

	// The third form: the org record.
	at := time.Date(2026, 12, 7, 16, 0, 0, 0, time.UTC)
	rec := connector.OrgRecord{Fingerprint: fp, Size: 1234567, UserID: "005000000000001AAA", At: at, AppVersion: "1.4.0", PubID: "0123456789abcdef", Publisher: "admin@example.com"}
	full := rec.Description()
	assert.Equal(t, "Published by Connectors 1.4.0; fingerprint="+fp+"; size=1234567; user=005000000000001AAA; at=2026-12-07T16:00:00Z; pub=0123456789abcdef; by admin@example.com", full)
	assert.Equal(t, connector.DescriptionInfo{Fingerprint: fp, AppVersion: "1.4.0", Publisher: "admin@example.com", Size: 1234567,
		UserID: "005000000000001AAA", At: at, PubID: "0123456789abcdef"}, connector.ParseDescription(full))
	assert.True(t, connector.ParseDescription(full).Full())
	rec.AppVersion, rec.Publisher = strings.Repeat("v", 100), strings.Repeat("é", 200)+";x\nfingerprint=sha256:evil"
	rec.Size = 5 << 20
	long3 := rec.Description()
	assert.LessOrEqual(t, len(long3), 255)
	got := connector.ParseDescription(long3)
	assert.Equal(t, fp, got.Fingerprint)
	assert.Equal(t, int64(5<<20), got.Size)
	assert.Equal(t, "0123456789abcdef", got.PubID)
	assert.True(t, got.Full())

	// Long or hostile values stay within 255 characters, the fingerprint whole.
	long := connector.DescriptionWith(fp, strings.Repeat("v", 100), strings.Repeat("é", 200)+";x\nfingerprint=sha256:evil")
	assert.LessOrEqual(t, len(long), 255)
	assert.Equal(t, fp, connector.FingerprintFromDescription(long))
	assert.NotContains(t, long, "\n")
	assert.Equal(t, fp, connector.ParseDescription(long).Fingerprint)
	assert.Empty(t, connector.ParseDescription("App Bundle - auto-uploaded").Fingerprint)
}

// TestStatusShowsDrift: status finds the resource edited in the org since
// our publish (when and by whom) and records it on the connector for the
// list; a forced publish clears it; a deleted resource is drift too.
func TestStatusShowsDrift(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1 := versionBundle(t, 1)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	st := f.svc.Status(ctx, f.k)
	assert.Nil(t, st.Drift, "untouched since our publish")

	edited := editInSetup(t, f.org, []byte("edited"))
	st = f.svc.Status(ctx, f.k)
	require.NotNil(t, st.Drift)
	assert.Equal(t, "Jane Doe", st.Drift.By())
	assert.True(t, st.Drift.LastModifiedDate.Equal(edited.LastModifiedDate.Truncate(time.Millisecond)))
	assert.Contains(t, st.Drift.Summary(), "changed outside Connectors")
	c, err := f.svc.Registry.Get(f.k)
	require.NoError(t, err)
	require.NotNil(t, c.Drift, "kept for the list")
	assert.Equal(t, "Jane Doe", c.Drift.LastModifiedByName)

	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{Force: true}), publish.OutcomeUpdated)
	c, err = f.svc.Registry.Get(f.k)
	require.NoError(t, err)
	assert.Nil(t, c.Drift, "a publish clears it")
	assert.Nil(t, f.svc.Status(ctx, f.k).Drift)

	// Our fingerprint gone from the Description (same user, same time): drift too.
	cur := requireOneResource(t, f.org, connector.DefaultResourceName)
	c, err = f.svc.Registry.Get(f.k)
	require.NoError(t, err)
	f.org.PutResource(sfsim.Resource{ID: cur.ID, Name: cur.Name, Body: cur.Body, Description: "notes by an admin",
		LastModifiedDate: cur.LastModifiedDate, LastModifiedByID: cur.LastModifiedByID})
	st = f.svc.Status(ctx, f.k)
	require.NotNil(t, st.Drift)
	assert.Empty(t, st.Drift.Fingerprint)

	require.True(t, f.org.DeleteResource(connector.DefaultResourceName))
	st = f.svc.Status(ctx, f.k)
	require.NotNil(t, st.Drift)
	assert.True(t, st.Drift.Deleted)
	assert.Equal(t, "deleted outside Connectors", st.Drift.Summary())
}
