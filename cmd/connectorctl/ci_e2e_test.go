package main

// The CI contract end to end: many simulated orgs authorized with --jwt,
// exported, and published by parallel sharded processes that have no D-Bus,
// no keyring, an empty HOME and no browser.

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// fleet is n simulated orgs, each with its own org ID, username and JWT
// client, and what a CI job has: a key file, a bundle, a clean environment.
type fleet struct {
	tb      testing.TB
	ctl     string
	dir     string
	orgs    []*sfsim.Org
	keyPEM  []byte
	keyFile string
	bundle  string
	cfg     string // config folder of the authorizing run
	logs    string
	tmp     string
	browser string // a "browser" that records being started
}

func fleetSystem(i int) string   { return fmt.Sprintf("Client%02d", i) }
func fleetUser(i int) string     { return fmt.Sprintf("ci@client%02d.example", i) }
func fleetClientID(i int) string { return fmt.Sprintf("CIApp%02d", i) }

func newFleet(tb testing.TB, ctl string, n int, latency time.Duration) *fleet {
	tb.Helper()
	keyPEM, certPEM, err := oauth.NewKeyPair("connectors-ci", time.Hour)
	require.NoError(tb, err)
	dir := tb.TempDir()
	fl := &fleet{tb: tb, ctl: ctl, dir: dir, keyPEM: keyPEM, keyFile: filepath.Join(dir, "ci.key"),
		bundle: filepath.Join(dir, "content"), cfg: filepath.Join(dir, "config"), logs: filepath.Join(dir, "logs"),
		tmp: filepath.Join(dir, "tmp"), browser: filepath.Join(dir, "browser.sh")}
	require.NoError(tb, os.WriteFile(fl.keyFile, keyPEM, 0o600))
	for _, d := range []string{fl.bundle, fl.tmp} {
		require.NoError(tb, os.MkdirAll(d, 0o700))
	}
	require.NoError(tb, os.WriteFile(filepath.Join(fl.bundle, "index.html"), []byte("<html><body>fleet</body></html>"), 0o600))
	require.NoError(tb, os.WriteFile(filepath.Join(fl.bundle, "app.js"), []byte("console.log('fleet')\n"), 0o600))
	require.NoError(tb, os.WriteFile(fl.browser, []byte("#!/bin/sh\necho started >> "+filepath.Join(dir, "browser-started")+"\nexit 1\n"), 0o700))
	for i := range n {
		org, err := sfsim.Start(sfsim.Options{Sandbox: true, Username: fleetUser(i), OrgName: fmt.Sprintf("Client %02d UAT", i), Latency: latency})
		require.NoError(tb, err)
		tb.Cleanup(func() { _ = org.Close() })
		require.NoError(tb, org.RegisterJWTClient(fleetClientID(i), certPEM))
		fl.orgs = append(fl.orgs, org)
	}
	return fl
}

// env is a CI job's environment: no D-Bus, no display, an empty HOME, a
// browser that only records being started, and the given variables.
func (fl *fleet) env(extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=",
		"LANG=C.UTF-8",
		"TMPDIR=" + fl.tmp,
		"BROWSER=" + fl.browser,
		"CONNECTORS_LOG_DIR=" + fl.logs,
	}
	return append(env, extra...)
}

func (fl *fleet) command(ctx context.Context, env []string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, fl.ctl, args...)
	cmd.Env = env
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

func (fl *fleet) run(env []string, args ...string) result {
	fl.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := fl.command(ctx, env, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		require.ErrorAs(fl.tb, err, &ee, "run %v: %s", args, errOut.String())
		code = ee.ExitCode()
	}
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// authorizeAll runs `authorize --jwt` for every org, 4 at a time; half take
// the key from --jwt-key-file, half from $CONNECTORS_JWT_KEY.
func (fl *fleet) authorizeAll() {
	fl.tb.Helper()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	results := make([]result, len(fl.orgs))
	for i, org := range fl.orgs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			args := []string{"authorize", fleetSystem(i) + "/Sandbox", "--jwt", "--client-id", fleetClientID(i),
				"--username", fleetUser(i), "--login-url", org.LoginURL(), "--json", "--allow-login-host", hostPort(org.LoginURL())}
			env := fl.env(connector.ConfigDirEnv + "=" + fl.cfg)
			if i%2 == 0 {
				args = append(args, "--jwt-key-file", fl.keyFile)
			} else {
				env = append(env, connector.JWTKeyEnv+"="+string(fl.keyPEM))
			}
			results[i] = fl.run(env, args...)
		})
	}
	wg.Wait()
	for i, r := range results {
		require.Equal(fl.tb, 0, r.code, "authorize %s: %s", fleetSystem(i), r.stderr)
	}
}

