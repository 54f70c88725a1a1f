// Package connector is the vocabulary and the rules of the Connectors app:
// a connector (one per system × environment), its key and environment,
// whether a target is production, the states and their labels, drift, the
// org's record of what it holds (OrgRecord, OrgVersion), problems and their
// codes (codes.go) with Explain, login URLs, the registry, the connectors
// file, the history journal's format, and the Runtime every flow shares.
//
// The flows live in sub-packages and import this one: auth (authorization
// and sessions), publish (publishing, backups, restore, history), health
// (status, doctor, diagnostics) and watch. The front ends speak to one
// façade, service.Service. None of them imports Fyne.
//
// Mechanisms below it:
//   - oauth:      loopback redirect server, PKCE, state, paste-the-URL fallback
//   - tokenstore: OS keyring (go-keyring) behind a small interface, with timeouts
//   - salesforce: REST client (instance URL, refresh-once-on-401, StaticResource)
//   - backup:     local backups of what a publish replaced
//   - sfsim:      an in-process simulated Salesforce org (tests, benchmarks, demo)
package connector
