//go:build jsforcebench

package main

// Whole processes side by side: the connectorctl binary against a real
// jsforce script (testdata/jsforce-publish.js: query, then update), same
// simulated org at 50 ms latency, same 2 MB bundles, each run publishing
// the other version. Needs node and jsforce (npm install jsforce in
// JSFORCE_DIR) and the keyring, hence the build tag:
//
//	(cd /tmp/jsf && npm install jsforce@3)
//	JSFORCE_DIR=/tmp/jsf .ci/test-env go test -tags jsforcebench -run '^$' \
//	  -bench ProcessVsJsforce -benchtime 20x ./cmd/connectorctl/
//
// connectorctl is timed as a whole process (start-up, keyring, bundle,
// requests, exit); jsforce as node times it itself: the publish, without
// node's start-up or loading jsforce (its ns/op is that in-process time;
// process-ms/op and require-ms/op show the rest). side-by-side runs one of
// each per iteration, so both see the same machine load, and reports their
// ratio (connectorctl process / jsforce in-process).
//
// Each publish starts in a later second than the previous write: a read
// in the same second as the record's last change waits for the next second
// (publish's guard against two publishes racing), which a publish of a
// changed bundle in real use never meets. The wait is outside the timer.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// nextSecond waits until the clock is past the second of now (plus a
// margin), so a read is in a later second than the last write.
func nextSecond() {
	now := time.Now()
	time.Sleep(now.Truncate(time.Second).Add(time.Second + 5*time.Millisecond).Sub(now))
}

// procPublisher runs one publish process and returns its timings.
type procPublisher func(zip string) (wall, inproc, cpu, req time.Duration)

func BenchmarkProcessVsJsforce(b *testing.B) {
	jsDir := os.Getenv("JSFORCE_DIR")
	if jsDir == "" {
		b.Fatal("set JSFORCE_DIR to a folder where jsforce is installed (npm install jsforce@3)")
	}
	const redirect = "http://localhost:1717" + connector.CallbackPath
	dir := b.TempDir()
	zips := []string{benchZip(b, dir, 2<<20, 1), benchZip(b, dir, 2<<20, 2)}
	bin := filepath.Join(dir, "connectorctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	script, err := filepath.Abs("testdata/jsforce-publish.js")
	if err != nil {
		b.Fatal(err)
	}
	newOrg := func(b *testing.B) (*sfsim.Org, string, string, string) {
		org, err := sfsim.Start(sfsim.Options{Sandbox: true, Callbacks: map[string][]string{connector.DefaultClientID: {redirect}}})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = org.Close() })
		access, refresh, instance := benchTokens(b, org, redirect)
		return org, access, refresh, instance
	}
	report := func(b *testing.B, org *sfsim.Org) {
		n, reqs := wire(org)
		b.ReportMetric(float64(n)/float64(b.N), "wire-bytes/op")
		b.ReportMetric(float64(reqs)/float64(b.N), "requests/op")
	}
	ctl := func(b *testing.B) (procPublisher, *sfsim.Org) {
		org, access, refresh, instance := newOrg(b)
		return connectorctlPublisher(b, bin, org, access, refresh, instance), org
	}
	js := func(b *testing.B) (procPublisher, *sfsim.Org) {
		org, access, _, instance := newOrg(b)
		return jsforcePublisher(b, jsDir, script, instance, access), org
	}
	ms := func(d time.Duration, n int) float64 { return float64(d) / float64(n) / 1e6 }

	b.Run("connectorctl", func(b *testing.B) {
		publish, org := ctl(b)
		var wall, cpu time.Duration
		runProcs(b, org, zips, func(zip string) {
			w, _, c, _ := publish(zip)
			wall, cpu = wall+w, cpu+c
		})
		report(b, org)
		b.ReportMetric(float64(wall)/float64(b.N), "ns/op")
		b.ReportMetric(ms(cpu, b.N), "cpu-ms/op")
	})

	b.Run("jsforce", func(b *testing.B) {
		publish, org := js(b)
		var wall, inproc, req time.Duration
		runProcs(b, org, zips, func(zip string) {
			w, in, _, r := publish(zip)
			wall, inproc, req = wall+w, inproc+in, req+r
		})
		report(b, org)
		b.ReportMetric(float64(inproc)/float64(b.N), "ns/op")
		b.ReportMetric(ms(wall, b.N), "process-ms/op")
		b.ReportMetric(ms(req, b.N), "require-ms/op")
	})

	b.Run("side-by-side", func(b *testing.B) {
		pubCtl, orgCtl := ctl(b)
		pubJS, orgJS := js(b)
		var ctlWall, ctlCPU, jsIn time.Duration
		pubCtl(zips[1])
		pubJS(zips[1])
		orgCtl.SetLatency(benchLatency)
		orgJS.SetLatency(benchLatency)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			nextSecond()
			w, _, c, _ := pubCtl(zips[i%2])
			_, in, _, _ := pubJS(zips[i%2])
			ctlWall, ctlCPU, jsIn = ctlWall+w, ctlCPU+c, jsIn+in
		}
		b.StopTimer()
		b.ReportMetric(ms(ctlWall, b.N), "connectorctl-ms/op")
		b.ReportMetric(ms(ctlCPU, b.N), "connectorctl-cpu-ms/op")
		b.ReportMetric(ms(jsIn, b.N), "jsforce-inproc-ms/op")
		b.ReportMetric(float64(ctlWall)/float64(jsIn), "ratio")
	})
}

