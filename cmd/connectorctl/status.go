package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// statusOptions is what status runs with.
type statusOptions struct {
	cmdEnv
	Keys []connector.Key
	JSON bool
}

// newCmdStatus builds status; runF, when set, runs instead of statusRun.
func newCmdStatus(f *factory, runF func(*statusOptions) error) *cobra.Command {
	opts := &statusOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "status [SYSTEM/ENV ...]",
		Short: "Check connectors live (concurrently); exits 1 when any needs attention",
		Long: `Check each connector live against its org, concurrently: tokens present, the
session valid (refreshing it if needed), the org and the environment slot it
sits in, the API Enabled and Customize Application permissions, the published
resource and the API usage. Without arguments every connector is checked.

Each connector needing attention says why and the command that fixes it.
Exits 1 when any connector needs attention.`,
		Example: `  connectorctl status
  connectorctl status Lightning/Sandbox Lightning/Production --json`,
		ValidArgsFunction: completeKeys(f, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := f.connectorArgs(args, &opts.JSON)
			if err != nil {
				return err
			}
			opts.Keys = keys
			if runF != nil {
				return runF(opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, f)
	return cmd
}

// statusJSON is one connector in `status --json`: the live Status plus the
// commands to run next.
type statusJSON struct {
	connector.Status
	NeedsAttention bool     `json:"needsAttention"`
	NextSteps      []string `json:"nextSteps"`
}

// statusRun checks the connectors live (all of them when opts.Keys is
// empty) and prints them; exit 1 when any needs attention.
func statusRun(ctx context.Context, opts *statusOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	cs, err := lookup(svc.Registry, opts.Keys...)
	if err != nil {
		return err
	}
	sts := svc.StatusAll(ctx, keysOf(cs)) // nil: every connector
	attention := 0
	items := make([]statusJSON, 0, len(sts))
	for _, st := range sts {
		if st.Connector == "" {
			st.Connector = st.Key.String()
		}
		na := st.State.NeedsAttention()
		if na {
			attention++
		}
		items = append(items, statusJSON{Status: st, NeedsAttention: na, NextSteps: nextSteps(st)})
	}
	if opts.JSON {
		if err := writeJSON(opts.IO.Out, items); err != nil {
			return err
		}
	} else {
		printStatuses(opts, items, attention)
	}
	if attention > 0 {
		return &silentError{code: exitFailure}
	}
	return nil
}

// printStatuses prints the connectors' statuses for people.
func printStatuses(opts *statusOptions, items []statusJSON, attention int) {
	out := opts.IO.Out
	if len(items) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No connectors yet.")
		fmt.Fprintln(opts.IO.ErrOut, "Create one with: connectorctl authorize SYSTEM/ENVIRONMENT, e.g. connectorctl authorize Lightning/Sandbox")
	}
	for i, it := range items {
		if i > 0 {
			fmt.Fprintln(out)
		}
		printStatus(out, it, opts.Now, opts.IO.OutTTY)
	}
	if attention > 0 && len(items) > 1 {
		fmt.Fprintf(out, "\n%d of %d connectors need attention.\n", attention, len(items))
	}
}

// nextSteps names the commands that fix a state.
func nextSteps(st connector.Status) []string {
	k := quoteKey(st.Key)
	switch st.State {
	case connector.StateConnected:
		return []string{}
	case connector.StateNotAuthorized, connector.StateNeedsReauth, connector.StateSandboxRefreshed:
		return []string{"connectorctl authorize " + k}
	case connector.StatePermissionMissing:
		return []string{"connectorctl status " + k}
	case connector.StateEnvMismatch:
		return []string{
			"connectorctl authorize " + k,
			"connectorctl authorize " + k + " --allow-environment-mismatch",
		}
	case connector.StateUnreachable, connector.StateKeyringError:
		return []string{"connectorctl doctor", "connectorctl status " + k}
	}
	return []string{"connectorctl doctor"}
}

// printFound says which version the org holds, and from where, when it
// was published with Connectors.
func printFound(w io.Writer, v *connector.OrgVersion) {
	if v == nil || (v.Provenance != connector.ProvOwn && v.Provenance != connector.ProvConnectors) {
		return
	}
	who := "by this computer"
	if v.Provenance == connector.ProvConnectors {
		who = "elsewhere (another computer, a teammate or CI)"
	}
	fmt.Fprintf(w, "  - The org holds the version %s, %s.\n", v.Summary(), who)
}

// printStatus prints one connector's status: how it stands, what was
// checked, and what to run when it needs attention.
func printStatus(w io.Writer, it statusJSON, now func() time.Time, tty bool) {
	st := it.Status
	fmt.Fprintln(w, st.Connector)
	printStatusHead(w, it)
	printStatusChecks(w, st)
	if st.Resource != nil {
		r := st.Resource
		fmt.Fprintf(w, "  - Resource %s: %s, modified %s\n", r.Name, connector.FormatSize(r.Size, "en"), fmtTime(&r.LastModified, now(), tty))
	}
	printFound(w, st.Found)
	if st.Drift != nil {
		fmt.Fprintf(w, "  %s The resource was %s; %s.\n", symWarn, st.Drift.Summary(), st.Drift.PublishEffect())
	}
	if st.APIUsage != nil && st.APIUsage.Max > 0 {
		fmt.Fprintf(w, "  - API requests today: %d of %d\n", st.APIUsage.Used, st.APIUsage.Max)
	}
	if it.NeedsAttention {
		printStatusNext(w, it)
	}
}

// printStatusHead is the state line, and the org when it needs attention.
func printStatusHead(w io.Writer, it statusJSON) {
	st := it.Status
	if !it.NeedsAttention {
		who := ""
		if st.Org != nil {
			who = fmt.Sprintf(" to %s (%s) as %s", st.Org.DisplayName(), st.Org.OrgID, st.Org.Username)
		}
		fmt.Fprintf(w, "  %s Connected%s\n", symOK, who)
		return
	}
	fmt.Fprintf(w, "  %s %s: %s\n", symFail, st.State.Label(), sentence(st.Message))
	if st.Org != nil {
		fmt.Fprintf(w, "  - Org: %s (%s) as %s\n", st.Org.DisplayName(), st.Org.OrgID, st.Org.Username)
	}
}

// printStatusChecks are the instance, the credential, the environment and
// the permissions lines.
func printStatusChecks(w io.Writer, st connector.Status) {
	if st.Org != nil && st.Org.InstanceURL != "" {
		fmt.Fprintf(w, "  - Instance: %s\n", st.Org.InstanceURL)
	}
	if st.CredentialSource != "" {
		fmt.Fprintf(w, "  - Credential: %s\n", st.CredentialSource)
	}
	if st.Org != nil && st.EnvironmentChecked { // never a verdict on an org that could not be asked
		sym := symOK
		if !st.EnvironmentOK {
			sym = symFail
		}
		fmt.Fprintf(w, "  %s Environment: %s\n", sym, envCheck(st.Key.Environment, st.Org, st.EnvironmentOK))
	}
	if st.Permissions.Checked {
		fmt.Fprintf(w, "  %s Permissions: %s\n", permSym(st.Permissions), permLine(st.Permissions))
	}
}

// printStatusNext is the fix and the commands to run next.
func printStatusNext(w io.Writer, it statusJSON) {
	st := it.Status
	if st.Fix != "" {
		fmt.Fprintf(w, "  %s %s\n", symNext, st.Fix)
	}
	for _, c := range it.NextSteps {
		if !strings.Contains(st.Fix, c) {
			fmt.Fprintf(w, "  %s Run: %s\n", symNext, c)
		}
	}
}

// envCheck describes the org's kind against the connector's slot.
func envCheck(env connector.Environment, org *connector.OrgInfo, ok bool) string {
	kind := "a production org"
	if org.IsSandbox {
		kind = "a sandbox org"
	}
	if ok {
		return fmt.Sprintf("%s in the %s slot", kind, env.Title())
	}
	return fmt.Sprintf("%s in the %s slot (mismatch)", kind, env.Title())
}

func permSym(p connector.Permissions) string {
	if len(p.Missing()) > 0 {
		return symFail
	}
	return symOK
}

func permLine(p connector.Permissions) string {
	var parts []string
	for _, l := range p.Lines() {
		switch l.State {
		case connector.PermGranted:
			parts = append(parts, l.Name+" "+symOK)
		case connector.PermMissing:
			parts = append(parts, l.Name+" "+symFail+" (missing)")
		default:
			parts = append(parts, l.Name+" "+symWarn+" (not checked)")
		}
	}
	return strings.Join(parts, ", ")
}
