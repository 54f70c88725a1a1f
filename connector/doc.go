// Package connector is the domain of the Connectors app: the registry of
// connectors (one per system × environment), the OAuth authorization flow,
// token storage, live status checks, publishing a content bundle as a
// Salesforce StaticResource, restore and disconnect.
//
// It never imports Fyne: the window (package ui) and the command-line twin
// (cmd/connectorctl) are both thin front ends over Service.
//
// Sub-packages:
//   - oauth:      loopback redirect server, PKCE, state, paste-the-URL fallback
//   - tokenstore: OS keyring (go-keyring) behind a small interface, with timeouts
//   - salesforce: REST client (instance URL, refresh-once-on-401, StaticResource)
//   - sfsim:      an in-process simulated Salesforce org (tests, benchmarks, demo)
package connector
