package main

// fleet --notify: a summary of the fleet posted to a Slack or Microsoft
// Teams incoming webhook. The URL carries the webhook's secret: it is
// never printed, logged or put in a message (only its host is named).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
)

// notifyURLEnv holds the webhook URL when --notify is not given (a CI
// secret variable: the flag shows in the process list).
const notifyURLEnv = "CONNECTORS_NOTIFY_URL"

// codeNotifyFailed is the code of a webhook post that failed (a warning).
const codeNotifyFailed = "notify_failed"

// minFleetEvery is the shortest --every: each check costs every org a query.
const minFleetEvery = time.Minute

// maxNoticeLines is how many connectors a notice names; the rest are counted.
const maxNoticeLines = 30

// Webhook formats (--notify-format).
const (
	formatSlack          = "slack"           // {"text": mrkdwn}
	formatTeams          = "teams"           // a message with an Adaptive Card (Teams Workflows)
	formatTeamsConnector = "teams-connector" // a MessageCard (an Office 365 connector's webhook)
)

// notifyTarget is a checked webhook: its URL (secret), host and format.
type notifyTarget struct {
	url    string
	host   string
	format string
}

// checkFleetWatchFlags checks --every, --notify and --notify-format, and
// takes the webhook from $CONNECTORS_NOTIFY_URL when --notify is not given.
func checkFleetWatchFlags(cmd *cobra.Command, opts *fleetOptions) error {
	if cmd.Flags().Changed("every") {
		if opts.Every < minFleetEvery {
			return &usageError{msg: fmt.Sprintf("--every must be at least 1m, got %s.", opts.Every),
				fix: "Check at most once a minute (each check costs every org an API request), e.g. --every 15m."}
		}
		if opts.CSV {
			return &usageError{msg: "--every cannot be used with --csv.",
				fix: "Use --json for one JSON object per check, or drop --every for one CSV table."}
		}
	}
	source := "--notify"
	if cmd.Flags().Changed("notify") {
		if strings.TrimSpace(opts.Notify) == "" {
			return &usageError{msg: "--notify needs the webhook's URL.",
				fix: "Give the incoming webhook's URL, preferably in $" + notifyURLEnv + " (a CI secret variable)."}
		}
	} else {
		source = "$" + notifyURLEnv
		opts.Notify = strings.TrimSpace(opts.Getenv(notifyURLEnv))
	}
	if opts.Notify == "" {
		if cmd.Flags().Changed("notify-format") {
			return &usageError{msg: "--notify-format is given without a webhook.",
				fix: "Give the webhook with --notify URL or $" + notifyURLEnv + ", or drop --notify-format."}
		}
		return nil
	}
	_, err := notifyTargetOf(opts.Notify, opts.NotifyFormat, source)
	return err
}

// notifyTargetOf checks the webhook URL raw (from source: the flag or the
// variable) and picks its format: format when given, else from the host.
// Messages name the host at most, never the URL.
func notifyTargetOf(raw, format, source string) (notifyTarget, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return notifyTarget{}, &usageError{msg: fmt.Sprintf("The webhook URL in %s cannot be read (its value is not shown).", source),
			fix: "Give the incoming webhook's URL as Slack or Teams shows it, starting with https://."}
	}
	t := notifyTarget{url: raw, host: strings.ToLower(u.Hostname())}
	if u.Scheme != "https" && (u.Scheme != "http" || !connector.IsLoopbackHost(t.host)) {
		return notifyTarget{}, &usageError{msg: fmt.Sprintf("The webhook URL in %s (host %s) does not use https.", source, safetext.Plain(t.host)),
			fix: "Use the https URL Slack or Teams gives for the webhook; plain http goes only to this computer (127.0.0.1, ::1, localhost)."}
	}
	switch format {
	case formatSlack, formatTeams, formatTeamsConnector:
		t.format = format
	case "":
		t.format = formatOfHost(t.host)
		if t.format == "" {
			return notifyTarget{}, &usageError{msg: fmt.Sprintf("Which kind of webhook is at %s cannot be told from its host.", safetext.Plain(t.host)),
				fix: "Add --notify-format slack, teams (a Teams Workflows webhook) or teams-connector (an Office 365 connector's webhook)."}
		}
	default:
		return notifyTarget{}, &usageError{msg: fmt.Sprintf("Unknown --notify-format %s.", safetext.Value(format)),
			fix: "Use slack, teams (a Teams Workflows webhook) or teams-connector (an Office 365 connector's webhook)."}
	}
	return t, nil
}

// formatOfHost is the webhook format of a known host, "" when unknown.
func formatOfHost(host string) string {
	has := func(suffixes ...string) bool {
		for _, s := range suffixes {
			if host == s || strings.HasSuffix(host, "."+s) {
				return true
			}
		}
		return false
	}
	switch {
	case host == "hooks.slack.com", host == "hooks.slack-gov.com":
		return formatSlack
	case has("logic.azure.com", "powerplatform.com", "powerautomate.com"):
		return formatTeams
	case has("webhook.office.com"), host == "outlook.office.com", host == "outlook.office365.com":
		return formatTeamsConnector
	}
	return ""
}

