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

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

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
	newOrg := func() (*sfsim.Org, string, string, string) {
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

	b.Run("connectorctl", func(b *testing.B) {
		org, access, refresh, instance := newOrg()
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
		kr := tokenstore.NewKeyring("")
		if err := kr.Save(cn.TokenKey(), &tokenstore.Tokens{AccessToken: access, RefreshToken: refresh, InstanceURL: instance,
			IssuedAt: time.Now(), OrgID: org.OrgID(), LoginURL: org.LoginURL(), ClientID: connector.DefaultClientID}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = kr.Delete(cn.TokenKey()) })
		publish := func(zip string) {
			cmd := exec.Command(bin, "--config-dir", cfg, "publish", zip, "Bench/Sandbox")
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("publish: %v\n%s", err, out)
			}
		}
		publish(zips[1])
		org.SetLatency(benchLatency)
		org.ResetRequests()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			publish(zips[i%2])
		}
		b.StopTimer()
		report(b, org)
	})

	b.Run("jsforce", func(b *testing.B) {
		org, access, _, instance := newOrg()
		publish := func(zip string) {
			cmd := exec.Command("node", script, instance, access, zip, connector.DefaultResourceName)
			cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(jsDir, "node_modules"))
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("jsforce: %v\n%s", err, out)
			}
		}
		publish(zips[1])
		org.SetLatency(benchLatency)
		org.ResetRequests()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			publish(zips[i%2])
		}
		b.StopTimer()
		report(b, org)
	})
}
