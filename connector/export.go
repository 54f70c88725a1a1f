package connector

// Connectors from a file: `connectorctl export` writes the connectors
// without any secret; `--connectors FILE` runs any command on such a file,
// so a CI job runs from a file committed to the repository.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connectors-app/connectors/internal/safetext"
)

// ExportVersion is the format version of an exported connectors file.
const ExportVersion = 1

// ExportFile is an exported connectors file.
type ExportFile struct {
	Version    int               `json:"version"`
	Connectors []ExportConnector `json:"connectors"`
}

// ExportConnector is one connector in an exported file: what it takes to
// run it elsewhere, and never a secret.
type ExportConnector struct {
	// ID keeps the connector's identity (its keyring entry, for web connectors).
	ID          string `json:"id,omitempty"`
	System      string `json:"system"`
	Environment string `json:"environment"`
	// OrgKind is "production" or "sandbox": the org's kind as recorded at
	// authorization, else the environment's.
	OrgKind    string `json:"orgKind"`
	LoginURL   string `json:"loginUrl"`
	ClientID   string `json:"clientId,omitempty"`
	AuthMethod string `json:"authMethod"` // web, jwt or client-credentials
	Username   string `json:"username,omitempty"`
	Audience   string `json:"audience,omitempty"`
	// ResourceName is the StaticResource the connector publishes.
	ResourceName             string `json:"resourceName"`
	AllowEnvironmentMismatch bool   `json:"allowEnvironmentMismatch,omitempty"`
	// OrgID is the org recorded at authorization: a run refuses tokens of
	// any other org.
	OrgID   string `json:"orgId,omitempty"`
	OrgName string `json:"orgName,omitempty"`
}

// Export returns the connectors as an export file.
func Export(list []Connector) ExportFile {
	out := ExportFile{Version: ExportVersion, Connectors: make([]ExportConnector, 0, len(list))}
	for _, c := range list {
		kind := "sandbox"
		if c.IsProductionTarget() {
			kind = "production"
		}
		e := ExportConnector{
			ID: c.ID, System: c.System, Environment: c.Environment.Title(), OrgKind: kind,
			LoginURL: c.LoginURL, ClientID: c.ClientID, AuthMethod: c.AuthMethod.String(),
			Username: c.Username, Audience: c.Audience, ResourceName: c.EffectiveResourceName(),
			AllowEnvironmentMismatch: c.AllowEnvironmentMismatch,
		}
		if c.Org != nil {
			e.OrgID, e.OrgName = c.Org.OrgID, c.Org.OrgName
			if e.Username == "" {
				e.Username = c.Org.Username
			}
		}
		out.Connectors = append(out.Connectors, e)
	}
	return out
}

// maxExportSize bounds a connectors file (one is a few KB per connector).
const maxExportSize = 16 << 20

