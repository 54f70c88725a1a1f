package main

import (
	"os"
	"strings"
	"testing"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// TestPublishForeignResourceNeedsReplaceExisting: a same-name resource this
// app did not publish is not overwritten without --replace-existing: exit 1,
// the flag named, nothing written. With the flag it is backed up, then replaced.
func TestPublishForeignResourceNeedsReplaceExisting(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	theirs := []byte("window.loader = 'theirs';")
	org.PutResource(sfsim.Resource{
		Name: "walkme_content", ContentType: "text/javascript", CacheControl: "Public", Description: "Jane's loader",
		Body: theirs, LastModifiedByID: "005000000000777AAA", LastModifiedByName: "Jane Doe",
	})
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})

	r := c.run("publish", v1, "Lightning/Sandbox")
	assert.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "--replace-existing")
	assert.Contains(t, r.stdout, "Jane Doe")
	assert.Contains(t, r.stdout, "walkme_content")
	assert.Zero(t, writes(org), "nothing written")
	assert.Equal(t, theirs, org.Resource(connector.DefaultResourceName).Body)

	r = c.run("publish", v1, "Lightning/Sandbox", "--replace-existing", "--json")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	pj := decode[publishJSON](t, r.stdout)
	require.Len(t, pj.Results, 1)
	assert.Equal(t, service.OutcomeUpdated, pj.Results[0].Outcome)
	got, err := os.ReadFile(pj.Results[0].BackupPath)
	require.NoError(t, err)
	assert.Equal(t, theirs, got, "their body was backed up first")
	assert.Equal(t, bundleBytes(t, v1), org.Resource(connector.DefaultResourceName).Body)
}

// TestRestoreProductionConfirmationNamesVersion: restoring on a production
// target asks on a terminal (naming the version's date and size) and needs
// --yes without one; the result says which version was restored.
func TestRestoreProductionConfirmationNamesVersion(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{OrgName: "Demo Org"})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Production")
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 := writeBundle(t, map[string]string{"index.html": "<p>v2</p>", "app.js": "v2()"})
	require.Equal(t, exitOK, c.run("publish", v1, "Lightning/Production", "--yes").code)
	require.Equal(t, exitOK, c.run("publish", v2, "Lightning/Production", "--yes").code)
	size := packaging.HumanSize(int64(len(bundleBytes(t, v1))))
	before := writes(org)

	// No terminal, no --yes: refused, nothing written.
	r := c.run("restore", "Lightning/Production")
	assert.Equal(t, exitUsage, r.code, r.stderr)
	assert.Contains(t, r.stderr, "there is no terminal to confirm the restore on")
	assert.Equal(t, before, writes(org))

	// On a terminal the prompt names the version; a wrong answer writes nothing.
	c.inTTY = true
	c.in = strings.NewReader("no\n")
	r = c.run("restore", "Lightning/Production")
	assert.NotEqual(t, exitOK, r.code)
	assert.Regexp(t, `Restoring WalkMe_Content on Lightning/Production to the version of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(`+size+`\)`, r.stderr)
	assert.Contains(t, r.stderr, "Type the org name (Demo Org)")
	assert.Equal(t, before, writes(org))

	c.in = strings.NewReader("Demo Org\n")
	r = c.run("restore", "Lightning/Production")
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Regexp(t, `restored the version of \d{4}-\d\d-\d\d \d\d:\d\d:\d\d of WalkMe_Content`, r.stdout)
	assert.Equal(t, bundleBytes(t, v1), org.Resource(connector.DefaultResourceName).Body)
}
