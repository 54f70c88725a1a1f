package connector

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector/internal/filelock"
)

// RegistryFileName is the registry file inside the config folder.
const RegistryFileName = "connectors.json"

// RegistryVersion is the format version this build reads and writes.
// Format 2 gives every connector a stable ID (tokens are keyed by it);
// format 1 files are upgraded when opened.
const RegistryVersion = 2

// ConfigDirEnv overrides the config folder.
const ConfigDirEnv = "CONNECTORS_CONFIG_DIR"

// Problem codes of the registry file.
const (
	CodeConfigCorrupt = "config_corrupt"
	CodeConfigTooNew  = "config_too_new"
	CodeConfigIO      = "config_unwritable"
	CodeInvalidKey    = "invalid_connector"
)

// Registry is the file-backed set of connectors (connectors.json in the
// config dir). Writes are atomic (temp file, fsync, rename) and run under a
// cross-process file lock that re-reads the file first, so the window and
// connectorctl can both edit it at the same time. It never holds a secret.
type Registry struct {
	dir string
	mu  sync.Mutex // serialises this process's writers before the file lock
	now func() time.Time
}

// registryDoc is the on-disk shape.
type RegistryDoc struct {
	Version    int         `json:"version"`
	Connectors []Connector `json:"connectors"`
}

// DefaultConfigDir is $CONNECTORS_CONFIG_DIR, else <os.UserConfigDir>/connectors.
func DefaultConfigDir() (string, error) {
	if d := strings.TrimSpace(os.Getenv(ConfigDirEnv)); d != "" {
		return filepath.Abs(d)
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", &Problem{
			Code:    CodeConfigIO,
			Message: "Connectors cannot find your user configuration folder.",
			Fix:     "Set " + ConfigDirEnv + " to a folder Connectors may write to.",
			Err:     err,
		}
	}
	return filepath.Join(base, "connectors"), nil
}

