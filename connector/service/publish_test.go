package service

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

const resourcesPath = "/services/data/"

// prefix of every REST path

// countRequests counts sfsim's instance-host requests matching method and
// a path containing part.
// statuses are the statuses of the instance requests, in order.
func statuses(org *sfsim.Org) []int {
	var out []int
	for _, r := range org.Requests() {
		if r.Host == "instance" {
			out = append(out, r.Status)
		}
	}
	return out
}

func countRequests(org *sfsim.Org, method, part string) int {
	n := 0
	for _, r := range org.Requests() {
		if r.Host == "instance" && (method == "" || r.Method == method) && strings.Contains(r.Path, part) {
			n++
		}
	}
	return n
}

// requireOneResource asserts the org holds exactly one resource named name
// and returns it.
func requireOneResource(t *testing.T, org *sfsim.Org, name string) sfsim.Resource {
	t.Helper()
	var found []sfsim.Resource
	for _, r := range org.Resources() {
		if strings.EqualFold(r.Name, name) && r.NamespacePrefix == "" {
			found = append(found, r)
		}
	}
	require.Len(t, found, 1, "resources named %s", name)
	return found[0]
}

func requireOK(t *testing.T, res publish.PublishResult, want publish.PublishOutcome) {
	t.Helper()
	require.Nil(t, res.Problem, "problem: %v", res.Problem)
	require.Equal(t, want, res.Outcome)
	require.Empty(t, res.Error)
}

func requireFailed(t *testing.T, res publish.PublishResult, code string) {
	t.Helper()
	require.Equal(t, publish.OutcomeFailed, res.Outcome)
	require.NotNil(t, res.Problem)
	assert.Equal(t, code, res.Problem.Code, "problem: %v", res.Problem)
	assert.Equal(t, code, res.ErrorCode)
	assert.Equal(t, res.Problem.Error(), res.Error)
	assert.NotEmpty(t, res.Problem.Message)
	assert.NotEmpty(t, res.Problem.Fix, "a problem names its fix")
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return b
}

func TestPublishCreateUpToDateUpdate(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	var progressed atomic.Int64

	// Given an empty org, when we publish, then the resource is created.
	res := f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{Progress: func(sent, total int64) {
		progressed.Store(sent)
		assert.Equal(t, v1.Size(), total)
	}})
	requireOK(t, res, publish.OutcomeCreated)
	assert.Equal(t, 2, res.Requests, "list + POST: the 201 proves what landed, no read-back")
	assert.Equal(t, v1.Size(), progressed.Load(), "progress reaches the bundle size")
	assert.Positive(t, res.BytesSent)
	assert.Empty(t, res.BackupPath, "nothing to back up on create")
	got := requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, v1.Bytes(), got.Body)
	rec := connector.ParseDescription(got.Description)
	assert.True(t, rec.Full(), "the org carries the record: %s", got.Description)
	assert.Equal(t, v1.Fingerprint(), rec.Fingerprint)
	assert.Equal(t, v1.Size(), rec.Size)
	assert.Equal(t, f.org.UserID(), rec.UserID)
	assert.Equal(t, "admin@demo.example", rec.Publisher)
	assert.Equal(t, "application/zip", got.ContentType)
	assert.Equal(t, "Private", got.CacheControl)
	assert.Equal(t, got.ID, res.ResourceID)

	c, err := f.svc.Registry.Get(f.k)
	require.NoError(t, err)
	require.NotNil(t, c.LastPublish)
	assert.Equal(t, v1.Fingerprint(), c.LastPublish.Fingerprint)
	assert.Equal(t, v1.Size(), c.LastPublish.Size)
	assert.False(t, c.LastPublish.Restored)

	// When the same bundle is published again, then nothing is sent: one
	// read of our record shows it untouched.
	f.org.ResetRequests()
	res = f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpToDate)
	assert.Equal(t, 1, res.Requests)
	assert.Equal(t, []int{http.StatusOK}, statuses(f.org))

	// When a changed bundle is published, then it is updated after a backup
	// of v1 taken from our local copy (no download).
	nextSecond(t)
	f.org.ResetRequests()
	res = f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, 2, res.Requests, "the read of our record, one conditional PATCH: no lookup, no read-back")
	assert.Equal(t, []int{http.StatusOK, http.StatusNoContent}, statuses(f.org))
	assert.Zero(t, countRequests(f.org, http.MethodGet, "/Body"), "backup came from the local copy")
	got = requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, v2.Bytes(), got.Body)
	require.NotEmpty(t, res.BackupPath)
	assert.Equal(t, v1.Bytes(), fileBytes(t, res.BackupPath), "the previous body exists locally")

	// Force re-sends an unchanged bundle.
	res = f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{Force: true})
	requireOK(t, res, publish.OutcomeUpdated)
}

