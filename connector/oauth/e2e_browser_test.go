package oauth

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/internal/webdriver"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// requireBrowser fails (never skips) when Chromium or chromedriver is missing.
func requireBrowser(t *testing.T) {
	t.Helper()
	_, _, err := webdriver.Paths()
	require.NoError(t, err, "this end-to-end test drives real headless Chromium: %s", webdriver.InstallHint)
}

// TestRealBrowserLogin drives the whole flow in real headless Chromium: the
// browser loads the simulated org's login page, signs in, clicks Allow (or
// Deny), and Salesforce's redirect reaches our loopback server.
func TestRealBrowserLogin(t *testing.T) {
	requireBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	d, err := webdriver.Start(ctx)
	require.NoError(t, err)
	defer d.Close()

	for _, tt := range []struct {
		name     string
		allow    bool
		wantPath string
		wantText string
	}{
		{"allow", true, "/OauthSuccess", "You signed in to Acme Corp ("},
		{"deny", false, "/OauthError", "You clicked Deny"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			org, err := sfsim.Start(sfsim.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { _ = org.Close() })
			// the app names the org once the tokens are issued: the page says so
			f := simFlow(t, ctx, org, func(c *Config) {
				c.Identify = func(context.Context, *Result) string { return "Acme Corp (" + org.OrgID() + ")" }
			})
			s, err := d.NewSession(ctx)
			require.NoError(t, err, "chromedriver log: %s", d.Log())
			defer func() { _ = s.Close(context.WithoutCancel(ctx)) }()

			// Given the authorize URL opened in the browser
			require.NoError(t, s.Navigate(ctx, f.URL()))

			// When the user signs in on the org's login page
			user, err := s.WaitFor(ctx, "#username", 20*time.Second)
			require.NoError(t, err)
			pass, err := s.FindElement(ctx, "#password")
			require.NoError(t, err)
			require.NoError(t, user.Clear(ctx))
			require.NoError(t, user.SendKeys(ctx, org.Username()))
			require.NoError(t, pass.SendKeys(ctx, org.Password()))
			login, err := s.FindElement(ctx, "#Login")
			require.NoError(t, err)
			require.NoError(t, login.Click(ctx))

			// And clicks Allow or Deny on the approval page
			sel := "#oadeny"
			if tt.allow {
				sel = "#oaapprove"
			}
			btn, err := s.WaitFor(ctx, sel, 20*time.Second)
			require.NoError(t, err)
			require.NoError(t, btn.Click(ctx))

			// Then the browser ends on our result page
			var final *url.URL
			err = webdriver.Poll(ctx, 30*time.Second, func() (bool, error) {
				cur, err := s.CurrentURL(ctx)
				if err != nil {
					return false, err
				}
				final, err = url.Parse(cur)
				return err == nil && (final.Path == "/OauthSuccess" || final.Path == "/OauthError"), err
			})
			require.NoError(t, err)
			assert.Equal(t, tt.wantPath, final.Path)
			assert.Equal(t, f.RedirectURI()[:strings.LastIndex(f.RedirectURI(), "/")], final.Scheme+"://"+final.Host)
			src, err := s.PageSource(ctx)
			require.NoError(t, err)
			assert.Contains(t, src, tt.wantText)

			// And Wait reports the outcome.
			res, err := f.Wait(ctx)
			if !tt.allow {
				var ae *AuthError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, "access_denied", ae.Code)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, org.InstanceURL(), res.InstanceURL)
			assert.NotEmpty(t, res.AccessToken)
			assert.NotEmpty(t, res.RefreshToken)
			assert.NotContains(t, src, res.AccessToken)
		})
	}
}

// TestBrowserPlayerAsBROWSER runs the flow the way the CLI's end-to-end
// tests do: $BROWSER is browserplayer, opened through OpenBrowser, which
// returns at once while the player works in the background.
func TestBrowserPlayerAsBROWSER(t *testing.T) {
	requireBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	bin := filepath.Join(dir, "browserplayer")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/connectors-app/connectors/connector/internal/webdriver/cmd/browserplayer")
	out, err := build.CombinedOutput()
	require.NoError(t, err, "build browserplayer: %s", out)

	for _, tt := range []struct {
		name string
		deny string
	}{{"allow", ""}, {"deny", "1"}} {
		t.Run(tt.name, func(t *testing.T) {
			logPath := filepath.Join(dir, tt.name+".log")
			t.Setenv("BROWSER", bin)
			t.Setenv("BROWSERPLAYER_DENY", tt.deny)
			t.Setenv("BROWSERPLAYER_WAIT", "")
			t.Setenv("BROWSERPLAYER_LOG", logPath)
			org, err := sfsim.Start(sfsim.Options{})
			require.NoError(t, err)
			t.Cleanup(func() { _ = org.Close() })
			// the app names the org once the tokens are issued: the page says so
			f := simFlow(t, ctx, org, func(c *Config) {
				c.Identify = func(context.Context, *Result) string { return "Acme Corp (" + org.OrgID() + ")" }
			})
			t.Setenv("SFSIM_USERNAME", org.Username())
			t.Setenv("SFSIM_PASSWORD", org.Password())

			start := time.Now()
			require.NoError(t, OpenBrowser(f.URL()))
			assert.Less(t, time.Since(start), browserExitWait, "browserplayer returns at once like xdg-open")

			res, err := f.Wait(ctx)
			// wait for the player to close the browser and finish
			var logText string
			_ = webdriver.Poll(ctx, 30*time.Second, func() (bool, error) {
				b, _ := os.ReadFile(logPath)
				logText = string(b)
				return strings.Contains(logText, "done"), nil
			})
			if tt.deny == "" {
				require.NoError(t, err, "browserplayer log:\n%s", logText)
				assert.NotEmpty(t, res.AccessToken)
				assert.Contains(t, logText, "clicked Allow")
				assert.Contains(t, logText, "landed on /OauthSuccess")
			} else {
				var ae *AuthError
				require.ErrorAs(t, err, &ae, "browserplayer log:\n%s", logText)
				assert.Contains(t, logText, "clicked Deny")
				assert.Contains(t, logText, "landed on /OauthError")
			}
			assert.Contains(t, logText, "signed in as "+org.Username())
			assert.NotContains(t, logText, "code=", "the log never shows the authorization code")
		})
	}
}
