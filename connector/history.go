package connector

// The history journal: one JSON line per publish, restore and replace,
// appended to <config dir>/history.jsonl and never rewritten.

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector/internal/filelock"
	"github.com/connectors-app/connectors/internal/safetext"
)

// HistoryFileName is the journal in the configuration folder.
const HistoryFileName = "history.jsonl"

// Actions of the journal.
const (
	ActionPublish = "publish"
	ActionRestore = "restore"
	ActionReplace = "replace" // a publish over a resource this app did not publish
)

// OutcomeLanded is the journal's outcome of a publish whose answer was
// lost (or whose process was stopped) and that a later run found in the org.
const OutcomeLanded = "landed"

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
	// PubID is the publish Id the write recorded in the org.
	PubID string `json:"pubId,omitempty"`
}

// historyMu serialises this process's appends; the journal's lock file
// (locks/history.jsonl.lock) serialises them with other processes'.
var historyMu sync.Mutex

// MaxHistoryLine is the longest journal line read as an entry: a longer
// one is damaged (an entry is well under 4 KB) and is skipped without
// being held in memory.
const MaxHistoryLine = 64 << 10

func HistoryPath(reg *Registry) string { return filepath.Join(reg.Dir(), HistoryFileName) }

func historyLockPath(reg *Registry) string {
	return filepath.Join(reg.Dir(), "locks", HistoryFileName+".lock")
}

