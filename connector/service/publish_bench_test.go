package service

// Benchmarks of the publish pipeline against sfsim with added latency:
//
//	.ci/test-env go test -run '^$' -bench . -benchmem ./connector/
//
// Metrics: requests/op (HTTP requests per publish, preflight included),
// wire-bytes/zip-byte (request body bytes on the wire per byte of ZIP),
// peak-heap/bundle (peak heap in use during a 5 MB publish minus the
// baseline, per byte of bundle) and x-one (PublishMany to 20 connectors
// relative to one publish).

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/packaging"
)

// typicalBundle is an already-compressed content bundle like WalkMe's:
// n text files (JS/CSS/JSON of pseudo-random words) deflated in the ZIP,
// seeded so both versions differ in one file only.
func typicalBundle(tb testing.TB, files, fileSize int, version int) *packaging.Bundle {
	tb.Helper()
	rng := rand.New(rand.NewPCG(42, 7))
	words := []string{"function", "var", "return", "walkme", "player", "step", "this", "null", "if", "else",
		"document", "window", "style", "display", "none", "true", "false", "click", "element", "selector",
		"smartWalkThru", "launcher", "segment", "=>", "{", "}", "(", ")", ";", "const", "let", "await"}
	fsys := fstest.MapFS{}
	for i := range files {
		var sb strings.Builder
		for sb.Len() < fileSize {
			w := words[rng.IntN(len(words))]
			if rng.IntN(4) == 0 {
				w = strconv.FormatUint(rng.Uint64(), 36)
			}
			sb.WriteString(w)
			sb.WriteByte(" \n"[rng.IntN(2)])
		}
		name := fmt.Sprintf("content/file%04d.js", i)
		if i == 0 {
			fmt.Fprintf(&sb, "// version %d\n", version)
		}
		fsys[name] = &fstest.MapFile{Data: []byte(sb.String()), Mode: 0o644}
	}
	b, err := packaging.FromFS(fsys, "bench")
	require.NoError(tb, err)
	return b
}

// incompressibleBundle is close to 5 MB of random bytes (stored as is).
func incompressibleBundle(tb testing.TB, version int) *packaging.Bundle {
	tb.Helper()
	rng := rand.New(rand.NewPCG(uint64(version), 99))
	fsys := fstest.MapFS{}
	const files, size = 20, 250 * 1024
	for i := range files {
		data := make([]byte, size)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		fsys[fmt.Sprintf("media/blob%02d.bin", i)] = &fstest.MapFile{Data: data, Mode: 0o644}
	}
	b, err := packaging.FromFS(fsys, "bench-5mb")
	require.NoError(tb, err)
	return b
}

// benchPublish publishes bundles alternately b.N times and reports requests/op.
func benchPublish(b *testing.B, f *publishFixture, bundles []*packaging.Bundle, want publish.PublishOutcome) {
	ctx := context.Background()
	requests := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res := f.svc.Publish(ctx, f.k, bundles[i%len(bundles)], publish.PublishOptions{})
		if res.Outcome != want {
			b.Fatalf("outcome %s, want %s: %v", res.Outcome, want, res.Problem)
		}
		requests += res.Requests
	}
	b.StopTimer()
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
}

func BenchmarkPublishChanged(b *testing.B) {
	f := newPublishFixture(b, sfsim.Options{Latency: 20 * time.Millisecond})
	v := []*packaging.Bundle{typicalBundle(b, 50, 8<<10, 1), typicalBundle(b, 50, 8<<10, 2)}
	requireOK2(b, f.svc.Publish(context.Background(), f.k, v[1], publish.PublishOptions{}))
	benchPublish(b, f, v, publish.OutcomeUpdated)
}

func BenchmarkPublishUnchanged(b *testing.B) {
	f := newPublishFixture(b, sfsim.Options{Latency: 20 * time.Millisecond})
	v := typicalBundle(b, 50, 8<<10, 1)
	requireOK2(b, f.svc.Publish(context.Background(), f.k, v, publish.PublishOptions{}))
	benchPublish(b, f, []*packaging.Bundle{v}, publish.OutcomeUpToDate)
}

