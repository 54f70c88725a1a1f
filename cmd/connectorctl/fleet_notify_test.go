package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector/sfsim"
)

// hookToken is the secret part of the test webhooks' URL: it must never
// reach stdout, stderr or a log.
const hookToken = "Zq7FAKEw3bh00kT0k3n9xYv"

// hookRequest is one request a test webhook received.
type hookRequest struct {
	Path, ContentType string
	Body              []byte
}

// hookServer is a local incoming webhook that records what it is sent and
// answers with status and answer; slow, it answers only once the client
// has given up.
type hookServer struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []hookRequest
	status int
	answer string
	slow   bool
}

func newHookServer(t *testing.T, status int, answer string, slow bool) *hookServer {
	t.Helper()
	h := &hookServer{status: status, answer: answer, slow: slow}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.reqs = append(h.reqs, hookRequest{Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"), Body: b})
		h.mu.Unlock()
		if h.slow {
			<-r.Context().Done() // the client gave up
			return
		}
		w.WriteHeader(h.status)
		_, _ = io.WriteString(w, h.answer)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

// url is the webhook's URL, with its secret path.
func (h *hookServer) url() string { return h.srv.URL + "/services/T0FAKE/B0FAKE/" + hookToken }

func (h *hookServer) requests() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookRequest(nil), h.reqs...)
}

// assertNoToken: the webhook's secret is nowhere in the output or the logs.
func assertNoToken(t *testing.T, logDir string, outputs ...string) {
	t.Helper()
	for i, o := range outputs {
		assert.NotContains(t, o, hookToken, "output %d shows the webhook's secret", i)
		assert.NotContains(t, o, "/services/T0FAKE", "output %d shows the webhook's path", i)
	}
	if logDir == "" {
		return
	}
	require.NoError(t, filepath.WalkDir(logDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		assert.NotContains(t, string(b), hookToken, "%s shows the webhook's secret", p)
		return err
	}))
}

// fleetNotifyFixture: Acme/Production current and Beta/Sandbox behind a
// bundle whose folder name holds the characters Slack parses (& < >).
func fleetNotifyFixture(t *testing.T) (c *cli, v2 string) {
	t.Helper()
	c = newCLI(t)
	v1 := writeBundle(t, map[string]string{"index.html": "<p>v1</p>"})
	v2 = filepath.Join(t.TempDir(), "R&D <content>")
	require.NoError(t, os.MkdirAll(v2, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(v2, "index.html"), []byte("<p>v2</p>"), 0o600))
	for key, b := range map[string]string{"Acme/Production": v2, "Beta/Sandbox": v1} {
		org, port := startOrg(t, sfsim.Options{Sandbox: !strings.HasSuffix(key, "Production")})
		seedAuthorized(t, c, org, port, key)
		r := c.run("publish", b, key, "--yes")
		require.Equal(t, 0, r.code, r.stderr)
	}
	return c, v2
}

