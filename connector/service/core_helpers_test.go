package service

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// coreEnv is a simulated org, a free callback port registered with it, and
// a Service on a fresh config dir whose "browser" is org.PlayUser.
type coreEnv struct {
	t      *testing.T
	ctx    context.Context
	org    *sfsim.Org
	orgs   []*sfsim.Org // org and any added with addOrg
	svc    *Service
	store  tokenstore.Store
	port   int
	logs   *syncBuffer
	allow  bool
	follow bool // hit the loopback redirect (false: the test pastes it)

	mu        sync.Mutex
	redirects []string
	playErrs  []error
}

func freePort(t *testing.T) int {
	t.Helper()
	return mustFreePort(t)
}

// mustFreePort picks a free loopback port (bound, then released).
func mustFreePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(tb, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(tb, ln.Close())
	return port
}

func newCoreEnv(t *testing.T, opts sfsim.Options) *coreEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	if opts.Callbacks == nil {
		opts.Callbacks = map[string][]string{"PlatformCLI": {}}
	}
	org, err := sfsim.Start(opts)
	require.NoError(t, err)
	t.Cleanup(func() { org.Close() })
	e := &coreEnv{t: t, ctx: ctx, org: org, orgs: []*sfsim.Org{org}, port: freePort(t), logs: &syncBuffer{}, allow: true, follow: true}
	org.RegisterCallback(connector.DefaultClientID, e.redirectURI())
	e.store = testTokenStore(t)
	e.svc = e.newService(t.TempDir(), e.store)
	return e
}

// addOrg starts another simulated org that accepts the env's callback.
func (e *coreEnv) addOrg(opts sfsim.Options) *sfsim.Org {
	e.t.Helper()
	if opts.Callbacks == nil {
		opts.Callbacks = map[string][]string{connector.DefaultClientID: {e.redirectURI()}}
	}
	org, err := sfsim.Start(opts)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { org.Close() })
	e.mu.Lock()
	e.orgs = append(e.orgs, org)
	e.mu.Unlock()
	return org
}

func (e *coreEnv) redirectURI() string {
	return fmt.Sprintf("http://localhost:%d%s", e.port, connector.CallbackPath)
}

// newService builds a Service on dir sharing the env's org, browser and logs.
func (e *coreEnv) newService(dir string, store tokenstore.Store) *Service {
	svc, err := NewService(dir, store)
	require.NoError(e.t, err)
	svc.Logger = slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	svc.OpenBrowser = e.browser
	return svc
}