// ReadExport reads an export file strictly, and refuses, naming the line:
// anything but one JSON object (trailing data included), a key the format
// does not have (or with another case) or given twice in one object, a
// version other than ExportVersion, an invalid connector, an ID that
// connectorctl never writes, and two connectors with one ID or one system
// and environment.
func ReadExport(r io.Reader, name string) (*ExportFile, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxExportSize+1))
	if err != nil {
		return nil, exportProblem(name, "cannot be read: "+err.Error(), err)
	}
	if len(raw) > maxExportSize {
		return nil, exportProblem(name, fmt.Sprintf("is larger than %d MB, far more than any connectors file", maxExportSize>>20), nil)
	}
	lay, err := scanExport(raw)
	if err != nil {
		return nil, exportProblem(name, "is not a connectors file ("+err.Error()+")", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f ExportFile
	if err := dec.Decode(&f); err != nil {
		return nil, exportProblem(name, "is not a connectors file ("+decodeError(err, raw, lay)+")", err)
	}
	switch {
	case lay.versionLine == 0:
		err = &lineError{line: 1, msg: fmt.Sprintf(`it has no "version" (connectorctl export writes "version": %d)`, ExportVersion)}
	case f.Version > ExportVersion:
		err = &lineError{line: lay.versionLine, msg: fmt.Sprintf("it is format %d, newer than this connectorctl reads (%d)", f.Version, ExportVersion)}
	case f.Version != ExportVersion:
		err = &lineError{line: lay.versionLine, msg: fmt.Sprintf("format %d is not one connectorctl writes (it writes %d)", f.Version, ExportVersion)}
	default:
		err = checkExportConnectors(f.Connectors, lay)
	}
	if err != nil {
		return nil, exportProblem(name, "is not a connectors file ("+err.Error()+")", err)
	}
	return &f, nil
}

// decodeError names the line of a decoding error when the decoder tells
// where it was (a value of the wrong type).
func decodeError(err error, raw []byte, lay *exportLayout) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err.Error()
	}
	ln := (&exportScan{raw: raw}).line(te.Offset)
	what := fmt.Sprintf("%s is not a %s", quoteID(te.Field), te.Type)
	if te.Field == "" {
		what = fmt.Sprintf("a value is not a %s", te.Type)
	}
	if i := lay.connectorAt(ln); i >= 0 {
		what = fmt.Sprintf("connector %d: %s", i+1, what)
	}
	return (&lineError{line: ln, msg: what}).Error()
}

// checkExportConnectors checks each connector of a file as Import will use
// it, each problem naming the connector and its line.
func checkExportConnectors(cs []ExportConnector, lay *exportLayout) error {
	ids, keys := map[string]int{}, map[string]int{}
	for i, c := range cs {
		ln := 0
		if i < len(lay.connLines) {
			ln = lay.connLines[i]
		}
		bad := func(format string, args ...any) error {
			return &lineError{line: ln, msg: fmt.Sprintf("connector %d (%s): ", i+1, safetext.Escape(c.System)) + fmt.Sprintf(format, args...)}
		}
		env, err := ParseEnvironment(c.Environment)
		if err != nil {
			return bad("%s", safetext.Escape(err.Error()))
		}
		if !env.HasKind() { // export writes named environments with their org kind
			return bad("the environment %q has no org kind (e.g. %s:sandbox)", c.Environment, c.Environment)
		}
		if _, err := ParseAuthMethod(c.AuthMethod); err != nil {
			return bad("%s", safetext.Escape(err.Error()))
		}
		k := Key{System: strings.TrimSpace(c.System), Environment: env}
		if err := ValidateKey(k); err != nil {
			return bad("%s", safetext.Escape(strings.TrimSuffix(AsProblem(err).Message, ".")))
		}
		if c.ID != "" && !ValidConnectorID(c.ID) {
			return bad("%s", BadIDError(c.ID))
		}
		if j, dup := ids[c.ID]; dup && c.ID != "" {
			return bad("it has the same id as connector %d (line %d)", j+1, lineOf(lay, j))
		}
		if j, dup := keys[strings.ToLower(k.String())]; dup {
			return bad("it is %s again, as connector %d (line %d)", safetext.Escape(k.String()), j+1, lineOf(lay, j))
		}
		ids[c.ID], keys[strings.ToLower(k.String())] = i, i
	}
	return nil
}

func lineOf(lay *exportLayout, i int) int {
	if i < len(lay.connLines) {
		return lay.connLines[i]
	}
	return 0
}

func exportProblem(name, what string, err error) *Problem {
	name = safetext.Escape(name)
	return &Problem{
		Code:    CodeConnectorsFile,
		Message: fmt.Sprintf("The connectors file %s %s.", name, strings.TrimSuffix(what, ".")),
		Fix:     "Write it with connectorctl export --output FILE and commit it as is.",
		Args:    map[string]any{"File": name, "Detail": strings.TrimSuffix(what, ".")},
		Err:     err,
	}
}

