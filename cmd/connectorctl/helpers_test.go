package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/connector/tokenstore/storetest"
)

// cli drives connectorctl in-process with buffers, an isolated config
// folder, a private environment and an in-memory token store.
type cli struct {
	t      *testing.T
	dir    string
	env    map[string]string
	tokens tokenstore.Store
	in     io.Reader
	inTTY  bool
	outTTY bool
	errTTY bool
	now    time.Time
	// browser, when set, replaces the system browser.
	browser func(url string) error
	// errWatch, when set, sees stderr as it grows (while the command runs).
	errWatch func(stderrSoFar string)
	// notifyTimeout, when set, bounds a webhook post (fleet --notify).
	notifyTimeout time.Duration
	// version, updateState and spawn set the update notice's version,
	// state file and background check (a test's release build).
	version     string
	updateState string
	spawn       func() error
}

// watchedBuffer is a stderr buffer that reports its content on each write.
type watchedBuffer struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	watch func(string)
}

func (w *watchedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	n, err := w.buf.Write(p)
	s := w.buf.String()
	w.mu.Unlock()
	if w.watch != nil {
		w.watch(s)
	}
	return n, err
}

func (w *watchedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	return &cli{
		t:      t,
		dir:    t.TempDir(),
		env:    map[string]string{},
		tokens: storetest.Store(t),
		in:     strings.NewReader(""),
		now:    time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC),
	}
}

type result struct {
	code   int
	stdout string
	stderr string
}

func (c *cli) factory(out, errOut io.Writer) *factory {
	f := newFactory(&ioStreams{In: c.in, Out: out, ErrOut: errOut, InTTY: c.inTTY, OutTTY: c.outTTY, ErrTTY: c.errTTY})
	f.getenv = func(k string) string {
		if k == connector.ConfigDirEnv {
			if v, ok := c.env[k]; ok {
				return v
			}
			return c.dir
		}
		return c.env[k]
	}
	f.newTokens = func() tokenstore.Store { return c.tokens }
	f.now = func() time.Time { return c.now }
	f.openBrowser = c.browser
	f.notifyTimeout = c.notifyTimeout
	f.version, f.updateState, f.spawnUpdateCheck = c.version, c.updateState, c.spawn
	return f
}

func (c *cli) run(args ...string) result {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out bytes.Buffer
	errOut := &watchedBuffer{watch: c.errWatch}
	code := run(ctx, args, c.factory(&out, errOut))
	return result{code: code, stdout: out.String(), stderr: errOut.String()}
}

// registry opens the test's registry.
func (c *cli) registry() *connector.Registry {
	c.t.Helper()
	reg, err := connector.OpenRegistry(c.dir)
	require.NoError(c.t, err)
	return reg
}

// addConnector creates a connector as an authorization would leave it.
func (c *cli) addConnector(key string, org *connector.OrgInfo, edit func(*connector.Connector)) connector.Connector {
	c.t.Helper()
	k, err := connector.ParseKey(key)
	require.NoError(c.t, err)
	conn, err := c.registry().Upsert(k, func(cn *connector.Connector) error {
		cn.Org = org
		if edit != nil {
			edit(cn)
		}
		return nil
	})
	require.NoError(c.t, err)
	return conn
}

// jsonKeys decodes a JSON object and returns its keys.
func jsonKeys(t *testing.T, raw []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &m), "not a JSON object: %s", raw)
	return m
}

// requireKeys asserts the object has at least these keys (the stable field names).
func requireKeys(t *testing.T, m map[string]json.RawMessage, keys ...string) {
	t.Helper()
	for _, k := range keys {
		require.Contains(t, m, k, "JSON field %q missing", k)
	}
}

// tokenKeyIn is the keyring entry of connector key in the config folder dir
// (entries are keyed by the connector's stable ID, not its name).
func tokenKeyIn(t *testing.T, dir, key string) string {
	t.Helper()
	k, err := connector.ParseKey(key)
	require.NoError(t, err)
	reg, err := connector.OpenRegistry(dir)
	require.NoError(t, err)
	c, err := reg.Get(k)
	require.NoError(t, err)
	return c.TokenKey()
}
