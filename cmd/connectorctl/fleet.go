package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/internal/safetext"
)

// fleetOptions is what fleet runs with.
type fleetOptions struct {
	cmdEnv
	BundlePath   string
	Keys         []connector.Key
	All          bool
	ResourceName string
	MaxParallel  int
	JSON         bool
	// CSV prints the rows as CSV instead of the aligned lines.
	CSV bool
	// HTML, when set, is where the HTML report is written as well.
	HTML string
	// Every, when set, checks again on this schedule until interrupted,
	// reporting only what changed since the previous check.
	Every time.Duration
	// Notify is the webhook URL (--notify, else $CONNECTORS_NOTIFY_URL): a
	// secret, never printed. NotifyFormat is slack, teams or
	// teams-connector ("": from the URL's host).
	Notify       string
	NotifyFormat string
}

// newCmdFleet builds fleet; runF, when set, runs instead of fleetRun.
func newCmdFleet(f *factory, runF func(*fleetOptions) error) *cobra.Command {
	opts := &fleetOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "fleet BUNDLE [SYSTEM/ENV ...] [--all]",
		Short: "Say which orgs hold which version of a bundle (reads only); exits 1 unless all are current",
		Long: `Read, in every org at once, the version of the resource it holds, as the org
records it (fingerprint, when and by whom it was published, from which app
version), and say where each stands against BUNDLE:

  current              the org holds exactly this bundle
  behind               it holds another version published with Connectors
  changed_outside      the resource was changed outside Connectors, or a
                       same-name resource was never published with it
  absent               no such resource yet
  needs_authorization  no session without a new authorization
  unreachable          the org could not be read (the reason and the fix)

Without connectors (or with --all) every connector is read; with --connectors
FILE, those of the file. Each org costs a session (a token grant for JWT and
client credentials) and one query. Nothing is written: no publish, no history,
no backup. Exits 0 when every org is current, 1 otherwise, 2 on a usage error.

--csv prints the same rows as CSV (a header row, then one row per
connector: connector, environment, production, org name and ID, resource,
state, fingerprint, published at (RFC 3339, UTC) and by, app version, last
modified at and by, and the problem's code, message and fix for the orgs
that could not be read); cells a spreadsheet would run as formulas start
with a '. --csv and --json cannot be used together.

--html FILE also writes a self-contained HTML page (inline style, no
script, no external asset) to send to a client: the bundle, when it was
checked, the counts and the table. The usual output still goes to stdout;
it says where the report was written.

--every DURATION (at least 1m, e.g. 15m or 1h) checks again on that
schedule until Ctrl+C or SIGTERM, which end it with exit 0 (a usage error
still exits 2, a first check that cannot run 1). The first check prints the
usual table; each later one prints only what changed since the previous
check, one timestamped line per connector ("!" marks a change to act on: a
new change outside Connectors, an org that fell behind, one that needs
authorization again or became unreachable), then one line with the counts,
or a single "No change" line. With --json, each check is one JSON object on
one line (JSON Lines). --html FILE is written again at each check; --csv
cannot be used with --every. BUNDLE is read once, at the start.

--notify URL posts a summary to a Slack or Microsoft Teams incoming webhook:
once, when not every org is current; with --every, after each check that
has a change to act on (the first check is the baseline and posts nothing).
The URL carries the webhook's secret: prefer $CONNECTORS_NOTIFY_URL (a CI
secret variable) to the flag, which other users of the machine can see in
the process list. It is never printed or logged. Only https, or http to
this computer (127.0.0.1, ::1, localhost). The format comes from the host
(hooks.slack.com: slack; *.logic.azure.com, *.powerplatform.com: teams, an
Adaptive Card for a Teams Workflows webhook; *.webhook.office.com,
outlook.office.com: teams-connector, a MessageCard for an Office 365
connector), or from --notify-format, needed for any other host. A post
that fails (an error answer, no answer within 10 s, no network) is a
warning on stderr and changes no exit code.`,
		Example: `  connectorctl fleet content.zip
  connectorctl fleet ./content Acme/Production Acme/UAT --resource AcmeContent
  connectorctl fleet content.zip --connectors connectors.json --all --json
  connectorctl fleet content.zip --csv > fleet.csv
  connectorctl fleet content.zip --html fleet-report.html
  CONNECTORS_NOTIFY_URL=https://hooks.slack.com/services/... connectorctl fleet content.zip --every 15m`,
		Args:              minArgs(1, "a bundle, then perhaps connectors (BUNDLE [SYSTEM/ENV ...])"),
		ValidArgsFunction: completeKeys(f, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := refuseURLArgs(args[1:]); err != nil {
				return err
			}
			keys, err := f.connectorArgs(args[1:], &opts.JSON)
			if err != nil {
				return err
			}
			if err := checkFleetFlags(cmd, opts, keys); err != nil {
				return err
			}
			opts.BundlePath, opts.Keys = args[0], keys
			if runF != nil {
				return runF(opts)
			}
			return fleetRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.All, "all", false, "read every connector (the default without connectors)")
	fl.StringVar(&opts.ResourceName, "resource", "", "StaticResource name (default: each connector's, else "+connector.DefaultResourceName+")")
	fl.IntVar(&opts.MaxParallel, "max-parallel", 0, fmt.Sprintf("read at most N orgs at once (default %d)", service.FleetConcurrency))
	fl.BoolVar(&opts.CSV, "csv", false, "print the rows as CSV (formula-looking cells neutralised)")
	fl.StringVar(&opts.HTML, "html", "", "also write a self-contained HTML report to `FILE`")
	fl.DurationVar(&opts.Every, "every", 0, "check again every `DURATION` (at least 1m) until interrupted, printing only the changes")
	fl.StringVar(&opts.Notify, "notify", "", "post a summary to a Slack or Teams incoming webhook `URL` (a secret: prefer $"+notifyURLEnv+")")
	fl.StringVar(&opts.NotifyFormat, "notify-format", "", "the webhook's format: slack, teams (Workflows) or teams-connector (default: from the URL's host)")
	addJSONFlag(cmd, f)
	return cmd
}

