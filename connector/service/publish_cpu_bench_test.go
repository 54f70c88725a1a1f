//go:build unix

package service

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/packaging"
)

// BenchmarkPublishCPUChanged2MB is the CPU one changed publish of a 2 MB
// bundle costs this process, as `connectorctl publish` does it: open the
// ZIP file (read, validate, fingerprint), then PublishMany to one
// connector (read, back up, upload, record). sfsim runs in a child
// process, so its decoding is not counted; each publish starts in a later
// second than the last write (outside the timer), as a changed publish in
// real use does.
//
//	.ci/test-env go test -run '^$' -bench PublishCPUChanged2MB -benchmem ./connector/service/service/
//
// Metrics: cpu-ms/op (user+system, all cores), cpu-ms/MB (per MB of ZIP)
// and zip-MB.
func BenchmarkPublishCPUChanged2MB(b *testing.B) {
	dir := b.TempDir()
	var paths []string
	for v := 1; v <= 2; v++ {
		bundle := typicalBundle(b, 140, 30<<10, v)
		p := filepath.Join(dir, "v"+string(rune('0'+v))+".zip")
		require.NoError(b, os.WriteFile(p, bundle.Bytes(), 0o644))
		paths = append(paths, p)
	}
	f := childProcessFixture(b, 0)
	ctx := context.Background()
	publish := func(path string) {
		bundle, err := packaging.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		res := f.svc.PublishMany(ctx, []connector.Key{f.k}, bundle, PublishOptions{}, nil)[0]
		if res.Outcome != OutcomeUpdated && res.Outcome != OutcomeCreated {
			b.Fatalf("outcome %s: %v", res.Outcome, res.Problem)
		}
	}
	publish(paths[1])
	fi, err := os.Stat(paths[0])
	require.NoError(b, err)
	var cpu time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		nextSecond(b)
		before := selfCPU()
		b.StartTimer()
		publish(paths[i%2])
		cpu += selfCPU() - before
	}
	b.StopTimer()
	mb := float64(fi.Size()) / (1 << 20)
	perOp := float64(cpu) / float64(b.N) / 1e6
	b.ReportMetric(perOp, "cpu-ms/op")
	b.ReportMetric(perOp/mb, "cpu-ms/MB")
	b.ReportMetric(mb, "zip-MB")
}

// selfCPU is the user+system CPU time of this process so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
