package service

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/auth"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

func TestAuthorizeSuccess(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true, OrgName: "Acme UAT"})
	res, err := e.authorizeWith(e.svc, sbKey, auth.AuthorizeOptions{
		LoginURL: e.org.LoginURL() + "/some/setup/page?x=1", Ports: []int{e.port}, ResourceName: "My_Res", Timeout: 10 * time.Second,
	})
	require.NoError(t, err)
	require.Nil(t, res.Problem)
	assert.False(t, res.OrgChanged)
	assert.Equal(t, fmt.Sprintf("Lightning/Sandbox is authorized for %q (%s) as %s.", "Acme UAT", e.org.OrgID(), e.org.Username()), res.Message)
	assert.Equal(t, connector.Permissions{APIEnabled: true, CustomizeApplication: true, Checked: true, CustomizeApplicationChecked: true}, res.Permissions)

	c := res.Connector
	assert.Equal(t, e.org.LoginURL(), c.LoginURL, "normalised login URL stored")
	assert.Equal(t, "My_Res", c.ResourceName)
	assert.Equal(t, []int{e.port}, c.CallbackPorts)
	require.NotNil(t, c.Org)
	assert.Equal(t, e.org.OrgID(), c.Org.OrgID)
	assert.Equal(t, "Acme UAT", c.Org.OrgName)
	assert.Equal(t, e.org.Username(), c.Org.Username)
	assert.Equal(t, e.org.UserID(), c.Org.UserID)
	assert.Equal(t, e.org.InstanceURL(), c.Org.InstanceURL)
	assert.True(t, c.Org.IsSandbox)
	assert.False(t, c.NeedsReauth)
	assert.Equal(t, connector.StateConnected, c.LastState)

	tok, err := e.store.Load(c.TokenKey())
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(tok.AccessToken, e.org.OrgID()[:15]+"!"))
	assert.NotEmpty(t, tok.RefreshToken)
	assert.Equal(t, e.org.InstanceURL(), tok.InstanceURL)

	// never a secret in the config dir or the logs
	assertNoSecrets(t, e.svc.Registry.Dir(), e.logs.String(), tok.AccessToken, tok.RefreshToken)

	// a case-insensitive key reaches the same connector and keyring entry
	client, conn, err := e.svc.Session(e.ctx, connector.Key{System: "LIGHTNING", Environment: connector.Sandbox})
	require.NoError(t, err)
	assert.Equal(t, "Lightning", conn.System)
	org, err := client.Organization(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, e.org.OrgID(), org.ID)
}

// assertNoSecrets greps every file under dir and the log text for the secrets.
func assertNoSecrets(t *testing.T, dir, logs string, secrets ...string) {
	t.Helper()
	files := 0
	err := walkFiles(dir, func(path string, data []byte) {
		files++
		for _, s := range secrets {
			require.NotEmpty(t, s)
			assert.NotContains(t, string(data), s, "secret found in %s", path)
		}
	})
	require.NoError(t, err)
	assert.Positive(t, files, "the config dir has files to check")
	for _, s := range secrets {
		assert.NotContains(t, logs, s, "secret found in the log")
	}
}

func TestAuthorizeDenied(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.allow = false
	_, err := e.authorize(sbKey)
	p := connector.AsProblem(err)
	assert.Equal(t, connector.CodeAccessDenied, p.Code)
	assert.Contains(t, p.Fix, "Allow")
	_, err = e.storedTokens(sbKey)
	assert.ErrorIs(t, err, tokenstore.ErrNotFound)
}

func TestAuthorizeStateMismatchOnLoopback(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.follow = false
	opts := e.opts()
	opts.Timeout = 1500 * time.Millisecond
	f, err := e.svc.StartAuthorize(e.ctx, sbKey, opts)
	require.NoError(t, err)
	require.NoError(t, e.svc.OpenBrowser(f.URL()))
	redirect, err := e.waitRedirect()
	require.NoError(t, err)
	forged := strings.Replace(redirect, "state=", "state=forged", 1)

	// pasted: refused at once, the flow keeps waiting
	p := connector.AsProblem(f.SubmitCallbackURL(forged))
	assert.Equal(t, connector.CodeStateMismatch, p.Code)

	// delivered to the loopback server: ignored, and the flow ends in a state mismatch
	req, _ := http.NewRequestWithContext(e.ctx, http.MethodGet, forged, nil)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	_, err = f.Wait(e.ctx)
	assert.Equal(t, connector.CodeStateMismatch, connector.AsProblem(err).Code)
	_, err = e.storedTokens(sbKey)
	assert.ErrorIs(t, err, tokenstore.ErrNotFound)
}

