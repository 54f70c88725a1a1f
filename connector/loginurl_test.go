package connector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNormalizeLoginURL(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		env   Environment
		want  string
		isErr string // substring of the problem message when refused
	}{
		// empty: the environment's generic host
		{"empty production", "", Production, "https://login.salesforce.com", ""},
		{"empty sandbox", "  ", Sandbox, "https://test.salesforce.com", ""},
		{"empty test", "", Test, "https://test.salesforce.com", ""},
		// generic hosts
		{"login host", "https://login.salesforce.com", Production, "https://login.salesforce.com", ""},
		{"login host no scheme", "LOGIN.salesforce.com/", Production, "https://login.salesforce.com", ""},
		{"test host", "test.salesforce.com", Sandbox, "https://test.salesforce.com", ""},
		{"test host in test env", "https://test.salesforce.com/?startURL=x", Test, "https://test.salesforce.com", ""},
		{"login host in sandbox", "https://login.salesforce.com", Sandbox, "", "is a production address, but this is a sandbox connector"},
		{"test host in production", "test.salesforce.com", Production, "", "is a sandbox address, but this is a production connector"},
		// My Domain
		{"my domain", "https://acme.my.salesforce.com", Production, "https://acme.my.salesforce.com", ""},
		{"my domain uppercase trailing dot slash", "  HTTPS://ACME.My.Salesforce.com./  ", Production, "https://acme.my.salesforce.com", ""},
		{"my domain explicit 443", "https://acme.my.salesforce.com:443/", Production, "https://acme.my.salesforce.com", ""},
		{"my domain with setup path", "https://acme.my.salesforce.com/lightning/setup/SetupOneHome/home", Production, "https://acme.my.salesforce.com", ""},
		{"my domain with query and fragment", "acme.my.salesforce.com/secur/frontdoor.jsp?x=1#top", Production, "https://acme.my.salesforce.com", ""},
		{"my domain containing -lightning", "https://acme-lightning.my.salesforce.com", Production, "https://acme-lightning.my.salesforce.com", ""},
		{"developer edition", "https://acme-dev-ed.develop.my.salesforce.com", Production, "https://acme-dev-ed.develop.my.salesforce.com", ""},
		{"sandbox my domain", "https://acme--uat.sandbox.my.salesforce.com", Sandbox, "https://acme--uat.sandbox.my.salesforce.com", ""},
		{"sandbox my domain in test env", "acme--qa.sandbox.my.salesforce.com", Test, "https://acme--qa.sandbox.my.salesforce.com", ""},
		{"scratch org", "https://fun-fox-123.scratch.my.salesforce.com", Test, "https://fun-fox-123.scratch.my.salesforce.com", ""},
		{"scratch in production", "https://fun-fox-123.scratch.my.salesforce.com", Production, "", "is a sandbox address"},
		{"sandbox host in production", "https://acme--uat.sandbox.my.salesforce.com", Production, "", "acme--uat.sandbox.my.salesforce.com is a sandbox address, but this is a production connector"},
		{"production my domain in sandbox", "https://acme.my.salesforce.com", Sandbox, "", "acme.my.salesforce.com is a production address, but this is a sandbox connector"},
		{"developer edition in sandbox", "acme-dev-ed.develop.my.salesforce.com", Sandbox, "", "is a production address"},
		// Lightning
		{"lightning", "https://acme.lightning.force.com/lightning/page/home", Production, "https://acme.my.salesforce.com", ""},
		{"lightning sandbox", "https://acme--uat.sandbox.lightning.force.com/lightning/o/Account/list", Sandbox, "https://acme--uat.sandbox.my.salesforce.com", ""},
		{"lightning develop", "acme-dev-ed.develop.lightning.force.com", Production, "https://acme-dev-ed.develop.my.salesforce.com", ""},
		{"lightning setup page", "https://acme.lightning.force.com/lightning/setup/SetupOneHome/home", Production, "https://acme.my.salesforce.com", ""},
		{"my domain named x-lightning on lightning", "https://x-lightning.lightning.force.com", Production, "https://x-lightning.my.salesforce.com", ""},
		{"lightning sandbox in production", "https://acme--uat.sandbox.lightning.force.com", Production, "", "is a sandbox address"},
		// Setup domain
		{"setup domain", "https://acme.my.salesforce-setup.com/lightning/setup/SetupOneHome/home", Production, "https://acme.my.salesforce.com", ""},
		{"setup domain sandbox", "https://acme--uat.sandbox.my.salesforce-setup.com/", Sandbox, "https://acme--uat.sandbox.my.salesforce.com", ""},
		// Visualforce
		{"visualforce", "https://acme--c.vf.force.com/apex/Page", Production, "https://acme.my.salesforce.com", ""},
		{"visualforce sandbox", "https://acme--uat--c.sandbox.vf.force.com/apex/Page", Sandbox, "https://acme--uat.sandbox.my.salesforce.com", ""},
		{"visualforce namespace", "acme--myns.vf.force.com", Production, "https://acme.my.salesforce.com", ""},
		{"visualforce without --", "https://acme.vf.force.com", Production, "", "Visualforce address"},
		// Experience Cloud sites
		{"site", "https://acme.my.site.com/s/", Production, "https://acme.my.salesforce.com", ""},
		{"site sandbox", "https://acme--uat.sandbox.my.site.com/s/", Sandbox, "https://acme--uat.sandbox.my.salesforce.com", ""},
		// bare names
		{"bare name", "acme", Production, "https://acme.my.salesforce.com", ""},
		{"bare name uppercase", " ACME ", Production, "https://acme.my.salesforce.com", ""},
		{"bare name with dash", "acme-dev", Production, "https://acme-dev.my.salesforce.com", ""},
		{"bare sandbox name", "acme--uat", Sandbox, "https://acme--uat.sandbox.my.salesforce.com", ""},
		{"bare sandbox name test env", "Acme--QA", Test, "https://acme--qa.sandbox.my.salesforce.com", ""},
		{"bare name without sandbox part in sandbox", "acme", Sandbox, "", "mydomain--sandboxname"},
		{"bare sandbox name in production", "acme--uat", Production, "", "looks like a sandbox"},
		{"bare name with bad chars", "acme_corp!", Production, "", "neither a web address nor a My Domain name"},
		{"bare sandbox without dashes in sandbox host", "https://acme.sandbox.my.salesforce.com", Sandbox, "", "mydomain--sandboxname"},
		// loopback (the simulated org)
		{"localhost http with port", "http://localhost:54321", Sandbox, "http://localhost:54321", ""},
		{"127 http with path", "http://127.0.0.1:8080/services/oauth2/authorize?x=1", Production, "http://127.0.0.1:8080", ""},
		{"127.5 loopback", "http://127.0.0.5:9", Production, "http://127.0.0.5:9", ""},
		{"ipv6 loopback", "http://[::1]:1717/", Test, "http://[::1]:1717", ""},
		{"localhost uppercase", "HTTP://LOCALHOST:1234", Production, "http://localhost:1234", ""},
		{"localhost no scheme", "localhost:1234", Production, "https://localhost:1234", ""},
		// refused
		{"google", "https://google.com", Production, "", "is not a Salesforce address"},
		{"lookalike suffix", "https://acme.my.salesforce.com.evil.com", Production, "", "is not a Salesforce address"},
		{"lookalike prefix", "https://evilmy.salesforce.com", Production, "", "not a login host"},
		{"legacy instance", "https://na42.salesforce.com", Production, "", "not a login host"},
		{"force.com site", "https://acme.force.com", Production, "", "not a login host"},
		{"too deep", "https://a.b.my.salesforce.com", Production, "", "not a Salesforce login host"},
		{"ip address", "https://10.0.0.1", Production, "", "IP address"},
		{"public ip http", "http://8.8.8.8:80", Production, "", "IP address"},
		{"port on salesforce host", "https://acme.my.salesforce.com:8443", Production, "", "have no port number"},
		{"userinfo", "https://admin:hunter2@acme.my.salesforce.com", Production, "", "user name or password"},
		{"http non loopback", "http://acme.my.salesforce.com", Production, "", "uses http://"},
		{"ftp", "ftp://acme.my.salesforce.com", Production, "", "does not start with https://"},
		{"space inside", "acme .my.salesforce.com", Production, "", "not a web address"},
		{"underscore label", "https://ac_me.my.salesforce.com", Production, "", "characters a host name cannot have"},
		{"just scheme", "https://", Production, "", "not a web address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NormalizeLoginURL(tt.in, tt.env)
			if tt.isErr == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
				// idempotent: the result normalises to itself
				again, err := NormalizeLoginURL(got, tt.env)
				require.NoError(t, err)
				assert.Equal(t, got, again)
				return
			}
			require.Error(t, err)
			p := AsProblem(err)
			assert.Equal(t, CodeInvalidLoginURL, p.Code)
			assert.Contains(t, p.Message, tt.isErr)
			assert.NotEmpty(t, p.Fix, "every refusal names the fix")
			assert.NotContains(t, p.Error(), "hunter2", "never echo a password")
		})
	}
}

func TestNormalizeLoginURLNeverEchoesSecrets(t *testing.T) {
	_, err := NormalizeLoginURL("https://user:s3cret@evil.example.com/x?code=SECRETCODE#frag", Production)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret")
	assert.NotContains(t, err.Error(), "SECRETCODE")
}

func FuzzNormalizeLoginURL(f *testing.F) {
	for _, s := range []string{"acme", "acme--uat", "https://acme.lightning.force.com/x", "http://localhost:1", "https://a@b.my.salesforce.com", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, env := range Environments {
			got, err := NormalizeLoginURL(in, env)
			if err != nil {
				if AsProblem(err).Code != CodeInvalidLoginURL {
					t.Fatalf("unexpected code for %q: %v", in, err)
				}
				continue
			}
			again, err := NormalizeLoginURL(got, env)
			if err != nil || again != got {
				t.Fatalf("not idempotent: %q → %q → %q (%v)", in, got, again, err)
			}
		}
	})
}