// refuseURLArgs refuses a URL among the connectors: a webhook given
// without --notify would be quoted back in the usage error.
func refuseURLArgs(args []string) error {
	for _, a := range args {
		if strings.Contains(a, "://") {
			return &usageError{msg: "An argument is a URL (not shown), not a connector.",
				fix: "Give a webhook with --notify URL or $" + notifyURLEnv + ", and connectors as SYSTEM/ENV."}
		}
	}
	return nil
}

// fleetNotice is what a webhook post says: a headline, one line per
// connector, and the counts.
type fleetNotice struct {
	Title  string
	Lines  []noticeLine
	Counts string
}

// noticeLine is one connector in a notice; Alert marks a change to act on.
type noticeLine struct {
	Text  string
	Alert bool
}

// noticeOfChanges is the notice of a watch's check: what changed (the
// domain's sentences) and the counts now.
func noticeOfChanges(bundle string, changes []connector.FleetChange, summary string) fleetNotice {
	alerts := connector.FleetAlerts(changes)
	n := fleetNotice{
		Title:  fmt.Sprintf("Fleet of %s: %s to act on (%s)", safetext.Plain(bundle), plural(alerts, "change"), plural(len(changes), "change")+" since the last check"),
		Counts: "Now: " + summary + ".",
	}
	for _, c := range changes {
		n.Lines = append(n.Lines, noticeLine{Text: safetext.Escape(c.Sentence()), Alert: c.Alert})
	}
	n.Lines = capNoticeLines(n.Lines)
	return n
}

// noticeOfRows is the notice of a single check where not every org is
// current: each org that is not, with its state, and the counts.
func noticeOfRows(bundle string, doc fleetJSON) fleetNotice {
	notCurrent := len(doc.Rows) - doc.Counts[connector.FleetCurrent]
	n := fleetNotice{
		Title:  fmt.Sprintf("Fleet of %s: %d of %d not current", safetext.Plain(bundle), notCurrent, len(doc.Rows)),
		Counts: doc.Summary + ".",
	}
	for _, r := range doc.Rows {
		if r.State != connector.FleetCurrent {
			n.Lines = append(n.Lines, noticeLine{Text: safetext.Escape(r.Connector) + ": " + r.State.Label(), Alert: true})
		}
	}
	n.Lines = capNoticeLines(n.Lines)
	return n
}

// capNoticeLines keeps a chat message short: the first maxNoticeLines,
// then how many more.
func capNoticeLines(lines []noticeLine) []noticeLine {
	if len(lines) <= maxNoticeLines {
		return lines
	}
	more := len(lines) - maxNoticeLines
	return append(lines[:maxNoticeLines:maxNoticeLines], noticeLine{Text: fmt.Sprintf("… and %d more (see the job's log)", more)})
}

// plural is "1 change", "3 changes".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// noticeText is a line as a chat shows it: a warning sign before a change
// to act on.
func (l noticeLine) noticeText() string {
	if l.Alert {
		return "⚠ " + l.Text
	}
	return l.Text
}

