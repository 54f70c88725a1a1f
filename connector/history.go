package connector

// The history journal: one JSON line per publish, restore and replace,
// appended to <config dir>/history.jsonl and never rewritten.

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// HistoryFileName is the journal in the configuration folder.
const HistoryFileName = "history.jsonl"

// Actions of the journal.
const (
	ActionPublish = "publish"
	ActionRestore = "restore"
	ActionReplace = "replace" // a publish over a resource this app did not publish
)

// HistoryEntry is one line of the journal.
type HistoryEntry struct {
	Time        time.Time `json:"time"`
	Action      string    `json:"action"`    // publish, restore or replace
	Connector   string    `json:"connector"` // SYSTEM/ENV at the time
	ConnectorID string    `json:"connectorId,omitempty"`
	OrgID       string    `json:"orgId,omitempty"`
	OrgName     string    `json:"orgName,omitempty"`
	Resource    string    `json:"resource"`
	ResourceID  string    `json:"resourceId,omitempty"`
	Fingerprint string    `json:"fingerprint,omitempty"`
	Size        int64     `json:"size"`
	// User is the Salesforce username the connector publishes as.
	User       string `json:"user,omitempty"`
	Outcome    string `json:"outcome"` // created, updated, up_to_date or failed
	ErrorCode  string `json:"errorCode,omitempty"`
	BackupPath string `json:"backupPath,omitempty"`
	AppVersion string `json:"appVersion,omitempty"`
}

// historyMu serialises this process's appends (each is one write of one
// line with O_APPEND, so other processes' lines never interleave).
var historyMu sync.Mutex

// HistoryPath is the journal's path.
func (s *Service) HistoryPath() string { return historyPath(s.Registry) }

func historyPath(reg *Registry) string { return filepath.Join(reg.Dir(), HistoryFileName) }

// appendHistory appends e to the journal; best effort (the org already
// holds what happened), failures are logged.
func (s *Service) appendHistory(e HistoryEntry) {
	line, err := json.Marshal(e)
	if err != nil {
		return
	}
	line = append(line, '\n')
	historyMu.Lock()
	defer historyMu.Unlock()
	f, err := os.OpenFile(s.HistoryPath(), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err == nil {
		_, err = f.Write(line)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		s.pubLogger().Warn("could not append to the history", "path", s.HistoryPath(), "err", err)
	}
}

// History is ReadHistory of the service's registry.
func (s *Service) History(k *Key) ([]HistoryEntry, error) { return ReadHistory(s.Registry, k) }

// ReadHistory reads the journal next to the registry (local, no keyring),
// oldest first; with k set, only that connector's entries (by its ID, so a
// renamed connector keeps its history, and a connector added again under
// the same name does not inherit the old one's). A damaged line is skipped.
func ReadHistory(reg *Registry, k *Key) ([]HistoryEntry, error) {
	var id, name string
	if k != nil {
		c, err := reg.Get(*k)
		if err != nil {
			return nil, err
		}
		id, name = c.ID, c.Key().String()
	}
	f, err := os.Open(historyPath(reg))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, configIOProblem(reg.Dir(), err)
	}
	defer f.Close()
	var out []HistoryEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e HistoryEntry
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		if k != nil && (e.ConnectorID != "" && e.ConnectorID != id || e.ConnectorID == "" && !strings.EqualFold(e.Connector, name)) {
			continue
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return out, configIOProblem(reg.Dir(), err)
	}
	return out, nil
}

// HistoryCSVHeader is the header row of WriteHistoryCSV.
var HistoryCSVHeader = []string{"time", "action", "connector", "org_id", "org_name", "resource", "resource_id",
	"fingerprint", "size", "user", "outcome", "error_code", "backup_path", "app_version"}

// WriteHistoryCSV writes entries as CSV with HistoryCSVHeader (RFC 4180;
// cells a spreadsheet would run as a formula are quoted with a leading ').
func WriteHistoryCSV(w io.Writer, entries []HistoryEntry) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(HistoryCSVHeader)
	for _, e := range entries {
		_ = cw.Write(csvCells(e.Time.UTC().Format(time.RFC3339), e.Action, e.Connector, e.OrgID, e.OrgName, e.Resource,
			e.ResourceID, e.Fingerprint, strconv.FormatInt(e.Size, 10), e.User, e.Outcome, e.ErrorCode, e.BackupPath, e.AppVersion))
	}
	cw.Flush()
	return cw.Error()
}

// ConnectorsCSVHeader is the header row of WriteConnectorsCSV.
var ConnectorsCSVHeader = []string{"connector", "system", "environment", "state", "org_name", "org_id", "username",
	"login_url", "resource", "created_at", "updated_at", "last_check", "last_publish", "last_fingerprint", "drift"}

// WriteConnectorsCSV writes the connector table as CSV: who and when
// created and changed each connection, its org and its last publish.
func WriteConnectorsCSV(w io.Writer, conns []Connector) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(ConnectorsCSVHeader)
	ts := func(t *time.Time) string {
		if t == nil || t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	for _, c := range conns {
		var orgName, orgID, user, lastPublish, lastFP, drift string
		if c.Org != nil {
			orgName, orgID, user = c.Org.OrgName, c.Org.OrgID, c.Org.Username
		}
		if p := c.LastPublish; p != nil {
			lastPublish, lastFP = ts(&p.At), p.Fingerprint
		}
		if c.Drift != nil {
			drift = c.Drift.Summary()
		}
		created, updated := c.CreatedAt, c.UpdatedAt
		_ = cw.Write(csvCells(c.Key().String(), c.System, string(c.Environment), string(StateOf(c, nil)), orgName, orgID, user,
			c.LoginURL, c.EffectiveResourceName(), ts(&created), ts(&updated), ts(c.LastCheck), lastPublish, lastFP, drift))
	}
	cw.Flush()
	return cw.Error()
}

// csvCells guards cells a spreadsheet would evaluate (=, +, -, @, tab, CR).
func csvCells(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}

// historyAction names what a run did for the journal.
func (r *publishRun) historyAction() string {
	switch {
	case r.restored:
		return ActionRestore
	case r.replaced:
		return ActionReplace
	}
	return ActionPublish
}

// journal appends the run's result to the history (never for dry runs).
func (r *publishRun) journal() {
	if r.opts.DryRun {
		return
	}
	e := HistoryEntry{
		Time: r.s.pubNow().UTC(), Action: r.historyAction(), Connector: r.k.String(), ConnectorID: r.conn.ID,
		Resource: r.res.Resource, ResourceID: r.res.ResourceID, Fingerprint: r.res.Fingerprint, Size: r.res.Size,
		Outcome: string(r.res.Outcome), ErrorCode: r.res.ErrorCode, BackupPath: r.res.BackupPath, AppVersion: r.s.AppVersion,
	}
	if o := r.conn.Org; o != nil {
		e.OrgID, e.OrgName, e.User = o.OrgID, o.OrgName, o.Username
	}
	r.s.appendHistory(e)
}
