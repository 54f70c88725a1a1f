package service

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// heldBundle is a publish.PendingBundle whose check ends when the test
// says: ready(nil) or ready(err).
type heldBundle struct {
	b    *packaging.Bundle
	done chan struct{}
	err  error
}

func holdBundle(b *packaging.Bundle) *heldBundle {
	return &heldBundle{b: b, done: make(chan struct{})}
}

func (h *heldBundle) ready(err error) { h.err = err; close(h.done) }

func (h *heldBundle) Size() int64 { return h.b.Size() }

func (h *heldBundle) Ready(ctx context.Context) error {
	select {
	case <-h.done:
		return h.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *heldBundle) Fingerprint() string { <-h.done; return h.b.Fingerprint() }

func (h *heldBundle) Open() (io.ReadCloser, error) { <-h.done; return h.b.Open() }

// waitFor polls cond until it holds (or fails the test after 10 s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A bundle still being checked does not hold up the session and the read
// of the org: the publish reads while the bundle is checked, and writes
// only once it is ready.
func TestPublishReadsWhileTheBundleIsChecked(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	requireOK(t, f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{}), publish.OutcomeCreated)
	nextSecond(t)
	before := len(f.org.Requests())

	held := holdBundle(versionBundle(t, 2))
	done := make(chan publish.PublishResult, 1)
	go func() { done <- f.svc.Publish(ctx, f.k, held, publish.PublishOptions{}) }()
	waitFor(t, "the read", func() bool { return len(f.org.Requests()) > before })
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, 1, writeRequests(f.org), "nothing written while the bundle is checked (only the first publish's create)")
	select {
	case res := <-done:
		t.Fatalf("the publish ended before the bundle was ready: %+v", res)
	default:
	}

	held.ready(nil)
	res := <-done
	requireOK(t, res, publish.OutcomeUpdated)
	assert.Equal(t, held.b.Fingerprint(), res.Fingerprint)
	assert.Equal(t, 2, res.Requests, "the read, then the write")
	got := requireOneResource(t, f.org, connector.DefaultResourceName)
	assert.Equal(t, held.b.Bytes(), got.Body)
}

// A bundle that fails its check after the publish has started stops it:
// nothing is written and nothing is journaled, as when the bundle is
// checked first.
func TestPublishStopsWhenThePendingBundleFails(t *testing.T) {
	f := newPublishFixture(t, sfsim.Options{})
	ctx := testCtx(t)
	requireOK(t, f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{}), publish.OutcomeCreated)
	history, err := f.svc.History(nil)
	require.NoError(t, err)
	nextSecond(t)

	bad := &connector.Problem{Code: connector.CodeInvalidBundle, Message: "The bundle is damaged.", Fix: "Choose another."}
	for _, tc := range []struct {
		name string
		opts publish.PublishOptions
	}{{"publish", publish.PublishOptions{}}, {"dry run", publish.PublishOptions{DryRun: true}}, {"forced", publish.PublishOptions{Force: true}}} {
		t.Run(tc.name, func(t *testing.T) {
			held := holdBundle(versionBundle(t, 2))
			before := len(f.org.Requests())
			done := make(chan publish.PublishResult, 1)
			go func() { done <- f.svc.Publish(ctx, f.k, held, tc.opts) }()
			waitFor(t, "the read", func() bool { return len(f.org.Requests()) > before })
			held.ready(bad)
			res := <-done
			assert.Equal(t, publish.OutcomeFailed, res.Outcome)
			require.NotNil(t, res.Problem)
			assert.Equal(t, connector.CodeInvalidBundle, res.Problem.Code)
			assert.Equal(t, 1, writeRequests(f.org), "nothing written")
			assert.Zero(t, countRequests(f.org, http.MethodGet, "/Body"), "no body downloaded")
		})
	}
	after, err := f.svc.History(nil)
	require.NoError(t, err)
	assert.Len(t, after, len(history), "no journal entry for a bundle that failed its check")

	// A run that failed before it needed the bundle (here: canceled) is
	// journaled only when the bundle turns out good, with its fingerprint.
	held := holdBundle(versionBundle(t, 3))
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	done := make(chan publish.PublishResult, 1)
	go func() { done <- f.svc.Publish(cctx, f.k, held, publish.PublishOptions{}) }()
	time.Sleep(20 * time.Millisecond)
	held.ready(errors.New("damaged"))
	res := <-done
	assert.Equal(t, publish.OutcomeFailed, res.Outcome)
	after, err = f.svc.History(nil)
	require.NoError(t, err)
	assert.Len(t, after, len(history), "a canceled run with a bad bundle is not journaled either")
}