func TestPublishDryRun(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)

	res := f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{DryRun: true})
	requireOK(t, res, publish.OutcomeWouldCreate)
	assert.Equal(t, 1, res.Requests)
	assert.Empty(t, f.org.Resources(), "a dry run writes nothing")

	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{DryRun: true}), publish.OutcomeUpToDate)
	res = f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{DryRun: true})
	requireOK(t, res, publish.OutcomeWouldUpdate)
	assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
	backups, err := f.svc.Backups(f.k, "")
	require.NoError(t, err)
	assert.Empty(t, backups, "a dry run takes no backup")
}

// fakeBundle is a Bundle of a given size whose body is never read.
type fakeBundle struct{ size int64 }

func (b fakeBundle) Size() int64 { return b.size }

func (b fakeBundle) Fingerprint() string { return "sha256:" + strings.Repeat("ab", 32) }

func (b fakeBundle) Open() (io.ReadCloser, error) {
	return io.NopCloser(io.LimitReader(zeroReader{}, b.size)), nil
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestPublishValidation(t *testing.T) {
	org := startTestOrg(t, sfsim.Options{})
	svc := newTestService(t)
	sandbox := connector.Key{System: "Lightning", Environment: connector.Sandbox}
	prod := connector.Key{System: "Lightning", Environment: connector.Production}
	authorizeTestConnector(t, svc, org, sandbox)
	authorizeTestConnector(t, svc, org, prod)
	small := versionBundle(t, 1)

	tests := []struct {
		name     string
		key      connector.Key
		bundle   publish.Bundle
		opts     publish.PublishOptions
		code     string
		contains string
	}{
		{"invalid name", sandbox, small, publish.PublishOptions{ResourceName: "bad name"}, connector.CodeInvalidName, "bad name"},
		{"double underscore", sandbox, small, publish.PublishOptions{ResourceName: "a__b"}, connector.CodeInvalidName, "a__b"},
		{"trailing underscore", sandbox, small, publish.PublishOptions{ResourceName: "ab_"}, connector.CodeInvalidName, "ab_"},
		{"starts with digit", sandbox, small, publish.PublishOptions{ResourceName: "1ab"}, connector.CodeInvalidName, "1ab"},
		{"over 5 MB", sandbox, fakeBundle{size: packaging.MaxResourceSize + 1}, publish.PublishOptions{}, connector.CodeTooLarge, "5 MB"},
		{"no bundle", sandbox, nil, publish.PublishOptions{}, connector.CodeInvalidBundle, "bundle"},
		{"empty bundle", sandbox, fakeBundle{size: 0}, publish.PublishOptions{}, connector.CodeInvalidBundle, "empty"},
		{"production unconfirmed", prod, small, publish.PublishOptions{}, connector.CodeProductionNotConfirmed, "Demo Org"},
		{"unknown connector", connector.Key{System: "Nope", Environment: connector.Test}, small, publish.PublishOptions{}, connector.CodeNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org.ResetRequests()
			res := svc.Publish(testCtx(t), tt.key, tt.bundle, tt.opts)
			requireFailed(t, res, tt.code)
			assert.Contains(t, res.Problem.Message, tt.contains)
			assert.Zero(t, res.Requests)
			assert.Empty(t, org.Requests(), "nothing is sent before validation passes")
		})
	}
	assert.Empty(t, org.Resources())

	// A production publish goes through once confirmed; a dry run needs no confirmation.
	requireOK(t, svc.Publish(testCtx(t), prod, small, publish.PublishOptions{DryRun: true}), publish.OutcomeWouldCreate)
	requireOK(t, svc.Publish(testCtx(t), prod, small, publish.PublishOptions{ConfirmProduction: true}), publish.OutcomeCreated)
}

