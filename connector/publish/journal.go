package publish

import (
	"encoding/json"

	"github.com/connectors-app/connectors/connector"
)

// HistoryPath is the journal's path.
func (s *Publisher) HistoryPath() string { return connector.HistoryPath(s.Registry) }

// appendHistory appends e to the journal; best effort (the org already
// holds what happened), failures are logged.
func (s *Publisher) appendHistory(e connector.HistoryEntry) {
	line, err := json.Marshal(e)
	if err != nil {
		return
	}
	if err := connector.AppendHistoryLine(s.Registry, line, s.Log()); err != nil {
		s.Log().Warn("could not append to the history", "path", s.HistoryPath(), "err", err)
	}
}

// History is the service's journal (see ScanHistory), oldest first; the
// damaged lines skipped are logged.
func (s *Publisher) History(k *connector.Key) ([]connector.HistoryEntry, error) {
	var out []connector.HistoryEntry
	scan, err := connector.ScanHistory(s.Registry, connector.HistoryQuery{Key: k}, func(e connector.HistoryEntry) error {
		out = append(out, e)
		return nil
	})
	scan.Log(s.Log())
	return out, err
}

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
