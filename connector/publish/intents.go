package publish

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/salesforce"
)

// ---- intents: this folder's writes whose outcome is not known yet ----

// intent is written before each write and removed once its outcome is
// known: a killed process leaves it behind, and the next publish or status
// that finds its publish Id in the org knows the write landed.
type Intent struct {
	PubID       string    `json:"pubId"`
	ConnectorID string    `json:"connectorId"`
	Connector   string    `json:"connector"`
	Resource    string    `json:"resource"`
	Fingerprint string    `json:"fingerprint"`
	Size        int64     `json:"size"`
	At          time.Time `json:"at"`
	Restore     bool      `json:"restore,omitempty"`
}

// maxIntents bounds the intents kept per connector (the oldest go first).
const maxIntents = 10

func (s *Publisher) intentDir() string { return filepath.Join(s.Registry.Dir(), "intents") }

// intentPath names an intent by validated parts only.
func (s *Publisher) intentPath(connID, pub string) (string, error) {
	if !connector.ValidConnectorID(connID) || !connector.PubIDPattern.MatchString(pub) {
		return "", errors.New("intent: invalid connector or publish Id")
	}
	return filepath.Join(s.intentDir(), connID+"-"+pub+".json"), nil
}

// writeIntent records a write about to be sent.
func (s *Publisher) WriteIntent(in Intent) error {
	p, err := s.intentPath(in.ConnectorID, in.PubID)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.intentDir(), 0o700); err != nil {
		return fmt.Errorf("create intents folder: %w", err)
	}
	raw, err := json.Marshal(in)
	if err != nil {
		return err
	}
	if err := os.WriteFile(p, raw, 0o600); err != nil {
		return fmt.Errorf("write intent: %w", err)
	}
	s.pruneIntents(in.ConnectorID)
	return nil
}

// dropIntent removes an intent whose outcome is known.
func (s *Publisher) dropIntent(connID, pub string) {
	if p, err := s.intentPath(connID, pub); err == nil {
		_ = os.Remove(p)
	}
}

// pendingIntent returns this folder's intent of that publish Id, if any.
func (s *Publisher) PendingIntent(connID, pub string) (Intent, bool) {
	p, err := s.intentPath(connID, pub)
	if err != nil {
		return Intent{}, false
	}
	raw, err := os.ReadFile(p)
	if err != nil {
		return Intent{}, false
	}
	var in Intent
	if json.Unmarshal(raw, &in) != nil || in.PubID != pub {
		return Intent{}, false
	}
	return in, true
}

// pruneIntents keeps the newest maxIntents intents of the connector.
func (s *Publisher) pruneIntents(connID string) {
	entries, err := os.ReadDir(s.intentDir())
	if err != nil {
		return
	}
	type named struct {
		path string
		mod  time.Time
	}
	var mine []named
	for _, e := range entries {
		if !e.Type().IsRegular() || !strings.HasPrefix(e.Name(), connID+"-") || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		pub := strings.TrimSuffix(strings.TrimPrefix(e.Name(), connID+"-"), ".json")
		if !connector.PubIDPattern.MatchString(pub) {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		mine = append(mine, named{filepath.Join(s.intentDir(), e.Name()), fi.ModTime()})
	}
	if len(mine) <= maxIntents {
		return
	}
	sort.Slice(mine, func(i, j int) bool { return mine[i].mod.After(mine[j].mod) })
	for _, n := range mine[maxIntents:] {
		if err := os.Remove(n.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.Log().Warn("remove an old intent", "path", n.path, "err", err)
		}
	}
}

// ownPub reports whether pub is one of this folder's writes for conn: its
// last recorded publish, or an intent whose outcome is not known yet.
func (s *Publisher) ownPub(conn connector.Connector) func(pub string) bool {
	return func(pub string) bool {
		if pub == "" {
			return false
		}
		if rec := conn.LastPublish; rec != nil && rec.PubID == pub {
			return true
		}
		_, ok := s.PendingIntent(conn.ID, pub)
		return ok
	}
}

// judge judges the connector's resource cur as the org holds it.
func (s *Publisher) judge(conn connector.Connector, resource string, cur *salesforce.StaticResource) *connector.OrgVersion {
	var ourUser string
	if conn.Org != nil {
		ourUser = conn.Org.UserID
	}
	var rec *connector.PublishRecord
	if conn.LastPublish != nil && strings.EqualFold(conn.LastPublish.Resource, resource) {
		rec = conn.LastPublish
	}
	return connector.JudgeResource(cur, s.ownPub(conn), ourUser, rec)
}