func TestAuthorizeWrongVerifier(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.tamperTokenRequests("code_verifier", strings.Repeat("x", 43))
	_, err := e.authorize(sbKey)
	p := connector.AsProblem(err)
	assert.Equal(t, connector.CodeTokenExchange, p.Code)
	assert.Contains(t, p.Message, "invalid code verifier")
	_, err = e.storedTokens(sbKey)
	assert.ErrorIs(t, err, tokenstore.ErrNotFound)
}

func TestAuthorizeRedirectMismatch(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	other := freePort(t) // not registered with the org
	opts := e.opts()
	opts.Ports = []int{other}
	opts.Timeout = 5 * time.Second
	f, err := e.svc.StartAuthorize(e.ctx, sbKey, opts)
	require.NoError(t, err)
	require.NoError(t, e.svc.OpenBrowser(f.URL()))
	_, playErr := e.waitRedirect()
	require.Error(t, playErr)
	assert.Contains(t, playErr.Error(), "redirect_uri_mismatch", "Salesforce shows its error page")

	// the user pastes the error page's address: the flow ends with the explanation
	page := e.org.LoginURL() + "/setup/secur/RemoteAccessErrorPage.apexp?error=redirect_uri_mismatch&error_description=redirect_uri+must+match+configuration"
	p := connector.AsProblem(f.SubmitCallbackURL(page))
	want := fmt.Sprintf("http://localhost:%d/OauthRedirect", other)
	assert.Equal(t, connector.CodeRedirectMismatch, p.Code)
	assert.Contains(t, p.Message, "the callback URL "+want+" is not registered in the External Client App")
	assert.Contains(t, p.Fix, "Callback URL")
	assert.Contains(t, p.Fix, "another client ID")
	_, err = f.Wait(e.ctx)
	assert.Equal(t, connector.CodeRedirectMismatch, connector.AsProblem(err).Code)
}

func TestAuthorizePortTaken(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", e.port))
	require.NoError(t, err)
	defer ln.Close()
	srv := &http.Server{Handler: http.NotFoundHandler(), ReadHeaderTimeout: time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	_, err = e.authorize(sbKey)
	p := connector.AsProblem(err)
	assert.Equal(t, connector.CodePortInUse, p.Code)
	assert.Contains(t, p.Message, fmt.Sprintf("port %d", e.port))
	assert.Contains(t, p.Fix, "callback port")
}

func TestAuthorizeTimeoutAndCancel(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.svc.OpenBrowser = func(string) error { return nil } // the browser never comes back
	opts := e.opts()
	opts.Timeout = 200 * time.Millisecond
	_, err := e.authorizeWith(e.svc, sbKey, opts)
	assert.Equal(t, connector.CodeTimeout, connector.AsProblem(err).Code)

	// the caller's context bounds the wait too
	ctx, cancel := context.WithTimeout(e.ctx, 200*time.Millisecond)
	defer cancel()
	_, err = e.svc.Authorize(ctx, sbKey, e.opts(), nil)
	assert.Equal(t, connector.CodeTimeout, connector.AsProblem(err).Code)

	f, err := e.svc.StartAuthorize(e.ctx, sbKey, e.opts())
	require.NoError(t, err)
	f.Cancel()
	_, err = f.Wait(e.ctx)
	assert.Equal(t, connector.CodeCanceled, connector.AsProblem(err).Code)
	// the port is free again
	f2, err := e.svc.StartAuthorize(e.ctx, sbKey, e.opts())
	require.NoError(t, err)
	f2.Cancel()
	_, _ = f2.Wait(e.ctx)
}

func TestAuthorizePasteFallback(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.follow = false // the redirect never reaches the app (remote machine, WSL...)
	opts := e.opts()
	opts.NoBrowser = true
	f, err := e.svc.StartAuthorize(e.ctx, sbKey, opts)
	require.NoError(t, err)
	assert.Equal(t, e.redirectURI(), f.RedirectURI())
	require.NoError(t, e.browser(f.URL())) // the user opens the URL by hand
	redirect, err := e.waitRedirect()
	require.NoError(t, err)

	p := connector.AsProblem(f.SubmitCallbackURL("http://localhost/elsewhere?code=x"))
	assert.Equal(t, connector.CodeInvalidCallbackURL, p.Code)
	require.NoError(t, f.SubmitCallbackURL(redirect))
	res, err := f.Wait(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, e.org.OrgID(), res.Connector.Org.OrgID)
	_, err = e.storedTokens(sbKey)
	require.NoError(t, err)
}

// TestAuthorizeSuccessPageNamesOrg: the page the browser lands on after
// Allow names the org by the name it gives itself, not by its host (it
// said "You signed in to 127.0.0.1 (00D…)"); without API access (no name
// to read) it names the user instead.
func TestAuthorizeSuccessPageNamesOrg(t *testing.T) {
	for _, apiEnabled := range []bool{true, false} {
		e := newCoreEnv(t, sfsim.Options{Sandbox: true, OrgName: "Acme UAT"})
		e.org.SetAPIEnabled(apiEnabled)
		e.follow = false
		opts := e.opts()
		opts.NoBrowser = true
		f, err := e.svc.StartAuthorize(e.ctx, sbKey, opts)
		require.NoError(t, err)
		require.NoError(t, e.browser(f.URL()))
		redirect, err := e.waitRedirect()
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, redirect, nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req) // follows to the success page
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		_ = resp.Body.Close()
		res, err := f.Wait(e.ctx)
		require.NoError(t, err)

		page := string(body)
		assert.Equal(t, "/OauthSuccess", resp.Request.URL.Path)
		want := "Acme UAT (" + e.org.OrgID() + ")"
		if !apiEnabled {
			want = e.org.Username() + " (" + e.org.OrgID() + ")"
		}
		assert.Contains(t, page, "You signed in to "+want+".", "API enabled: %v", apiEnabled)
		assert.NotContains(t, page, "127.0.0.1")
		assert.Equal(t, e.org.OrgID(), res.Connector.Org.OrgID, "the authorization completes with the org read for the page")
	}
}

