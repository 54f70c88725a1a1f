package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/internal/version"
)

// --version names the build well enough for support: version, commit, Go.
func TestVersionFlagNamesCommitAndGo(t *testing.T) {
	c := newCLI(t)
	r := c.run("--version")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, version.Line("connectorctl")+"\n", r.stdout)

	r = c.run("diagnostics")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "connectorctl: "+version.Full())
}

// The release build stamps the version and commit with -ldflags -X (see the
// Makefile's STAMP): the variables it names exist and reach --version.
func TestVersionOfAStampedBuild(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ctl := filepath.Join(t.TempDir(), "connectorctl")
	const pkg = "github.com/connectors-app/connectors/internal/version"
	build := exec.CommandContext(ctx, "go", "build", "-o", ctl,
		"-ldflags", "-X "+pkg+".version=9.8.7-1-gfeedbee -X "+pkg+".commit=feedbee", ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))
	out, err = exec.CommandContext(ctx, ctl, "--version").Output()
	require.NoError(t, err)
	assert.Regexp(t, regexp.MustCompile(`^connectorctl 9\.8\.7-1-gfeedbee \(commit feedbee, go1\.\d+\S*, \w+/\w+\)\n$`), string(out))
}
