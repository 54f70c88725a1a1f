package service

// Issue 17: the org is the record. One org published from two laptops (two
// config folders, one Salesforce user), from CI (no local state at all),
// with processes killed after their write landed and edits made in Setup.

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// laptop is another config folder with the same connector on the same org
// and the same Salesforce user (its own sign-in).
func laptop(t *testing.T, f *publishFixture) *Service {
	t.Helper()
	svc := newTestService(t)
	authorizeTestConnector(t, svc, f.org, f.k)
	return svc
}

// ciRun is a folder with no record of any publish (a CI runner, a new laptop).
func ciRun(t *testing.T, f *publishFixture) *Service { return laptop(t, f) }

func writesTo(org *sfsim.Org) int {
	n := 0
	for _, r := range org.Requests() {
		if r.Host == "instance" && (r.Method == http.MethodPost || r.Method == http.MethodPatch) {
			n++
		}
	}
	return n
}

// A teammate's publish is "published with Connectors elsewhere", never a
// change outside Connectors: publishing over it needs no --force, backs it
// up (downloaded: this laptop never had it) and says what it replaced.
func TestTeammatePublishIsNotAChangeOutside(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	a, b := f.svc, laptop(t, f)
	v1, v2, v3 := versionBundle(t, 1), versionBundle(t, 2), versionBundle(t, 3)
	requireOK(t, a.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	requireOK(t, b.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)

	// A's status names B's publish: who, when, which version.
	st := a.Status(ctx, f.k)
	assert.Nil(t, st.Drift)
	require.NotNil(t, st.Found)
	assert.Equal(t, connector.ProvConnectors, st.Found.Provenance)
	assert.Equal(t, v2.Fingerprint(), st.Found.Fingerprint)
	assert.Equal(t, "admin@demo.example", st.Found.Publisher)
	assert.Contains(t, st.Found.Summary(), "published with Connectors on ")

	f.org.ResetRequests()
	res := a.Publish(ctx, f.k, v3, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.False(t, res.ChangedOutside)
	require.NotNil(t, res.Replaced)
	assert.Equal(t, connector.ProvConnectors, res.Replaced.Provenance)
	assert.Equal(t, v2.Fingerprint(), res.Replaced.Fingerprint)
	assert.Equal(t, v2.Bytes(), fileBytes(t, res.BackupPath), "B's version is backed up")
	assert.Equal(t, 1, countRequests(f.org, http.MethodGet, "/Body"), "downloaded: A has no copy of v2")

	// B's own status says the same of A's publish.
	st = b.Status(ctx, f.k)
	require.NotNil(t, st.Found)
	assert.Equal(t, connector.ProvConnectors, st.Found.Provenance)
	assert.Equal(t, v3.Fingerprint(), st.Found.Fingerprint)
}

// The same bundle is up to date from any folder and from a CI run: no write.
func TestSameBundleIsUpToDateFromAnyFolder(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1 := versionBundle(t, 1)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	for _, svc := range []*Service{laptop(t, f), ciRun(t, f)} {
		f.org.ResetRequests()
		res := svc.Publish(ctx, f.k, v1, publish.PublishOptions{})
		requireOK(t, res, publish.OutcomeUpToDate)
		assert.Equal(t, 1, res.Requests, "one lookup")
		assert.Zero(t, writesTo(f.org), "no write")
		require.NotNil(t, res.Found)
		assert.Equal(t, connector.ProvConnectors, res.Found.Provenance)
	}
}

// A CI run (no local record) never overwrites a change made in Setup:
// another user's edit, and the same user's edit of the body (another size),
// both keeping our Description as Setup does.
func TestCIRunRefusesAChangeMadeInSetup(t *testing.T) {
	for _, tc := range []struct {
		name string
		user string
	}{{"another user", "005000000000777AAA"}, {"the same user", ""}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newPublishFixture(t, sfsim.Options{})
			ctx := testCtx(t)
			requireOK(t, f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{}), publish.OutcomeCreated)
			cur := requireOneResource(t, f.org, connector.DefaultResourceName)
			user := tc.user
			if user == "" {
				user = f.org.UserID()
			}
			f.org.PutResource(sfsim.Resource{ID: cur.ID, Name: cur.Name, ContentType: cur.ContentType, CacheControl: cur.CacheControl,
				Description: cur.Description, Body: []byte("edited in Setup"), LastModifiedDate: time.Now().Add(2 * time.Second),
				LastModifiedByID: user, LastModifiedByName: "Jane Doe"})

			res := ciRun(t, f).Publish(ctx, f.k, versionBundle(t, 2), publish.PublishOptions{})
			requireFailed(t, res, connector.CodeChangedOutside)
			assert.Equal(t, []byte("edited in Setup"), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
			assert.Contains(t, res.Problem.Message, "Jane Doe")
		})
	}
}

