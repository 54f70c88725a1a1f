package auth

import (
	"context"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
)

// AuthorizeOptions tune one authorization.
type AuthorizeOptions struct {
	// LoginURL overrides the connector's login URL (anything NormalizeLoginURL accepts).
	LoginURL string
	// ClientID overrides the connector's client ID.
	ClientID string
	// Ports overrides the callback ports (tried in order).
	Ports []int
	// Timeout bounds the wait for the browser; 0 means 3 minutes.
	Timeout time.Duration
	// NoBrowser only reports the URL (OnURL) and never opens a browser.
	NoBrowser bool
	// AllowEnvironmentMismatch accepts a production org in a sandbox/test
	// connector or the reverse (otherwise refused with CodeEnvMismatch).
	AllowEnvironmentMismatch bool
	// ResourceName sets the connector's resource name when non-empty.
	ResourceName string
	// Pages is the wording of the browser's result pages, in the language
	// of the app that starts the flow; zero fields are English.
	Pages BrowserPages
}

// BrowserPages is the wording of the browser's result pages (oauth.PageText).
type BrowserPages = oauth.PageText

// AuthorizeResult is what an authorization learned.
type AuthorizeResult struct {
	Connector   connector.Connector
	Permissions connector.Permissions
	// OrgChanged is true when the connector had a different org ID before
	// (typically a refreshed sandbox); PreviousOrgID names it.
	OrgChanged    bool
	PreviousOrgID string
	// Message is one plain sentence summing up the authorization; it says
	// so when the org changed ("the sandbox was probably refreshed").
	Message string
	// Problem is set (and the tokens still stored) when a permission is
	// missing: the connector is authorized but cannot publish yet.
	Problem *connector.Problem
	// Status is the connector's state as this authorization found it, by
	// the same rule as a live check: front ends show it as is.
	Status connector.Status
}

// AuthFlow is an authorization in progress. The front end shows URL() with
// a Copy button, lets the user paste the final callback URL when the
// redirect cannot reach the app, and can Cancel.
type AuthFlow interface {
	// URL is the Salesforce authorize URL the browser must open.
	URL() string
	// RedirectURI is the loopback callback URL in use, e.g. http://localhost:1717/OauthRedirect.
	RedirectURI() string
	// SubmitCallbackURL finishes the flow from a pasted callback URL
	// (http://localhost:1717/OauthRedirect?code=...&state=...).
	SubmitCallbackURL(raw string) error
	// Wait blocks until the flow ends: tokens exchanged and stored, org
	// checked. It returns a *Problem on failure.
	Wait(ctx context.Context) (*AuthorizeResult, error)
	// Cancel aborts the flow; Wait returns a CodeCanceled problem.
	Cancel()
}

// DisconnectResult says what a disconnect did.
type DisconnectResult struct {
	Revoked      bool               `json:"revoked"`
	LocalDeleted bool               `json:"localDeleted"`
	Problem      *connector.Problem `json:"-"` // set when the revoke could not be done
}