// slackEscape escapes the three characters Slack's mrkdwn parses (links,
// mentions such as <!channel>): &, < and >.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// payloadOf is the JSON body the webhook's format expects.
func payloadOf(format string, n fleetNotice) ([]byte, error) {
	var v any
	switch format {
	case formatSlack:
		v = slackPayload(n)
	case formatTeams:
		v = teamsPayload(n)
	default:
		v = teamsConnectorPayload(n)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// slackMessage is a Slack incoming webhook's message: {"text": mrkdwn}.
type slackMessage struct {
	Text string `json:"text"`
}

// slackPayload is the headline in bold, a line per connector, then the
// counts.
func slackPayload(n fleetNotice) slackMessage {
	lines := []string{"*" + slackEscape(n.Title) + "*"}
	for _, l := range n.Lines {
		lines = append(lines, "• "+slackEscape(l.noticeText()))
	}
	lines = append(lines, slackEscape(n.Counts))
	return slackMessage{Text: strings.Join(lines, "\n")}
}

// teamsMessage is what a Teams Workflows webhook takes: a message with
// one Adaptive Card attached.
type teamsMessage struct {
	Type        string            `json:"type"`
	Attachments []teamsAttachment `json:"attachments"`
}

type teamsAttachment struct {
	ContentType string       `json:"contentType"`
	ContentURL  *string      `json:"contentUrl"` // null
	Content     adaptiveCard `json:"content"`
}

type adaptiveCard struct {
	Schema  string         `json:"$schema"`
	Type    string         `json:"type"`
	Version string         `json:"version"`
	Body    []adaptiveText `json:"body"`
}

// adaptiveText is an Adaptive Card's TextBlock.
type adaptiveText struct {
	Type   string `json:"type"`
	Text   string `json:"text"`
	Wrap   bool   `json:"wrap"`
	Weight string `json:"weight,omitempty"`
	Size   string `json:"size,omitempty"`
}

// teamsPayload is one Adaptive Card (version 1.2) with a TextBlock for the
// headline, each connector and the counts.
func teamsPayload(n fleetNotice) teamsMessage {
	body := []adaptiveText{{Type: "TextBlock", Text: n.Title, Wrap: true, Weight: "Bolder", Size: "Medium"}}
	for _, l := range n.Lines {
		body = append(body, adaptiveText{Type: "TextBlock", Text: l.noticeText(), Wrap: true})
	}
	body = append(body, adaptiveText{Type: "TextBlock", Text: n.Counts, Wrap: true})
	return teamsMessage{Type: "message", Attachments: []teamsAttachment{{
		ContentType: "application/vnd.microsoft.card.adaptive",
		Content:     adaptiveCard{Schema: "http://adaptivecards.io/schemas/adaptive-card.json", Type: "AdaptiveCard", Version: "1.2", Body: body},
	}}}
}

// messageCard is what an Office 365 connector's webhook takes.
type messageCard struct {
	Type    string `json:"@type"`
	Context string `json:"@context"`
	Summary string `json:"summary"`
	Title   string `json:"title"`
	Text    string `json:"text"`
}

// teamsConnectorPayload is the headline as summary and title, the lines
// and counts as its text (paragraphs).
func teamsConnectorPayload(n fleetNotice) messageCard {
	parts := make([]string, 0, len(n.Lines)+1)
	for _, l := range n.Lines {
		parts = append(parts, l.noticeText())
	}
	parts = append(parts, n.Counts)
	return messageCard{Type: "MessageCard", Context: "https://schema.org/extensions", Summary: n.Title, Title: n.Title, Text: strings.Join(parts, "\n\n")}
}

// notifyFleet posts the notice to the webhook; a failure is a warning on
// stderr (what happened, the fix) and is logged by its code and host,
// never by the URL. It returns whether the post was accepted.
func notifyFleet(ctx context.Context, opts *fleetOptions, n fleetNotice) bool {
	source := "--notify"
	t, err := notifyTargetOf(opts.Notify, opts.NotifyFormat, source)
	if err != nil { // checked before the run: only a changed environment
		fmt.Fprintf(opts.IO.ErrOut, "%s %s\n", symWarn, err.Error())
		return false
	}
	body, err := payloadOf(t.format, n)
	if err == nil {
		err = postWebhook(ctx, t, body, opts.NotifyTimeout)
	}
	log := opts.Logger()
	if err != nil {
		p := connector.AsProblem(err)
		fmt.Fprintf(opts.IO.ErrOut, "%s %s %s\n", symWarn, p.Message, p.Fix)
		log.Warn("fleet: webhook post failed", "host", t.host, "format", t.format, "code", p.Code)
		return false
	}
	log.Info("fleet: webhook posted", "host", t.host, "format", t.format)
	return true
}

// webhookClient posts without following redirects (the body goes only
// where the URL says), through the proxy of the environment.
var webhookClient = &http.Client{
	Transport:     &http.Transport{Proxy: http.ProxyFromEnvironment},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// postWebhook posts body as JSON to the webhook within timeout; anything
// but a 2xx answer is a problem naming the host, never the URL.
func postWebhook(ctx context.Context, t notifyTarget, body []byte, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(body))
	if err != nil {
		return notifyProblem(t, "the request could not be made", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "connectorctl/"+appVersion())
	resp, err := webhookClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the URL
		}
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return notifyProblem(t, fmt.Sprintf("no answer within %s", timeout), err)
		}
		return notifyProblem(t, "it could not be reached ("+redactWebhook(err.Error(), t.url)+")", err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	what := "it answered " + resp.Status
	if a := strings.TrimSpace(redactWebhook(string(answer), t.url)); a != "" && len(a) <= 200 {
		what += " (" + safetext.Escape(a) + ")"
	}
	return notifyProblem(t, what, nil)
}

// notifyProblem is the warning of a failed post.
func notifyProblem(t notifyTarget, what string, err error) *connector.Problem {
	return &connector.Problem{
		Code:    codeNotifyFailed,
		Message: fmt.Sprintf("The fleet summary could not be posted to the webhook at %s: %s.", safetext.Plain(t.host), what),
		Fix: fmt.Sprintf("Check that the webhook still exists and that --notify-format (%s) fits it, then update $%s; the fleet check itself is not affected.",
			t.format, notifyURLEnv),
		Err: err,
	}
}

// redactWebhook removes from s (an error, a server's answer) the URL and
// every part of its path and query long enough to be a secret.
func redactWebhook(s, raw string) string {
	s = strings.ReplaceAll(s, raw, "(the webhook URL)")
	u, err := url.Parse(raw)
	if err != nil {
		return s
	}
	parts := []string{u.RawQuery, u.EscapedPath(), u.Path} // whole first, then their pieces
	parts = append(parts, strings.Split(u.EscapedPath(), "/")...)
	parts = append(parts, strings.Split(u.Path, "/")...)
	for _, vs := range u.Query() {
		parts = append(parts, vs...)
	}
	for _, p := range parts {
		if len(p) >= 6 {
			s = strings.ReplaceAll(s, p, "…")
		}
	}
	return s
}