// A publish killed after its write landed (or whose answer was lost) is
// recognised by the next publish as this folder's own write: no question,
// no --force, and the history says it landed.
func TestKilledPublishIsRecognisedAsOurOwn(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2, v3 := versionBundle(t, 1), versionBundle(t, 2), versionBundle(t, 3)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	c, err := f.svc.Registry.Get(f.k)
	require.NoError(t, err)

	// What a publish of v2 killed right after its write leaves: its intent
	// here, its write in the org, no record of it.
	pub := connector.NewPubID()
	require.NoError(t, f.svc.WriteIntent(publish.Intent{PubID: pub, ConnectorID: c.ID, Connector: f.k.String(), Resource: connector.DefaultResourceName,
		Fingerprint: v2.Fingerprint(), Size: v2.Size(), At: time.Now().UTC()}))
	cur := requireOneResource(t, f.org, connector.DefaultResourceName)
	f.org.PutResource(sfsim.Resource{ID: cur.ID, Name: cur.Name, ContentType: cur.ContentType, CacheControl: cur.CacheControl,
		Description: connector.OrgRecord{Fingerprint: v2.Fingerprint(), Size: v2.Size(), UserID: f.org.UserID(), At: time.Now(), PubID: pub,
			Publisher: "admin@demo.example"}.Description(),
		Body: v2.Bytes(), LastModifiedDate: time.Now().Add(2 * time.Second), LastModifiedByID: f.org.UserID(), LastModifiedByName: "Ada Admin"})

	st := f.svc.Status(ctx, f.k)
	assert.Nil(t, st.Drift, "our own write is no drift")
	require.NotNil(t, st.Found)
	assert.Equal(t, connector.ProvOwn, st.Found.Provenance)
	_, pending := f.svc.PendingIntent(c.ID, pub)
	assert.False(t, pending, "status settled it")

	res := f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpToDate)
	entries, err := f.svc.History(&f.k)
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	var landed []connector.HistoryEntry
	for _, e := range entries {
		if e.Outcome == connector.OutcomeLanded {
			landed = append(landed, e)
		}
	}
	require.Len(t, landed, 1, "the history says it landed")
	assert.Equal(t, v2.Fingerprint(), landed[0].Fingerprint)
	assert.Equal(t, pub, landed[0].PubID)

	res = f.svc.Publish(ctx, f.k, v3, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.False(t, res.ChangedOutside)
	assert.Equal(t, v2.Bytes(), fileBytes(t, res.BackupPath))
}

// A teammate who published in the same second as our previous publish:
// our next publish backs up the teammate's version (downloaded), so a
// restore brings it back, not ours.
func TestRestoreBringsBackTheTeammatesSameSecondVersion(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	a, b := f.svc, laptop(t, f)
	v1, v1b, v2 := versionBundle(t, 1), versionBundle(t, 11), versionBundle(t, 2)
	requireOK(t, a.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	ours := requireOneResource(t, f.org, connector.DefaultResourceName)
	requireOK(t, b.Publish(ctx, f.k, v1b, publish.PublishOptions{}), publish.OutcomeUpdated)
	// B's write landed in the same second as ours.
	theirs := requireOneResource(t, f.org, connector.DefaultResourceName)
	f.org.PutResource(sfsim.Resource{ID: theirs.ID, Name: theirs.Name, ContentType: theirs.ContentType, CacheControl: theirs.CacheControl,
		Description: theirs.Description, Body: theirs.Body, LastModifiedDate: ours.LastModifiedDate,
		LastModifiedByID: theirs.LastModifiedByID, LastModifiedByName: theirs.LastModifiedByName})

	res := a.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, v1b.Bytes(), fileBytes(t, res.BackupPath), "the teammate's version is what was replaced")
	requireOK(t, a.Restore(ctx, f.k, publish.RestoreOptions{}), publish.OutcomeUpdated)
	assert.Equal(t, v1b.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
}

// A refused publish deletes no backup: rotation runs only after a write
// landed, so the body someone else replaced stays restorable.
func TestRefusedPublishKeepsEveryBackup(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	for v := 1; v <= 6; v++ {
		requireOK(t, f.svc.Publish(ctx, f.k, versionBundle(t, v), publish.PublishOptions{}), map[bool]publish.PublishOutcome{true: publish.OutcomeCreated, false: publish.OutcomeUpdated}[v == 1])
	}
	before, err := f.svc.Backups(f.k, "")
	require.NoError(t, err)
	require.Len(t, before, 5)
	editInSetup(t, f.org, []byte("edited by Jane"))
	for range 5 {
		requireFailed(t, f.svc.Publish(ctx, f.k, versionBundle(t, 7), publish.PublishOptions{}), connector.CodeChangedOutside)
	}
	after, err := f.svc.Backups(f.k, "")
	require.NoError(t, err)
	assert.Equal(t, before, after, "no backup rotated away by refused publishes")

	res := f.svc.Publish(ctx, f.k, versionBundle(t, 7), publish.PublishOptions{Force: true})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, []byte("edited by Jane"), fileBytes(t, res.BackupPath))
	for range 5 { // later publishes rotate, but the edit is still the newest backup of a foreign body
		requireOK(t, f.svc.Publish(ctx, f.k, versionBundle(t, 7), publish.PublishOptions{}), publish.OutcomeUpToDate)
	}
	_, err = os.Stat(res.BackupPath)
	assert.NoError(t, err)
	assert.True(t, filepath.IsAbs(res.BackupPath))
}

