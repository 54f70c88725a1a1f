package service

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/publish"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

var (
	jwtPairOnce          sync.Once
	jwtKeyPEM, jwtCertPM []byte
)

// testKeyPair is one generated key pair for the package's tests.
func testKeyPair(tb testing.TB) (keyPEM, certPEM []byte) {
	tb.Helper()
	jwtPairOnce.Do(func() {
		var err error
		jwtKeyPEM, jwtCertPM, err = oauth.NewKeyPair("connectors-ci", time.Hour)
		require.NoError(tb, err)
	})
	return jwtKeyPEM, jwtCertPM
}

// noKeyring is a token store that fails the test on any use: headless
// connectors must never reach the keyring.
type noKeyring struct {
	mu    sync.Mutex
	calls []string
}

func (n *noKeyring) use(op string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.calls = append(n.calls, op)
	return errors.New("keyring used")
}

func (n *noKeyring) Load(string) (*tokenstore.Tokens, error) { return nil, n.use("Load") }

func (n *noKeyring) Save(string, *tokenstore.Tokens) error { return n.use("Save") }

func (n *noKeyring) Delete(string) error { return n.use("Delete") }

func (n *noKeyring) DeleteAll() error { return n.use("DeleteAll") }

func (n *noKeyring) Backend() string { return "none" }

func (n *noKeyring) Calls() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.calls...)
}

type headlessEnv struct {
	org  *sfsim.Org
	svc  *Service
	keys *noKeyring
	logs *syncBuffer
	env  map[string]string
}

func newHeadlessEnv(t *testing.T, opts sfsim.Options) *headlessEnv {
	t.Helper()
	keyPEM, certPEM := testKeyPair(t)
	if opts.Username == "" {
		opts.Username = "ci@acme.example"
	}
	org := startTestOrg(t, opts)
	require.NoError(t, org.RegisterJWTClient("CIApp", certPEM))
	keys := &noKeyring{}
	svc, err := NewService(t.TempDir(), keys)
	require.NoError(t, err)
	logs := &syncBuffer{}
	svc.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env := map[string]string{connector.JWTKeyEnv: string(keyPEM)}
	svc.Getenv = func(k string) string { return env[k] }
	svc.AllowLoginHosts = simHosts(org)
	return &headlessEnv{org: org, svc: svc, keys: keys, logs: logs, env: env}
}

// simHosts are the simulated org's login and instance hosts, as
// --allow-login-host names them (HOST:PORT).
func simHosts(org *sfsim.Org) []string {
	var out []string
	for _, raw := range []string{org.LoginURL(), org.InstanceURL()} {
		u, err := url.Parse(raw)
		if err == nil {
			out = append(out, u.Host)
		}
	}
	return out
}

func (h *headlessEnv) jwtOpts() auth.HeadlessOptions {
	return auth.HeadlessOptions{Method: connector.AuthJWT, LoginURL: h.org.LoginURL(), ClientID: "CIApp", Username: "ci@acme.example"}
}

func TestAuthorizeJWTRecordsTheConnectorAndNeverTouchesTheKeyring(t *testing.T) {
	h := newHeadlessEnv(t, sfsim.Options{Sandbox: true, OrgName: "Acme UAT"})
	k := connector.Key{System: "Acme", Environment: connector.Sandbox}
	res, err := h.svc.AuthorizeHeadless(testCtx(t), k, h.jwtOpts())
	require.NoError(t, err)
	assert.Equal(t, connector.StateConnected, res.Status.State)
	assert.Equal(t, connector.SourceJWT, res.Status.CredentialSource)
	assert.True(t, res.Permissions.APIEnabled && res.Permissions.CustomizeApplication)

	c, err := h.svc.Registry.Get(k)
	require.NoError(t, err)
	assert.Equal(t, connector.AuthJWT, c.AuthMethod)
	assert.Equal(t, "CIApp", c.ClientID)
	assert.Equal(t, "ci@acme.example", c.Username)
	require.NotNil(t, c.Org)
	assert.Equal(t, h.org.OrgID(), c.Org.OrgID)
	assert.True(t, c.Org.IsSandbox)

	// The sandbox's aud was its login host (a loopback sim), a sandbox slot.
	assert.Equal(t, h.org.LoginURL(), c.JWTAudience())

	// Publish, then the session dies: a new assertion is signed, no refresh token needed.
	b := versionBundle(t, 1)
	r := h.svc.Publish(testCtx(t), k, b, publish.PublishOptions{})
	require.Nil(t, r.Problem)
	assert.Equal(t, publish.OutcomeCreated, r.Outcome)
	h.org.ExpireSessions()
	st := h.svc.Status(testCtx(t), k)
	assert.Equal(t, connector.StateConnected, st.State, st.Message)
	assert.Equal(t, connector.SourceJWT, st.CredentialSource)
	grants := 0
	for _, q := range h.org.Requests() {
		if q.Path == "/services/oauth2/token" {
			grants++
		}
	}
	assert.Equal(t, 2, grants, "one grant at authorization, one after the session died")

	assert.Empty(t, h.keys.Calls(), "the keyring was never asked")
	// Nothing secret in the config folder or the log.
	keyPEM, _ := testKeyPair(t)
	require.NoError(t, filepath.WalkDir(h.svc.Registry.Dir(), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.NotContains(t, string(data), "!AQ", p)
		assert.False(t, bytes.Contains(data, keyPEM[30:90]), p)
		return nil
	}))
	assert.NotContains(t, h.logs.String(), "!AQ")
	assert.NotContains(t, h.logs.String(), "PRIVATE KEY")
}

