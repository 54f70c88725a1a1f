// Package watch publishes a content folder again each time it changes
// (sandbox and test connectors only), through its seam Publisher.
package watch

import (
	"context"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
)

// Publisher is what watching needs of publishing.
type Publisher interface {
	PublishMany(ctx context.Context, keys []connector.Key, b publish.Bundle, opts publish.PublishOptions, progress func(k connector.Key, sent, total int64)) []publish.PublishResult
}

// Watcher watches folders and publishes them when they change.
type Watcher struct {
	*connector.Runtime
	Publisher
}

// NewWatcher returns the watch flow over rt, publishing through p.
func NewWatcher(rt *connector.Runtime, p Publisher) *Watcher {
	return &Watcher{Runtime: rt, Publisher: p}
}