// runProcs publishes the other version b.N times (each in a later second
// than the last write), calling publish for each; the org's resource
// exists first, so every publish is a change.
func runProcs(b *testing.B, org *sfsim.Org, zips []string, publish func(zip string)) {
	publish(zips[1])
	org.SetLatency(benchLatency)
	org.ResetRequests()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		nextSecond()
		b.StartTimer()
		publish(zips[i%2])
	}
	b.StopTimer()
}

// connectorctlPublisher sets up a connector for org in a fresh config
// folder, its tokens in the keyring, and returns a publish by the binary.
func connectorctlPublisher(b *testing.B, bin string, org *sfsim.Org, access, refresh, instance string) procPublisher {
	cfg := b.TempDir()
	reg, err := connector.OpenRegistry(cfg)
	if err != nil {
		b.Fatal(err)
	}
	k := connector.Key{System: "Bench", Environment: connector.Sandbox}
	cn, err := reg.Upsert(k, func(c *connector.Connector) error {
		c.LoginURL = org.LoginURL()
		c.Org = &connector.OrgInfo{OrgID: org.OrgID(), OrgName: "Bench", InstanceURL: instance, Username: org.Username(),
			UserID: org.UserID(), IsSandbox: true, AuthorizedAt: time.Now()}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// The tokens as `connectorctl authorize` stores them: with the org's
	// kind as the org said it (then a publish does not ask it again).
	kr := tokenstore.NewKeyring("")
	if err := kr.Save(cn.TokenKey(), &tokenstore.Tokens{AccessToken: access, RefreshToken: refresh, InstanceURL: instance,
		IssuedAt: time.Now(), OrgID: org.OrgID(), LoginURL: org.LoginURL(), ClientID: connector.DefaultClientID,
		OrgKind: tokenstore.OrgKindSandbox}); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = kr.Delete(cn.TokenKey()) })
	return func(zip string) (wall, inproc, cpu, req time.Duration) {
		cmd := exec.Command(bin, "--config-dir", cfg, "publish", zip, "Bench/Sandbox")
		start := time.Now()
		out, err := cmd.CombinedOutput()
		wall = time.Since(start)
		if err != nil {
			b.Fatalf("publish: %v\n%s", err, out)
		}
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		return wall, wall, cpu, 0
	}
}

// jsforcePublisher returns a publish by the jsforce script, with node's
// own timing of it.
func jsforcePublisher(b *testing.B, jsDir, script, instance, access string) procPublisher {
	return func(zip string) (wall, inproc, cpu, req time.Duration) {
		cmd := exec.Command("node", script, instance, access, zip, connector.DefaultResourceName)
		cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(jsDir, "node_modules"))
		cmd.Stderr = os.Stderr
		start := time.Now()
		out, err := cmd.Output()
		wall = time.Since(start)
		if err != nil {
			b.Fatalf("jsforce: %v\n%s", err, out)
		}
		var in, rq int64
		if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "inproc_ns=%d require_ns=%d", &in, &rq); err != nil {
			b.Fatalf("jsforce timing %q: %v", out, err)
		}
		cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		return wall, time.Duration(in), cpu, time.Duration(rq)
	}
}