// OpenRegistry opens (creating the folder if needed) the registry in dir;
// "" means DefaultConfigDir. A missing file is an empty registry. A damaged
// or newer file does not stop it from opening (so doctor and diagnostics
// still run): List, Get and every write report it, and nothing overwrites it.
func OpenRegistry(dir string) (*Registry, error) {
	if dir == "" {
		d, err := DefaultConfigDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	if err := os.MkdirAll(dir, 0o700); err != nil { //nolint:gosec // the user's own config folder
		return nil, ConfigIOProblem(dir, err)
	}
	r := &Registry{dir: dir, now: time.Now}
	r.upgrade()
	return r, nil
}

// upgrade gives every connector of an older file its ID, once, under the
// lock, marking it LegacyTokens so its name-keyed tokens can be adopted.
// A file that cannot be read or written is left alone: every later call
// reports why.
func (r *Registry) upgrade() {
	doc, err := r.read()
	if err != nil || !needsIDs(doc.Connectors) {
		return
	}
	_ = r.Transact(func(doc *RegistryDoc) (bool, error) {
		if !needsIDs(doc.Connectors) {
			return false, nil // another process upgraded it meanwhile
		}
		for i := range doc.Connectors {
			if doc.Connectors[i].ID == "" {
				doc.Connectors[i].ID = NewConnectorID()
				doc.Connectors[i].LegacyTokens = true
			}
		}
		return true, nil
	})
}

func needsIDs(cs []Connector) bool {
	for _, c := range cs {
		if c.ID == "" {
			return true
		}
	}
	return false
}

// connectorIDLen is the length of a connector ID: 128 bits in lowercase hex.
const connectorIDLen = 32

// newConnectorID is 128 random bits in lowercase hex.
func NewConnectorID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("connector: no randomness for a connector ID: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// validConnectorID reports whether id has the one form newConnectorID
// makes: 32 lowercase hex digits. IDs name folders, lock files and keyring
// entries, so nothing else is accepted where an ID enters (the registry
// file, a connectors file, a new connector).
func ValidConnectorID(id string) bool {
	if len(id) != connectorIDLen {
		return false
	}
	for i := range len(id) {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// quoteID quotes an ID read from a file for a message: Go-quoted (so no
// control or bidi character gets through) and cut to 40 bytes.
func quoteID(id string) string {
	if len(id) > 40 {
		return strconv.Quote(strings.ToValidUTF8(id[:40], "")) + "…"
	}
	return strconv.Quote(id)
}

// badIDError says why id cannot be a connector ID.
func BadIDError(id string) error {
	return fmt.Errorf("its id %s is not one Connectors writes (%d lowercase hex digits)", quoteID(id), connectorIDLen)
}

// Dir is the config folder.
func (r *Registry) Dir() string { return r.dir }

// Path is the registry file.
func (r *Registry) Path() string { return filepath.Join(r.dir, RegistryFileName) }

func (r *Registry) lockPath() string { return filepath.Join(r.dir, "locks", RegistryFileName+".lock") }

// List returns every connector sorted by system then environment order.
func (r *Registry) List() ([]Connector, error) {
	doc, err := r.read()
	if err != nil {
		return nil, err
	}
	sortConnectors(doc.Connectors)
	return doc.Connectors, nil
}

// Get returns one connector (system matched case-insensitively) or a
// CodeNotFound problem.
func (r *Registry) Get(k Key) (Connector, error) {
	doc, err := r.read()
	if err != nil {
		return Connector{}, err
	}
	if i := FindConnector(doc.Connectors, k); i >= 0 {
		return doc.Connectors[i], nil
	}
	return Connector{}, notFound(k)
}

// Upsert creates or updates the connector under a cross-process lock; fn
// edits it in place (a new connector arrives with only its key set, and
// gets a fresh ID unless fn gives it one). The
// key cannot be changed by fn. A new connector without a login URL gets its
// environment's default.
func (r *Registry) Upsert(k Key, fn func(c *Connector) error) (Connector, error) {
	return r.modify(k, true, fn)
}

// Update is Upsert for an existing connector only: CodeNotFound when absent
// (so a background refresh never resurrects a removed connector).
func (r *Registry) Update(k Key, fn func(c *Connector) error) (Connector, error) {
	return r.modify(k, false, fn)
}

func (r *Registry) modify(k Key, create bool, fn func(c *Connector) error) (Connector, error) {
	if err := ValidateKey(k); err != nil {
		return Connector{}, err
	}
	var out Connector
	err := r.Transact(func(doc *RegistryDoc) (bool, error) {
		now := r.now().UTC().Truncate(time.Millisecond)
		i := FindConnector(doc.Connectors, k)
		var c Connector
		if i >= 0 {
			c = doc.Connectors[i]
		} else {
			if !create {
				return false, notFound(k)
			}
			if !k.Environment.HasKind() { // a named environment needs its org kind
				return false, &Problem{
					Code:    CodeInvalidKey,
					ID:      "environment_kind_missing",
					Message: fmt.Sprintf("%s is a new environment, and it is not said whether its org is a production org or a sandbox.", k.Environment.Title()),
					Fix:     fmt.Sprintf("Give its org kind, e.g. %s:sandbox or %s:production.", k.Environment.Title(), k.Environment.Title()),
					Args:    map[string]any{"Environment": k.Environment.Title()},
				}
			}
			c = Connector{System: strings.TrimSpace(k.System), Environment: k.Environment, CreatedAt: now}
		}
		if i >= 0 && c.ID == "" { // a format-1 file the upgrade could not write
			c.ID, c.LegacyTokens = NewConnectorID(), true
		}
		id, sys, env := c.ID, c.System, c.Environment
		if fn != nil {
			if err := fn(&c); err != nil {
				return false, err
			}
		}
		switch {
		case i >= 0:
			c.ID = id // an ID never changes
		case c.ID == "":
			c.ID = NewConnectorID() // a new connector may bring its own
		case !ValidConnectorID(c.ID):
			return false, &Problem{Code: CodeInvalidKey, ID: "connector_id_invalid",
				Message: fmt.Sprintf("The new connector %s was not saved: %s.", k, BadIDError(c.ID)),
				Fix:     "Authorize it again; Connectors gives it a new ID.", Args: map[string]any{"Connector": k.String()}}
		case findID(doc.Connectors, c.ID) >= 0:
			return false, &Problem{Code: CodeInvalidKey, ID: "connector_id_taken",
				Message: fmt.Sprintf("The new connector %s was not saved: another connector has its ID.", k),
				Fix:     "Authorize it again; Connectors gives it a new ID.", Args: map[string]any{"Connector": k.String()}}
		}
		c.System, c.Environment = sys, env
		if c.LoginURL == "" {
			c.LoginURL = env.DefaultLoginURL()
		}
		c.UpdatedAt = now
		if i >= 0 {
			doc.Connectors[i] = c
		} else {
			doc.Connectors = append(doc.Connectors, c)
		}
		out = c
		return true, nil
	})
	return out, err
}

// Delete removes the connector definition (not its tokens). Deleting an
// absent connector is a CodeNotFound problem.
func (r *Registry) Delete(k Key) error {
	return r.Transact(func(doc *RegistryDoc) (bool, error) {
		i := FindConnector(doc.Connectors, k)
		if i < 0 {
			return false, notFound(k)
		}
		doc.Connectors = slices.Delete(doc.Connectors, i, i+1)
		return true, nil
	})
}

// transact runs a read-modify-write under the in-process mutex and the
// cross-process lock, re-reading the file under the lock.
func (r *Registry) Transact(fn func(doc *RegistryDoc) (changed bool, err error)) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	unlock, err := filelock.Lock(r.lockPath())
	if err != nil {
		return ConfigIOProblem(r.dir, err)
	}
	defer unlock()
	doc, err := r.read()
	if err != nil {
		return err
	}
	changed, err := fn(doc)
	if err != nil || !changed {
		return err
	}
	sortConnectors(doc.Connectors)
	return r.write(doc)
}

// read loads the file; a missing file is an empty registry.
func (r *Registry) read() (*RegistryDoc, error) {
	path := r.Path()
	b, err := os.ReadFile(path) //nolint:gosec // the user's own config folder
	if errors.Is(err, fs.ErrNotExist) {
		return &RegistryDoc{Version: RegistryVersion}, nil
	}
	if err != nil {
		return nil, ConfigIOProblem(r.dir, err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, corruptProblem(path, errors.New("the file is empty"))
	}
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, corruptProblem(path, err)
	}
	if probe.Version == nil {
		return nil, corruptProblem(path, errors.New("no version field"))
	}
	if *probe.Version > RegistryVersion {
		return nil, &Problem{
			Code: CodeConfigTooNew,
			Message: fmt.Sprintf("The connector list %s was written by a newer version of Connectors (format %d; this version reads format %d).",
				path, *probe.Version, RegistryVersion),
			Fix: "Update Connectors to the latest version; the file was left untouched.",
		}
	}
	if *probe.Version < 1 {
		return nil, corruptProblem(path, fmt.Errorf("unknown format version %d", *probe.Version))
	}
	var doc RegistryDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, corruptProblem(path, err)
	}
	if err := checkConnectors(doc.Connectors); err != nil {
		return nil, corruptProblem(path, err)
	}
	doc.Version = RegistryVersion
	return &doc, nil
}

// write replaces the file atomically and keeps the previous version as
// connectors.json.bak.
func (r *Registry) write(doc *RegistryDoc) error {
	if doc.Connectors == nil {
		doc.Connectors = []Connector{}
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode registry: %w", err)
	}
	b = append(b, '\n')
	path := r.Path()
	if prev, err := os.ReadFile(path); err == nil && len(prev) > 0 { //nolint:gosec // the user's own config folder
		if err := writeFileAtomic(path+".bak", prev); err != nil {
			return ConfigIOProblem(r.dir, err)
		}
	}
	if err := writeFileAtomic(path, b); err != nil {
		return ConfigIOProblem(r.dir, err)
	}
	return nil
}

// writeFileAtomic writes data to a temp file beside path, fsyncs it and
// renames it over path, then fsyncs the folder (best effort).
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create temp file: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			_ = os.Remove(tmp) //nolint:gosec // beside the config file
		}
	}()
	if err := f.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("chmod temp file: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("write temp file: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync temp file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close temp file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil { //nolint:gosec // the user's own config folder
		return fmt.Errorf("replace %s: %w", filepath.Base(path), err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil { //nolint:gosec // the user's own config folder
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// checkConnectors refuses a connector with a bad key or an ID Connectors
// never writes, and two connectors with one ID (they would share tokens,
// backups and locks). An empty ID is a format-1 connector: the upgrade
// gives it one.
func checkConnectors(cs []Connector) error {
	ids := make(map[string]int, len(cs))
	for i, c := range cs {
		if err := ValidateKey(c.Key()); err != nil {
			return fmt.Errorf("bad connector %q: %w", c.Key(), err)
		}
		if c.ID == "" {
			continue
		}
		if !ValidConnectorID(c.ID) {
			return fmt.Errorf("connector %d (%s): %w", i+1, c.Key(), BadIDError(c.ID))
		}
		if j, dup := ids[c.ID]; dup {
			return fmt.Errorf("connectors %d (%s) and %d (%s) have the same id", j+1, cs[j].Key(), i+1, c.Key())
		}
		ids[c.ID] = i
	}
	return nil
}

// findID is the index of the connector with this ID, or -1.
func findID(cs []Connector, id string) int {
	for i, c := range cs {
		if c.ID == id {
			return i
		}
	}
	return -1
}

func FindConnector(cs []Connector, k Key) int {
	sys := strings.TrimSpace(k.System)
	for i, c := range cs {
		if c.Environment.Same(k.Environment) && strings.EqualFold(c.System, sys) {
			return i
		}
	}
	return -1
}

func envOrder(e Environment) int {
	if i := slices.Index(Environments, e); i >= 0 {
		return i
	}
	return len(Environments)
}

// sortConnectors orders by system, then Production, Sandbox, Test, then
// named environments by name.
func sortConnectors(cs []Connector) {
	slices.SortStableFunc(cs, func(a, b Connector) int {
		if c := strings.Compare(strings.ToLower(a.System), strings.ToLower(b.System)); c != 0 {
			return c
		}
		if d := envOrder(a.Environment) - envOrder(b.Environment); d != 0 {
			return d
		}
		return strings.Compare(a.Environment.Name(), b.Environment.Name())
	})
}

func ValidateKey(k Key) error {
	if err := ValidateSystemName(strings.TrimSpace(k.System)); err != nil {
		return &Problem{Code: CodeInvalidKey, Message: upperFirst(err.Error()) + ".", Err: err}
	}
	if e, err := ParseEnvironment(string(k.Environment)); err != nil || e != k.Environment {
		return &Problem{Code: CodeInvalidKey, Message: fmt.Sprintf("%q is not an environment.", k.Environment),
			Fix: "Use production, sandbox, test, or a name with its org kind, e.g. uat:sandbox."}
	}
	return nil
}

func notFound(k Key) *Problem {
	return &Problem{
		Code:    CodeNotFound,
		Message: fmt.Sprintf("There is no connector %s.", k),
		Fix:     fmt.Sprintf("Authorize it to create it (connectorctl authorize %s), or check the name with connectorctl list.", k),
	}
}

func corruptProblem(path string, err error) *Problem {
	return &Problem{
		Code:    CodeConfigCorrupt,
		Message: fmt.Sprintf("The connector list %s is damaged and cannot be read (%v).", path, err),
		Fix: fmt.Sprintf("Repair the file, or replace it with the previous copy %s.bak (or move it away to start with no connectors); Connectors will not overwrite it.",
			filepath.Base(path)),
		Err: err,
	}
}

func ConfigIOProblem(dir string, err error) *Problem {
	return &Problem{
		Code:    CodeConfigIO,
		Message: fmt.Sprintf("Connectors cannot read or write its configuration folder %s.", dir),
		Fix:     "Check that the folder exists and belongs to you, or set " + ConfigDirEnv + " to a folder you can write to.",
		Err:     err,
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
