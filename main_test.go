package main

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateShots = flag.Bool("update", false, "copy the demo screenshots to ui/testdata/ (and the English one to assets/ for the README)")

// TestDemoWindow builds the app, starts `connectors --demo` on the X display
// in $DISPLAY (in English, French and under LANG=C), waits until the window
// has rendered and settled, saves a screenshot, checks it is not blank,
// then stops the app with SIGTERM and checks it exits cleanly.
func TestDemoWindow(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("DISPLAY is empty: this test needs an X server; run it under .ci/test-env, e.g. `.ci/test-env go test -run TestDemoWindow .`")
	}
	for _, tool := range []string{"import", "xwininfo"} {
		_, err := exec.LookPath(tool)
		require.NoError(t, err, "%s is missing: run `make deps` (imagemagick, x11-utils)", tool)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "connectors")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)

	tests := []struct {
		name, lang, master string
	}{
		{"en", "en_US.UTF-8", "screenshot-demo.png"},
		{"fr", "fr_FR.UTF-8", "screenshot-demo-fr.png"},
		{"C", "C", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runDemoWindow(ctx, t, bin, filepath.Join(dir, tt.name), tt.lang, tt.master)
		})
	}
}

// lockedBuffer is the app's output, read by the test while the app may
// still be writing it (a failure message).
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func runDemoWindow(ctx context.Context, t *testing.T, bin, dir, lang, master string) {
	var logs lockedBuffer
	app := exec.CommandContext(ctx, bin, "--demo")
	app.Env = append(os.Environ(), "LANG="+lang, "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
	app.Stdout, app.Stderr = &logs, &logs
	require.NoError(t, app.Start())
	exited := make(chan error, 1)
	go func() { exited <- app.Wait() }()
	defer func() {
		if app.ProcessState == nil {
			_ = app.Process.Kill()
		}
	}()

	// When the window is mapped and two screenshots in a row are identical
	// and not uniform, rendering has settled.
	shot := filepath.Join(dir, "testdata", "screenshots", "demo.png")
	require.NoError(t, os.MkdirAll(filepath.Dir(shot), 0o755))
	var last []byte
	tick := time.NewTicker(300 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(60 * time.Second)
	settled := false
	for !settled {
		select {
		case err := <-exited:
			t.Fatalf("the app exited early (%v): %s", err, logs.String())
		case <-deadline:
			t.Fatalf("the window did not render within 60s; app output: %s", logs.String())
		case <-tick.C:
		}
		id := windowID(ctx, "Connectors")
		if id == "" {
			continue
		}
		data, err := exec.CommandContext(ctx, "import", "-window", id, "png:-").Output()
		if err != nil || len(data) == 0 {
			continue
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil || colours(img) < 16 {
			continue
		}
		settled = bytes.Equal(data, last)
		last = data
	}
	require.NoError(t, os.WriteFile(shot, last, 0o644))
	t.Logf("screenshot: %s", shot)
	if *updateShots && master != "" {
		require.NoError(t, os.WriteFile(filepath.Join("ui", "testdata", master), last, 0o644))
		if master == "screenshot-demo.png" {
			require.NoError(t, os.WriteFile(filepath.Join("assets", master), last, 0o644))
		}
	}
	img, err := png.Decode(bytes.NewReader(last))
	require.NoError(t, err)
	assert.Greater(t, colours(img), 64, "the screenshot shows a rendered window, not a blank screen")
	assert.GreaterOrEqual(t, img.Bounds().Dx(), 1000)

	// Then SIGTERM stops it cleanly.
	require.NoError(t, app.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		require.NoError(t, err, "exit status after SIGTERM; output: %s", logs.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("the app did not exit within 20s of SIGTERM; output: %s", logs.String())
	}
	assert.NotContains(t, logs.String(), "panic")
	assert.NotContains(t, logs.String(), "Error in Fyne call thread", "every UI change goes through fyne.Do")
}

// windowID finds the X window titled title, e.g. "0x200002", or "".
func windowID(ctx context.Context, title string) string {
	tree, err := exec.CommandContext(ctx, "xwininfo", "-root", "-tree").Output()
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(tree), "\n") {
		f := strings.Fields(line)
		if len(f) > 1 && strings.HasPrefix(f[1], `"`+title+`"`) {
			return f[0]
		}
	}
	return ""
}

// colours counts distinct colours (up to 1000) in a sample of the image.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= 1000 {
				return len(seen)
			}
		}
	}
	return len(seen)
}

func TestVersionFlag(t *testing.T) {
	assert.Equal(t, 0, run([]string{"--version"}))
	assert.Equal(t, 2, run([]string{"--no-such-flag"}))
}

// TestListDemoScenarios: --list-demo-scenarios prints every scenario, one
// per line (what .ci/screenshots walks), and exits 0.
func TestListDemoScenarios(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	stdout := os.Stdout
	os.Stdout = w
	code := run([]string{"--list-demo-scenarios"})
	os.Stdout = stdout
	require.NoError(t, w.Close())
	out, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, 0, code)
	assert.Equal(t, strings.Join(demoScenarios, "\n")+"\n", string(out))
}

// TestNoDisplay: without a display (no DISPLAY or WAYLAND_DISPLAY, or one
// no X server answers on), the app printed a GLFW panic and a Go stack
// trace; it now says what to do and exits 1.
func TestNoDisplay(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "connectors")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	for name, extra := range map[string][]string{"unset": nil, "no server": {"DISPLAY=:4242"}} {
		t.Run(name, func(t *testing.T) {
			app := exec.CommandContext(ctx, bin, "--demo")
			app.Env = append(append([]string{}, env...), extra...)
			var stdout, stderr bytes.Buffer
			app.Stdout, app.Stderr = &stdout, &stderr
			err := app.Run()
			var exit *exec.ExitError
			require.ErrorAs(t, err, &exit, "stderr: %s", stderr.String())
			assert.Equal(t, 1, exit.ExitCode())
			assert.Contains(t, stderr.String(), "connectors: no display: run it in a desktop session, or under xvfb-run")
			assert.NotContains(t, stderr.String(), "goroutine", "no stack trace")
			assert.NotContains(t, stderr.String(), "panic")
		})
	}
	assert.False(t, noDisplay("darwin", func(string) string { return "" }), "macOS and Windows need no DISPLAY")
	assert.False(t, noDisplay("linux", func(k string) string { return map[string]string{"WAYLAND_DISPLAY": "wayland-0"}[k] }))
}
