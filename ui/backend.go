package ui

import (
	"context"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/connectors-app/connectors/connector"
)

// backend is the slice of *service.Service the window uses. Tests wrap the
// real service to pause a call half-way and look at the window.
type backend interface {
	StartAuthorize(ctx context.Context, k connector.Key, opts service.AuthorizeOptions) (service.AuthFlow, error)
	Status(ctx context.Context, k connector.Key) connector.Status
	Disconnect(ctx context.Context, k connector.Key) (*service.DisconnectResult, error)
	PublishMany(ctx context.Context, keys []connector.Key, b service.Bundle, opts service.PublishOptions,
		progress func(k connector.Key, sent, total int64)) []service.PublishResult
	Restore(ctx context.Context, k connector.Key, opts service.RestoreOptions) service.PublishResult
	RestoreVersion(k connector.Key, resource string) (service.Backup, bool, error)
	Backups(k connector.Key, resource string) ([]service.Backup, error)
	Diagnostics(ctx context.Context, appVersion string, recentErrors []string) string
	Remove(ctx context.Context, k connector.Key) error
	History(k *connector.Key) ([]connector.HistoryEntry, error)
	Watch(ctx context.Context, opts service.WatchOptions) error
	Connectors() ([]connector.Connector, error)
	AddConnector(k connector.Key, set connector.ConnectorSettings) (connector.Connector, bool, error)
	Rename(k connector.Key, newSystem string) (connector.Connector, error)
	Fleet(ctx context.Context, keys []connector.Key, fp string, size int64, resource string, maxParallel int) []service.FleetRow
}

var _ backend = (*service.Service)(nil)
