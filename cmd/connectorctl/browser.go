package main

import "github.com/connectors-app/connectors/connector/oauth"

// browserOpener returns how to open a URL: the injected opener (tests),
// else oauth.OpenBrowser, the window's opener too: $BROWSER (a list of
// commands separated by the path-list separator, %s or a trailing URL),
// else the system opener. Its output goes to stderr, so stdout stays clean
// for --json.
func (f *factory) browserOpener() func(string) error {
	if f.openBrowser != nil {
		return f.openBrowser
	}
	return oauth.OpenBrowser
}
