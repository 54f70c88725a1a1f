package packaging

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	benchFiles = 500
	benchBytes = 5 << 20
)

// BenchmarkBuildFolder measures Open on a 500-file, 5 MB folder of JS-like
// text end to end: walk, read, hash, deflate, write the ZIP, fingerprint.
func BenchmarkBuildFolder(b *testing.B) {
	dir := b.TempDir()
	genFolder(b, dir, benchFiles, benchBytes)
	bundle, err := Open(dir)
	require.NoError(b, err)
	b.SetBytes(bundle.Summary().UncompressedSize)
	cpu := processCPU()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Open(dir); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
	b.ReportMetric(float64(bundle.Summary().UncompressedSize)/float64(bundle.Size()), "x-ratio")
}

// BenchmarkOpenZip measures Open on the ZIP of the same folder: read, validate, hash.
func BenchmarkOpenZip(b *testing.B) {
	dir := b.TempDir()
	genFolder(b, filepath.Join(dir, "src"), benchFiles, benchBytes)
	bundle, err := Open(filepath.Join(dir, "src"))
	require.NoError(b, err)
	p := filepath.Join(dir, "bundle.zip")
	require.NoError(b, os.WriteFile(p, bundle.Bytes(), 0o644))
	b.SetBytes(bundle.Summary().UncompressedSize)
	cpu := processCPU()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Open(p); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// BenchmarkFingerprint measures Fingerprint on the ZIP bytes of the same folder.
func BenchmarkFingerprint(b *testing.B) {
	dir := b.TempDir()
	genFolder(b, dir, benchFiles, benchBytes)
	bundle, err := Open(dir)
	require.NoError(b, err)
	data := bundle.Bytes()
	b.SetBytes(bundle.Summary().UncompressedSize)
	cpu := processCPU()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Fingerprint(data); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu)
}

// reportCPU adds the process CPU time per operation (all cores, user+system):
// on a busy shared machine it is steadier than wall time, and CPU/GOMAXPROCS
// is the wall time to expect on an idle one.
func reportCPU(b *testing.B, since time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-since)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