func TestHeadlessErrorsSayWhatToFix(t *testing.T) {
	h := newHeadlessEnv(t, sfsim.Options{})
	k := connector.Key{System: "Acme", Environment: connector.Production}
	_, otherCert, err := oauth.NewKeyPair("other", time.Hour)
	require.NoError(t, err)
	tests := []struct {
		name  string
		setup func(o *auth.HeadlessOptions)
		code  string
		fix   string
	}{
		{"consumer not approved", func(*auth.HeadlessOptions) { h.org.SetConsumerApproved("CIApp", false) }, connector.CodeConsumerNotApproved, "pre-authorized"},
		{"wrong audience", func(o *auth.HeadlessOptions) { o.Audience = "https://test.salesforce.com" }, connector.CodeJWTAudience, "https://login.salesforce.com"},
		{"unknown client", func(o *auth.HeadlessOptions) { o.ClientID = "Nope" }, connector.CodeInvalidClient, "consumer key"},
		{"wrong certificate", func(*auth.HeadlessOptions) { require.NoError(t, h.org.RegisterJWTClient("CIApp", otherCert)) }, connector.CodeInvalidAssertion, "certificate"},
		{"no key", func(*auth.HeadlessOptions) { delete(h.env, connector.JWTKeyEnv) }, connector.CodeJWTKey, connector.JWTKeyEnv},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keyPEM, certPEM := testKeyPair(t)
			h.env[connector.JWTKeyEnv] = string(keyPEM)
			h.svc.ForgetJWTKey()
			require.NoError(t, h.org.RegisterJWTClient("CIApp", certPEM))
			opts := h.jwtOpts()
			tt.setup(&opts)
			_, err := h.svc.AuthorizeHeadless(testCtx(t), k, opts)
			p := connector.AsProblem(err)
			require.NotNil(t, p)
			assert.Equal(t, tt.code, p.Code, p.Error())
			assert.Contains(t, p.Fix, tt.fix)
			_, gerr := h.svc.Registry.Get(k)
			assert.Equal(t, connector.CodeNotFound, connector.AsProblem(gerr).Code, "a refused grant records nothing")
		})
	}
	assert.Empty(t, h.keys.Calls())
}