// checkFleetFlags refuses flags that cannot work together.
func checkFleetFlags(cmd *cobra.Command, opts *fleetOptions, keys []connector.Key) error {
	if opts.MaxParallel < 0 || cmd.Flags().Changed("max-parallel") && opts.MaxParallel == 0 {
		return &usageError{msg: fmt.Sprintf("--max-parallel must be at least 1, got %d.", opts.MaxParallel), fix: "Give how many orgs to read at once, e.g. --max-parallel 10."}
	}
	if opts.CSV && opts.JSON {
		return newUsageError(cmd.CommandPath(), "--json and --csv cannot be used together")
	}
	if cmd.Flags().Changed("html") && opts.HTML == "" {
		return &usageError{msg: "--html needs a file name.", fix: "Give where to write the report, e.g. --html fleet-report.html."}
	}
	if err := checkFleetWatchFlags(cmd, opts); err != nil {
		return err
	}
	if opts.All && len(keys) > 0 {
		return &usageError{msg: "fleet takes either --all or connectors, not both.", fix: "Drop the connectors to read them all, or drop --all."}
	}
	if cmd.Flags().Changed("resource") {
		return validateResourceName(opts.ResourceName)
	}
	return nil
}

// fleetBundleJSON is the bundle in `fleet --json`.
type fleetBundleJSON struct {
	Source      string `json:"source"`
	Fingerprint string `json:"fingerprint"`
	Size        int64  `json:"size"`
}

// fleetRowJSON is one connector in `fleet --json`.
type fleetRowJSON struct {
	Connector  string               `json:"connector"`
	State      connector.FleetState `json:"state"`
	Production bool                 `json:"production"`
	OrgID      string               `json:"orgId,omitempty"`
	OrgName    string               `json:"orgName,omitempty"`
	Resource   string               `json:"resource"`
	// Provenance and the rest are the version the org holds, as its record says.
	Provenance     connector.Provenance `json:"provenance,omitempty"`
	Fingerprint    string               `json:"fingerprint,omitempty"`
	Size           *int64               `json:"size,omitempty"`
	PublishedAt    *time.Time           `json:"publishedAt,omitempty"`
	PublishedBy    string               `json:"publishedBy,omitempty"`
	AppVersion     string               `json:"appVersion,omitempty"`
	LastModifiedAt *time.Time           `json:"lastModifiedAt,omitempty"`
	LastModifiedBy string               `json:"lastModifiedBy,omitempty"`
	Note           string               `json:"note,omitempty"`
	Problem        *problemJSON         `json:"problem,omitempty"`
}

// fleetJSON is `fleet --json`.
type fleetJSON struct {
	Bundle     fleetBundleJSON              `json:"bundle"`
	AllCurrent bool                         `json:"allCurrent"`
	Summary    string                       `json:"summary"`
	Counts     map[connector.FleetState]int `json:"counts"`
	Rows       []fleetRowJSON               `json:"rows"`
}

// fleetRun reads the orgs and reports; exit 1 unless every row is current.
// With --every it goes on checking (fleetWatch).
func fleetRun(ctx context.Context, opts *fleetOptions) error {
	b, err := openBundle(opts.BundlePath)
	if err != nil {
		return err
	}
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	check := func() (fleetJSON, []service.FleetRow, error) {
		return fleetCheck(ctx, opts, svc, b.Fingerprint(), b.Size())
	}
	if opts.Every > 0 {
		return fleetWatch(ctx, opts, check)
	}
	doc, rows, err := check()
	if err != nil {
		return err
	}
	if err := fleetOutput(opts, doc, rows); err != nil {
		return err
	}
	if !doc.AllCurrent {
		if opts.Notify != "" && len(rows) > 0 { // no connectors: nothing to tell a channel
			notifyFleet(ctx, opts, noticeOfRows(opts.BundlePath, doc))
		}
		return &silentError{code: exitFailure}
	}
	return nil
}

