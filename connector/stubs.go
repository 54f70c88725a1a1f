package connector

// Stubs of the Service contract. Each is deleted when its real
// implementation lands in its own file. Front ends code against these
// signatures.

import (
	"context"
)

// Doctor runs the preflight checks: keyring round trip, callback port free on
// 127.0.0.1 and ::1, a browser opener present, proxy settings, config readable.
func (s *Service) Doctor(ctx context.Context) []Check { return nil }

// Diagnostics is a redacted plain-text report for support: app version, OS,
// keyring backend, connectors and their last status, recent errors. It never
// contains a token.
func (s *Service) Diagnostics(ctx context.Context, appVersion string, recentErrors []string) string {
	return ""
}