// BenchmarkPublishUnchangedFromCI: a folder with no record (a CI run, a
// second laptop) finds the bundle in the org: one lookup, no write.
func BenchmarkPublishUnchangedFromCI(b *testing.B) {
	f := newPublishFixture(b, sfsim.Options{Latency: 20 * time.Millisecond})
	v := typicalBundle(b, 50, 8<<10, 1)
	requireOK2(b, f.svc.Publish(context.Background(), f.k, v, publish.PublishOptions{}))
	ci := newTestService(b)
	authorizeTestConnector(b, ci, f.org, f.k)
	benchPublish(b, &publishFixture{svc: ci, org: f.org, k: f.k}, []*packaging.Bundle{v}, publish.OutcomeUpToDate)
}

// BenchmarkPublishOverTeammate: each publish replaces the other laptop's
// version, which this one has no copy of: read, download, write.
func BenchmarkPublishOverTeammate(b *testing.B) {
	f := newPublishFixture(b, sfsim.Options{Latency: 20 * time.Millisecond})
	mate := newTestService(b)
	authorizeTestConnector(b, mate, f.org, f.k)
	ctx := context.Background()
	requireOK2(b, f.svc.Publish(ctx, f.k, typicalBundle(b, 50, 8<<10, 0), publish.PublishOptions{}))
	requests := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		requireOK2(b, mate.Publish(ctx, f.k, typicalBundle(b, 50, 8<<10, 2*i+1), publish.PublishOptions{}))
		bundle := typicalBundle(b, 50, 8<<10, 2*i+2)
		b.StartTimer()
		res := f.svc.Publish(ctx, f.k, bundle, publish.PublishOptions{})
		if res.Outcome != publish.OutcomeUpdated {
			b.Fatalf("outcome %s: %v", res.Outcome, res.Problem)
		}
		requests += res.Requests
	}
	b.StopTimer()
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
}

func BenchmarkPublishBytes(b *testing.B) {
	f := newPublishFixture(b, sfsim.Options{})
	v := []*packaging.Bundle{typicalBundle(b, 300, 8<<10, 1), typicalBundle(b, 300, 8<<10, 2)}
	requireOK2(b, f.svc.Publish(context.Background(), f.k, v[1], publish.PublishOptions{}))
	f.org.ResetRequests()
	var sent, zipBytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bundle := v[i%2]
		res := f.svc.Publish(context.Background(), f.k, bundle, publish.PublishOptions{})
		if res.Outcome != publish.OutcomeUpdated {
			b.Fatalf("outcome %s: %v", res.Outcome, res.Problem)
		}
		sent += res.BytesSent
		zipBytes += bundle.Size()
	}
	b.StopTimer()
	// Cross-check with what sfsim counted on the wire.
	var wire int64
	for _, r := range f.org.Requests() {
		if r.Method == http.MethodPatch {
			wire += r.BytesIn
		}
	}
	if wire != sent {
		b.Logf("client counted %d wire bytes, sfsim %d", sent, wire)
	}
	b.ReportMetric(float64(wire)/float64(zipBytes), "wire-bytes/zip-byte")
	b.ReportMetric(float64(v[0].Size()), "zip-bytes")
}

// peakHeap samples HeapInuse until stop is closed and returns the peak.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		var ms runtime.MemStats
		var peak uint64
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

