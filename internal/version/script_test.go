package version

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptRepo is a scratch git repository with a copy of scripts/version and
// a FyneApp.toml, as the build sees them.
type scriptRepo struct {
	t   *testing.T
	dir string
}

const testToml = `Website = "https://example.test"

[Details]
Icon = "assets/icon.png"
Name = "Connectors"
Version = "0.4.0"
Build = 1

[Migrations]
fyneDo = true
`

func newScriptRepo(t *testing.T) *scriptRepo {
	t.Helper()
	r := &scriptRepo{t: t, dir: t.TempDir()}
	script, err := os.ReadFile(filepath.Join("..", "..", "scripts", "version"))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Join(r.dir, "scripts"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(r.dir, "scripts", "version"), script, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(r.dir, "FyneApp.toml"), []byte(testToml), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(r.dir, "main.go"), []byte("package main\n"), 0o644))
	r.git("init", "-q")
	r.git("add", ".")
	r.git("commit", "-q", "-m", "first")
	return r
}

func (r *scriptRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.test", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"}, args...)...)
	cmd.Dir = r.dir
	out, err := cmd.CombinedOutput()
	require.NoError(r.t, err, string(out))
	return strings.TrimSpace(string(out))
}

func (r *scriptRepo) run(what string) string {
	r.t.Helper()
	cmd := exec.Command(filepath.Join(r.dir, "scripts", "version"), what)
	cmd.Dir = r.dir
	out, err := cmd.Output()
	require.NoError(r.t, err)
	return strings.TrimSpace(string(out))
}

// The version follows git: FyneApp.toml's version without a tag, the tag on
// a tagged commit, git describe after it, "-dirty" for changes (but not for
// FyneApp.toml, which the build itself writes).
func TestScriptVersionFollowsGit(t *testing.T) {
	r := newScriptRepo(t)
	short := r.git("rev-parse", "--short=7", "HEAD")
	assert.Equal(t, "0.4.0-dev-g"+short, r.run("version"))
	assert.Equal(t, short, r.run("commit"))
	assert.Equal(t, "0.4.0", r.run("app"))
	assert.Equal(t, "1", r.run("build"))

	r.git("tag", "v1.2.3")
	assert.Equal(t, "1.2.3", r.run("version"))
	assert.Equal(t, "1.2.3", r.run("app"))

	require.NoError(t, os.WriteFile(filepath.Join(r.dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644))
	assert.Equal(t, "1.2.3-dirty", r.run("version"))
	r.git("commit", "-q", "-am", "second")
	short = r.git("rev-parse", "--short=7", "HEAD")
	assert.Equal(t, "1.2.3-1-g"+short, r.run("version"))
	assert.Equal(t, "1.2.3", r.run("app"))
	assert.Equal(t, "2", r.run("build"))

	r.run("sync")
	assert.Equal(t, "1.2.3-1-g"+short, r.run("version"), "the build's own FyneApp.toml edit is not a change")
}

// sync writes the version and build number into FyneApp.toml and leaves the
// rest of the file as it was.
func TestScriptSyncWritesFyneAppToml(t *testing.T) {
	r := newScriptRepo(t)
	r.git("tag", "v2.0.1")
	r.run("sync")
	got, err := os.ReadFile(filepath.Join(r.dir, "FyneApp.toml"))
	require.NoError(t, err)
	want := strings.Replace(testToml, `Version = "0.4.0"`, `Version = "2.0.1"`, 1)
	assert.Equal(t, want, string(got))
}