// browser plays the user in the simulated org and follows the redirect to
// our loopback server, like a real browser.
func (e *coreEnv) browser(u string) error {
	go func() {
		org := e.org
		e.mu.Lock()
		for _, o := range e.orgs {
			if strings.HasPrefix(u, o.LoginURL()+"/") {
				org = o
			}
		}
		e.mu.Unlock()
		redirect, err := org.PlayUser(e.ctx, u, e.allow)
		e.mu.Lock()
		e.redirects = append(e.redirects, redirect)
		e.playErrs = append(e.playErrs, err)
		follow := e.follow
		e.mu.Unlock()
		if err != nil || !follow {
			return
		}
		req, _ := http.NewRequestWithContext(e.ctx, http.MethodGet, redirect, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	return nil
}

// waitRedirect waits for the scripted user to finish and returns its redirect.
func (e *coreEnv) waitRedirect() (string, error) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		e.mu.Lock()
		if len(e.redirects) > 0 {
			r, err := e.redirects[len(e.redirects)-1], e.playErrs[len(e.playErrs)-1]
			e.mu.Unlock()
			return r, err
		}
		e.mu.Unlock()
		select {
		case <-e.ctx.Done():
			return "", e.ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("the scripted user never finished")
}

func (e *coreEnv) opts() auth.AuthorizeOptions {
	return auth.AuthorizeOptions{LoginURL: e.org.LoginURL(), Ports: []int{e.port}, Timeout: 10 * time.Second}
}

// authorize runs a full authorization of k on the env's service.
func (e *coreEnv) authorize(k connector.Key) (*auth.AuthorizeResult, error) {
	return e.authorizeWith(e.svc, k, e.opts())
}

func (e *coreEnv) authorizeWith(svc *Service, k connector.Key, opts auth.AuthorizeOptions) (*auth.AuthorizeResult, error) {
	var shown string
	res, err := svc.Authorize(e.ctx, k, opts, func(u string) { shown = u })
	if err == nil {
		require.NotEmpty(e.t, shown, "the URL is always reported")
	}
	return res, err
}

// mustAuthorize authorizes k and returns the stored tokens.
func (e *coreEnv) mustAuthorize(k connector.Key) *tokenstore.Tokens {
	e.t.Helper()
	res, err := e.authorize(k)
	require.NoError(e.t, err)
	require.Nil(e.t, res.Problem)
	tok, err := e.storedTokens(k)
	require.NoError(e.t, err)
	return tok
}

// countRequests counts logged requests whose path has the prefix.
func (e *coreEnv) countRequests(pathPrefix string) int {
	n := 0
	for _, r := range e.org.Requests() {
		if strings.HasPrefix(r.Path, pathPrefix) {
			n++
		}
	}
	return n
}

// tamperTokenRequests rewrites form fields of authorization_code grants.
func (e *coreEnv) tamperTokenRequests(field, value string) {
	e.org.OnRequest(func(r *http.Request) {
		if r.URL.Path != "/services/oauth2/token" || r.Body == nil {
			return
		}
		b, _ := io.ReadAll(r.Body)
		form, _ := url.ParseQuery(string(b))
		if form.Get("grant_type") == "authorization_code" {
			form.Set(field, value)
		}
		enc := form.Encode()
		r.Body = io.NopCloser(strings.NewReader(enc))
		r.ContentLength = int64(len(enc))
	})
}

var (
	sbKey   = connector.Key{System: "Lightning", Environment: connector.Sandbox}
	prodKey = connector.Key{System: "Lightning", Environment: connector.Production}
)

// walkFiles calls fn with the content of every regular file under dir.
func walkFiles(dir string, fn func(path string, data []byte)) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fn(path, data)
		return nil
	})
}

var tokenstoreUnavailable = tokenstore.UnavailableError{Op: "probe", Reason: "No Secret Service keyring is running on D-Bus.", Fix: "Start gnome-keyring."}

func itoa(i int) string { return fmt.Sprint(i) }

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

// listenOn holds a TCP port on 127.0.0.1 until closed.
func listenOn(t *testing.T, port int) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	require.NoError(t, err)
	return ln
}

// storedTokens loads the tokens of connector k from e.store by the
// connector's own token key. When k does not exist, it is ErrNotFound only
// if the store holds no entry at all (nothing was left behind).
func (e *coreEnv) storedTokens(k connector.Key) (*tokenstore.Tokens, error) {
	return storedTokensIn(e.t, e.svc.Registry, e.store, k)
}

func storedTokensIn(t testing.TB, reg *connector.Registry, store tokenstore.Store, k connector.Key) (*tokenstore.Tokens, error) {
	t.Helper()
	c, err := reg.Get(k)
	if err != nil {
		require.Equal(t, connector.CodeNotFound, connector.AsProblem(err).Code)
		if m, ok := store.(*tokenstore.Memory); ok {
			require.Empty(t, m.Keys(), "no connector %s, yet tokens are stored", k)
		}
		return nil, tokenstore.ErrNotFound
	}
	return store.Load(c.TokenKey())
}

// backupDir is the backup folder of connector k's resource.
func (s *Service) backupDir(k connector.Key, resource string) (string, error) {
	c, err := s.Registry.Get(k)
	if err != nil {
		return "", err
	}
	st, err := s.BackupStore(c, resource, false)
	if err != nil {
		return "", err
	}
	return st.Dir, nil
}
