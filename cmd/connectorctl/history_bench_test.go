//go:build linux

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector"
)

// BenchmarkHistory100k runs the built connectorctl binary on a journal of
// 100,000 entries (about 60 MB), as `history`, `history --json` and
// `history --csv`, and reports the process's peak resident memory
// (peak-RSS-MB, from getrusage) next to the time per run. On Linux that
// peak includes the benchmark process's own at the start (exec keeps the
// high-water mark of the memory the child shared with its parent), so the
// benchmark keeps itself small: its figure is an upper bound, close to
// what /usr/bin/time -v reports. Reading streams
// the journal a line at a time, so the peak stays flat whatever its size
// (it was 355–490 MB when history loaded the whole journal first).
//
//	go test -run '^$' -bench History100k -benchtime 3x ./cmd/connectorctl/
func BenchmarkHistory100k(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "connectorctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	cfg := filepath.Join(dir, "config")
	writeBenchJournal(b, cfg, 100_000)
	for _, mode := range [][]string{{"history"}, {"history", "--json"}, {"history", "--csv"}} {
		b.Run(mode[len(mode)-1], func(b *testing.B) {
			var peakKB int64
			for b.Loop() {
				cmd := exec.Command(bin, append([]string{"--config-dir", cfg}, mode...)...)
				out := &countingWriter{}
				cmd.Stdout = out // read and dropped, as a pipe would be: the benchmark itself stays small
				if err := cmd.Run(); err != nil {
					b.Fatalf("%v: %v", mode, err)
				}
				if out.n < 10<<20 {
					b.Fatalf("%v printed only %d bytes", mode, out.n)
				}
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					peakKB = max(peakKB, ru.Maxrss) // kilobytes on Linux
				}
			}
			b.ReportMetric(float64(peakKB)/1024, "peak-RSS-MB")
		})
	}
}

// countingWriter counts the bytes written to it and drops them.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// writeBenchJournal writes n realistic journal entries to the history of
// the config folder cfg.
func writeBenchJournal(b *testing.B, cfg string, n int) {
	b.Helper()
	if err := os.MkdirAll(cfg, 0o700); err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(filepath.Join(cfg, connector.HistoryFileName))
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	at := time.Date(2024, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := range n {
		e := connector.HistoryEntry{
			Time: at.Add(time.Duration(i) * time.Minute), Action: connector.ActionPublish,
			Connector: fmt.Sprintf("System%02d/Sandbox", i%40), ConnectorID: fmt.Sprintf("c%031d", i%40),
			OrgID: "00D5g000000XyZ1EAK", OrgName: "Société Générale Démo", Resource: "WalkMe_Content",
			ResourceID: "0815g000001AbCdAAK", Fingerprint: fmt.Sprintf("sha256:%064x", i), Size: 1_234_567 + int64(i),
			User: "admin@demo.example.com", Outcome: "updated",
			BackupPath: fmt.Sprintf("/home/user/.config/connectors/backups/c%031d/WalkMe_Content-%d.zip", i%40, i),
			AppVersion: "1.4.2",
		}
		line, err := json.Marshal(e)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = w.Write(append(line, '\n'))
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}