// fleetCheck reads every org of the run once and lays out the answer.
func fleetCheck(ctx context.Context, opts *fleetOptions, svc *service.Service, fp string, size int64) (fleetJSON, []service.FleetRow, error) {
	cs, err := fleetTargets(svc.Registry, opts.Keys)
	if err != nil {
		return fleetJSON{}, nil, err
	}
	rows := svc.Fleet(ctx, keysOf(cs), fp, size, opts.ResourceName, opts.MaxParallel)
	doc := fleetJSON{
		Bundle: fleetBundleJSON{Source: opts.BundlePath, Fingerprint: fp, Size: size},
		Counts: map[connector.FleetState]int{}, Rows: make([]fleetRowJSON, 0, len(rows)),
	}
	states := make([]connector.FleetState, len(rows))
	for _, s := range connector.FleetStates {
		doc.Counts[s] = 0
	}
	for i, r := range rows {
		states[i] = r.State
		doc.Counts[r.State]++
		doc.Rows = append(doc.Rows, fleetRowOf(r))
	}
	doc.Summary = connector.FleetSummary(states)
	doc.AllCurrent = len(rows) > 0 && doc.Counts[connector.FleetCurrent] == len(rows)
	return doc, rows, nil
}

// fleetOutput writes the HTML report when asked, then prints the rows as
// JSON, CSV or aligned lines, saying where the report went (on stderr
// when stdout is JSON or CSV).
func fleetOutput(opts *fleetOptions, doc fleetJSON, rows []service.FleetRow) error {
	if opts.HTML != "" {
		if err := writeFleetHTML(opts.HTML, fleetReportOf(opts, doc, rows, opts.Now())); err != nil {
			return err
		}
	}
	var err error
	switch {
	case opts.JSON:
		err = writeJSON(opts.IO.Out, doc)
	case opts.CSV:
		err = writeFleetCSV(opts.IO.Out, doc, rows)
	default:
		err = printFleet(opts, doc, rows)
	}
	if err != nil || opts.HTML == "" {
		return err
	}
	w := opts.IO.Out
	if opts.JSON || opts.CSV {
		w = opts.IO.ErrOut
	}
	_, err = fmt.Fprintf(w, "Report written to %s.\n", safetext.Plain(opts.HTML))
	return err
}

// fleetTargets are the connectors of keys, every connector when none.
func fleetTargets(reg *connector.Registry, keys []connector.Key) ([]connector.Connector, error) {
	if len(keys) == 0 {
		return reg.List()
	}
	return lookup(reg, keys...)
}

// fleetRowOf is a row in --json.
func fleetRowOf(r service.FleetRow) fleetRowJSON {
	j := fleetRowJSON{Connector: r.Connector, State: r.State, Production: r.Production, Resource: r.Resource, Problem: toProblemJSON(r.Problem)}
	if r.Org != nil {
		j.OrgID, j.OrgName = r.Org.OrgID, r.Org.OrgName
	}
	v := r.Version
	if v == nil {
		return j
	}
	j.Provenance, j.Fingerprint, j.AppVersion = v.Provenance, v.Fingerprint, v.AppVersion
	if v.Provenance == connector.ProvAbsent {
		return j
	}
	size := v.Size
	j.Size = &size
	if !v.PublishedAt.IsZero() {
		at := v.PublishedAt
		j.PublishedAt = &at
	}
	if !v.LastModifiedDate.IsZero() {
		at := v.LastModifiedDate
		j.LastModifiedAt = &at
	}
	j.PublishedBy = v.Publisher
	j.LastModifiedBy = v.Who()
	if v.Provenance == connector.ProvForeign {
		j.Note = "A resource of this name that was never published with Connectors: a publish leaves it alone unless told to replace it (--replace-existing)."
	}
	return j
}

// printFleet prints one aligned line per connector, then the summary.
func printFleet(opts *fleetOptions, doc fleetJSON, rows []service.FleetRow) error {
	out := opts.IO.Out
	if len(rows) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No connectors yet.")
		fmt.Fprintln(opts.IO.ErrOut, "Create one with: connectorctl authorize SYSTEM/ENVIRONMENT, e.g. connectorctl authorize Lightning/Sandbox")
		return nil
	}
	fmt.Fprintf(out, "Bundle %s: version %s\n", safetext.Plain(opts.BundlePath), connector.ShortVersion(doc.Bundle.Fingerprint))
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CONNECTOR\t\tORG\tSTATE\tVERSION")
	for _, r := range rows {
		prod := ""
		if r.Production {
			prod = "production"
		}
		org := "-"
		if r.Org != nil {
			org = safetext.Escape(r.Org.DisplayName())
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", safetext.Escape(r.Connector), prod, org, r.State.Label(), fleetDetail(r))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(out, doc.Summary+".")
	return err
}

// fleetDetail is what a row says of the version, or of the problem.
func fleetDetail(r service.FleetRow) string {
	switch {
	case r.Problem != nil:
		return sentence(r.Problem.Message) + " " + sentence(r.Problem.Fix)
	case r.Version == nil || r.Version.Provenance == connector.ProvAbsent:
		return "no resource " + safetext.Escape(r.Resource)
	}
	return safetext.Escape(r.Version.Summary())
}
