package connector

// Drift: what changed behind Connectors' back, as the org's record tells it
// (orgrecord.go judges; this file names it and refuses to publish over it).

import (
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

// UnknownUser is what By and Who say when the org names nobody; a front
// end in another language puts its own words in its place.
const UnknownUser = "an unknown user"

// By names who changed it: the user's name, else the Id, else UnknownUser.
func (d *Drift) By() string {
	switch {
	case d.LastModifiedByName != "":
		return d.LastModifiedByName
	case d.LastModifiedByID != "":
		return d.LastModifiedByID
	}
	return UnknownUser
}

func DriftOf(cur *salesforce.StaticResource) *Drift {
	return &Drift{
		LastModifiedDate: cur.LastModifiedDate.UTC(), LastModifiedByID: cur.LastModifiedByID,
		LastModifiedByName: cur.LastModifiedByName, Fingerprint: FingerprintFromDescription(cur.Description),
	}
}

// CurrentDrift is the one rule for which drift a front end shows for c:
// the live check's answer (st, nil when none) when it is newer than our
// last publish, else the drift last recorded on the connector.
func CurrentDrift(c Connector, st *Status) *Drift {
	checked := st != nil && (st.Resource != nil || st.Drift != nil)
	if checked && (c.LastPublish == nil || !c.LastPublish.At.After(st.CheckedAt)) {
		return st.Drift // the check is newer than our last publish
	}
	return c.Drift
}