// TestFleetNotify: a single fleet check posts to the webhook when not every
// org is current, in the format of --notify-format (Slack: {"text"} in
// mrkdwn with & < > escaped; Teams: a message with an Adaptive Card; an
// Office 365 connector: a MessageCard), the URL also from
// $CONNECTORS_NOTIFY_URL; nothing when all are current; a refused post or
// one with no answer is a warning that changes no exit code; the URL's
// secret is never printed or logged.
func TestFleetNotify(t *testing.T) {
	logDir := t.TempDir()
	t.Setenv("CONNECTORS_LOG_DIR", logDir)
	c, v2 := fleetNotifyFixture(t)

	// Slack
	hook := newHookServer(t, http.StatusOK, "ok", false)
	r := c.run("fleet", v2, "--notify", hook.url(), "--notify-format", "slack")
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	reqs := hook.requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "/services/T0FAKE/B0FAKE/"+hookToken, reqs[0].Path)
	assert.Equal(t, "application/json", reqs[0].ContentType)
	var slack map[string]any
	require.NoError(t, json.Unmarshal(reqs[0].Body, &slack), string(reqs[0].Body))
	require.Len(t, slack, 1, "only text: %s", reqs[0].Body)
	text, _ := slack["text"].(string)
	assert.Equal(t, "*Fleet of "+filepath.Dir(v2)+"/R&amp;D &lt;content&gt;: 1 of 2 not current*\n"+
		"• ⚠ Beta/Sandbox: behind\n"+
		"1 current, 1 behind.", text)
	assertNoToken(t, logDir, r.stdout, r.stderr)

	// Teams (Workflows), the URL from the environment
	c.env[notifyURLEnv] = hook.url()
	r = c.run("fleet", v2, "--notify-format", "teams", "--json")
	assert.Equal(t, exitFailure, r.code, r.stderr)
	reqs = hook.requests()
	require.Len(t, reqs, 2)
	var teams struct {
		Type        string `json:"type"`
		Attachments []struct {
			ContentType string  `json:"contentType"`
			ContentURL  *string `json:"contentUrl"`
			Content     struct {
				Schema  string `json:"$schema"`
				Type    string `json:"type"`
				Version string `json:"version"`
				Body    []struct {
					Type, Text string
					Wrap       bool
				} `json:"body"`
			} `json:"content"`
		} `json:"attachments"`
	}
	require.NoError(t, json.Unmarshal(reqs[1].Body, &teams), string(reqs[1].Body))
	assert.Contains(t, string(reqs[1].Body), `"contentUrl":null`)
	assert.Equal(t, "message", teams.Type)
	require.Len(t, teams.Attachments, 1)
	card := teams.Attachments[0]
	assert.Equal(t, "application/vnd.microsoft.card.adaptive", card.ContentType)
	assert.Nil(t, card.ContentURL)
	assert.Equal(t, "http://adaptivecards.io/schemas/adaptive-card.json", card.Content.Schema)
	assert.Equal(t, "AdaptiveCard", card.Content.Type)
	assert.Equal(t, "1.2", card.Content.Version)
	var texts []string
	for _, b := range card.Content.Body {
		assert.Equal(t, "TextBlock", b.Type)
		assert.True(t, b.Wrap)
		texts = append(texts, b.Text)
	}
	assert.Equal(t, []string{"Fleet of " + v2 + ": 1 of 2 not current", "⚠ Beta/Sandbox: behind", "1 current, 1 behind."}, texts,
		"plain text for Teams: the JSON encoding alone carries & < >")
	assert.True(t, json.Valid([]byte(r.stdout)), "stdout stays the JSON document")
	assertNoToken(t, logDir, r.stdout, r.stderr)

	// An Office 365 connector's webhook: a MessageCard
	r = c.run("fleet", v2, "--notify-format", "teams-connector")
	assert.Equal(t, exitFailure, r.code, r.stderr)
	reqs = hook.requests()
	require.Len(t, reqs, 3)
	var mc map[string]string
	require.NoError(t, json.Unmarshal(reqs[2].Body, &mc), string(reqs[2].Body))
	assert.Equal(t, map[string]string{
		"@type": "MessageCard", "@context": "https://schema.org/extensions",
		"summary": "Fleet of " + v2 + ": 1 of 2 not current", "title": "Fleet of " + v2 + ": 1 of 2 not current",
		"text": "⚠ Beta/Sandbox: behind\n\n1 current, 1 behind.",
	}, mc)
	delete(c.env, notifyURLEnv)

	// Every org current: no post.
	r = c.run("fleet", v2, "Acme/Production", "--notify", hook.url(), "--notify-format", "slack")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Len(t, hook.requests(), 3, "no post when every org is current")

	// A refused post: a warning naming the host only; the exit code is the fleet's.
	gone := newHookServer(t, http.StatusNotFound, "no_service", false)
	r = c.run("fleet", v2, "--notify", gone.url(), "--notify-format", "slack")
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.Equal(t, "! The fleet summary could not be posted to the webhook at 127.0.0.1: it answered 404 Not Found (no_service). "+
		"Check that the webhook still exists and that --notify-format (slack) fits it, then update $CONNECTORS_NOTIFY_URL; the fleet check itself is not affected.\n", r.stderr)
	assert.Contains(t, r.stdout, "1 current, 1 behind.")
	r = c.run("fleet", v2, "Acme/Production", "--notify", gone.url(), "--notify-format", "slack")
	assert.Equal(t, exitOK, r.code, "a webhook that would fail is not even asked when all are current: %s", r.stderr)
	assertNoToken(t, logDir, r.stdout, r.stderr)

	// A webhook that never answers: the post gives up after the timeout.
	slow := newHookServer(t, http.StatusOK, "", true)
	c.notifyTimeout = 200 * time.Millisecond
	r = c.run("fleet", v2, "--notify", slow.url(), "--notify-format", "slack")
	assert.Equal(t, exitFailure, r.code, r.stderr)
	assert.Contains(t, r.stderr, "! The fleet summary could not be posted to the webhook at 127.0.0.1: no answer within 200ms.")
	assert.Len(t, slow.requests(), 1)
	assertNoToken(t, logDir, r.stdout, r.stderr)
}