// allowArgs allows every simulated org's login host: they are no
// Salesforce login hosts, so no JWT would go to them otherwise.
func (fl *fleet) allowArgs() []string {
	var out []string
	for _, o := range fl.orgs {
		out = append(out, "--allow-login-host", hostPort(o.LoginURL()))
	}
	return out
}

// shardRun is one CI job's outcome.
type shardRun struct {
	result
	report string
}

// publishShards runs n `publish --connectors FILE --all --shard i/n` processes in parallel.
func (fl *fleet) publishShards(file string, n int, extra ...string) []shardRun {
	fl.tb.Helper()
	runs := make([]shardRun, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			runs[i].report = filepath.Join(fl.dir, "reports", fmt.Sprintf("junit-%d.xml", i+1))
			args := append([]string{"publish", fl.bundle, "--connectors", file, "--all", "--shard", fmt.Sprintf("%d/%d", i+1, n),
				"--report", runs[i].report, "--json"}, fl.allowArgs()...)
			args = append(args, extra...)
			runs[i].result = fl.run(fl.env(connector.JWTKeyFileEnv+"="+fl.keyFile), args...)
		})
	}
	wg.Wait()
	return runs
}

type junitDoc struct {
	Tests  int `xml:"tests,attr"`
	Suites []struct {
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func postsTo(org *sfsim.Org) int {
	n := 0
	for _, r := range org.Requests() {
		if r.Host == "instance" && (r.Method == http.MethodPost || r.Method == http.MethodPatch) && strings.Contains(r.Path, "StaticResource") && r.Status < 300 {
			n++
		}
	}
	return n
}

func TestE2ECIFleetShardedPublishWithoutKeyringOrBrowser(t *testing.T) {
	ctl, _ := binaries(t)
	const orgs, shards = 40, 4
	fl := newFleet(t, ctl, orgs, 0)
	fl.authorizeAll()

	// Export, without a secret.
	file := filepath.Join(fl.dir, "connectors.json")
	res := fl.run(fl.env(connector.ConfigDirEnv+"="+fl.cfg), "export", "--output", file)
	require.Equal(t, 0, res.code, res.stderr)
	raw, err := os.ReadFile(file)
	require.NoError(t, err)
	var exported connector.ExportFile
	require.NoError(t, json.Unmarshal(raw, &exported))
	require.Len(t, exported.Connectors, orgs)
	for _, c := range exported.Connectors {
		assert.Equal(t, "jwt", c.AuthMethod)
		assert.NotEmpty(t, c.OrgID)
		assert.NotEmpty(t, c.ClientID)
		assert.NotEmpty(t, c.Username)
	}

	// One org never pre-authorized the app, one is near its daily limit.
	const notApproved, nearLimit = 6, 13 // shards 3 and 2 (sorted names, round robin)
	fl.orgs[notApproved].SetConsumerApproved(fleetClientID(notApproved), false)
	fl.orgs[nearLimit].SetAPIUsage(15000 - 300)
	for _, o := range fl.orgs {
		o.ResetRequests()
	}

	runs := fl.publishShards(file, shards, "--max-parallel", "8")

	if os.Getenv("FLEET_DEBUG") != "" {
		for _, r := range runs {
			x, _ := os.ReadFile(r.report)
			t.Logf("exit %d\nstdout:\n%s\nstderr:\n%s\nreport:\n%s", r.code, r.stdout, r.stderr, x)
		}
	}
	total := 0
	seen := map[string]int{}
	for i, r := range runs {
		// stdout is only JSON
		var out publishJSON
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &out), "shard %d stdout: %q stderr: %s", i+1, r.stdout, r.stderr)
		xmlRaw, err := os.ReadFile(r.report)
		require.NoError(t, err)
		var doc junitDoc
		require.NoError(t, xml.Unmarshal(xmlRaw, &doc))
		total += doc.Tests
		for _, s := range doc.Suites {
			for _, c := range s.Cases {
				seen[c.Name]++
				switch c.Name {
				case fleetSystem(notApproved) + "/Sandbox":
					require.NotNil(t, c.Failure, "shard %d", i+1)
					assert.Equal(t, connector.CodeConsumerNotApproved, c.Failure.Type)
					assert.Contains(t, c.Failure.Text, "pre-authorized")
				case fleetSystem(nearLimit) + "/Sandbox":
					require.NotNil(t, c.Skipped, "shard %d", i+1)
					assert.Contains(t, c.Skipped.Message, "daily API requests")
				default:
					assert.Nil(t, c.Failure, c.Name)
					assert.Nil(t, c.Skipped, c.Name)
				}
			}
		}
		switch i + 1 {
		case 3:
			assert.Equal(t, exitFailure, r.code, "the shard with the unapproved org fails: %s", r.stderr)
		case 2:
			assert.Equal(t, exitSkipped, r.code, "the shard with the skipped org says so: %s", r.stderr)
		default:
			assert.Equal(t, 0, r.code, "shard %d: %s", i+1, r.stderr)
		}
	}
	assert.Equal(t, orgs, total, "the four reports add up to every target")
	assert.Len(t, seen, orgs)
	for name, n := range seen {
		assert.Equal(t, 1, n, "%s is in exactly one shard", name)
	}
	for i, o := range fl.orgs {
		want := 1
		if i == notApproved || i == nearLimit {
			want = 0
		}
		assert.Equal(t, want, postsTo(o), "%s receives the bundle %d time(s)", fleetSystem(i), want)
		if want == 1 {
			assert.NotNil(t, o.Resource(connector.DefaultResourceName), fleetSystem(i))
		}
	}

	// No browser was started, and no secret reached a file, a log or the output.
	_, err = os.Stat(filepath.Join(fl.dir, "browser-started"))
	assert.True(t, os.IsNotExist(err), "a browser was started")
	keyBody := string(fl.keyPEM[40:120])
	outputs := ""
	for _, r := range runs {
		outputs += r.stdout + r.stderr
	}
	assert.NotContains(t, outputs, keyBody)
	assert.NotContains(t, outputs, "!AQ")
	for _, root := range []string{fl.cfg, fl.logs, filepath.Join(fl.dir, "reports"), fl.tmp, file} {
		_ = filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() {
				return nil //nolint:nilerr // a missing folder holds no secret
			}
			b, _ := os.ReadFile(p)
			assert.NotContains(t, string(b), keyBody, p)
			assert.NotContains(t, string(b), "!AQ", p)
			return nil
		})
	}
	// The runs cleaned their temporary config folders up.
	left, _ := os.ReadDir(fl.tmp)
	assert.Empty(t, left)
}

