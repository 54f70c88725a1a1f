package publish

import (
	"github.com/connectors-app/connectors/connector"
)

// historyAction names what a run did for the journal.
func (r *publishRun) historyAction() string {
	switch {
	case r.restored:
		return connector.ActionRestore
	case r.replaced:
		return connector.ActionReplace
	}
	return connector.ActionPublish
}

// journal appends the run's result to the history (never for dry runs).
func (r *publishRun) journal() {
	if r.opts.DryRun {
		return
	}
	r.s.appendHistory(r.historyEntry())
}

// historyEntry is the journal entry of this run's result.
func (r *publishRun) historyEntry() connector.HistoryEntry {
	e := connector.HistoryEntry{
		Time: r.s.Clock().UTC(), Action: r.historyAction(), Connector: r.k.String(), ConnectorID: r.conn.ID,
		Resource: r.res.Resource, ResourceID: r.res.ResourceID, Fingerprint: r.res.Fingerprint, Size: r.res.Size,
		Outcome: string(r.res.Outcome), ErrorCode: r.res.ErrorCode, BackupPath: r.res.BackupPath, AppVersion: r.s.AppVersion,
	}
	if r.landed {
		e.PubID = r.pub
	}
	if o := r.conn.Org; o != nil {
		e.OrgID, e.OrgName, e.User = o.OrgID, o.OrgName, o.Username
	}
	return e
}