// The answer's Date is the time of the answer, not of the write: an edge
// whose clock is 30 s behind used to make every later publish a false
// "changed outside". Writes are conditioned on the record's own time.
func TestAnswerDateBehindIsNoFalseDrift(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{Quirks: sfsim.Quirks{DateOffset: -30 * time.Second}})
	ctx := testCtx(t)
	for v := 1; v <= 4; v++ {
		res := f.svc.Publish(ctx, f.k, versionBundle(t, v), publish.PublishOptions{})
		assert.NotEqual(t, publish.OutcomeFailed, res.Outcome, "v%d: %+v", v, res.Problem)
		assert.False(t, res.ChangedOutside, "v%d", v)
	}
	assert.Equal(t, versionBundle(t, 4).Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
}

// A teammate's publish landing between our read and our backup download:
// the body downloaded is not the one read. The publish judges the org again
// and backs up what it replaces, instead of failing as a disk problem.
func TestPublishWhileATeammatePublishesBetweenReadAndBackup(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	a, b := f.svc, laptop(t, f)
	v1, v2, v3 := versionBundle(t, 1), testBundle(t, map[string]string{"index.html": "a much longer second version, another size"}), versionBundle(t, 3)
	requireOK(t, b.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	var once sync.Once
	f.org.OnRequest(func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/Body") {
			once.Do(func() { requireOK(t, b.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated) })
		}
	})
	res := a.Publish(ctx, f.k, v3, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, v2.Bytes(), fileBytes(t, res.BackupPath), "what was replaced is v2")
	assert.Equal(t, v3.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
}

// A lost answer (the write landed, the answer never came) is never
// "nothing was written": the run reads the org and finds its own write.
func TestLostAnswerIsSettledFromTheOrg(t *testing.T) {
	for _, method := range []string{http.MethodPost, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			f := newPublishFixture(t, sfsim.Options{})
			ctx := testCtx(t)
			v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
			b, want := v1, publish.OutcomeCreated
			if method == http.MethodPatch {
				requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
				b, want = v2, publish.OutcomeUpdated
			}
			f.org.FailNextWith(1, sfsim.Fault{Method: method, PathPrefix: resourcesPath, LoseAnswer: true})
			res := f.svc.Publish(ctx, f.k, b, publish.PublishOptions{})
			requireOK(t, res, want)
			assert.Equal(t, b.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
			if method == http.MethodPost {
				assert.Equal(t, 1, countRequests(f.org, method, "/sobjects/StaticResource"), "never posted twice: the org was asked instead")
			} else {
				// the client sends a conditional PATCH again; the org refuses
				// the repeat (412), and the run finds its own write there
				var statuses []int
				for _, r := range f.org.Requests() {
					if r.Method == http.MethodPatch {
						statuses = append(statuses, r.Status)
					}
				}
				// (or, within the same second as the record's previous
				// change, applies the identical write again: harmless)
				require.Len(t, statuses, 2)
				assert.Equal(t, 0, statuses[0], "the lost answer")
				assert.Contains(t, []int{http.StatusPreconditionFailed, http.StatusNoContent}, statuses[1])
				assert.Len(t, f.org.Resources(), 1)
			}
			// Recorded as ours: the same bundle again is up to date.
			requireOK(t, f.svc.Publish(ctx, f.k, b, publish.PublishOptions{}), publish.OutcomeUpToDate)
		})
	}
}