func TestPublishOrgStorageFull(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1 := versionBundle(t, 1)
	// Given an org whose other resources leave less room than the bundle needs.
	f.svc.setOrgStorageLimit(64 * 1024)
	f.org.PutResource(sfsim.Resource{Name: "Other", ContentType: "text/plain", CacheControl: "Public", Body: bytes.Repeat([]byte("x"), 64*1024-100)})

	res := f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{})
	requireFailed(t, res, connector.CodeOrgStorageFull)
	assert.Contains(t, res.Problem.Message, "of the 64 KB Salesforce allows an org")
	assert.Equal(t, 1, res.Requests, "refused after the lookup")
	assert.Len(t, f.org.Resources(), 1)

	// Our own resource's current size is replaced, so it does not count twice.
	f.org.PutResource(sfsim.Resource{Name: "Other", ContentType: "text/plain", CacheControl: "Public", Body: []byte("small")})
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
}

func TestPublishSalesforceErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(org *sfsim.Org)
		code  string
	}{
		{"API disabled", func(org *sfsim.Org) { org.SetAPIEnabled(false) }, connector.CodeAPIDisabled},
		{"customize application missing", func(org *sfsim.Org) { org.SetCustomizeApplication(false) }, connector.CodeInsufficientAccess},
		{"request limit", func(org *sfsim.Org) { org.FailNext(1, http.StatusForbidden) }, connector.CodeRequestLimit},
		{"maintenance", func(org *sfsim.Org) {
			org.FailNextWith(1, sfsim.Fault{PathPrefix: resourcesPath, Status: http.StatusServiceUnavailable, RetryAfter: "3600"})
		}, connector.CodeMaintenance},
		{"session revoked", func(org *sfsim.Org) { org.RevokeRefreshTokens() }, connector.CodeNeedsReauth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPublishFixture(t, sfsim.Options{})
			tt.setup(f.org)
			res := f.svc.Publish(testCtx(t), f.k, versionBundle(t, 1), publish.PublishOptions{})
			requireFailed(t, res, tt.code)
			assert.Empty(t, f.org.Resources())
		})
	}
}

func TestPublishSessionExpiresMidPublish(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	// Given a session that dies after the lookup, the POST gets a 401, the
	// client refreshes once and the publish succeeds.
	f.org.ExpireSessionsAfter(1)
	res := f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeCreated)
	assert.Equal(t, versionBundle(t, 1).Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
	var statuses []int
	for _, r := range f.org.Requests() {
		if r.Method == http.MethodPost && strings.Contains(r.Path, "/sobjects/StaticResource") {
			statuses = append(statuses, r.Status)
		}
	}
	assert.Equal(t, []int{http.StatusUnauthorized, http.StatusCreated}, statuses, "refused once, refreshed, sent again")
}

func TestPublishPatchRetriedOn503(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)

	for _, status := range []int{http.StatusServiceUnavailable, 0} {
		f.org.FailNextMatching(http.MethodPatch, resourcesPath, 1, status)
		b := v2
		if status == 0 {
			b = v1
		}
		nextSecond(t)
		res := f.svc.Publish(ctx, f.k, b, publish.PublishOptions{})
		requireOK(t, res, publish.OutcomeUpdated)
		assert.Equal(t, 3, res.Requests, "read + PATCH (failed) + PATCH")
		got := requireOneResource(t, f.org, connector.DefaultResourceName)
		assert.Equal(t, b.Bytes(), got.Body)
		assert.FileExists(t, res.BackupPath)
	}
	// The version before the last publish (v2) can be restored.
	requireOK(t, f.svc.Restore(ctx, f.k, publish.RestoreOptions{}), publish.OutcomeUpdated)
	assert.Equal(t, v2.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
}