func TestClientCredentialsNeedsMyDomainAndTheSecretFromTheEnvironment(t *testing.T) {
	h := newHeadlessEnv(t, sfsim.Options{})
	h.org.EnableClientCredentials("CCApp", "s3cret-value")
	k := connector.Key{System: "Acme", Environment: connector.Production}
	opts := auth.HeadlessOptions{Method: connector.AuthClientCredentials, ClientID: "CCApp", LoginURL: "https://login.salesforce.com"}

	_, err := h.svc.AuthorizeHeadless(testCtx(t), k, opts)
	assert.Equal(t, connector.CodeNeedsMyDomain, connector.AsProblem(err).Code)
	assert.Contains(t, connector.AsProblem(err).Fix, "My Domain")

	opts.LoginURL = h.org.InstanceURL()
	_, err = h.svc.AuthorizeHeadless(testCtx(t), k, opts)
	assert.Equal(t, connector.CodeClientSecret, connector.AsProblem(err).Code)
	assert.Contains(t, connector.AsProblem(err).Fix, connector.ClientSecretEnv)

	h.env[connector.ClientSecretEnv] = "wrong"
	_, err = h.svc.AuthorizeHeadless(testCtx(t), k, opts)
	assert.Equal(t, connector.CodeInvalidClient, connector.AsProblem(err).Code)

	// The simulated login host plays login.salesforce.com: Salesforce's own refusal.
	h.env[connector.ClientSecretEnv] = "s3cret-value"
	opts.LoginURL = h.org.LoginURL()
	_, err = h.svc.AuthorizeHeadless(testCtx(t), k, opts)
	assert.Equal(t, connector.CodeNeedsMyDomain, connector.AsProblem(err).Code)

	opts.LoginURL = h.org.InstanceURL()
	res, err := h.svc.AuthorizeHeadless(testCtx(t), k, opts)
	require.NoError(t, err)
	assert.Equal(t, connector.SourceClientCredentials, res.Status.CredentialSource)
	c, _ := h.svc.Registry.Get(k)
	assert.Equal(t, connector.AuthClientCredentials, c.AuthMethod)
	assert.Empty(t, h.keys.Calls())
	assert.NotContains(t, h.logs.String(), "s3cret-value")
	data, err := os.ReadFile(h.svc.Registry.Path())
	require.NoError(t, err)
	assert.NotContains(t, string(data), "s3cret-value")
}

func TestExportImportRoundTripAndBudgetSkip(t *testing.T) {
	h := newHeadlessEnv(t, sfsim.Options{APIUsageMax: 5000})
	k := connector.Key{System: "Acme", Environment: connector.Production}
	_, err := h.svc.AuthorizeHeadless(testCtx(t), k, h.jwtOpts())
	require.NoError(t, err)
	list, err := h.svc.Registry.List()
	require.NoError(t, err)
	f := connector.Export(list)
	raw, err := json.Marshal(f)
	require.NoError(t, err)
	for _, w := range []string{`"authMethod":"jwt"`, `"clientId":"CIApp"`, `"username":"ci@acme.example"`, `"orgKind":"production"`, `"orgId":"` + h.org.OrgID() + `"`, `"resourceName":"WalkMe_Content"`} {
		assert.Contains(t, string(raw), w)
	}
	assert.NotContains(t, string(raw), "!AQ")

	// A fresh service from the file alone (another process in CI).
	got, err := connector.ReadExport(bytes.NewReader(raw), "connectors.json")
	require.NoError(t, err)
	svc2, err := NewService(t.TempDir(), h.keys)
	require.NoError(t, err)
	svc2.Getenv = h.svc.Getenv
	svc2.AllowLoginHosts = h.svc.AllowLoginHosts
	require.NoError(t, svc2.Registry.Import(got))

	h.org.SetAPIUsage(4800) // 200 left
	r := svc2.Publish(testCtx(t), k, versionBundle(t, 1), publish.PublishOptions{ConfirmProduction: true, APIReserve: 500})
	assert.Equal(t, publish.OutcomeSkipped, r.Outcome)
	assert.Equal(t, connector.CodeAPIBudget, r.ErrorCode)
	assert.Contains(t, r.Problem.Message, "leaving 199")
	assert.Empty(t, resourcesNamed(h.org, "WalkMe_Content"))

	r = svc2.Publish(testCtx(t), k, versionBundle(t, 1), publish.PublishOptions{ConfirmProduction: true, APIReserve: 100})
	require.Nil(t, r.Problem)
	assert.Equal(t, publish.OutcomeCreated, r.Outcome)
	assert.Empty(t, h.keys.Calls())

	// A file for another org: the minted token is refused, nothing is written.
	other := *got
	other.Connectors = append([]connector.ExportConnector(nil), got.Connectors...)
	other.Connectors[0].OrgID = "00D000000000001AAA"
	svc3, err := NewService(t.TempDir(), h.keys)
	require.NoError(t, err)
	svc3.Getenv = h.svc.Getenv
	svc3.AllowLoginHosts = h.svc.AllowLoginHosts
	require.NoError(t, svc3.Registry.Import(&other))
	r = svc3.Publish(testCtx(t), k, versionBundle(t, 2), publish.PublishOptions{ConfirmProduction: true})
	assert.Equal(t, connector.CodeWrongOrg, r.ErrorCode)

	_, err = connector.ReadExport(strings.NewReader(`{"version":1,"connectors":[{"system":"A","environment":"prod","authMethod":"jwt"}]}`), "x.json")
	assert.Equal(t, connector.CodeConnectorsFile, connector.AsProblem(err).Code)
	_, err = connector.ReadExport(strings.NewReader(`{"version":1,"token":"x"}`), "x.json")
	assert.Equal(t, connector.CodeConnectorsFile, connector.AsProblem(err).Code)
}

