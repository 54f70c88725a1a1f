package publish

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector"
)

// publishManyLimit bounds concurrent publishes in PublishMany. Each publish
// streams its body (tens of KB of buffers, no copy of the bundle) and waits
// mostly on the network, so 20 orgs (a consultant's typical fleet) go in a
// single wave.
const publishManyLimit = 20

// PublishMany publishes to several connectors concurrently (bounded); one
// failure never stops the others. progress reports per connector. Results
// come back in the order of keys; a key listed twice is published once.
// When ctx is canceled, publishes not yet started fail with CodeCanceled and
// running ones stop at their next request.
func (s *Publisher) PublishMany(ctx context.Context, keys []connector.Key, b Bundle, opts PublishOptions, progress func(k connector.Key, sent, total int64)) []PublishResult {
	results := make([]PublishResult, len(keys))
	first := make(map[connector.Key]int, len(keys))
	limit := publishManyLimit
	if opts.MaxParallel > 0 {
		limit = opts.MaxParallel
	}
	sem := make(chan struct{}, limit)
	var wg sync.WaitGroup
	var recMu sync.Mutex
	records := map[connector.Key]*connector.PublishRecord{}
	recordFn := func(k connector.Key, rec *connector.PublishRecord) {
		recMu.Lock()
		defer recMu.Unlock()
		records[k] = rec
	}
	for i, k := range keys {
		if _, dup := first[k]; dup {
			continue
		}
		first[k] = i
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				results[i] = batchFailed(k, b, opts, publishProblem(ctx.Err()))
				return
			}
			if err := ctx.Err(); err != nil {
				results[i] = batchFailed(k, b, opts, publishProblem(err))
				return
			}
			results[i] = s.publishGuarded(ctx, k, b, batchOptions(k, opts, progress), recordFn)
		}()
	}
	wg.Wait()
	if err := s.recordPublishes(records); err != nil {
		s.Log().Warn("record the publishes on the connectors", "err", err)
	}
	for i, k := range keys {
		if j := first[k]; j != i {
			results[i] = results[j]
		}
	}
	return results
}

// publishGuarded runs Publish, turning a panic into a failed result so one
// target can never take the others down.
func (s *Publisher) publishGuarded(ctx context.Context, k connector.Key, b Bundle, opts PublishOptions, recordFn func(connector.Key, *connector.PublishRecord)) (res PublishResult) {
	defer func() {
		if v := recover(); v != nil {
			s.Log().Error("publish panicked", "connector", k.String(), "panic", fmt.Sprint(v))
			res = batchFailed(k, b, opts, &connector.Problem{
				Code:    "unexpected",
				Message: fmt.Sprintf("Publishing to %s stopped on an internal error.", k),
				Fix:     "Publish to this connector again; if it keeps failing, send the diagnostics to support.",
				Err:     fmt.Errorf("panic: %v", v),
			})
		}
	}()
	return s.publishOne(ctx, k, b, opts, recordFn)
}

// recordPublishes sets LastPublish on every connector of records in one
// registry transaction (one lock, one write), instead of one write per
// target serialised behind the registry lock. Removed connectors are skipped.
func (s *Publisher) recordPublishes(records map[connector.Key]*connector.PublishRecord) error {
	if len(records) == 0 {
		return nil
	}
	now := s.Clock().UTC().Truncate(time.Millisecond)
	return s.Registry.Transact(func(doc *connector.RegistryDoc) (bool, error) {
		changed := false
		for k, rec := range records {
			if i := connector.FindConnector(doc.Connectors, k); i >= 0 {
				doc.Connectors[i].LastPublish = rec
				doc.Connectors[i].Drift = nil
				doc.Connectors[i].UpdatedAt = now
				changed = true
			}
		}
		return changed, nil
	})
}

// batchOptions gives each target its own progress callback.
func batchOptions(k connector.Key, opts PublishOptions, progress func(k connector.Key, sent, total int64)) PublishOptions {
	o := opts
	if progress != nil || opts.Progress != nil {
		o.Progress = func(sent, total int64) {
			if progress != nil {
				progress(k, sent, total)
			}
			if opts.Progress != nil {
				opts.Progress(sent, total)
			}
		}
	}
	return o
}

func batchFailed(k connector.Key, b Bundle, opts PublishOptions, p *connector.Problem) PublishResult {
	res := PublishResult{
		Key: k, Connector: k.String(), Outcome: OutcomeFailed, Resource: opts.ResourceName,
		Problem: p, Error: p.Error(), ErrorCode: p.Code,
	}
	if b != nil {
		res.Fingerprint, res.Size = b.Fingerprint(), b.Size()
	}
	return res
}
