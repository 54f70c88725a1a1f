package main

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestPublishDryRunPlanAndDrift: --dry-run prints the plan (and --json
// carries it); a resource edited in Setup is refused without --force,
// with when and by whom; after a publish the CLI says where it is served,
// and that address serves the new file.
func TestPublishDryRunPlanAndDrift(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>", "js/app.js": "console.log('v1')", "old.css": "a{}"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>version 2</p>", "js/app.js": "console.log('v1')", "new.css": "b{}"})

	r := c.run("publish", v1, "lightning/sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "{!$Resource.WalkMe_Content}")
	assert.Contains(t, r.stdout, "@salesforce/resourceUrl/WalkMe_Content")
	assert.Contains(t, r.stdout, "about 10 minutes")
	assert.Contains(t, r.stdout, "up to a day")

	r = c.run("publish", v1, "lightning/sandbox", "--dry-run")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "already up to date")

	r = c.run("publish", v2, "lightning/sandbox", "--dry-run")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "would update WalkMe_Content")
	assert.Contains(t, r.stdout, "Plan: 1 added, 1 removed, 1 changed, 1 unchanged")
	assert.Contains(t, r.stdout, "+ new.css (3 B)")
	assert.Contains(t, r.stdout, "- old.css (3 B)")
	assert.Contains(t, r.stdout, "~ index.html (9 B → 16 B)")

	r = c.run("publish", v2, "lightning/sandbox", "--dry-run", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	var pj publishJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &pj))
	require.NotNil(t, pj.Results[0].Plan)
	assert.Equal(t, service.PlanSourceLocalCopy, pj.Results[0].Plan.Source)
	assert.Len(t, pj.Results[0].Plan.Files, 3)

	// Someone edits the resource in Setup.
	cur := org.Resource(connector.DefaultResourceName)
	org.PutResource(sfsim.Resource{ID: cur.ID, Name: cur.Name, Body: []byte("by hand"), Description: "edited",
		LastModifiedDate: time.Now().Add(3 * time.Second), LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe"})
	r = c.run("status", "lightning/sandbox")
	assert.Contains(t, r.stdout, "changed outside Connectors on ")
	assert.Contains(t, r.stdout, "by Jane Doe")
	r = c.run("list")
	assert.Contains(t, r.stdout, "changed outside Connectors on ", "the list shows what status found")
	r = c.run("publish", v2, "lightning/sandbox")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "changed outside Connectors")
	assert.Contains(t, r.stdout, "Jane Doe")
	assert.Contains(t, r.stdout, "--force")
	assert.Equal(t, []byte("by hand"), org.Resource(connector.DefaultResourceName).Body)

	r = c.run("publish", v2, "lightning/sandbox", "--force", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	pj = publishJSON{}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &pj))
	res := pj.Results[0]
	assert.True(t, res.ChangedOutside)
	assert.NotContains(t, c.run("list").stdout, "changed outside", "the publish cleared it")
	require.NotNil(t, res.Served)
	assert.Equal(t, "index.html", res.Served.File)

	// The address shown serves the new file (Private: within a session).
	conn, err := c.registry().Get(connector.Key{System: "Lightning", Environment: connector.Sandbox})
	require.NoError(t, err)
	tokens, err := c.tokens.Load(conn.TokenKey())
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, res.Served.FileURL, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tokens.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	assert.Equal(t, "<p>version 2</p>", string(body))
}

// Issue 16 #12: status and publish agree about a resource deleted outside
// Connectors: a plain publish creates it again, and status says so (it
// used to promise that publishing over it needs --force).
func TestStatusAndPublishAgreeOnADeletedResource(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	r := c.run("publish", v1, "lightning/sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)

	require.True(t, org.DeleteResource(connector.DefaultResourceName))
	r = c.run("status", "lightning/sandbox")
	assert.Contains(t, r.stdout, "deleted outside Connectors")
	assert.Contains(t, r.stdout, "publishing creates it again")
	assert.NotContains(t, r.stdout, "needs --force")

	r = c.run("publish", v1, "lightning/sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "created WalkMe_Content")
	require.NotNil(t, org.Resource(connector.DefaultResourceName))
}

// Issue 17: two laptops, one org, one Salesforce user. Each says who
// published what; neither calls the other's publish a change outside
// Connectors; the same bundle is up to date from either.
func TestTwoLaptopsOneOrg(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	a, b := newCLI(t), newCLI(t)
	seedAuthorized(t, a, org, port, "Lightning/Sandbox")
	seedAuthorized(t, b, org, port, "Lightning/Sandbox")
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>"})

	r := a.run("publish", v1, "Lightning/Sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	before := writes(org)
	r = b.run("publish", v1, "Lightning/Sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "already up to date (WalkMe_Content has this bundle, published with Connectors on ")
	assert.Equal(t, before, writes(org), "no write from the second laptop")

	r = b.run("publish", v2, "Lightning/Sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "updated WalkMe_Content")
	assert.Contains(t, r.stdout, "It replaced the version published with Connectors on ")
	assert.NotContains(t, r.stdout, "outside")

	r = a.run("status", "Lightning/Sandbox")
	assert.Contains(t, r.stdout, "The org holds the version published with Connectors on ")
	assert.Contains(t, r.stdout, "elsewhere (another computer, a teammate or CI)")
	assert.NotContains(t, r.stdout, "changed outside")
	r = a.run("publish", v2, "Lightning/Sandbox")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "already up to date")
}