// resourcesNamed lists the org's resources of that name.
func resourcesNamed(org *sfsim.Org, name string) []sfsim.Resource {
	var out []sfsim.Resource
	if r := org.Resource(name); r != nil {
		out = append(out, *r)
	}
	return out
}

func TestJWTAudienceRule(t *testing.T) {
	sandboxOrg := &connector.OrgInfo{OrgID: "00D5g0000000001AAA", IsSandbox: true}
	tests := []struct {
		login string
		env   connector.Environment
		org   *connector.OrgInfo
		want  string
	}{
		{"https://login.salesforce.com", connector.Production, nil, "https://login.salesforce.com"},
		{"https://test.salesforce.com", connector.Sandbox, nil, "https://test.salesforce.com"},
		{"https://acme.my.salesforce.com", connector.Production, nil, "https://login.salesforce.com"},
		{"https://acme--uat.sandbox.my.salesforce.com", connector.Sandbox, nil, "https://test.salesforce.com"},
		{"https://acme.my.salesforce.com", connector.Test, sandboxOrg, "https://test.salesforce.com"},
		{"https://acme.my.salesforce.com", connector.Sandbox, &connector.OrgInfo{OrgID: "00D5g0000000001AAA"}, "https://login.salesforce.com"}, // a production org in a sandbox slot
		{"http://localhost:4321", connector.Sandbox, nil, "http://localhost:4321"},
	}
	for _, tt := range tests {
		c := connector.Connector{LoginURL: tt.login, Environment: tt.env, Org: tt.org}
		assert.Equal(t, tt.want, c.JWTAudience(), "%s %s", tt.login, tt.env)
	}
	c := connector.Connector{LoginURL: "https://acme.my.salesforce.com", Environment: connector.Production, Audience: "https://acme.my.site.com"}
	assert.Equal(t, "https://acme.my.site.com", c.JWTAudience())
}

// authorize --jwt checks the environment and both permissions by the same
// rules as a browser authorization.
func TestAuthorizeJWTChecksEnvironmentAndPermissions(t *testing.T) {
	h := newHeadlessEnv(t, sfsim.Options{Sandbox: false, OrgName: "Acme"})
	k := connector.Key{System: "Acme", Environment: connector.Sandbox}
	opts := h.jwtOpts()
	_, err := h.svc.AuthorizeHeadless(testCtx(t), k, opts)
	assert.Equal(t, connector.CodeEnvMismatch, connector.AsProblem(err).Code, "a production org in a sandbox slot")
	_, gerr := h.svc.Registry.Get(k)
	assert.Equal(t, connector.CodeNotFound, connector.AsProblem(gerr).Code)

	h.org.SetCustomizeApplication(false)
	kp := connector.Key{System: "Acme", Environment: connector.Production}
	res, err := h.svc.AuthorizeHeadless(testCtx(t), kp, opts)
	require.NoError(t, err)
	require.NotNil(t, res.Problem)
	assert.Equal(t, connector.CodePermissionMissing, res.Problem.Code)
	assert.Equal(t, connector.StatePermissionMissing, res.Status.State)
	c, err := h.svc.Registry.Get(kp)
	require.NoError(t, err)
	assert.Equal(t, connector.AuthJWT, c.AuthMethod, "recorded: authorized, but cannot publish yet")

	// Disconnect forgets the org without the keyring.
	_, err = h.svc.Disconnect(testCtx(t), kp)
	require.NoError(t, err)
	c, _ = h.svc.Registry.Get(kp)
	assert.Nil(t, c.Org)
	assert.Equal(t, connector.StateNotAuthorized, h.svc.Status(testCtx(t), kp).State)
	assert.Empty(t, h.keys.Calls())
}
