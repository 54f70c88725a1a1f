package service

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/internal/safetext"
)

// hostile is outside text that would recolour a terminal, return the
// cursor to overwrite the line and reverse what follows.
const hostile = "\x1b[31mred\x1b[0m\rfake\u202etxt.exe"

// hostileShown is hostile as it must be shown.
const hostileShown = `\x1b[31mred\x1b[0m\rfake\u202etxt.exe`

// requireNoRawControl fails when s holds a raw control character (other
// than newline and tab, the layout of multi-line text) or invalid UTF-8.
func requireNoRawControl(t *testing.T, s, where string) {
	t.Helper()
	assert.Equal(t, safetext.EscapeLines(s), s, "%s holds raw control characters: %q", where, s)
}

// Text from Salesforce (an OAuth error_description, an API error message)
// and any unexpected error reach a Problem's message escaped.
func TestProblemsEscapeOutsideText(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
	}{
		{"redirect error_description", &oauth.AuthError{Code: "invalid_client", Description: hostile}},
		{"unknown redirect error code", &oauth.AuthError{Code: "weird" + hostile, Description: hostile}},
		{"token endpoint error_description", &oauth.ExchangeError{Status: 400, Code: "invalid_grant", Description: hostile}},
		{"refused login code", &oauth.ExchangeError{Status: 400, Code: "invalid_grant", Description: "invalid code verifier " + hostile}},
		{"api error message", apiErr(400, "MALFORMED_QUERY", hostile)},
		{"bad field message", apiErr(400, "FIELD_INTEGRITY_EXCEPTION", hostile)},
		{"api error code", apiErr(400, "ODD"+hostile, "x")},
		{"unexpected error", errors.New("something odd: " + hostile)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := connector.Explain(tc.err)
			requireNoRawControl(t, p.Message, "the message")
			requireNoRawControl(t, p.Code, "the code")
			assert.Contains(t, p.Message+p.Code, `\x1b[31m`, "escaped visibly, not dropped")
		})
	}
	p := connector.AsProblem(errors.New(hostile))
	assert.Equal(t, hostileShown, p.Message)
}

// An OAuth error redirect whose error_description carries control
// characters is refused with an escaped message, and the log file (the
// handler OpenLog builds) holds it escaped too.
func TestAuthorizeErrorDescriptionEscaped(t *testing.T) {
	logDir := t.TempDir()
	t.Setenv("CONNECTORS_LOG_DIR", logDir)
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	log, closer, err := connector.OpenLog("escape", slog.LevelDebug)
	require.NoError(t, err)
	e.svc.Logger = log

	opts := e.opts()
	opts.NoBrowser = true
	f, err := e.svc.StartAuthorize(e.ctx, sbKey, opts)
	require.NoError(t, err)
	au, err := url.Parse(f.URL())
	require.NoError(t, err)
	q := url.Values{"error": {"invalid_client"}, "error_description": {hostile}, "state": {au.Query().Get("state")}}
	req, err := http.NewRequestWithContext(e.ctx, http.MethodGet, au.Query().Get("redirect_uri")+"?"+q.Encode(), nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	_, err = f.Wait(e.ctx)
	p := connector.AsProblem(err)
	assert.Equal(t, connector.CodeInvalidClient, p.Code)
	assert.Contains(t, p.Message, hostileShown)
	requireNoRawControl(t, p.Message, "the problem")

	require.NoError(t, closer.Close())
	data, err := os.ReadFile(filepath.Join(logDir, "escape.log"))
	require.NoError(t, err)
	assert.Contains(t, string(data), "authorization failed")
	assert.Contains(t, string(data), `\x1b[31m`)
	requireNoRawControl(t, string(data), "the log file")
}

// Diagnostics shows org and user names from Salesforce and recent errors
// escaped: the report pasted into a ticket or a terminal stays plain text.
func TestDiagnosticsEscapesOutsideText(t *testing.T) {
	e := newCoreEnv(t, sfsim.Options{Sandbox: true})
	e.svc.setDoctorPorts(freePort(t))
	_, err := e.svc.Registry.Upsert(sbKey, func(c *connector.Connector) error {
		c.Org = &connector.OrgInfo{OrgID: "00D000000000001AAA", OrgName: "Acme " + hostile, Username: "bob" + hostile + "@acme.com",
			InstanceURL: "https://acme.my.salesforce.com", AuthorizedAt: time.Now()}
		return nil
	})
	require.NoError(t, err)
	out := e.svc.Diagnostics(e.ctx, "1.2.3", []string{"connectorctl authorize [access_denied] Salesforce refused: " + hostile})
	requireNoRawControl(t, out, "the report")
	assert.Contains(t, out, "bob"+hostileShown+"@acme.com")
	assert.Contains(t, out, "Salesforce refused: "+hostileShown)
	assert.Equal(t, 1, strings.Count(out, "Recent errors (1):"))
}