func TestPublishPostFailureNeverDuplicates(t *testing.T) {
	tests := []struct {
		name     string
		failures int
		status   int
		outcome  publish.PublishOutcome
		code     string
		posts    int
		lookups  int
	}{
		{"one 503: looked up, then posted again", 1, http.StatusServiceUnavailable, publish.OutcomeCreated, "", 2, 2},
		{"one dropped connection", 1, 0, publish.OutcomeCreated, "", 2, 2},
		{"two 503s: gives up, nothing created", 2, http.StatusServiceUnavailable, publish.OutcomeFailed, connector.CodeMaintenance, 2, 3},
		{"500s", 3, http.StatusInternalServerError, publish.OutcomeFailed, connector.CodeUnreachable, 2, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newPublishFixture(t, sfsim.Options{})
			v1 := versionBundle(t, 1)
			f.org.FailNextMatching(http.MethodPost, resourcesPath, tt.failures, tt.status)
			res := f.svc.Publish(testCtx(t), f.k, v1, publish.PublishOptions{})
			assert.Equal(t, tt.posts, countRequests(f.org, http.MethodPost, "/sobjects/StaticResource"))
			assert.Equal(t, tt.lookups, countRequests(f.org, http.MethodGet, "/query"), "a lookup before the POST and one after each failure")
			if tt.code != "" {
				requireFailed(t, res, tt.code)
				assert.Empty(t, f.org.Resources(), "nothing created")
				return
			}
			requireOK(t, res, tt.outcome)
			assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
		})
	}
}

// TestPublishSameBundleCreatedMeanwhile: a POST that fails while the same
// bundle, published with Connectors by the same user, appears in the org
// (an older version's record): nothing is posted twice, and the bundle is
// up to date.
func TestPublishSameBundleCreatedMeanwhile(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	v1 := versionBundle(t, 1)
	var once sync.Once
	f.org.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/sobjects/StaticResource") {
			once.Do(func() {
				f.org.PutResource(sfsim.Resource{
					Name: connector.DefaultResourceName, ContentType: "application/zip", CacheControl: "Private",
					Description: connector.DescriptionFor(v1.Fingerprint()), Body: v1.Bytes(),
				})
			})
		}
	})
	f.org.FailNextMatching(http.MethodPost, resourcesPath, 1, 0)
	res := f.svc.Publish(testCtx(t), f.k, v1, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpToDate)
	assert.Equal(t, 1, countRequests(f.org, http.MethodPost, "/sobjects/StaticResource"), "never posted twice")
	got := requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, got.ID, res.ResourceID)
}