// appendHistoryLine appends line and a newline to the journal in one
// O_APPEND write, under the journal's lock (this process's and other
// processes'). When the journal ends with a torn line (no newline: a crash
// mid-write, a copy cut short), the write starts with a newline, so the
// entry is never glued onto the torn line and lost with it.
func AppendHistoryLine(reg *Registry, line []byte, log *slog.Logger) error {
	historyMu.Lock()
	defer historyMu.Unlock()
	if unlock, err := filelock.Lock(historyLockPath(reg)); err != nil {
		// Appends stay whole lines without the lock; only two processes
		// mending the same torn line at once could leave an empty line.
		log.Warn("history appended without its lock", "err", err)
	} else {
		defer unlock()
	}
	f, err := os.OpenFile(HistoryPath(reg), os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	buf := make([]byte, 0, len(line)+2)
	if torn, err := endsTorn(f); err != nil {
		_ = f.Close()
		return err
	} else if torn {
		buf = append(buf, '\n')
	}
	buf = append(append(buf, line...), '\n')
	_, err = f.Write(buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// endsTorn reports whether the file is not empty and does not end with a
// newline.
func endsTorn(f *os.File) (bool, error) {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return false, err
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], fi.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

// HistoryQuery selects what ScanHistory reads.
type HistoryQuery struct {
	// Key, when set, keeps only that connector's entries (by its ID, so a
	// renamed connector keeps its history, and a connector added again under
	// the same name does not inherit the old one's).
	Key *Key
	// Until, when above 0, stops reading at that byte offset: a second pass
	// (HistoryScan.End of the first) sees exactly the entries the first one
	// saw, even while publishes append to the journal.
	Until int64
}

// HistoryScan is what ScanHistory read.
type HistoryScan struct {
	Path    string // the journal
	Entries int    // entries handed to the callback
	// Damaged counts the lines skipped because they are not journal
	// entries (not JSON, no time or action, longer than MaxHistoryLine, a
	// torn last line); FirstDamaged is the first one's line number (from 1)
	// and FirstDamagedSize its length in bytes.
	Damaged          int
	FirstDamaged     int
	FirstDamagedSize int64
	End              int64 // the byte offset where reading stopped
}

// Problem is the warning about the damaged lines skipped, nil when there
// were none. It never quotes them (a damaged line may hold anything).
func (h HistoryScan) Problem() *Problem {
	if h.Damaged == 0 {
		return nil
	}
	path := safetext.Escape(h.Path)
	return &Problem{
		Code: CodeHistoryDamaged,
		Message: fmt.Sprintf("Skipped damaged lines in the history journal %s: %d in all, the first at line %d (%s).",
			path, h.Damaged, h.FirstDamaged, FormatSize(h.FirstDamagedSize, "en")),
		Fix:  "The other entries are shown in full; to stop this warning, delete those lines from the file in a text editor.",
		Args: map[string]any{"Path": path, "Count": h.Damaged, "Line": h.FirstDamaged, "LineSize": h.FirstDamagedSize},
	}
}

// Log writes the warning about damaged lines to log, if there were any.
func (h HistoryScan) Log(log *slog.Logger) {
	if h.Damaged > 0 {
		log.Warn("history: damaged lines skipped", "path", h.Path, "count", h.Damaged,
			"first_line", h.FirstDamaged, "first_size", h.FirstDamagedSize)
	}
}

// ReadHistory is ScanHistory of the registry's journal into a slice.
func ReadHistory(reg *Registry, k *Key) ([]HistoryEntry, error) {
	var out []HistoryEntry
	_, err := ScanHistory(reg, HistoryQuery{Key: k}, func(e HistoryEntry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// ScanHistory hands fn each entry of the journal next to the registry
// (local, no keyring), oldest first, reading one line at a time: memory
// stays bounded whatever the journal's size. A damaged line is skipped and
// counted (HistoryScan.Problem is the warning to show); empty lines are
// ignored. An error from fn stops the scan and is returned.
func ScanHistory(reg *Registry, q HistoryQuery, fn func(HistoryEntry) error) (HistoryScan, error) {
	scan := HistoryScan{Path: HistoryPath(reg)}
	keep, err := historyFilter(reg, q.Key)
	if err != nil {
		return scan, err
	}
	f, err := os.Open(scan.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return scan, nil
	}
	if err != nil {
		return scan, ConfigIOProblem(reg.Dir(), err)
	}
	defer f.Close()
	var r io.Reader = f
	if q.Until > 0 {
		r = io.LimitReader(f, q.Until)
	}
	br := bufio.NewReaderSize(r, MaxHistoryLine)
	for lineNo := 1; ; lineNo++ {
		line, size, err := readHistoryLine(br)
		if size == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				return scan, nil
			}
			return scan, ConfigIOProblem(reg.Dir(), err)
		}
		scan.End += size
		e, ok, empty := parseHistoryLine(line)
		switch {
		case empty:
		case !ok:
			if scan.Damaged == 0 {
				scan.FirstDamaged, scan.FirstDamagedSize = lineNo, size
			}
			scan.Damaged++
		case keep(e):
			scan.Entries++
			if err := fn(e); err != nil {
				return scan, err
			}
		}
	}
}

// readHistoryLine reads the next line: line is nil when it is longer than
// MaxHistoryLine (the rest is read and dropped), size is its length with
// its newline. The slice is valid until the next read.
func readHistoryLine(br *bufio.Reader) (line []byte, size int64, err error) {
	line, err = br.ReadSlice('\n')
	size = int64(len(line))
	if !errors.Is(err, bufio.ErrBufferFull) {
		if errors.Is(err, io.EOF) && size > 0 {
			err = nil // a last line without its newline
		}
		return line, size, err
	}
	for errors.Is(err, bufio.ErrBufferFull) {
		var more []byte
		more, err = br.ReadSlice('\n')
		size += int64(len(more))
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return nil, size, err
}

// parseHistoryLine decodes one line: ok when it is an entry (JSON with a
// time and an action), empty when it holds only blanks.
func parseHistoryLine(line []byte) (e HistoryEntry, ok, empty bool) {
	if line != nil && len(bytes.TrimSpace(line)) == 0 {
		return e, false, true
	}
	if line == nil || json.Unmarshal(line, &e) != nil {
		return e, false, false
	}
	return e, e.Action != "" && !e.Time.IsZero(), false
}

// historyFilter is the test keeping k's entries (all of them when k is nil).
func historyFilter(reg *Registry, k *Key) (func(HistoryEntry) bool, error) {
	if k == nil {
		return func(HistoryEntry) bool { return true }, nil
	}
	c, err := reg.Get(*k)
	if err != nil {
		return nil, err
	}
	id, name := c.ID, c.Key().String()
	return func(e HistoryEntry) bool {
		if e.ConnectorID != "" {
			return e.ConnectorID == id
		}
		return strings.EqualFold(e.Connector, name)
	}, nil
}

// HistoryCSVHeader is the header row of WriteHistoryCSV.
var HistoryCSVHeader = []string{"time", "action", "connector", "org_id", "org_name", "resource", "resource_id",
	"fingerprint", "size", "user", "outcome", "error_code", "backup_path", "app_version"}

// WriteHistoryCSV writes entries as CSV with HistoryCSVHeader (RFC 4180;
// cells a spreadsheet would run as a formula are quoted with a leading ').
func WriteHistoryCSV(w io.Writer, entries []HistoryEntry) error {
	hw := NewHistoryCSV(w)
	for _, e := range entries {
		if err := hw.Write(e); err != nil {
			return err
		}
	}
	return hw.Flush()
}

// HistoryCSV writes journal entries as CSV rows one at a time, after the
// HistoryCSVHeader row, as WriteHistoryCSV does; Flush ends it.
type HistoryCSV struct{ r *csvRecords }

// NewHistoryCSV starts the CSV (its header row) on w.
func NewHistoryCSV(w io.Writer) *HistoryCSV {
	h := &HistoryCSV{r: newCSVRecords(w)}
	_ = h.r.write(HistoryCSVHeader)
	return h
}

// Write adds e's row.
func (h *HistoryCSV) Write(e HistoryEntry) error {
	return h.r.write(CSVCells(e.Time.UTC().Format(time.RFC3339), e.Action, e.Connector, e.OrgID, e.OrgName, e.Resource,
		e.ResourceID, e.Fingerprint, strconv.FormatInt(e.Size, 10), e.User, e.Outcome, e.ErrorCode, e.BackupPath, e.AppVersion))
}

// Flush writes what is buffered.
func (h *HistoryCSV) Flush() error { return h.r.flush() }

// csvRecords writes CSV to w in chunks of whole records (about 32 KB), so
// an escaping writer such as the CLI's never sees a character cut in two,
// which it would show as \xNN (a csv.Writer alone flushes every 4 KB,
// wherever that falls).
type csvRecords struct {
	w   io.Writer
	buf bytes.Buffer
	cw  *csv.Writer
	err error
}

func newCSVRecords(w io.Writer) *csvRecords {
	c := &csvRecords{w: w}
	c.cw = csv.NewWriter(&c.buf)
	return c
}

func (c *csvRecords) write(cells []string) error {
	if c.err != nil {
		return c.err
	}
	_ = c.cw.Write(cells) // into c.buf, which does not fail
	c.cw.Flush()
	if c.buf.Len() >= 32<<10 {
		return c.flush()
	}
	return nil
}

func (c *csvRecords) flush() error {
	if c.err == nil && c.buf.Len() > 0 {
		_, c.err = c.w.Write(c.buf.Bytes())
		c.buf.Reset()
	}
	return c.err
}

// ConnectorsCSVHeader is the header row of WriteConnectorsCSV.
var ConnectorsCSVHeader = []string{"connector", "system", "environment", "state", "org_name", "org_id", "username",
	"login_url", "resource", "created_at", "updated_at", "last_check", "last_publish", "last_fingerprint", "drift"}

// WriteConnectorsCSV writes the connector table as CSV: when each
// connection was created and changed, its org and user, its last check and
// publish, and a change made outside Connectors (who, when).
func WriteConnectorsCSV(w io.Writer, conns []Connector) error {
	cw := newCSVRecords(w)
	_ = cw.write(ConnectorsCSVHeader)
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
		if err := cw.write(CSVCells(c.Key().String(), c.System, string(c.Environment), string(StateOf(c, nil)), orgName, orgID, user,
			c.LoginURL, c.EffectiveResourceName(), ts(&created), ts(&updated), ts(c.LastCheck), lastPublish, lastFP, drift)); err != nil {
			return err
		}
	}
	return cw.flush()
}

// CSVCells is the one rule for CSV the project writes (history, the
// connector table, fleet --csv): it neutralises, in place, every cell a
// spreadsheet would run as a formula (one starting with =, +, -, @, tab or
// CR) by prefixing a ', and returns cells.
func CSVCells(cells ...string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			cells[i] = "'" + c
		}
	}
	return cells
}