func BenchmarkPublishPeakHeap5MB(b *testing.B) {
	v := []*packaging.Bundle{incompressibleBundle(b, 1), incompressibleBundle(b, 2)}
	run := func(b *testing.B, f *publishFixture) {
		ctx := context.Background()
		requireOK2(b, f.svc.Publish(ctx, f.k, v[1], publish.PublishOptions{}))
		var worst float64
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			base := ms.HeapInuse
			stop := make(chan struct{})
			peak := peakHeap(stop)
			b.StartTimer()
			res := f.svc.Publish(ctx, f.k, v[i%2], publish.PublishOptions{})
			b.StopTimer()
			close(stop)
			p := <-peak
			if res.Outcome != publish.OutcomeUpdated {
				b.Fatalf("outcome %s: %v", res.Outcome, res.Problem)
			}
			ratio := 0.0
			if p > base {
				ratio = float64(p-base) / float64(v[i%2].Size())
			}
			worst = max(worst, ratio)
			b.StartTimer()
		}
		b.StopTimer()
		b.ReportMetric(worst, "peak-heap/bundle")
		b.ReportMetric(float64(v[0].Size())/(1<<20), "bundle-MB")
	}
	b.Run("sfsim=in-process", func(b *testing.B) {
		run(b, newPublishFixture(b, sfsim.Options{}))
	})
	b.Run("sfsim=child-process", func(b *testing.B) {
		run(b, childProcessFixture(b, 0))
	})
}

// batchBundles are the two versions published alternately by the batch
// benchmarks: "typical" ≈ 200 KB of deflated text, "small" ≈ 20 KB.
func batchBundles(tb testing.TB, size string) []*packaging.Bundle {
	files := 50
	if size == "small" {
		files = 5
	}
	return []*packaging.Bundle{typicalBundle(tb, files, 8<<10, 1), typicalBundle(tb, files, 8<<10, 2)}
}

// batchVariants runs a batch benchmark with sfsim in this process and in a
// child process (then this process holds only the publisher's work), with
// the typical bundle, and with a small one (latency-bound, which shows the
// cost of the batch itself rather than of the CPU the machine has left).
func batchVariants(b *testing.B, n int, fn func(b *testing.B, svc *Service, keys []connector.Key, v []*packaging.Bundle)) {
	latency := 100 * time.Millisecond
	for _, variant := range []struct{ sim, size string }{
		{"in-process", "typical"}, {"child-process", "typical"}, {"child-process", "small"},
	} {
		b.Run("sfsim="+variant.sim+"/bundle="+variant.size, func(b *testing.B) {
			v := batchBundles(b, variant.size)
			if variant.sim == "in-process" {
				svc, keys, _ := batchFixture(b, n, sfsim.Options{Latency: latency})
				fn(b, svc, keys, v)
				return
			}
			svc := newTestService(b)
			keys := make([]connector.Key, n)
			for i, tt := range startChildOrgs(b, n, latency) {
				keys[i] = connector.Key{System: fmt.Sprintf("System%02d", i), Environment: connector.Sandbox}
				saveTestConnector(b, svc, keys[i], tt)
			}
			fn(b, svc, keys, v)
		})
	}
}

func BenchmarkPublishOne(b *testing.B) {
	batchVariants(b, 1, func(b *testing.B, svc *Service, keys []connector.Key, v []*packaging.Bundle) {
		benchPublishMany(b, svc, keys, v)
	})
}

func BenchmarkPublishMany20(b *testing.B) {
	batchVariants(b, 20, func(b *testing.B, svc *Service, keys []connector.Key, v []*packaging.Bundle) {
		// Reference: one publish to one of these connectors, same latency.
		ctx := context.Background()
		requireOK2(b, svc.Publish(ctx, keys[0], v[1], publish.PublishOptions{}))
		var one []time.Duration
		for i := range 5 {
			start := time.Now()
			requireOK2(b, svc.Publish(ctx, keys[0], v[i%2], publish.PublishOptions{}))
			one = append(one, time.Since(start))
		}
		sort.Slice(one, func(i, j int) bool { return one[i] < one[j] })
		elapsed := benchPublishMany(b, svc, keys, v)
		b.ReportMetric(float64(elapsed)/float64(b.N)/float64(one[len(one)/2]), "x-one")
	})
}

