package service

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
)

const (
	idA = "0123456789abcdef0123456789abcdef"
	idB = "fedcba9876543210fedcba9876543210"
)

// connectorsFile is a connectors file as export lays it out, with the
// connectors' objects given as their inner lines (the first connector's
// '{' is on line 4; with 7 inner lines, the second's on line 13).
func connectorsFile(version string, conns ...string) string {
	var b strings.Builder
	b.WriteString("{\n  \"version\": " + version + ",\n  \"connectors\": [\n")
	for i, c := range conns {
		b.WriteString("    {\n" + c + "\n    }")
		if i < len(conns)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]\n}\n")
	return b.String()
}

// conn is the inner lines of one connector (7 with an ID and no extra).
func conn(id, system string, extra ...string) string {
	lines := []string{}
	if id != "" {
		lines = append(lines, `      "id": `+jsonString(id)+`,`)
	}
	lines = append(lines, `      "system": `+jsonString(system)+`,`, `      "environment": "Sandbox",`, `      "orgKind": "sandbox",`)
	lines = append(lines, extra...)
	lines = append(lines, `      "loginUrl": "https://test.salesforce.com",`, `      "authMethod": "web",`, `      "resourceName": "WalkMe_Content"`)
	return strings.Join(lines, "\n")
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestReadExportRefusesLaxFiles: what encoding/json lets through is
// refused, each time naming the line (and the connector): trailing data,
// a version it does not write, a key twice (the last would win), a key in
// another case, an ID connectorctl never writes (it would name folders),
// and one connector twice, by ID or by name.
func TestReadExportRefusesLaxFiles(t *testing.T) {
	ok := connectorsFile("1", conn(idA, "Acme"), conn(idB, "Beta"))
	_, err := connector.ReadExport(strings.NewReader(ok), "ci/connectors.json")
	require.NoError(t, err, "the layout export writes")

	tests := []struct {
		name, file string
		want       []string
	}{
		{"trailing garbage", ok + "garbage\n", []string{"line 24", "more after the end"}},
		{"a second object", ok + `{"version":1,"connectors":[]}`, []string{"line 24", "more after the end"}},
		{"version 0", connectorsFile("0", conn(idA, "Acme")), []string{"line 2", "format 0 is not one connectorctl writes"}},
		{"version -1", connectorsFile("-1", conn(idA, "Acme")), []string{"line 2", "format -1"}},
		{"version 2", connectorsFile("2", conn(idA, "Acme")), []string{"line 2", "format 2, newer than this connectorctl reads (1)"}},
		{"no version", "{\n  \"connectors\": []\n}\n", []string{"line 1", `no "version"`}},
		{"version twice", "{\n  \"version\": 1,\n  \"version\": 1,\n  \"connectors\": []\n}", []string{"line 3", `"version" is given twice`, "first on line 2"}},
		{"loginUrl twice", connectorsFile("1", conn(idA, "Acme"), conn(idB, "Beta", `      "loginUrl": "https://evil.example",`)),
			[]string{"line 19", `"loginUrl" is given twice`, "first on line 18"}},
		{"loginUrl in another case", connectorsFile("1", conn(idA, "Acme", `      "LoginURL": "https://evil.example",`)),
			[]string{"line 9", `"LoginURL" is not one connectorctl export writes`}},
		{"unknown key", connectorsFile("1", conn(idA, "Acme", `      "token": "x",`)), []string{"line 9", `"token"`}},
		{"path in id", connectorsFile("1", conn(idA, "Acme"), conn("x/../../some/dir", "Beta")),
			[]string{"line 13", "connector 2 (Beta)", `its id "x/../../some/dir" is not one Connectors writes (32 lowercase hex digits)`}},
		{"id in upper case", connectorsFile("1", conn(strings.ToUpper(idA), "Acme")), []string{"line 4", "connector 1 (Acme)", "is not one Connectors writes"}},
		{"same id twice", connectorsFile("1", conn(idA, "Acme"), conn(idA, "Beta")),
			[]string{"line 13", "connector 2 (Beta)", "same id as connector 1 (line 4)"}},
		{"same connector twice", connectorsFile("1", conn(idA, "Acme"), conn(idB, "ACME")),
			[]string{"line 13", "connector 2 (ACME)", "connector 1 (line 4)"}},
		{"a number for a name", connectorsFile("1", conn(idA, "Acme"), `      "system": 7`), []string{"line 14", "connector 2", `"connectors.system" is not a string`}},
		{"bad JSON", "{\n  \"version\": 1,\n  \"connectors\": [,]\n}", []string{"line 3", "not valid JSON"}},
		{"cut short", "{\n  \"version\": 1,\n  \"connectors\": [", []string{"line 3", "ends too early"}},
		{"not an object", "[1]", []string{"line 1", "does not start with a JSON object"}},
		{"nested deep", `{"version":1,"connectors":[{"system":` + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + `}]}`, []string{"line 1", "nested too deep"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := connector.ReadExport(strings.NewReader(tt.file), "ci/connectors.json")
			p := connector.AsProblem(err)
			require.NotNil(t, p, "refused")
			assert.Equal(t, connector.CodeConnectorsFile, p.Code)
			assert.Contains(t, p.Message, "The connectors file ci/connectors.json is not a connectors file (")
			for _, w := range tt.want {
				assert.Contains(t, p.Message, w)
			}
			assert.Equal(t, "Write it with connectorctl export --output FILE and commit it as is.", p.Fix)
		})
	}
}

// TestReadExportReadsWhatExportWrites: the strict reading accepts export's
// own output, compact or indented, and a connector without an ID.
func TestReadExportReadsWhatExportWrites(t *testing.T) {
	r := newTestRegistry(t)
	for _, sys := range []string{"Acme", "Beta"} {
		_, err := r.Upsert(connector.Key{System: sys, Environment: connector.Sandbox}, nil)
		require.NoError(t, err)
	}
	list, err := r.List()
	require.NoError(t, err)
	f := connector.Export(list)
	compact, err := json.Marshal(f)
	require.NoError(t, err)
	indented, err := json.MarshalIndent(f, "", "  ")
	require.NoError(t, err)
	for _, raw := range [][]byte{compact, append(indented, '\n')} {
		got, err := connector.ReadExport(bytes.NewReader(raw), "x.json")
		require.NoError(t, err)
		assert.Equal(t, &f, got)
	}
	_, err = connector.ReadExport(strings.NewReader(connectorsFile("1", conn("", "Acme"))), "x.json")
	assert.NoError(t, err, "an ID is optional: the import gives one")
}

// TestRegistryRefusesIDsItNeverWrites: an ID in connectors.json that is not
// one newConnectorID makes (it names backup folders and lock files), or one
// ID for two connectors, makes the file damaged; nothing writes over it.
func TestRegistryRefusesIDsItNeverWrites(t *testing.T) {
	for name, tt := range map[string]struct{ content, want string }{
		"path":      {`{"version":2,"connectors":[{"id":"x/../../some/dir","system":"Acme","environment":"sandbox"}]}`, `connector 1 (Acme/Sandbox): its id "x/../../some/dir" is not one Connectors writes`},
		"too short": {`{"version":2,"connectors":[{"id":"abc","system":"Acme","environment":"sandbox"}]}`, `its id "abc"`},
		"shared": {`{"version":2,"connectors":[{"id":"` + idA + `","system":"Acme","environment":"sandbox"},{"id":"` + idA + `","system":"Beta","environment":"sandbox"}]}`,
			"connectors 1 (Acme/Sandbox) and 2 (Beta/Sandbox) have the same id"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, connector.RegistryFileName)
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			r, err := connector.OpenRegistry(dir)
			require.NoError(t, err)
			_, err = r.List()
			p := connector.AsProblem(err)
			require.NotNil(t, p)
			assert.Equal(t, connector.CodeConfigCorrupt, p.Code)
			assert.Contains(t, p.Message, tt.want)
			_, err = r.Upsert(connector.Key{System: "X", Environment: connector.Test}, nil)
			assert.Equal(t, connector.CodeConfigCorrupt, connector.AsProblem(err).Code)
			b, _ := os.ReadFile(path)
			assert.Equal(t, tt.content, string(b), "left as it is")
		})
	}
}

