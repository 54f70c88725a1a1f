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
