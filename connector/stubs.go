package connector

// Stubs of the Service contract. Each is deleted when its real
// implementation lands in its own file. Front ends code against these
// signatures.

import (
	"context"
)

func todo() error { return &Problem{Code: "unexpected", Message: "not implemented yet."} }

// Status runs a live check of one connector (bounded by a per-check timeout).
func (s *Service) Status(ctx context.Context, k Key) Status { return Status{Key: k} }

// StatusAll checks many connectors concurrently (bounded); nil keys means all.
// Results come back in the order of keys (or of List).
func (s *Service) StatusAll(ctx context.Context, keys []Key) []Status { return nil }

// Disconnect revokes the refresh token at Salesforce, then deletes the local
// tokens even when the revoke failed (DisconnectResult.Problem says so).
func (s *Service) Disconnect(ctx context.Context, k Key) (*DisconnectResult, error) {
	return nil, todo()
}

// Remove disconnects and deletes the connector definition.
func (s *Service) Remove(ctx context.Context, k Key) error { return todo() }

// Doctor runs the preflight checks: keyring round trip, callback port free on
// 127.0.0.1 and ::1, a browser opener present, proxy settings, config readable.
func (s *Service) Doctor(ctx context.Context) []Check { return nil }

// Diagnostics is a redacted plain-text report for support: app version, OS,
// keyring backend, connectors and their last status, recent errors. It never
// contains a token.
func (s *Service) Diagnostics(ctx context.Context, appVersion string, recentErrors []string) string {
	return ""
}
