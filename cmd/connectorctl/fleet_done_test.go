package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// jwtFleet is a fleet of simulated orgs, one per connector, each
// authorized by JWT and exported to one connectors file, as a team
// commits it for CI.
type jwtFleet struct {
	t      *testing.T
	orgs   map[string]*sfsim.Org // by connector
	file   string                // the exported connectors file
	keyPEM []byte
	allow  []string // --allow-login-host HOST:PORT for every org
}

const fleetJWTClient = "CIApp"

// newJWTFleet starts one org per key, authorizes each by JWT from one
// folder (no keyring) and exports the connectors file.
func newJWTFleet(t *testing.T, keys ...string) *jwtFleet {
	t.Helper()
	keyPEM, certPEM, err := oauth.NewKeyPair("ci", time.Hour)
	require.NoError(t, err)
	fl := &jwtFleet{t: t, orgs: map[string]*sfsim.Org{}, keyPEM: keyPEM}
	admin := newCLI(t)
	admin.tokens = failingStore{t}
	admin.env[connector.JWTKeyEnv] = string(keyPEM)
	for _, key := range keys {
		org, _ := startOrg(t, sfsim.Options{Sandbox: true, Username: "ci@acme.example", OrgName: strings.Split(key, "/")[0] + " Org"})
		require.NoError(t, org.RegisterJWTClient(fleetJWTClient, certPEM))
		fl.orgs[key] = org
		fl.allow = append(fl.allow, "--allow-login-host", hostPort(org.LoginURL()))
		r := admin.run("authorize", key, "--jwt", "--client-id", fleetJWTClient, "--username", "ci@acme.example",
			"--login-url", org.LoginURL(), "--allow-login-host", hostPort(org.LoginURL()))
		require.Equal(t, exitOK, r.code, r.stderr)
	}
	fl.file = filepath.Join(t.TempDir(), "connectors.json")
	r := admin.run("export", "--output", fl.file)
	require.Equal(t, exitOK, r.code, r.stderr)
	return fl
}

// runner is a fresh folder as a CI runner has it: the JWT key in the
// environment, no keyring (touching it fails the test), nothing published.
func (fl *jwtFleet) runner() *cli {
	c := newCLI(fl.t)
	c.tokens = failingStore{fl.t}
	c.env[connector.JWTKeyEnv] = string(fl.keyPEM)
	return c
}

// args are args, then the connectors file and the allowed login hosts.
func (fl *jwtFleet) args(args ...string) []string {
	return append(append(args, "--connectors", fl.file), fl.allow...)
}

// resetRequests forgets every org's request log.
func (fl *jwtFleet) resetRequests() {
	for _, org := range fl.orgs {
		org.ResetRequests()
	}
}

// orgTraffic is what reached one org since the last resetRequests.
type orgTraffic struct {
	Requests int // on either host
	Grants   int // token grants (login host)
	Writes   int // mutating requests on the API host (POST, PATCH, PUT, DELETE)
}

func (fl *jwtFleet) traffic() map[string]orgTraffic {
	out := map[string]orgTraffic{}
	for key, org := range fl.orgs {
		var tr orgTraffic
		for _, r := range org.Requests() {
			tr.Requests++
			switch {
			case r.Host == "login" && strings.HasSuffix(r.Path, "/oauth2/token"):
				tr.Grants++
			case r.Host == "instance" && r.Method != http.MethodGet && r.Method != http.MethodHead:
				tr.Writes++
			}
		}
		out[key] = tr
	}
	return out
}

// writes is the mutating requests each org received since the last resetRequests.
func (fl *jwtFleet) writes() map[string]int {
	out := map[string]int{}
	for key, n := range fl.traffic() {
		out[key] = n.Writes
	}
	return out
}

// resources is every org's resources (bodies, Descriptions, who, when).
func (fl *jwtFleet) resources() map[string][]sfsim.Resource {
	out := map[string][]sfsim.Resource{}
	for key, org := range fl.orgs {
		out[key] = org.Resources()
	}
	return out
}

// fleetStates runs fleet --json from c and returns each connector's state
// (and the rows' problems), with the exit code.
func (fl *jwtFleet) fleetStates(c *cli, bundle string) (map[string]string, map[string]*problemJSON, result) {
	fl.t.Helper()
	r := c.run(fl.args("fleet", bundle, "--json")...)
	var doc struct {
		Rows []struct {
			Connector, State string
			Problem          *problemJSON
		} `json:"rows"`
	}
	require.NoError(fl.t, json.Unmarshal([]byte(r.stdout), &doc), r.stdout+r.stderr)
	states, problems := map[string]string{}, map[string]*problemJSON{}
	for _, row := range doc.Rows {
		states[row.Connector] = row.State
		problems[row.Connector] = row.Problem
	}
	return states, problems, r
}