func TestAuthorizeAPIDisabled(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.org.SetAPIEnabled(false)
	res, err := e.authorize(sbKey)
	require.NoError(t, err, "a missing permission does not fail the authorization")
	require.NotNil(t, res.Problem)
	assert.Equal(t, connector.CodeAPIDisabled, res.Problem.Code)
	assert.Contains(t, res.Problem.Fix, "System Permissions and turn on API Enabled")
	assert.False(t, res.Permissions.APIEnabled)
	// without the API, Customize Application cannot be read: not checked, never "missing"
	assert.Equal(t, []string{"API Enabled"}, res.Permissions.Missing())
	assert.Equal(t, []connector.PermissionLine{{Name: connector.PermAPIEnabled, State: connector.PermMissing}, {Name: connector.PermCustomizeApplication, State: connector.PermNotChecked}}, res.Permissions.Lines())
	assert.Equal(t, connector.StatePermissionMissing, res.Status.State)
	assert.Equal(t, "name unknown", res.Connector.Org.DisplayName(), "the org ID is never passed off as the org's name")
	assert.Equal(t, connector.StatePermissionMissing, res.Connector.LastState)
	require.NotNil(t, res.Connector.Org)
	assert.True(t, res.Connector.Org.IsSandbox, "without the API the slot's environment stands, never production by default")
	_, err = e.storedTokens(sbKey)
	require.NoError(t, err, "tokens are stored")
}

func TestSandboxFromIdentityURL(t *testing.T) {
	tests := []struct {
		url             string
		sandbox, wantOK bool
	}{
		{"https://login.salesforce.com/id/00D000000000001AAA/005000000000001AAA", false, true},
		{"https://test.salesforce.com/id/00D000000000001AAA/005000000000001AAA", true, true},
		{"https://TEST.salesforce.com/id/x/y", true, true},
		{"https://acme.my.salesforce.com/id/x/y", false, false},
		{"http://localhost:1234/id/x/y", false, false},
		{"::not a url", false, false},
	}
	for _, tt := range tests {
		sb, ok := auth.SandboxFromIdentityURL(tt.url)
		assert.Equal(t, tt.wantOK, ok, tt.url)
		assert.Equal(t, tt.sandbox, sb, tt.url)
	}
}

func TestAuthorizeCustomizeApplicationMissing(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.org.SetCustomizeApplication(false)
	res, err := e.authorize(sbKey)
	require.NoError(t, err)
	require.NotNil(t, res.Problem)
	assert.Equal(t, connector.CodePermissionMissing, res.Problem.Code)
	assert.Contains(t, res.Problem.Message, "Customize Application")
	assert.Contains(t, res.Problem.Fix, "If you are a Salesforce administrator, open Setup → Users → Permission Sets (or Profiles)")
	assert.Contains(t, res.Problem.Fix, "otherwise ask your Salesforce administrator", "one instruction, for an admin or not")
	assert.True(t, res.Permissions.APIEnabled)
	assert.False(t, res.Permissions.CustomizeApplication)
	_, err = e.storedTokens(sbKey)
	require.NoError(t, err)
}