// Import puts the connectors of f into the registry (created or replaced,
// by system and environment), each with the org recorded in the file, in
// one transaction: one lock and one write, however many connectors.
func (r *Registry) Import(f *ExportFile) error {
	if f == nil {
		return errors.New("no connectors file")
	}
	now := r.now().UTC().Truncate(time.Millisecond)
	conns := make([]Connector, 0, len(f.Connectors))
	seen := map[string]bool{}
	for _, e := range f.Connectors {
		k, method, err := importKey(e)
		if err != nil {
			return err
		}
		id := strings.ToLower(k.String())
		if seen[id] {
			return &Problem{Code: CodeConnectorsFile, ID: "connectors_file_duplicate", Message: fmt.Sprintf("The connectors file lists %s twice.", k),
				Fix: "Keep one entry per connector (connectorctl export writes each once).", Args: map[string]any{"Connector": k.String()}}
		}
		seen[id] = true
		c, err := importedConnector(e, k, method, now)
		if err != nil {
			return err
		}
		conns = append(conns, c)
	}
	return r.Transact(func(doc *RegistryDoc) (bool, error) {
		return importInto(doc, conns)
	})
}

// importKey reads an entry's key (system and environment) and its
// authorization method, and checks them.
func importKey(e ExportConnector) (Key, AuthMethod, error) {
	env, err := ParseEnvironment(e.Environment)
	if err != nil {
		return Key{}, "", err
	}
	method, err := ParseAuthMethod(e.AuthMethod)
	if err != nil {
		return Key{}, "", err
	}
	k := Key{System: strings.TrimSpace(e.System), Environment: env}
	if err := ValidateKey(k); err != nil {
		return Key{}, "", err
	}
	return k, method, nil
}

// importedConnector is the connector an entry describes, created now: its
// ID (a new one when the file has none), settings and, when the file
// records one, its org.
func importedConnector(e ExportConnector, k Key, method AuthMethod, now time.Time) (Connector, error) {
	if e.ID != "" && !ValidConnectorID(e.ID) {
		return Connector{}, &Problem{Code: CodeConnectorsFile, ID: "connectors_file_id", Message: fmt.Sprintf("The connectors file gives %s an id Connectors never writes.", k),
			Fix: "Write the file with connectorctl export --output FILE and commit it as is.", Args: map[string]any{"Connector": k.String()}}
	}
	login, err := NormalizeLoginURL(e.LoginURL, k.Environment)
	if err != nil {
		return Connector{}, err
	}
	c := Connector{
		ID: e.ID, System: k.System, Environment: k.Environment, LoginURL: login, ClientID: e.ClientID, AuthMethod: method,
		Audience: e.Audience, ResourceName: e.ResourceName, AllowEnvironmentMismatch: e.AllowEnvironmentMismatch,
		CreatedAt: now, UpdatedAt: now,
	}
	if c.ID == "" {
		c.ID = NewConnectorID()
	}
	if method == AuthJWT {
		c.Username = e.Username
	}
	if e.OrgID != "" {
		c.Org = &OrgInfo{
			OrgID: e.OrgID, OrgName: e.OrgName, Username: e.Username,
			IsSandbox: e.OrgKind != "production", AuthorizedAt: now,
		}
	}
	return c, nil
}

// importInto creates or replaces each connector in doc, by key; it refuses
// an ID that another connector of doc already has. It reports whether doc
// changed.
func importInto(doc *RegistryDoc, conns []Connector) (bool, error) {
	for _, c := range conns {
		i := FindConnector(doc.Connectors, c.Key())
		if j := findID(doc.Connectors, c.ID); j >= 0 && j != i {
			return false, &Problem{Code: CodeConnectorsFile, ID: "connectors_file_id_taken",
				Message: fmt.Sprintf("The connectors file gives %s the id of %s.", c.Key(), doc.Connectors[j].Key()),
				Fix:     "Write the file with connectorctl export --output FILE and commit it as is.",
				Args:    map[string]any{"Connector": c.Key().String(), "Other": doc.Connectors[j].Key().String()}}
		}
		if i >= 0 {
			doc.Connectors[i] = c
		} else {
			doc.Connectors = append(doc.Connectors, c)
		}
	}
	return len(conns) > 0, nil
}
