package oauth

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRefresh(t *testing.T) {
	tests := []struct {
		name        string
		token       string
		rotate      bool
		wantRefresh string
		wantCode    string
	}{
		{"no rotation", "5Aep861good", false, "", ""},
		{"rotation", "5Aep861good", true, "5Aep861rotated", ""},
		{"revoked", "5Aep861revoked", false, "", "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := testCtx(t)
			org := newStubOrg(t)
			org.rotate = tt.rotate
			res, err := Refresh(ctx, org.srv.Client(), org.URL()+"/", "", tt.token)
			forms := org.forms()
			require.Len(t, forms, 1)
			assert.Equal(t, "refresh_token", forms[0].Get("grant_type"))
			assert.Equal(t, "PlatformCLI", forms[0].Get("client_id"))
			assert.Equal(t, tt.token, forms[0].Get("refresh_token"))
			assert.False(t, forms[0].Has("client_secret"))
			if tt.wantCode != "" {
				var ee *ExchangeError
				require.ErrorAs(t, err, &ee)
				assert.Equal(t, tt.wantCode, ee.Code)
				assert.Equal(t, "expired access/refresh token", ee.Description)
				assert.Equal(t, 400, ee.Status)
				assert.NotContains(t, err.Error(), tt.token)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantRefresh, res.RefreshToken)
			assert.True(t, strings.HasPrefix(res.AccessToken, "00D"))
			assert.Equal(t, org.URL(), res.InstanceURL)
		})
	}
	t.Run("arguments", func(t *testing.T) {
		ctx := testCtx(t)
		_, err := Refresh(ctx, nil, "https://login.salesforce.com", "x", "")
		require.Error(t, err)
		_, err = Refresh(ctx, nil, "http://login.salesforce.com", "x", "tok")
		require.Error(t, err)
	})
	t.Run("unreachable", func(t *testing.T) {
		ctx := testCtx(t)
		_, err := Refresh(ctx, nil, "http://127.0.0.1:1", "x", "5Aep861secret")
		require.Error(t, err)
		assert.NotContains(t, err.Error(), "5Aep861secret")
	})
}

func TestParseIssuedAt(t *testing.T) {
	want := time.UnixMilli(1558553873237).UTC()
	assert.Equal(t, want, parseIssuedAt(json.RawMessage(`"1558553873237"`)))
	assert.Equal(t, want, parseIssuedAt(json.RawMessage(`1558553873237`)))
	for _, raw := range []string{``, `null`, `"soon"`, `"-5"`} {
		got := parseIssuedAt(json.RawMessage(raw))
		assert.WithinDuration(t, time.Now(), got, time.Minute, raw)
	}
}

func TestErrorTexts(t *testing.T) {
	assert.Contains(t, (&AuthError{Code: "access_denied"}).Error(), "You clicked Deny")
	assert.Equal(t, "salesforce refused the authorization: app must be installed into org (invalid_client)",
		(&AuthError{Code: "invalid_client", Description: "app must be installed into org"}).Error())
	assert.Equal(t, "token endpoint: invalid_grant: invalid code verifier (HTTP 400)",
		(&ExchangeError{Status: 400, Code: "invalid_grant", Description: "invalid code verifier"}).Error())
	assert.Equal(t, "token endpoint: HTTP 502", (&ExchangeError{Status: 502}).Error())
	assert.Contains(t, browserMessage(ErrTimeout), "too long")
	assert.Contains(t, browserMessage(&AuthError{Code: "inactive_user", Description: "user is inactive"}), "user is inactive")
}

// browserScript writes a fake browser that records its arguments to out
// and exits with code.
func browserScript(t *testing.T, dir, name, out string, code int) string {
	t.Helper()
	p := filepath.Join(dir, name)
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + out + "\nexit " + string(rune('0'+code)) + "\n"
	require.NoError(t, os.WriteFile(p, []byte(script), 0o700))
	return p
}

func TestOpenBrowser(t *testing.T) {
	const target = "http://localhost:1717/services/oauth2/authorize?a=1&b=2"
	dir := t.TempDir()
	out := filepath.Join(dir, "args")
	ok := browserScript(t, dir, "ok", out, 0)
	failing := browserScript(t, dir, "failing", filepath.Join(dir, "failed-args"), 3)

	tests := []struct {
		name     string
		env      string
		wantArgs []string
		wantErr  string
	}{
		{"appends the URL", ok + " --new-tab", []string{"--new-tab", target}, ""},
		{"substitutes %s", ok + " --url=%s --x", []string{"--url=" + target, "--x"}, ""},
		{"skips a missing command", filepath.Join(dir, "missing") + ":" + ok, []string{target}, ""},
		{"skips a failing command", failing + ":" + ok, []string{target}, ""},
		{"all fail", failing + ":" + filepath.Join(dir, "missing"), nil, "failing"},
		{"only separators", " : ", nil, "names no command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_ = os.Remove(out)
			t.Setenv("BROWSER", tt.env)
			err := OpenBrowser(target)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				assert.NoFileExists(t, out)
				return
			}
			require.NoError(t, err)
			got, err := os.ReadFile(out)
			require.NoError(t, err)
			assert.Equal(t, tt.wantArgs, strings.Split(strings.TrimSuffix(string(got), "\n"), "\n"))
		})
	}
	t.Run("refuses other schemes", func(t *testing.T) {
		t.Setenv("BROWSER", ok)
		for _, u := range []string{"file:///etc/passwd", "javascript:alert(1)", "ftp://x/y", "", "http://"} {
			require.Error(t, OpenBrowser(u), u)
		}
		assert.NoFileExists(t, out)
	})
}
