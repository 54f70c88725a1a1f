package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// TestPublishOnlyFailedRetriesJustTheFailedTargets: a run where one target
// fails (never authorized) writes its JUnit report and its --json output;
// once the target is authorized, --only-failed with either report publishes
// to that target only: the org that succeeded gets no request at all. A
// report with no failure publishes nothing, says so and exits 0.
func TestPublishOnlyFailedRetriesJustTheFailedTargets(t *testing.T) {
	good, goodPort := startOrg(t, sfsim.Options{Sandbox: true})
	other, otherPort := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, good, goodPort, "Lightning/Sandbox")
	c.addConnector("Other/Sandbox", nil, nil) // never authorized
	dir := t.TempDir()
	junit, jsonReport := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "publish.json")
	b := writeBundle(t, map[string]string{"index.html": "v1"})

	r := c.run("publish", b, "Lightning/Sandbox", "Other/Sandbox", "--report", junit, "--json")
	require.Equal(t, exitFailure, r.code, r.stdout+r.stderr)
	require.NoError(t, os.WriteFile(jsonReport, []byte(r.stdout), 0o600))
	require.NotNil(t, good.Resource(connector.DefaultResourceName))

	seedAuthorized(t, c, other, otherPort, "Other/Sandbox") // the fix
	goodRequests := len(good.Requests())

	r = c.run("publish", b, "--only-failed", junit)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "Other/Sandbox: created")
	assert.NotContains(t, r.stdout, "Lightning/Sandbox")
	assert.Equal(t, bundleBytes(t, b), other.Resource(connector.DefaultResourceName).Body)
	assert.Len(t, good.Requests(), goodRequests, "the org that succeeded was asked something")

	b2 := writeBundle(t, map[string]string{"index.html": "v2"})
	okReport := filepath.Join(dir, "ok.xml")
	before := writes(other)
	r = c.run("publish", b2, "--only-failed", jsonReport, "--json", "--report", okReport)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	var pj publishJSON
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &pj), r.stdout)
	require.Len(t, pj.Results, 1)
	assert.Equal(t, "Other/Sandbox", pj.Results[0].Connector)
	assert.Equal(t, service.OutcomeUpdated, pj.Results[0].Outcome)
	assert.Equal(t, before+1, writes(other))
	assert.Len(t, good.Requests(), goodRequests, "the org that succeeded was asked something")

	otherRequests := len(other.Requests())
	r = c.run("publish", b2, "--only-failed", okReport)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stderr, "Nothing to retry")
	assert.Len(t, good.Requests(), goodRequests)
	assert.Len(t, other.Requests(), otherRequests)
}

// TestPublishOnlyFailedNamesTheRegistrysConnectors: the names of a report go
// through the registry as arguments do: another spelling of a connector is
// that connector, and one that no longer exists fails as an unknown target
// does, before anything is sent.
func TestPublishOnlyFailedNamesTheRegistrysConnectors(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	b := writeBundle(t, map[string]string{"index.html": "x"})
	report := writeReport(t, `{"bundle":{},"results":[{"connector":"lightning/sandbox","outcome":"failed"},{"connector":"Acme/Sandbox","outcome":"created"}]}`)
	r := c.run("publish", b, "--only-failed", report)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "Lightning/Sandbox: created")

	gone := writeReport(t, `{"bundle":{},"results":[{"connector":"Lightning/Sandbox","outcome":"skipped"},{"connector":"Gone/Sandbox","outcome":"failed"}]}`)
	before := len(org.Requests())
	want := c.run("publish", b, "Lightning/Sandbox", "Gone/Sandbox")
	r = c.run("publish", b, "--only-failed", gone)
	assert.Equal(t, want.code, r.code)
	assert.Equal(t, exitFailure, r.code)
	assert.Equal(t, want.stderr, r.stderr)
	assert.Contains(t, r.stderr, "Gone/Sandbox")
	assert.Len(t, org.Requests(), before)
}