func TestPublishCreatedElsewhereMeanwhile(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	v1 := versionBundle(t, 1)
	theirs := []byte("somebody else's body")
	// Given a resource of the same name created by someone else between our
	// lookup and our POST.
	var once sync.Once
	f.org.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/sobjects/StaticResource") {
			once.Do(func() {
				f.org.PutResource(sfsim.Resource{Name: connector.DefaultResourceName, ContentType: "text/plain", CacheControl: "Public", Body: theirs})
			})
		}
	})
	res := f.svc.Publish(testCtx(t), f.k, v1, publish.PublishOptions{})
	requireFailed(t, res, connector.CodeDuplicate)
	assert.Contains(t, res.Problem.Message, "A static resource named "+connector.DefaultResourceName+" was created in the org meanwhile")
	got := requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, theirs, got.Body, "their resource is untouched")

	// Publishing again does not replace it without a decision.
	f.org.ResetRequests()
	res = f.svc.Publish(testCtx(t), f.k, v1, publish.PublishOptions{})
	requireFailed(t, res, connector.CodeResourceExists)
	assert.Equal(t, 1, res.Requests, "the lookup only")
	assert.Equal(t, theirs, requireOneResource(t, f.org, connector.DefaultResourceName).Body)

	// Replacing it backs up their body (downloaded) first.
	nextSecond(t)
	f.org.ResetRequests()
	res = f.svc.Publish(testCtx(t), f.k, v1, publish.PublishOptions{ReplaceExisting: true})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, 3, res.Requests, "list + download + PATCH")
	assert.Equal(t, 1, countRequests(f.org, http.MethodGet, "/Body"))
	assert.Equal(t, theirs, fileBytes(t, res.BackupPath))
	assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)

	// And their version can be restored, with its content type and cache control.
	res = f.svc.Restore(testCtx(t), f.k, publish.RestoreOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	got = requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, theirs, got.Body)
	assert.Equal(t, "text/plain", got.ContentType)
	assert.Equal(t, "Public", got.CacheControl)
	assert.Empty(t, got.Description)
}

func TestPublishTwoAtOnce(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	inPost := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	f.org.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, "/sobjects/StaticResource") {
			once.Do(func() {
				close(inPost)
				select {
				case <-release:
				case <-ctx.Done():
				}
			})
		}
	})
	first := make(chan publish.PublishResult, 1)
	go func() { first <- f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}) }()
	select {
	case <-inPost:
	case <-ctx.Done():
		t.Fatal("first publish never reached its POST")
	}
	// While the first is uploading, a second publish to the same connector is refused.
	second := f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireFailed(t, second, connector.CodeBusy)
	assert.Zero(t, second.Requests)
	// So is one from another Service on the same config folder (the CLI
	// next to the window): the lock is a file lock.
	other, err := NewService(f.svc.Registry.Dir(), f.svc.Tokens)
	require.NoError(t, err)
	other.BackupDir = f.svc.BackupDir
	requireFailed(t, other.Publish(ctx, f.k, v2, publish.PublishOptions{}), connector.CodeBusy)
	requireFailed(t, other.Restore(ctx, f.k, publish.RestoreOptions{}), connector.CodeNoBackup)
	close(release)
	var res publish.PublishResult
	select {
	case res = <-first:
	case <-ctx.Done():
		t.Fatal("first publish never finished")
	}
	requireOK(t, res, publish.OutcomeCreated)
	assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
	// The lock is released afterwards, and the first version can be restored.
	requireOK(t, f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)
	requireOK(t, f.svc.Restore(ctx, f.k, publish.RestoreOptions{}), publish.OutcomeUpdated)
	assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
}

func TestPublishBackupFolderUnusable(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	// Given a backup folder that cannot be created (a file is in the way).
	blocker := filepath.Join(t.TempDir(), "not-a-folder")
	require.NoError(t, os.WriteFile(blocker, []byte("x"), 0o600))
	f.svc.BackupDir = blocker
	res := f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireFailed(t, res, connector.CodeBackupFailed)
	assert.Equal(t, v1.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body, "nothing overwritten without a backup")
	assert.Zero(t, countRequests(f.org, http.MethodPatch, ""))
}

func TestPublishCanceled(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx, cancel := context.WithCancel(testCtx(t))
	cancel()
	res := f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{})
	requireFailed(t, res, connector.CodeCanceled)
	assert.Empty(t, f.org.Resources())
}

func TestFingerprintDescriptionRoundTrip(t *testing.T) {
	fp := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	assert.Equal(t, "Published by Connectors; fingerprint="+fp, connector.DescriptionFor(fp))
	assert.Equal(t, fp, connector.FingerprintFromDescription(connector.DescriptionFor(fp)))
	for _, d := range []string{"", "App Bundle - auto-uploaded", "fingerprint=", "fingerprint=md5:abc"} {
		assert.Empty(t, connector.FingerprintFromDescription(d), d)
	}
}
