package connector

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTestRegistry(t *testing.T) *Registry {
	t.Helper()
	r, err := OpenRegistry(t.TempDir())
	require.NoError(t, err)
	return r
}

func TestRegistryCRUD(t *testing.T) {
	r := newTestRegistry(t)
	k := Key{System: "Lightning", Environment: Sandbox}

	_, err := r.Get(k)
	require.Equal(t, CodeNotFound, AsProblem(err).Code)

	c, err := r.Upsert(k, func(c *Connector) error { c.ResourceName = "Res"; return nil })
	require.NoError(t, err)
	assert.Equal(t, "https://test.salesforce.com", c.LoginURL, "default login URL for the environment")
	assert.False(t, c.CreatedAt.IsZero())

	// case-insensitive system match: the same connector, never a second one
	c2, err := r.Upsert(Key{System: "LIGHTNING", Environment: Sandbox}, func(c *Connector) error {
		c.System = "renamed" // ignored: the key cannot change
		c.LoginURL = "https://acme--uat.sandbox.my.salesforce.com"
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, "Lightning", c2.System)
	assert.Equal(t, "Res", c2.ResourceName)
	assert.Equal(t, c.CreatedAt, c2.CreatedAt)

	_, err = r.Upsert(Key{System: "Lightning", Environment: Production}, nil)
	require.NoError(t, err)
	_, err = r.Upsert(Key{System: "Demo", Environment: Test}, nil)
	require.NoError(t, err)

	list, err := r.List()
	require.NoError(t, err)
	var keys []string
	for _, c := range list {
		keys = append(keys, c.Key().String())
	}
	assert.Equal(t, []string{"Demo/Test", "Lightning/Production", "Lightning/Sandbox"}, keys)

	got, err := r.Get(Key{System: "lightning", Environment: Sandbox})
	require.NoError(t, err)
	assert.Equal(t, "https://acme--uat.sandbox.my.salesforce.com", got.LoginURL)

	_, err = r.Update(Key{System: "Nope", Environment: Test}, nil)
	assert.Equal(t, CodeNotFound, AsProblem(err).Code, "Update never creates")

	require.NoError(t, r.Delete(Key{System: "demo", Environment: Test}))
	assert.Equal(t, CodeNotFound, AsProblem(r.Delete(Key{System: "demo", Environment: Test})).Code)

	// the file is versioned JSON and a reopened registry sees the same
	b, err := os.ReadFile(r.Path())
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.EqualValues(t, RegistryVersion, doc["version"])
	r2, err := OpenRegistry(r.Dir())
	require.NoError(t, err)
	list2, err := r2.List()
	require.NoError(t, err)
	assert.Len(t, list2, 2)

	// a .bak of the previous version is kept
	_, err = os.Stat(r.Path() + ".bak")
	assert.NoError(t, err)
	if fi, err := os.Stat(r.Path()); assert.NoError(t, err) {
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
}

func TestRegistryRejectsBadKeys(t *testing.T) {
	r := newTestRegistry(t)
	for _, k := range []Key{
		{System: "", Environment: Sandbox},
		{System: "a/b", Environment: Sandbox},
		{System: strings.Repeat("x", 41), Environment: Sandbox},
		{System: "ok", Environment: "staging"},
		{System: "ok", Environment: "Sandbox"},
	} {
		_, err := r.Upsert(k, nil)
		assert.Equal(t, CodeInvalidKey, AsProblem(err).Code, "%+v", k)
	}
}

func TestRegistryCorruptAndFutureFiles(t *testing.T) {
	tests := []struct {
		name, content, code, want string
	}{
		{"garbage", "{not json", CodeConfigCorrupt, "damaged"},
		{"empty", "", CodeConfigCorrupt, "damaged"},
		{"no version", `{"connectors":[]}`, CodeConfigCorrupt, "no version"},
		{"bad connector", `{"version":1,"connectors":[{"system":"","environment":"sandbox"}]}`, CodeConfigCorrupt, "bad connector"},
		{"future", `{"version":7,"connectors":[]}`, CodeConfigTooNew, "newer version of Connectors (format 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, RegistryFileName)
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			r, err := OpenRegistry(dir)
			require.NoError(t, err, "opens, so doctor and diagnostics still run")
			_, err = r.List()
			p := AsProblem(err)
			require.NotNil(t, p)
			assert.Equal(t, tt.code, p.Code)
			assert.Contains(t, p.Message, tt.want)
			assert.Contains(t, p.Message, path, "names the file")
			assert.NotEmpty(t, p.Fix)

			// a writer refuses too and leaves the file untouched
			_, err = r.Get(Key{System: "X", Environment: Test})
			assert.Equal(t, tt.code, AsProblem(err).Code)
			_, err = r.Upsert(Key{System: "X", Environment: Test}, nil)
			assert.Equal(t, tt.code, AsProblem(err).Code)
			b, _ := os.ReadFile(path)
			assert.Equal(t, tt.content, string(b))
		})
	}
}

func TestDefaultConfigDir(t *testing.T) {
	d := t.TempDir()
	t.Setenv(ConfigDirEnv, d)
	got, err := DefaultConfigDir()
	require.NoError(t, err)
	assert.Equal(t, d, got)

	t.Setenv(ConfigDirEnv, "")
	t.Setenv("XDG_CONFIG_HOME", d)
	t.Setenv("HOME", d)
	got, err = DefaultConfigDir()
	require.NoError(t, err)
	assert.Equal(t, "connectors", filepath.Base(got))
}

// TestRegistryConcurrentWriters: goroutines with separate Registry values
// (like two processes) never lose an update.
func TestRegistryConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r, err := OpenRegistry(dir)
			require.NoError(t, err)
			_, err = r.Upsert(Key{System: fmt.Sprintf("S%02d", i), Environment: Sandbox}, nil)
			require.NoError(t, err)
		})
	}
	wg.Wait()
	r, err := OpenRegistry(dir)
	require.NoError(t, err)
	list, err := r.List()
	require.NoError(t, err)
	assert.Len(t, list, n)
}

// TestRegistryCrossProcess runs writers in child processes at the same time.
func TestRegistryCrossProcess(t *testing.T) {
	if dir := os.Getenv("REGISTRY_CHILD_DIR"); dir != "" {
		r, err := OpenRegistry(dir)
		if err != nil {
			os.Exit(3)
		}
		for i := range 10 {
			if _, err := r.Upsert(Key{System: os.Getenv("REGISTRY_CHILD_NAME") + fmt.Sprint(i), Environment: Test}, nil); err != nil {
				os.Exit(4)
			}
		}
		return
	}
	dir := t.TempDir()
	var cmds []*exec.Cmd
	for _, name := range []string{"a", "b", "c"} {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestRegistryCrossProcess$")
		cmd.Env = append(os.Environ(), "REGISTRY_CHILD_DIR="+dir, "REGISTRY_CHILD_NAME="+name)
		require.NoError(t, cmd.Start())
		cmds = append(cmds, cmd)
	}
	for _, c := range cmds {
		require.NoError(t, c.Wait())
	}
	r, err := OpenRegistry(dir)
	require.NoError(t, err)
	list, err := r.List()
	require.NoError(t, err)
	assert.Len(t, list, 30)
}