// TestPublishOnlyFailedUsageErrors: --only-failed with targets or --all, and
// a file that is not a publish report, exit 2 naming the fix; nothing from
// the file reaches the terminal unescaped.
func TestPublishOnlyFailedUsageErrors(t *testing.T) {
	org, port := startOrg(t, sfsim.Options{Sandbox: true})
	c := newCLI(t)
	seedAuthorized(t, c, org, port, "Lightning/Sandbox")
	b := writeBundle(t, map[string]string{"index.html": "x"})
	good := writeReport(t, `{"bundle":{},"results":[{"connector":"Lightning/Sandbox","outcome":"failed"}]}`)
	big := filepath.Join(t.TempDir(), "big.json")
	require.NoError(t, os.WriteFile(big, []byte(`{"bundle":{},"results":[]}`+strings.Repeat(" ", maxReportSize)), 0o600))
	tests := map[string][]string{
		"with a target":    {b, "Lightning/Sandbox", "--only-failed", good},
		"with --all":       {b, "--all", "--only-failed", good},
		"empty flag":       {b, "--only-failed", ""},
		"missing file":     {b, "--only-failed", filepath.Join(t.TempDir(), "nope.xml")},
		"empty file":       {b, "--only-failed", writeReport(t, "  \n")},
		"garbage":          {b, "--only-failed", writeReport(t, "PK\x03\x04 not a report")},
		"another tool XML": {b, "--only-failed", writeReport(t, `<?xml version="1.0"?><testsuites name="pytest"><testsuite name="x"><testcase name="Lightning/Sandbox"><failure message="m"/></testcase></testsuite></testsuites>`)},
		"another JSON":     {b, "--only-failed", writeReport(t, `{"connectors":[{"connector":"Lightning/Sandbox","state":"behind"}]}`)},
		"broken XML":       {b, "--only-failed", writeReport(t, `<testsuites name="connectorctl publish"><testsuite>`)},
		"too large":        {b, "--only-failed", big},
		"hostile name":     {b, "--only-failed", writeReport(t, `{"bundle":{},"results":[{"connector":"Light\u001b[2Jning","outcome":"failed"}]}`)},
	}
	before := len(org.Requests())
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			r := c.run(append([]string{"publish"}, args...)...)
			assert.Equal(t, exitUsage, r.code, r.stdout+r.stderr)
			assert.NotContains(t, r.stderr, "\x1b")
			if name != "with a target" && name != "with --all" {
				assert.Contains(t, r.stderr, "publish --report FILE", "the fix names the reports it takes")
			}
		})
	}
	assert.Len(t, org.Requests(), before, "a usage error sent something")
}

func writeReport(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "report")
	require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	return p
}

// TestPublishOnlyFailedSkippedWithConnectorsFile: from a CI runner with
// --connectors, a target skipped for its org's API budget (exit 3) is
// retried by --only-failed once the budget is back; the names of the
// report are looked up in the file's connectors.
func TestPublishOnlyFailedSkippedWithConnectorsFile(t *testing.T) {
	org, exported, keyPEM := jwtConnectorsFile(t)
	work := t.TempDir()
	file, junit := filepath.Join(work, "connectors.json"), filepath.Join(work, "junit.xml")
	require.NoError(t, os.WriteFile(file, []byte(exported), 0o644))
	d := newCLI(t)
	d.tokens = failingStore{t}
	d.env[connector.JWTKeyEnv] = string(keyPEM)
	b := writeBundle(t, map[string]string{"index.html": "ci"})
	allow := hostPort(org.LoginURL())
	_, maxUsage := org.APIUsage()
	org.SetAPIUsage(maxUsage - 10)

	r := d.run("publish", b, "--connectors", file, "--all", "--report", junit, "--allow-login-host", allow)
	require.Equal(t, exitSkipped, r.code, r.stdout+r.stderr)
	assert.Empty(t, org.Resources(), "a skipped target was written")

	org.SetAPIUsage(0)
	r = d.run("publish", b, "--connectors", file, "--only-failed", junit, "--allow-login-host", allow)
	require.Equal(t, exitOK, r.code, r.stdout+r.stderr)
	assert.Contains(t, r.stdout, "Acme/Sandbox: created")
	assert.NotNil(t, org.Resource(connector.DefaultResourceName))
}
