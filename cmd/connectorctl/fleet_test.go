package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestFleetCommand: fleet says where each org stands against the bundle,
// one aligned line per connector with production marked and a summary,
// or one JSON object; it exits 0 only when every org is current, 2 on a
// usage error; text from the org is escaped; nothing is written.
func TestFleetCommand(t *testing.T) {
	c := newCLI(t)
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>"})
	orgs := map[string]*sfsim.Org{}
	for _, key := range []string{"Acme/Production", "Beta/Sandbox", "Gamma/Sandbox", "Delta/Sandbox", "Down/Sandbox"} {
		org, port := startOrg(t, sfsim.Options{Sandbox: !strings.HasSuffix(key, "Production")})
		seedAuthorized(t, c, org, port, key)
		orgs[key] = org
	}
	c.addConnector("Never/Sandbox", nil, nil)
	for key, b := range map[string]string{"Acme/Production": v2, "Beta/Sandbox": v1, "Gamma/Sandbox": v2} {
		r := c.run("publish", b, key, "--yes")
		require.Equal(t, 0, r.code, r.stderr)
	}
	g := orgs["Gamma/Sandbox"].Resource(connector.DefaultResourceName)
	require.NotNil(t, g)
	orgs["Gamma/Sandbox"].PutResource(sfsim.Resource{ID: g.ID, Name: g.Name, ContentType: g.ContentType, Description: g.Description,
		Body: []byte("edited"), LastModifiedDate: time.Now().Add(3 * time.Second), LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane \x1b[31mDoe"})
	require.NoError(t, orgs["Down/Sandbox"].Close())

	before := dirBytes(t, c.dir)
	r := c.run("fleet", v2)
	assert.Equal(t, 1, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 9, r.stdout+r.stderr) // bundle, header, 6 rows, summary
	byKey := map[string]string{}
	rowLines := lines[2 : len(lines)-1]
	for _, l := range rowLines {
		byKey[strings.Fields(l)[0]] = l
	}
	assert.Regexp(t, `^Acme/Production\s+production\s+Demo Org\s+current\s+published with Connectors`, byKey["Acme/Production"])
	assert.Regexp(t, `^Beta/Sandbox\s+Demo Org\s+behind\s+published with Connectors`, byKey["Beta/Sandbox"])
	assert.Regexp(t, `^Gamma/Sandbox\s+Demo Org\s+changed outside\s+changed outside Connectors on .* by Jane \\x1b\[31mDoe`, byKey["Gamma/Sandbox"])
	assert.Regexp(t, `^Delta/Sandbox\s+Demo Org\s+absent\s+no resource `+connector.DefaultResourceName, byKey["Delta/Sandbox"])
	assert.Regexp(t, `^Never/Sandbox\s+-\s+needs authorization\s+\S`, byKey["Never/Sandbox"])
	assert.Regexp(t, `^Down/Sandbox\s+Demo Org\s+unreachable\s+Connectors could not reach Salesforce\. Check your internet`, byKey["Down/Sandbox"])
	assert.Equal(t, "1 current, 1 behind, 1 changed outside, 1 absent, 1 needs authorization, 1 unreachable.", lines[len(lines)-1])
	assert.NotContains(t, r.stdout, "\x1b", "escaped")
	// aligned: every row's state starts in the same column
	col := strings.Index(lines[1], "STATE")
	for _, l := range rowLines {
		assert.Regexp(t, `^(current|behind|changed|absent|needs|unreachable)`, l[col:], l)
	}

	r = c.run("fleet", v2, "--json")
	assert.Equal(t, 1, r.code, r.stderr)
	var doc struct {
		Bundle     map[string]any `json:"bundle"`
		AllCurrent bool           `json:"allCurrent"`
		Summary    string         `json:"summary"`
		Counts     map[string]int `json:"counts"`
		Rows       []struct {
			Connector, State, Provenance, Fingerprint, PublishedBy, LastModifiedBy, OrgName, Resource string
			Production                                                                                bool
			PublishedAt                                                                               *time.Time
			Size                                                                                      *int64
			Problem                                                                                   *problemJSON
		} `json:"rows"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout)
	assert.False(t, doc.AllCurrent)
	assert.Equal(t, "1 current, 1 behind, 1 changed outside, 1 absent, 1 needs authorization, 1 unreachable", doc.Summary)
	assert.Equal(t, map[string]int{"current": 1, "behind": 1, "changed_outside": 1, "absent": 1, "needs_authorization": 1, "unreachable": 1}, doc.Counts)
	states := map[string]string{}
	for _, row := range doc.Rows {
		states[row.Connector] = row.State
		switch row.Connector {
		case "Acme/Production":
			assert.True(t, row.Production)
			assert.Equal(t, doc.Bundle["fingerprint"], row.Fingerprint)
			assert.Equal(t, "own", row.Provenance, "this folder's publish, recognised by its publish Id")
			assert.NotNil(t, row.PublishedAt)
			assert.NotEmpty(t, row.PublishedBy)
		case "Gamma/Sandbox":
			assert.Equal(t, "Jane \x1b[31mDoe", row.LastModifiedBy, "JSON keeps the exact value")
		case "Down/Sandbox", "Never/Sandbox":
			require.NotNil(t, row.Problem, row.Connector)
			assert.NotEmpty(t, row.Problem.Fix)
		}
	}
	assert.Equal(t, map[string]string{
		"Acme/Production": "current", "Beta/Sandbox": "behind", "Gamma/Sandbox": "changed_outside",
		"Delta/Sandbox": "absent", "Never/Sandbox": "needs_authorization", "Down/Sandbox": "unreachable",
	}, states)
	assert.NotContains(t, r.stdout, "\x1b", "escaped as \\u001b")

	// Only current orgs: exit 0.
	r = c.run("fleet", v2, "Acme/Production")
	assert.Equal(t, 0, r.code, r.stderr+r.stdout)
	assert.True(t, strings.HasSuffix(r.stdout, "1 current.\n"), r.stdout)

	assert.Equal(t, before, dirBytes(t, c.dir), "fleet writes nothing")

	// Usage errors: exit 2.
	for _, args := range [][]string{
		{"fleet"},
		{"fleet", v2, "Acme/Production", "--all"},
		{"fleet", v2, "--max-parallel", "0"},
		{"fleet", v2, "--resource", "bad name!"},
	} {
		assert.Equal(t, 2, c.run(args...).code, "%v", args)
	}
}

// dirBytes is every file under dir with its bytes.
func dirBytes(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	}))
	return out
}

// A CI runner's fresh folder reads the fleet from a connectors file (JWT):
// behind before the publish, current after it, and nothing written by the
// fleet check itself: no folder, no keyring, no resource.
func TestFleetFromAConnectorsFileInAFreshFolder(t *testing.T) {
	org, exported, keyPEM := jwtConnectorsFile(t)
	work := t.TempDir()
	file := filepath.Join(work, "connectors.json")
	require.NoError(t, os.WriteFile(file, []byte(exported), 0o644))
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>"})

	ci := func() *cli {
		d := newCLI(t)
		d.tokens = failingStore{t} // a CI runner has no keyring
		d.env[connector.JWTKeyEnv] = string(keyPEM)
		return d
	}
	allow := []string{"--connectors", file, "--allow-login-host", hostPort(org.LoginURL())}
	r := ci().run(append([]string{"publish", v1, "--all"}, allow...)...)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)

	d := ci()
	before := fileTree(t, work)
	r = d.run(append([]string{"fleet", v2, "--json"}, allow...)...)
	assert.Equal(t, exitFailure, r.code, r.stderr)
	var out struct {
		Rows []struct{ Connector, State string } `json:"rows"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out), r.stdout)
	require.Len(t, out.Rows, 1)
	assert.Equal(t, "Acme/Sandbox", out.Rows[0].Connector)
	assert.Equal(t, "behind", out.Rows[0].State)
	assert.Equal(t, before, fileTree(t, work), "the fleet check writes nothing beside the connectors file")
	_, err := os.Stat(d.dir)
	assert.True(t, err != nil || len(fileTree(t, d.dir)) == 0, "nothing in the fresh config folder")

	r = ci().run(append([]string{"publish", v2, "--all"}, allow...)...)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	r = ci().run(append([]string{"fleet", v2}, allow...)...)
	assert.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "1 current")
}