// TestFleetNotifyURLChecks: the webhook URL is checked before any org is
// read, as a usage error (exit 2) that names at most its host: https
// only, except http to this computer; a host of unknown kind needs
// --notify-format; a URL among the connectors is refused unquoted.
func TestFleetNotifyURLChecks(t *testing.T) {
	c := newCLI(t)
	bundle := writeBundle(t, map[string]string{"index.html": "x"})
	secretPath := "/services/T0FAKE/B0FAKE/" + hookToken
	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"http elsewhere", []string{"--notify", "http://hooks.slack.com" + secretPath}, "The webhook URL in --notify (host hooks.slack.com) does not use https."},
		{"unknown host", []string{"--notify", "https://chat.example.com" + secretPath}, "Which kind of webhook is at chat.example.com cannot be told from its host."},
		{"unknown format", []string{"--notify", "https://hooks.slack.com" + secretPath, "--notify-format", "discord"}, `Unknown --notify-format "discord".`},
		{"not a URL", []string{"--notify", "hooks.slack.com" + secretPath}, "The webhook URL in --notify cannot be read (its value is not shown)."},
		{"empty", []string{"--notify", ""}, "--notify needs the webhook's URL."},
		{"format alone", []string{"--notify-format", "slack"}, "--notify-format is given without a webhook."},
		{"a URL as a connector", []string{"https://hooks.slack.com" + secretPath}, "An argument is a URL (not shown), not a connector."},
		{"every too often", []string{"--every", "30s"}, "--every must be at least 1m, got 30s."},
		{"every with csv", []string{"--every", "5m", "--csv"}, "--every cannot be used with --csv."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := c.run(append([]string{"fleet", bundle}, tt.args...)...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Empty(t, r.stdout)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			require.Len(t, lines, 2, "what happened, the fix: %s", r.stderr)
			assert.Equal(t, tt.want, lines[0])
			assertNoToken(t, "", r.stdout, r.stderr)
		})
	}
	// diagnostics says the variable is set, not what it holds.
	c.env[notifyURLEnv] = "https://hooks.slack.com" + secretPath
	r := c.run("diagnostics")
	assert.Contains(t, r.stdout, "  CONNECTORS_NOTIFY_URL=set (hidden)\n")
	assertNoToken(t, "", r.stdout, r.stderr)

	// From the environment: the message names the variable.
	c.env[notifyURLEnv] = "http://hooks.slack.com" + secretPath
	r = c.run("fleet", bundle)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "The webhook URL in $CONNECTORS_NOTIFY_URL (host hooks.slack.com) does not use https.")
	assertNoToken(t, "", r.stdout, r.stderr)

	// No connectors at all: nothing to tell a channel.
	hook := newHookServer(t, http.StatusOK, "ok", false)
	c.env[notifyURLEnv] = hook.url()
	r = c.run("fleet", bundle, "--notify-format", "slack")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "No connectors yet.")
	assert.Empty(t, hook.requests())
}

// TestNotifyFormatOfHost: the format comes from the webhook's host; a host
// that only resembles a known one is unknown.
func TestNotifyFormatOfHost(t *testing.T) {
	for host, want := range map[string]string{
		"hooks.slack.com":                                  formatSlack,
		"prod-12.westus.logic.azure.com":                   formatTeams,
		"default0a1b.c2.environment.api.powerplatform.com": formatTeams,
		"acme.webhook.office.com":                          formatTeamsConnector,
		"outlook.office.com":                               formatTeamsConnector,
		"hooks.slack.com.evil.example":                     "",
		"evilhooks.slack.com":                              "",
		"notlogic.azure.com":                               "",
		"127.0.0.1":                                        "",
	} {
		assert.Equal(t, want, formatOfHost(host), host)
	}
	for _, raw := range []string{"http://127.0.0.1:8080/x", "http://[::1]:8080/x", "http://localhost/x", "https://hooks.slack.com/x"} {
		_, err := notifyTargetOf(raw, "slack", "--notify")
		assert.NoError(t, err, raw)
	}
	_, err := notifyTargetOf("http://10.0.0.1/x", "slack", "--notify")
	assert.Error(t, err, "plain http only to this computer")
}

// readmeNotice is the notice the README's webhook examples show.
var readmeNotice = fleetNotice{
	Title:  "Fleet of content: 1 of 6 not current",
	Lines:  []noticeLine{{Text: "Beta/Sandbox: behind", Alert: true}},
	Counts: "5 current, 1 behind.",
}

// TestReadmeManyOrgs: the README's "Many orgs" shows the exact JSON each
// webhook format is sent, and the CI schedule examples as they are in
// docs/ci (which make lint checks with actionlint).
func TestReadmeManyOrgs(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(b)
	for _, format := range []string{formatSlack, formatTeams, formatTeamsConnector} {
		body, err := payloadOf(format, readmeNotice)
		require.NoError(t, err)
		var pretty bytes.Buffer
		require.NoError(t, json.Indent(&pretty, body, "", "  "))
		assert.Contains(t, readme, "```json\n"+pretty.String()+"\n```", "the README's %s payload", format)
	}
	for _, f := range []string{"github-actions-fleet.yml", "gitlab-fleet.yml"} {
		example, err := os.ReadFile(filepath.Join("../../docs/ci", f))
		require.NoError(t, err)
		assert.Contains(t, readme, "```yaml\n"+string(example)+"```", "the README shows docs/ci/%s as it is", f)
	}
}