// benchPublishMany publishes a changed bundle to keys b.N times; it returns
// the time spent in the timed loop.
func benchPublishMany(b *testing.B, svc *Service, keys []connector.Key, v []*packaging.Bundle) time.Duration {
	ctx := context.Background()
	for _, res := range svc.PublishMany(ctx, keys, v[1], publish.PublishOptions{}, nil) {
		requireOK2(b, res)
	}
	var requests atomic.Int64
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for _, res := range svc.PublishMany(ctx, keys, v[i%2], publish.PublishOptions{}, nil) {
			if res.Outcome != publish.OutcomeUpdated {
				b.Fatalf("%s: outcome %s: %v", res.Connector, res.Outcome, res.Problem)
			}
			requests.Add(int64(res.Requests))
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(requests.Load())/float64(b.N*len(keys)), "requests/publish")
	return elapsed
}

func requireOK2(tb testing.TB, res publish.PublishResult) {
	tb.Helper()
	if res.Outcome == publish.OutcomeFailed {
		tb.Fatalf("%s: publish failed: %v", res.Connector, res.Problem)
	}
}

// ---- sfsim in a child process ----

const childEnv = "CONNECTORS_SFSIM_CHILD"

// childProcessFixture starts sfsim in a child process (this test binary
// re-executed into TestSfsimChildProcess), so the parent's heap holds only
// the publisher. The child authorizes once and hands the tokens over.
func childProcessFixture(tb testing.TB, latency time.Duration) *publishFixture {
	tb.Helper()
	tt := startChildOrgs(tb, 1, latency)[0]
	svc := newTestService(tb)
	k := connector.Key{System: "Lightning", Environment: connector.Sandbox}
	saveTestConnector(tb, svc, k, tt)
	return &publishFixture{svc: svc, k: k}
}

// startChildOrgs starts n simulated orgs in one child process, stopped at
// the end of the test, and returns a token set for each.
func startChildOrgs(tb testing.TB, n int, latency time.Duration) []testTokens {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSfsimChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"=1", childEnv+"_LATENCY="+latency.String(), childEnv+"_COUNT="+strconv.Itoa(n))
	stdin, err := cmd.StdinPipe()
	require.NoError(tb, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(tb, err)
	cmd.Stderr = os.Stderr
	require.NoError(tb, cmd.Start())
	stop := func() {
		stdin.Close()
		_ = cmd.Wait()
		cancel()
	}
	tb.Cleanup(stop)
	sc := bufio.NewScanner(stdout)
	var out []testTokens
	for len(out) < n && sc.Scan() {
		if raw, ok := strings.CutPrefix(sc.Text(), "SFSIM "); ok {
			var tt testTokens
			require.NoError(tb, json.Unmarshal([]byte(raw), &tt))
			out = append(out, tt)
		}
	}
	if len(out) < n {
		tb.Fatalf("the child sfsim started %d of %d orgs: %v", len(out), n, sc.Err())
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return out
}

// TestSfsimChildProcess serves sfsim for childProcessFixture when run as
// the child. Run normally, it starts such a child itself and checks it
// answers an authenticated lookup with the handed-over tokens.
func TestSfsimChildProcess(t *testing.T) {
	if os.Getenv(childEnv) == "1" {
		latency, _ := time.ParseDuration(os.Getenv(childEnv + "_LATENCY"))
		n, _ := strconv.Atoi(os.Getenv(childEnv + "_COUNT"))
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		for range max(n, 1) {
			org := startTestOrg(t, sfsim.Options{Latency: latency, Sandbox: true})
			tt, err := exchangeTestTokens(ctx, org)
			require.NoError(t, err)
			raw, err := json.Marshal(tt)
			require.NoError(t, err)
			fmt.Printf("SFSIM %s\n", raw)
		}
		// Serve until the parent closes stdin.
		_, _ = io.Copy(io.Discard, os.Stdin)
		return
	}
	f := childProcessFixture(t, 0)
	ctx := testCtx(t)
	client, _, err := f.svc.Session(ctx, f.k)
	require.NoError(t, err)
	list, err := client.ListStaticResources(ctx)
	require.NoError(t, err)
	require.Empty(t, list.Records)
	res := f.svc.Publish(ctx, f.k, versionBundle(t, 1), publish.PublishOptions{})
	requireOK(t, res, publish.OutcomeCreated)
}
