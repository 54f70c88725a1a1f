package service

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/health"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// BenchmarkRegistryUpsert: one locked read-modify-write (lock, read, fsync'd
// atomic write with .bak) on a registry of 50 connectors.
func BenchmarkRegistryUpsert(b *testing.B) {
	r, err := connector.OpenRegistry(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		if _, err := r.Upsert(connector.Key{System: fmt.Sprintf("S%02d", i), Environment: connector.Sandbox}, nil); err != nil {
			b.Fatal(err)
		}
	}
	k := connector.Key{System: "S07", Environment: connector.Sandbox}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Upsert(k, func(c *connector.Connector) error { c.ResourceName = "R"; return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRegistryGet: a lock-free read of a 50-connector registry.
func BenchmarkRegistryGet(b *testing.B) {
	r, err := connector.OpenRegistry(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	for i := range 50 {
		if _, err := r.Upsert(connector.Key{System: fmt.Sprintf("S%02d", i), Environment: connector.Sandbox}, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Get(connector.Key{System: "s42", Environment: connector.Sandbox}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedactSecrets: scrubbing a 64 KB diagnostics text.
func BenchmarkRedactSecrets(b *testing.B) {
	line := "2026-11-24 GET /services/data/v63.0/query status=401 token 00D5g000004XyZ1!AQ0AQFhoK8vTMg_rKA.esrJ2bCs refresh_token=5Aep861TSESvWeug_xvFHRBT host acme.my.salesforce.com\n"
	text := strings.Repeat(line, 65536/len(line))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		_ = health.RedactSecrets(text)
	}
}

// BenchmarkStatus: one live check (organization, permissions, resource
// list) against the in-process simulated org.
func BenchmarkStatus(b *testing.B) {
	org, err := sfsim.Start(sfsim.Options{Sandbox: true})
	if err != nil {
		b.Fatal(err)
	}
	defer org.Close()
	svc, err := NewService(b.TempDir(), tokenstore.NewMemory())
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	port := mustFreePort(b)
	redirect := fmt.Sprintf("http://localhost:%d%s", port, connector.CallbackPath)
	org.RegisterCallback(connector.DefaultClientID, redirect)
	f, err := svc.StartAuthorize(ctx, sbKey, auth.AuthorizeOptions{LoginURL: org.LoginURL(), Ports: []int{port}, NoBrowser: true})
	if err != nil {
		b.Fatal(err)
	}
	loc, err := org.PlayUser(ctx, f.URL(), true)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.SubmitCallbackURL(loc); err != nil {
		b.Fatal(err)
	}
	if _, err := f.Wait(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if st := svc.Status(ctx, sbKey); st.State != connector.StateConnected {
			b.Fatal(st.Message)
		}
	}
}
