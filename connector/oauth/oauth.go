// Package oauth runs the OAuth 2.0 authorization-code flow with PKCE (S256)
// over a loopback redirect: it listens on 127.0.0.1 and ::1 at the first
// usable port of an ordered list, builds the authorize URL with a 32-byte
// random state, accepts exactly one callback on the callback path (or a
// pasted callback URL), checks the state and exchanges the code.
//
// It never opens a browser itself: the caller opens URL().
package oauth