// TestLostAnswerThenATeammateKeepsTheBackup: A's write lands but its answer
// is lost; before the client sends it again, a teammate (B) publishes over
// it. A's repeat is refused (412) and A reads B's version: that proved
// nothing about A's own write, yet A dropped the backup of what its write
// had replaced, as if nothing had landed. That version (v1) was then in no
// backup anywhere: B backed up A's v3, A then backed up B's v2 (found by
// the randomized soak, seed 1629703189, step 153). A refusal after a lost
// answer keeps the backup.
func TestLostAnswerThenATeammateKeepsTheBackup(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	a, b := f.svc, laptop(t, f)
	v1, v2, v3 := versionBundle(t, 1), versionBundle(t, 2), versionBundle(t, 3)
	requireOK(t, a.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	nextSecond(t) // the writes below land in a later second than v1: A's repeat is refused
	f.org.FailNextWith(1, sfsim.Fault{Method: http.MethodPatch, PathPrefix: resourcesPath, LoseAnswer: true})
	var patches atomic.Int32
	f.org.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPatch && patches.Add(1) == 2 { // A's repeat: B publishes first
			requireOK(t, b.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated)
		}
	})
	requireOK(t, a.Publish(ctx, f.k, v3, publish.PublishOptions{}), publish.OutcomeUpdated)
	assert.Equal(t, v3.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)

	kept := map[string]bool{}
	for _, svc := range []*Service{a, b} {
		list, err := svc.Backups(f.k, "")
		require.NoError(t, err)
		for _, bk := range list {
			kept[string(fileBytes(t, bk.Path))] = true
		}
	}
	assert.True(t, kept[string(v1.Bytes())], "v1, replaced by A's write whose answer was lost, is in a backup")
	assert.True(t, kept[string(v2.Bytes())], "v2, B's, replaced by A's second write")
	assert.True(t, kept[string(v3.Bytes())], "v3, A's first write, replaced by B")
}

// When the org cannot be asked after a lost answer either, the result says
// the org may hold the version (outcome_unknown), and the next publish
// recognises it as this folder's own write.
func TestLostAnswerWithTheOrgUnreachableIsOutcomeUnknown(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	v1, v2 := versionBundle(t, 1), versionBundle(t, 2)
	requireOK(t, f.svc.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	f.org.FailNextWith(1, sfsim.Fault{Method: http.MethodPatch, PathPrefix: resourcesPath, LoseAnswer: true})
	var once sync.Once
	f.org.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPatch { // from then on the org cannot be reached
			once.Do(func() { f.org.FailNextMatching("", resourcesPath, 100, http.StatusServiceUnavailable) })
		}
	})
	res := f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireFailed(t, res, connector.CodeOutcomeUnknown)
	assert.Contains(t, res.Problem.Message, "may already hold this version")
	assert.NotContains(t, res.Problem.Error(), "nothing was written")
	assert.Equal(t, v2.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body, "it had landed")

	f.org.ClearFaults()
	res = f.svc.Publish(ctx, f.k, v2, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpToDate)
	entries, err := f.svc.History(&f.k)
	require.NoError(t, err)
	assert.Equal(t, connector.OutcomeLanded, entries[len(entries)-2].Outcome, "the history says it landed")
}

// Two publishes racing within one second: B's write lands between A's
// read and A's write, in the same second as the record's previous change,
// so A's whole-second If-Unmodified-Since alone would let A overwrite it
// with no backup of B's version. A reads again in a later second first,
// sees B's publish, and backs it up.
func TestRacingPublishesWithinOneSecondLoseNoVersion(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	a, b := f.svc, laptop(t, f)
	v1, v2, v3 := versionBundle(t, 1), versionBundle(t, 2), versionBundle(t, 3)
	nextSecond(t) // everything below starts early in a second
	requireOK(t, a.Publish(ctx, f.k, v1, publish.PublishOptions{}), publish.OutcomeCreated)
	var fired atomic.Bool
	f.org.OnRequest(func(r *http.Request) {
		if r.Method == http.MethodPatch && fired.CompareAndSwap(false, true) {
			requireOK(t, b.Publish(ctx, f.k, v2, publish.PublishOptions{}), publish.OutcomeUpdated) // A's write waits for it
		}
	})
	res := a.Publish(ctx, f.k, v3, publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, v3.Bytes(), requireOneResource(t, f.org, connector.DefaultResourceName).Body)
	var kept [][]byte
	for _, svc := range []*Service{a, b} {
		list, err := svc.Backups(f.k, "")
		require.NoError(t, err)
		for _, bk := range list {
			kept = append(kept, fileBytes(t, bk.Path))
		}
	}
	assert.Contains(t, kept, v2.Bytes(), "B's version, replaced by A, is in a backup")
	assert.Contains(t, kept, v1.Bytes())
}
