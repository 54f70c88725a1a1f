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
)

// ExportVersion is the format version of an exported connectors file.
const ExportVersion = 1

// CodeConnectorsFile: a --connectors file cannot be used.
const CodeConnectorsFile = "connectors_file_invalid"

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

// ReadExport reads an export file strictly: unknown fields, a newer
// version and invalid connectors are refused with a problem naming them.
func ReadExport(r io.Reader, name string) (*ExportFile, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, exportProblem(name, "cannot be read: "+err.Error(), err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f ExportFile
	if err := dec.Decode(&f); err != nil {
		return nil, exportProblem(name, "is not a connectors file: "+err.Error(), err)
	}
	if f.Version > ExportVersion {
		return nil, exportProblem(name, fmt.Sprintf("is format %d, newer than this connectorctl reads (%d)", f.Version, ExportVersion), nil)
	}
	for i, c := range f.Connectors {
		env, err := ParseEnvironment(c.Environment)
		if err != nil {
			return nil, exportProblem(name, fmt.Sprintf("connector %d (%s): %s", i+1, c.System, err), err)
		}
		if !env.HasKind() { // export writes named environments with their org kind
			err := fmt.Errorf("the environment %q has no org kind (e.g. %s:sandbox)", c.Environment, c.Environment)
			return nil, exportProblem(name, fmt.Sprintf("connector %d (%s): %s", i+1, c.System, err), err)
		}
		if _, err := ParseAuthMethod(c.AuthMethod); err != nil {
			return nil, exportProblem(name, fmt.Sprintf("connector %d (%s): %s", i+1, c.System, err), err)
		}
	}
	return &f, nil
}

func exportProblem(name, what string, err error) *Problem {
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
		env, err := ParseEnvironment(e.Environment)
		if err != nil {
			return err
		}
		method, err := ParseAuthMethod(e.AuthMethod)
		if err != nil {
			return err
		}
		k := Key{System: strings.TrimSpace(e.System), Environment: env}
		if err := validateKey(k); err != nil {
			return err
		}
		id := strings.ToLower(k.String())
		if seen[id] {
			return &Problem{Code: CodeConnectorsFile, ID: "connectors_file_duplicate", Message: fmt.Sprintf("The connectors file lists %s twice.", k),
				Fix: "Keep one entry per connector (connectorctl export writes each once).", Args: map[string]any{"Connector": k.String()}}
		}
		seen[id] = true
		login, err := NormalizeLoginURL(e.LoginURL, env)
		if err != nil {
			return err
		}
		c := Connector{
			ID: e.ID, System: k.System, Environment: env, LoginURL: login, ClientID: e.ClientID, AuthMethod: method,
			Audience: e.Audience, ResourceName: e.ResourceName, AllowEnvironmentMismatch: e.AllowEnvironmentMismatch,
			CreatedAt: now, UpdatedAt: now,
		}
		if c.ID == "" {
			c.ID = newConnectorID()
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
		conns = append(conns, c)
	}
	return r.transact(func(doc *registryDoc) (bool, error) {
		for _, c := range conns {
			if i := findConnector(doc.Connectors, c.Key()); i >= 0 {
				doc.Connectors[i] = c
			} else {
				doc.Connectors = append(doc.Connectors, c)
			}
		}
		return len(conns) > 0, nil
	})
}
