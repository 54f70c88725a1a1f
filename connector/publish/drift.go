package publish

import (
	"fmt"
	"strings"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// liveDrift is the one rule for drift, from the org's record alone: the
// resource as the org holds it now (cur, nil when gone) was changed outside
// Connectors, or deleted after a publish this folder made. Nil otherwise
// (ours, published with Connectors elsewhere, never published).
func (s *Publisher) LiveDrift(conn connector.Connector, resource string, cur *salesforce.StaticResource) (*connector.Drift, *connector.OrgVersion) {
	v := s.judge(conn, resource, cur)
	switch v.Provenance {
	case connector.ProvOutside:
		return connector.DriftOf(cur), v
	case connector.ProvAbsent:
		if rec := conn.LastPublish; rec != nil && rec.ResourceID != "" && strings.EqualFold(rec.Resource, resource) {
			return &connector.Drift{Deleted: true}, v
		}
	}
	return nil, v
}

// description is the record our publish of b writes (its publish Id is
// this run's, written as an intent before the write).
func (r *publishRun) description(b Bundle) string {
	rec := connector.OrgRecord{Fingerprint: b.Fingerprint(), Size: b.Size(), At: r.s.Clock(), AppVersion: r.s.AppVersion, PubID: r.pub}
	if r.conn.Org != nil {
		rec.UserID, rec.Publisher = r.conn.Org.UserID, r.conn.Org.Username
	}
	return rec.Description()
}

// driftProblem refuses to publish over a resource changed outside
// Connectors since our last publish; during says it changed while this
// publish ran (after its lookup).
func (r *publishRun) driftProblem(cur *salesforce.StaticResource, during bool) *connector.Problem {
	d := connector.DriftOf(cur)
	r.res.Drift = d
	if _, err := r.s.Registry.Update(r.k, func(c *connector.Connector) error {
		c.Drift = d // the list shows it until a publish or a check clears it
		return nil
	}); err != nil {
		r.log.Warn("record the drift on the connector", "connector", r.k.String(), "err", err)
	}
	when := d.LastModifiedDate.Local().Format("2006-01-02 15:04")
	msg := fmt.Sprintf("%s was changed outside Connectors (%s by %s), so nothing was written.", r.resource, when, d.By())
	if during {
		msg = fmt.Sprintf("%s was changed outside Connectors (%s by %s) while this publish ran, so nothing was written.", r.resource, when, d.By())
	}
	return &connector.Problem{
		Code:    connector.CodeChangedOutside,
		Message: msg,
		Args:    map[string]any{"Resource": r.resource, "When": d.LastModifiedDate, "User": d.By()},
		Fix:     "Check that change with its author; to publish over it (a backup of it is taken first), publish again and confirm (connectorctl: --force).",
	}
}
