// Package publish puts a content bundle in a connector's org as a
// StaticResource and keeps it there: the plan, the write (one read, one
// conditional write, a settle after a lost answer), batches, backups and
// restore, the intents and the history journal of this folder.
//
// It reaches the org only through its seam Sessions (a session and a lock
// by connector); it never reaches back into the Service.
package publish

import (
	"context"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// Sessions is what publishing needs of authorization: a session on a
// connector's org, and the lock that serialises writes to a connector.
// auth.Sessions is one.
type Sessions interface {
	// Session opens a session on k's org, checked against the org recorded
	// for it.
	Session(ctx context.Context, k connector.Key) (*salesforce.Client, connector.Connector, error)
	// Lock takes conn's lock for purpose; wait says whether to wait for it.
	Lock(ctx context.Context, conn connector.Connector, purpose string, wait bool) (unlock func(), err error)
}

// Publisher publishes bundles, restores backups and reads the history. All
// methods are safe for concurrent use.
type Publisher struct {
	*connector.Runtime
	Sessions

	// orgStorageLimit overrides MaxOrgStaticResources in the preflight
	// (0: unset); only tests set it (SetOrgStorageLimit).
	orgStorageLimit int64
}

// NewPublisher returns the publishing flows over rt, reaching orgs through s.
func NewPublisher(rt *connector.Runtime, s Sessions) *Publisher {
	return &Publisher{Runtime: rt, Sessions: s}
}

// SetOrgStorageLimit lowers the preflight's org storage limit (tests).
func (s *Publisher) SetOrgStorageLimit(n int64) { s.orgStorageLimit = n }
