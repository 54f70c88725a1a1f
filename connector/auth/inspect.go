package auth

import (
	"context"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// OrgInspection is what inspectOrg learned from an org.
type OrgInspection struct {
	// Org is the Organization record; nil when the API is disabled.
	Org         *salesforce.Organization
	Permissions connector.Permissions
	// IsSandbox and SandboxKnown tell the org's kind: from the Organization
	// record, else from the identity URL's host.
	IsSandbox, SandboxKnown bool
}

// inspectOrg is the one step that asks an org what a connector needs to
// know, shared by the live status check and the end of an authorization:
// the Organization record (name, kind) and both permissions. idURL, when
// known, tells the org's kind even without API access. An error other than
// a disabled API is returned as is (session, network, refusal).
func (s *Sessions) InspectOrg(ctx context.Context, client *salesforce.Client, idURL string) (*OrgInspection, error) {
	in := &OrgInspection{Permissions: connector.Permissions{APIEnabled: true, Checked: true}}
	org, err := client.Organization(ctx)
	switch {
	case err == nil:
		in.Org = org
		in.IsSandbox, in.SandboxKnown = org.IsSandbox, true
		s.Facts.SetKind(org.ID, org.IsSandbox)
	case salesforce.IsErrorCode(err, "API_DISABLED_FOR_ORG"):
		// Without the API neither the Organization record nor Customize
		// Application can be read: the latter stays "not checked".
		in.Permissions.APIEnabled = false
		in.IsSandbox, in.SandboxKnown = SandboxFromIdentityURL(idURL)
		return in, nil
	default:
		return nil, err
	}
	ok, err := client.CustomizeApplication(ctx)
	switch {
	case err == nil:
		in.Permissions.CustomizeApplication, in.Permissions.CustomizeApplicationChecked = ok, true
	case salesforce.IsErrorCode(err, "API_DISABLED_FOR_ORG"):
		in.Permissions.APIEnabled = false
	default:
		s.Log().Warn("permission check failed", "error", err)
	}
	return in, nil
}

// permissionProblem is the problem of the first missing permission, or nil.
func PermissionProblem(p connector.Permissions) *connector.Problem {
	for _, l := range p.Lines() {
		if l.State != connector.PermMissing {
			continue
		}
		if l.Name == connector.PermAPIEnabled {
			return connector.ApiDisabledProblem()
		}
		return customizeAppProblem()
	}
	return nil
}