func TestAuthorizeEnvironmentMismatch(t *testing.T) {
	tests := []struct {
		name        string
		orgSandbox  bool
		key         connector.Key
		wantMessage string
	}{
		{"production org in sandbox connector", false, sbKey, "is a production org, but Lightning/Sandbox is a sandbox connector"},
		{"sandbox in production connector", true, prodKey, "is a sandbox, but Lightning/Production is a production connector"},
		{"production org in test connector", false, connector.Key{System: "Lightning", Environment: connector.Test}, "is a production org, but Lightning/Test is a test connector"},
		{"production org in a named sandbox environment", false, connector.Key{System: "Lightning", Environment: "uat:sandbox"}, "is a production org, but Lightning/UAT is a UAT (sandbox) connector"},
		{"sandbox in a named production environment", true, connector.Key{System: "Lightning", Environment: "eu:production"}, "is a sandbox, but Lightning/EU is a EU (production) connector"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCoreEnv(t, sfsim.Options{Sandbox: tt.orgSandbox, OrgName: "Acme"})
			_, err := e.authorize(tt.key)
			p := connector.AsProblem(err)
			require.Equal(t, connector.CodeEnvMismatch, p.Code)
			assert.Contains(t, p.Message, `"Acme" (`+e.org.OrgID()+")")
			assert.Contains(t, p.Message, tt.wantMessage)
			assert.Contains(t, p.Fix, "allow the environment mismatch")
			_, err = e.storedTokens(tt.key)
			assert.ErrorIs(t, err, tokenstore.ErrNotFound, "nothing stored")
			assert.Equal(t, 1, e.countRequests("/services/oauth2/revoke"), "the issued token is revoked")

			// explicit override
			opts := e.opts()
			opts.AllowEnvironmentMismatch = true
			res, err := e.authorizeWith(e.svc, tt.key, opts)
			require.NoError(t, err)
			assert.Equal(t, connector.StateConnected, res.Connector.LastState)
			assert.True(t, res.Connector.AllowEnvironmentMismatch, "the choice is remembered")
		})
	}
}

func TestAuthorizeOrgChanged(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.mustAuthorize(sbKey)
	old := e.org.OrgID()
	e.org.RefreshSandbox()
	res, err := e.authorize(sbKey)
	require.NoError(t, err)
	assert.True(t, res.OrgChanged)
	assert.Equal(t, old, res.PreviousOrgID)
	assert.Contains(t, res.Message, "the sandbox was probably refreshed")
	assert.Contains(t, res.Message, old)
	assert.Equal(t, e.org.OrgID(), res.Connector.Org.OrgID)
}

func TestAuthorizeRefusesBadInput(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	_, err := e.svc.StartAuthorize(e.ctx, sbKey, auth.AuthorizeOptions{LoginURL: "https://google.com"})
	assert.Equal(t, connector.CodeInvalidLoginURL, connector.AsProblem(err).Code)
	_, err = e.svc.StartAuthorize(e.ctx, connector.Key{System: "", Environment: connector.Sandbox}, e.opts())
	assert.Equal(t, connector.CodeInvalidKey, connector.AsProblem(err).Code)
	_, err = os.Stat(e.svc.Registry.Path())
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing was created")
}

// TestNamedEnvironmentsCoexist: a client's UAT and QA sandboxes sit side by
// side with its Sandbox, each authorized to its own org; a named
// environment of kind production is a production target.
func TestNamedEnvironmentsCoexist(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true, OrgName: "Acme UAT"})
	uat := connector.Key{System: "Acme", Environment: "uat:sandbox"}
	qa := connector.Key{System: "Acme", Environment: "qa:sandbox"}
	for _, k := range []connector.Key{uat, qa, {System: "Acme", Environment: connector.Sandbox}} {
		res, err := e.authorize(k)
		require.NoError(t, err, k.String())
		assert.Equal(t, connector.StateConnected, res.Status.State, k.String())
		assert.False(t, res.Connector.IsProductionTarget())
	}
	list, err := e.svc.Registry.List()
	require.NoError(t, err)
	assert.Len(t, list, 3)

	prodOrg := newCoreEnv(t, sfsim.Options{OrgName: "Acme EU"})
	eu := connector.Key{System: "Acme", Environment: "eu:production"}
	res, err := prodOrg.authorize(eu)
	require.NoError(t, err)
	assert.True(t, res.Connector.IsProductionTarget())
	st := prodOrg.svc.Status(prodOrg.ctx, eu)
	assert.Equal(t, connector.StateConnected, st.State)
	assert.True(t, st.EnvironmentOK)
}
