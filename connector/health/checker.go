// Package health says how each connector is: the live status check (one
// request per connector, the org's record judged as publishing would),
// the doctor's checks of this machine, and diagnostics without secrets.
//
// It reaches orgs through its seams: Sessions (a session, what the org
// allows) and Records (what the org's record of a resource means).
package health

import (
	"context"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// Sessions is what a health check needs of authorization.
type Sessions interface {
	Session(ctx context.Context, k connector.Key) (*salesforce.Client, connector.Connector, error)
	InspectOrg(ctx context.Context, client *salesforce.Client, idURL string) (*auth.OrgInspection, error)
}

// Records is what a health check needs of publishing: the drift of a
// resource and the settling of this folder's publish whose answer was lost.
type Records interface {
	LiveDrift(conn connector.Connector, resource string, cur *salesforce.StaticResource) (*connector.Drift, *connector.OrgVersion)
	Reconcile(conn connector.Connector, resource string, cur *salesforce.StaticResource, v *connector.OrgVersion) *connector.PublishRecord
}

// Checker runs status checks, the doctor and diagnostics. All methods are
// safe for concurrent use.
type Checker struct {
	*connector.Runtime
	Sessions
	Records

	// doctorPorts overrides the callback ports Doctor checks, probeKeyring
	// its keyring round trip (nil: tokenstore.ProbeKeyring). Only tests
	// set them (SetDoctorPorts, SetKeyringProbe).
	doctorPorts  []int
	probeKeyring func(service string) error
}

// NewChecker returns the health checks over rt.
func NewChecker(rt *connector.Runtime, s Sessions, r Records) *Checker {
	return &Checker{Runtime: rt, Sessions: s, Records: r}
}

// SetDoctorPorts makes Doctor check these callback ports instead of the
// connectors' own (tests).
func (s *Checker) SetDoctorPorts(ports ...int) { s.doctorPorts = ports }

// SetKeyringProbe replaces Doctor's keyring round trip (tests).
func (s *Checker) SetKeyringProbe(probe func(service string) error) { s.probeKeyring = probe }