// The benchmark's unit: 40 orgs at 100 ms latency published by 4 sharded
// processes, against one org alone; the ratio is reported (goal ≤ 1.5).
func BenchmarkCIFleet40Orgs4Shards(b *testing.B) {
	ctl := benchBinary(b)
	const orgs, shards = 40, 4
	fl := newFleet(b, ctl, orgs, 100*time.Millisecond)
	fl.authorizeAll()
	file := filepath.Join(fl.dir, "connectors.json")
	require.Equal(b, 0, fl.run(fl.env(connector.ConfigDirEnv+"="+fl.cfg), "export", "--output", file).code)

	one := newFleet(b, ctl, 1, 100*time.Millisecond)
	one.authorizeAll()
	oneFile := filepath.Join(one.dir, "connectors.json")
	require.Equal(b, 0, one.run(one.env(connector.ConfigDirEnv+"="+one.cfg), "export", "--output", oneFile).code)

	var fleetTime, oneTime time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		for _, r := range fl.publishShards(file, shards, "--force") {
			require.Equal(b, 0, r.code, r.stderr)
		}
		fleetTime += time.Since(start)
		start = time.Now()
		for _, r := range one.publishShards(oneFile, 1, "--force") {
			require.Equal(b, 0, r.code, r.stderr)
		}
		oneTime += time.Since(start)
	}
	b.ReportMetric(fleetTime.Seconds()/float64(b.N), "s-40orgs/op")
	b.ReportMetric(oneTime.Seconds()/float64(b.N), "s-1org/op")
	b.ReportMetric(fleetTime.Seconds()/oneTime.Seconds(), "ratio")
}

// benchBinary builds connectorctl for a benchmark (binaries needs a *testing.T).
func benchBinary(b *testing.B) string {
	b.Helper()
	out := filepath.Join(b.TempDir(), "connectorctl")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	msg, err := cmd.CombinedOutput()
	require.NoError(b, err, string(msg))
	return out
}
