package service

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/health"
	"github.com/connectors-app/connectors/connector/sfsim"
)

func TestRedactSecrets(t *testing.T) {
	const (
		access  = "00D5g000004XyZ1!AQ0AQFhoK8vTMg_rKA.esrJ2bCs.OOIjJgl.9Cx6O7KqjZmHMLOyVb"
		refresh = "5Aep861TSESvWeug_xvFHRBTTbf_YrTWgEyjBJ2hk4DzfIKSMGLjJn1IXUwzAFtXmsMd4Xi2V"
		jwt     = "eyJraWQiOiIyMjAiLCJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdF9oYXNoIjoi"
	)
	tests := []struct {
		name, in, want string
		secret         string
	}{
		{"access token", "token " + access + " failed", "token 00D5g000004XyZ1!**** failed", access},
		{"bearer", "Authorization: Bearer abc.DEF-123", "Authorization: Bearer ****", "abc.DEF-123"},
		{"query", "GET /cb?code=aPrx4sg%3D%3D&state=xyz", "GET /cb?code=****&state=xyz", "aPrx4sg"},
		{"form", "grant_type=refresh_token&refresh_token=" + refresh + "&client_id=PlatformCLI", "grant_type=refresh_token&refresh_token=****&client_id=PlatformCLI", refresh},
		{"access_token form", "access_token=" + access, "access_token=****", "AQ0AQFhoK8"},
		{"json", `{"access_token":"` + access + `","refresh_token": "` + refresh + `"}`, `{"access_token":"****","refresh_token": "****"}`, refresh},
		{"bare refresh token", "stored " + refresh + " ok", "stored **** ok", refresh},
		{"jwt", "id " + jwt, "id ****", jwt},
		{"url credentials", "HTTPS_PROXY=http://bob:hunter2@proxy:3128", "HTTPS_PROXY=http://****@proxy:3128", "hunter2"},
		{"password field", "password=hunter2 next", "password=**** next", "hunter2"},
		// kept: what support needs
		{"org id", "org 00D6g000006wre4EAA user 0056g0000049jc6AAA", "org 00D6g000006wre4EAA user 0056g0000049jc6AAA", ""},
		{"host", "https://acme--uat.sandbox.my.salesforce.com/services", "https://acme--uat.sandbox.my.salesforce.com/services", ""},
		{"fingerprint", "sha256:" + strings.Repeat("ab12", 16), "sha256:" + strings.Repeat("ab12", 16), ""},
		{"status code", "status code: 403 INVALID_SESSION_ID", "status code: 403 INVALID_SESSION_ID", ""},
		{"errorCode", `"errorCode":"API_DISABLED_FOR_ORG"`, `"errorCode":"API_DISABLED_FOR_ORG"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := health.RedactSecrets(tt.in)
			assert.Equal(t, tt.want, got)
			if tt.secret != "" {
				assert.NotContains(t, got, tt.secret)
			}
		})
	}
}

func TestDiagnosticsNeverContainsTokens(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true, OrgName: "Acme UAT"})
	e.svc.setDoctorPorts(freePort(t))
	e.svc.setKeyringProbe(func(string) error { return nil })
	tok := e.mustAuthorize(sbKey)
	_, err := e.svc.Registry.Update(sbKey, func(c *connector.Connector) error {
		c.LastPublish = &connector.PublishRecord{At: time.Now(), Resource: "WalkMe_Content", Fingerprint: "sha256:" + strings.Repeat("0f", 32), Size: 1234}
		return nil
	})
	require.NoError(t, err)
	t.Setenv("HTTPS_PROXY", "http://bob:hunter2@proxy.example.com:3128")
	recent := []string{
		"refresh failed for token " + tok.AccessToken,
		"POST /services/oauth2/token refresh_token=" + tok.RefreshToken,
		"raw " + tok.RefreshToken,
		"Authorization: Bearer " + tok.AccessToken,
	}
	out := e.svc.Diagnostics(e.ctx, "1.2.3", recent)
	t.Log(out)

	for _, secret := range []string{tok.AccessToken, tok.RefreshToken, tok.AccessToken[16:], "hunter2"} {
		assert.NotContains(t, out, secret)
	}
	for _, want := range []string{
		"App version:    1.2.3", "OS/arch:", "WSL:", "Keyring:        " + e.store.Backend(), "Config folder:",
		"HTTPS_PROXY=http://****@proxy.example.com:3128",
		"Lightning/Sandbox", "environment: sandbox", "login host: localhost:", e.org.OrgID(), `"Acme UAT"`,
		e.org.Username(), "last state: connected", "last publish:", "WalkMe_Content", "sha256:0f0f",
		"Checks:", "[ok  ] Keyring", "Recent errors (4):", "Authorization: Bearer ****\n", "refresh failed for token " + e.org.OrgID()[:15] + "!****",
	} {
		assert.Contains(t, out, want)
	}
}

func TestDoctor(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{})
	free := freePort(t)
	e.svc.setDoctorPorts(free)
	e.svc.setKeyringProbe(func(string) error { return nil })
	t.Setenv("BROWSER", "true")
	t.Setenv("HTTPS_PROXY", "http://alice:s3cret@proxy:8080")
	t.Setenv("NO_PROXY", "localhost,.internal")

	checks := e.svc.Doctor(e.ctx)
	byName := map[string]connector.Check{}
	for _, c := range checks {
		byName[c.Name] = c
		if !c.OK {
			assert.NotEmpty(t, c.Fix, "%s failed without a fix", c.Name)
		}
	}
	require.Contains(t, byName, "Keyring")
	assert.True(t, byName["Keyring"].OK)
	port := byName["Callback port "+itoa(free)]
	assert.True(t, port.OK, port.Detail)
	assert.True(t, byName["Browser"].OK, byName["Browser"].Detail)
	assert.True(t, byName["Proxy"].OK)
	assert.Contains(t, byName["Proxy"].Detail, "HTTPS_PROXY=http://****@proxy:8080")
	assert.Contains(t, byName["Proxy"].Detail, "NO_PROXY=localhost,.internal")
	assert.NotContains(t, byName["Proxy"].Detail, "s3cret")
	assert.True(t, byName["Config folder"].OK, byName["Config folder"].Detail)
}

func TestDoctorFailures(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{})
	// a port someone else holds
	held := freePort(t)
	srv := listenOn(t, held)
	defer srv.Close()
	e.svc.setDoctorPorts(held)
	e.svc.setKeyringProbe(func(string) error {
		return &tokenstoreUnavailable
	})
	t.Setenv("BROWSER", "/nonexistent/browser-xyz")

	byName := map[string]connector.Check{}
	for _, c := range e.svc.Doctor(e.ctx) {
		byName[c.Name] = c
	}
	k := byName["Keyring"]
	assert.False(t, k.OK)
	assert.Contains(t, k.Detail, "No Secret Service")
	assert.Equal(t, "Start gnome-keyring.", k.Fix)

	p := byName["Callback port "+itoa(held)]
	assert.False(t, p.OK)
	assert.Contains(t, p.Detail, "port "+itoa(held))
	assert.Contains(t, p.Fix, "callback port")

	b := byName["Browser"]
	assert.False(t, b.OK)
	assert.Contains(t, b.Fix, "copy the login URL")

	// a damaged registry
	require.NoError(t, writeFile(e.svc.Registry.Path(), "{oops"))
	for _, c := range e.svc.Doctor(e.ctx) {
		if c.Name == "Config folder" {
			assert.False(t, c.OK)
			assert.Contains(t, c.Detail, "damaged")
		}
	}
}