// TestFleetDoneWhenAgainstJWTOrgs is issue 19's first "Done when": seven
// orgs authorized by JWT and exported to a connectors file; a teammate
// publishes to some, someone edits one in Setup, one holds a same-name
// resource of its own, one org is down and one no longer approves the CI
// app. From a fresh folder that never published (a CI runner: the key in
// the environment, no keyring), fleet says each state exactly, exits 1 and
// writes nothing (no file, no write request to any org); the following
// publish --all writes to the behind and absent orgs only, refuses the two
// changed outside Connectors (--force, --replace-existing) and reports the
// two it could not reach: four failures, exit 1;
// fleet then finds those two current and the rest as they were.
func TestFleetDoneWhenAgainstJWTOrgs(t *testing.T) {
	const (
		current    = "Current/Sandbox"
		behind     = "Behind/Sandbox"
		edited     = "Edited/Sandbox"
		foreign    = "Foreign/Sandbox"
		absent     = "Absent/Sandbox"
		down       = "Down/Sandbox"
		unapproved = "Unapproved/Sandbox"
	)
	fl := newJWTFleet(t, current, behind, edited, foreign, absent, down, unapproved)
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>"})

	// A teammate, from a folder of their own, publishes with the same file.
	mate := fl.runner()
	for key, b := range map[string]string{current: v2, behind: v1, edited: v2} {
		r := mate.run(fl.args("publish", b, key)...)
		require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	}
	// Someone else edits Edited's resource in Setup: a new file, same
	// Description, another user.
	e := fl.orgs[edited].Resource(connector.DefaultResourceName)
	require.NotNil(t, e)
	fl.orgs[edited].PutResource(sfsim.Resource{ID: e.ID, Name: e.Name, ContentType: e.ContentType, Description: e.Description,
		Body: []byte("edited in Setup"), LastModifiedDate: time.Now().Add(time.Second), LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Sam Setup"})
	// Foreign holds a same-name resource never published with Connectors.
	fl.orgs[foreign].PutResource(sfsim.Resource{Name: connector.DefaultResourceName, ContentType: "application/zip",
		Body: []byte("theirs"), LastModifiedByID: "005000000000888AAA", LastModifiedByName: "Other Admin"})
	require.NoError(t, fl.orgs[down].Close())
	fl.orgs[unapproved].SetConsumerApproved(fleetJWTClient, false)
	delete(fl.orgs, down) // a closed org logs nothing
	fileBefore, err := os.ReadFile(fl.file)
	require.NoError(t, err)
	resBefore := fl.resources()

	want := map[string]string{
		current: "current", behind: "behind", edited: "changed_outside", foreign: "changed_outside",
		absent: "absent", down: "unreachable", unapproved: "needs_authorization",
	}
	// fleet, from a fresh folder that never published: reads only.
	ci := fl.runner()
	fl.resetRequests()
	states, problems, r := fl.fleetStates(ci, v2)
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.Equal(t, want, states, r.stdout)
	for _, key := range []string{down, unapproved} {
		if assert.NotNil(t, problems[key], key) {
			assert.NotEmpty(t, problems[key].Fix, key)
		}
	}
	if problems[down] != nil && problems[unapproved] != nil {
		assert.Equal(t, connector.CodeUnreachable, problems[down].Code)
		assert.Equal(t, connector.CodeConsumerNotApproved, problems[unapproved].Code)
	}
	for key, n := range fl.traffic() {
		assert.Equal(t, 1, n.Grants, "%s: one token grant", key)
		assert.Zero(t, n.Writes, "fleet sent no write to %s", key)
		assert.LessOrEqual(t, n.Requests, 2, "%s: a token grant, then one query", key)
	}
	r = ci.run(fl.args("fleet", v2)...)
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.True(t, strings.HasSuffix(r.stdout, "\n1 current, 1 behind, 2 changed outside, 1 absent, 1 needs authorization, 1 unreachable.\n"), r.stdout)
	for key, n := range fl.traffic() {
		assert.Zero(t, n.Writes, "fleet sent no write to %s", key)
	}
	assert.Empty(t, fileTree(t, ci.dir), "nothing in the fresh config folder")
	assert.Equal(t, resBefore, fl.resources(), "no org's resource changed")
	after, err := os.ReadFile(fl.file)
	require.NoError(t, err)
	assert.Equal(t, string(fileBefore), string(after), "the connectors file is unchanged")

	// publish --all, from another fresh folder: only where needed.
	fl.resetRequests()
	r = fl.runner().run(fl.args("publish", v2, "--all", "--json")...)
	assert.Equal(t, exitFailure, r.code, "two refused, two not reached: %s", r.stderr)
	var pj publishJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &pj), r.stdout+r.stderr)
	outcomes, codes := map[string]string{}, map[string]string{}
	for _, res := range pj.Results {
		outcomes[res.Connector], codes[res.Connector] = string(res.Outcome), res.ErrorCode
	}
	assert.Equal(t, map[string]string{
		current: "", behind: "", absent: "",
		edited: connector.CodeChangedOutside, foreign: connector.CodeResourceExists,
		down: connector.CodeUnreachable, unapproved: connector.CodeConsumerNotApproved,
	}, codes)
	assert.Equal(t, map[string]string{
		current: "up_to_date", behind: "updated", absent: "created",
		edited: "failed", foreign: "failed", down: "failed", unapproved: "failed",
	}, outcomes)
	assert.Equal(t, map[string]int{current: 0, behind: 1, edited: 0, foreign: 0, absent: 1, unapproved: 0}, fl.writes(), "writes per org")
	resAfter := fl.resources()
	for _, key := range []string{current, edited, foreign, unapproved} {
		assert.Equal(t, resBefore[key], resAfter[key], "%s left alone", key)
	}
	for _, key := range []string{behind, absent} {
		assert.Equal(t, bundleBytes(t, v2), fl.orgs[key].Resource(connector.DefaultResourceName).Body, key)
	}

	// fleet again: the two brought up are current, the rest as they were.
	want[behind], want[absent] = "current", "current"
	states, _, r = fl.fleetStates(fl.runner(), v2)
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.Equal(t, want, states, r.stdout)

	// The same publish once more writes nowhere.
	fl.resetRequests()
	r = fl.runner().run(fl.args("publish", v2, "--all")...)
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.Equal(t, map[string]int{current: 0, behind: 0, edited: 0, foreign: 0, absent: 0, unapproved: 0}, fl.writes(), "writes per org")
}
