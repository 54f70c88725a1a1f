package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkStartupVersion is the start-up of the shipped CLI: the binary
// built as `make dist` builds it (CGO_ENABLED=0, -trimpath), run as a whole
// process for `connectorctl --version` (target: under 15 ms). The hello
// sub-benchmark is a Go program that prints one line, built the same way:
// the floor any Go binary pays on this machine.
//
//	go test -run '^$' -bench StartupVersion ./cmd/connectorctl/
func BenchmarkStartupVersion(b *testing.B) {
	dir := b.TempDir()
	ctl := filepath.Join(dir, "connectorctl")
	cmd := exec.Command("go", "build", "-trimpath", "-o", ctl, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build connectorctl: %v\n%s", err, out)
	}
	hello := filepath.Join(dir, "hello")
	if err := os.MkdirAll(hello, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hello, "go.mod"), []byte("module hello\n\ngo 1.25\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hello, "main.go"), []byte("package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hello\") }\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	helloBin := filepath.Join(dir, "hello-bin")
	cmd = exec.Command("go", "build", "-trimpath", "-o", helloBin, ".")
	cmd.Dir = hello
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=mod")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build hello: %v\n%s", err, out)
	}
	for _, tc := range []struct{ name, bin string }{{"connectorctl", ctl}, {"hello", helloBin}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if err := exec.Command(tc.bin, "--version").Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
