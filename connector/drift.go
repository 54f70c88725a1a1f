package connector

// Drift: what changed behind Connectors' back, as the org's record tells it
// (orgrecord.go judges; this file names it and refuses to publish over it).

import (
	"fmt"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/salesforce"
)

// Drift says when and by whom a resource was changed outside Connectors.
type Drift struct {
	LastModifiedDate   time.Time `json:"lastModifiedDate"`
	LastModifiedByID   string    `json:"lastModifiedById,omitempty"`
	LastModifiedByName string    `json:"lastModifiedByName,omitempty"`
	// Fingerprint is the content fingerprint its Description records now
	// ("" when the Description no longer carries one).
	Fingerprint string `json:"fingerprint,omitempty"`
	// Deleted: the resource is no longer in the org.
	Deleted bool `json:"deleted,omitempty"`
}

// Summary is one line for the list and status: "changed outside
// Connectors on <when> by <who>" (or "deleted outside Connectors").
func (d *Drift) Summary() string {
	if d.Deleted {
		return "deleted outside Connectors"
	}
	return "changed outside Connectors on " + d.LastModifiedDate.Local().Format("2006-01-02 15:04") + " by " + d.By()
}

// PublishEffect says, in one clause, what a plain publish does about this
// drift (the same rule checkExisting applies): a deleted resource is
// simply created again; a changed one is refused without --force, and
// backed up before a forced publish replaces it.
func (d *Drift) PublishEffect() string {
	if d.Deleted {
		return "publishing creates it again (no --force needed; there is nothing to back up)"
	}
	return "publishing over it needs --force (it is backed up first)"
}

// By names who changed it: the user's name, else the Id, else "an unknown user".
func (d *Drift) By() string {
	switch {
	case d.LastModifiedByName != "":
		return d.LastModifiedByName
	case d.LastModifiedByID != "":
		return d.LastModifiedByID
	}
	return "an unknown user"
}

// liveDrift is the one rule for drift, from the org's record alone: the
// resource as the org holds it now (cur, nil when gone) was changed outside
// Connectors, or deleted after a publish this folder made. Nil otherwise
// (ours, published with Connectors elsewhere, never published).
func (s *Service) liveDrift(conn Connector, resource string, cur *salesforce.StaticResource) (*Drift, *OrgVersion) {
	v := s.judge(conn, resource, cur)
	switch v.Provenance {
	case ProvOutside:
		return driftOf(cur), v
	case ProvAbsent:
		if rec := conn.LastPublish; rec != nil && rec.ResourceID != "" && strings.EqualFold(rec.Resource, resource) {
			return &Drift{Deleted: true}, v
		}
	}
	return nil, v
}

func driftOf(cur *salesforce.StaticResource) *Drift {
	return &Drift{
		LastModifiedDate: cur.LastModifiedDate.UTC(), LastModifiedByID: cur.LastModifiedByID,
		LastModifiedByName: cur.LastModifiedByName, Fingerprint: FingerprintFromDescription(cur.Description),
	}
}

// description is the record our publish of b writes (its publish Id is
// this run's, written as an intent before the write).
func (r *publishRun) description(b Bundle) string {
	rec := OrgRecord{Fingerprint: b.Fingerprint(), Size: b.Size(), At: r.s.Clock(), AppVersion: r.s.AppVersion, PubID: r.pub}
	if r.conn.Org != nil {
		rec.UserID, rec.Publisher = r.conn.Org.UserID, r.conn.Org.Username
	}
	return rec.Description()
}

// driftProblem refuses to publish over a resource changed outside
// Connectors since our last publish; during says it changed while this
// publish ran (after its lookup).
func (r *publishRun) driftProblem(cur *salesforce.StaticResource, during bool) *Problem {
	d := driftOf(cur)
	r.res.Drift = d
	if _, err := r.s.Registry.Update(r.k, func(c *Connector) error {
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
	return &Problem{
		Code:    CodeChangedOutside,
		Message: msg,
		Fix:     "Check that change with its author; to publish over it (a backup of it is taken first), publish again and confirm (connectorctl: --force).",
	}
}