// TestNewConnectorTakesOnlyAGeneratedID: a new connector may bring its ID
// (an authorization made it), but only one of the generated form, and not
// one another connector has.
func TestNewConnectorTakesOnlyAGeneratedID(t *testing.T) {
	r := newTestRegistry(t)
	a, err := r.Upsert(connector.Key{System: "Acme", Environment: connector.Sandbox}, nil)
	require.NoError(t, err)
	assert.True(t, connector.ValidConnectorID(a.ID), a.ID)
	for _, id := range []string{"../x", strings.ToUpper(connector.NewConnectorID()), a.ID} {
		_, err = r.Upsert(connector.Key{System: "Beta", Environment: connector.Sandbox}, func(c *connector.Connector) error { c.ID = id; return nil })
		assert.Equal(t, connector.CodeInvalidKey, connector.AsProblem(err).Code, id)
	}
	_, err = r.Get(connector.Key{System: "Beta", Environment: connector.Sandbox})
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code, "not saved")

	// An import may not hand a connector's ID to another.
	f := &connector.ExportFile{Version: connector.ExportVersion, Connectors: []connector.ExportConnector{{ID: a.ID, System: "Beta", Environment: "Sandbox", OrgKind: "sandbox", AuthMethod: "web"}}}
	err = r.Import(f)
	assert.Equal(t, "connectors_file_id_taken", connector.AsProblem(err).MessageID())
}

// TestPathsAreBuiltOnlyFromValidIDs: should a connector with an ID of
// another form reach the service, no backup folder or lock file is made of
// it.
func TestPathsAreBuiltOnlyFromValidIDs(t *testing.T) {
	svc := newTestService(t)
	for _, id := range []string{"x/../..", "../../" + idA, "", strings.ToUpper(idA)} {
		c := connector.Connector{ID: id, System: "Acme", Environment: connector.Sandbox}
		_, err := svc.BackupStore(c, connector.DefaultResourceName, true)
		assert.Equal(t, connector.CodeConfigIO, connector.AsProblem(err).Code, id)
		_, err = svc.Lock(testCtx(t), c, "publish", false)
		assert.Equal(t, connector.CodeConfigIO, connector.AsProblem(err).Code, id)
	}
	assert.NoDirExists(t, svc.BackupDir)
	entries, _ := os.ReadDir(filepath.Join(svc.Registry.Dir(), "locks"))
	for _, e := range entries {
		assert.NotContains(t, e.Name(), "connector-", "no lock file of a connector")
	}
}
