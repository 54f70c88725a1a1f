//go:build !windows

package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// BenchmarkFleet200Process is `connectorctl fleet BUNDLE --all` as a CI
// runner runs it: a connectors file of 200 JWT connectors (200 simulated
// orgs, 100 ms latency), a fresh config folder, the real binary. It reports
// the process's peak memory (max-RSS-MB: the target is under 100
// MB) and its wall time.
//
//	go test -run '^$' -bench Fleet200Process -benchtime 3x ./cmd/connectorctl/
func BenchmarkFleet200Process(b *testing.B) {
	const n = 200
	dir := b.TempDir()
	bin := filepath.Join(dir, "connectorctl")
	build := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	keyPEM, certPEM, err := oauth.NewKeyPair("ci", time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	file := connector.ExportFile{Version: connector.ExportVersion}
	var allow []string
	for i := range n {
		org, err := sfsim.Start(sfsim.Options{Sandbox: true, Username: "ci@acme.example"})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = org.Close() })
		if err := org.RegisterJWTClient("CIApp", certPEM); err != nil {
			b.Fatal(err)
		}
		org.SetLatency(100 * time.Millisecond)
		id := make([]byte, 16)
		_, _ = rand.Read(id)
		file.Connectors = append(file.Connectors, connector.ExportConnector{
			ID: hex.EncodeToString(id), System: fmt.Sprintf("Client%03d", i), Environment: "Sandbox", OrgKind: "sandbox",
			LoginURL: org.LoginURL(), ClientID: "CIApp", AuthMethod: "jwt", Username: "ci@acme.example",
			ResourceName: connector.DefaultResourceName, OrgID: org.OrgID(),
		})
		allow = append(allow, "--allow-login-host", hostPort(org.LoginURL()))
	}
	raw, err := json.MarshalIndent(file, "", "  ")
	if err != nil {
		b.Fatal(err)
	}
	connectors := filepath.Join(dir, "connectors.json")
	if err := os.WriteFile(connectors, raw, 0o644); err != nil {
		b.Fatal(err)
	}
	bundle := benchZip(b, dir, 2<<20, 1)
	var rss int64
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(bin, append([]string{"fleet", bundle, "--all", "--json", "--connectors", connectors,
			"--config-dir", filepath.Join(b.TempDir(), "cfg")}, allow...)...)
		cmd.Env = append(os.Environ(), connector.JWTKeyEnv+"="+string(keyPEM))
		out, err := cmd.Output()
		var exit *exec.ExitError
		if err != nil && (!errors.As(err, &exit) || exit.ExitCode() != exitFailure) {
			b.Fatalf("fleet: %v\n%s", err, out)
		}
		var got struct {
			Rows []struct{ State string } `json:"rows"`
		}
		if err := json.Unmarshal(out, &got); err != nil || len(got.Rows) != n {
			b.Fatalf("fleet rows: %v (%d)\n%.500s", err, len(got.Rows), out)
		}
		for _, r := range got.Rows {
			if r.State != string(connector.FleetAbsent) {
				b.Fatalf("state %s, want absent (every org is empty)", r.State)
			}
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > rss {
			rss = ru.Maxrss // KB on Linux
		}
	}
	b.ReportMetric(float64(rss)/1024, "max-RSS-MB")
}
