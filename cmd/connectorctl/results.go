package main

// One target's result of publish, restore and watch: its --json form and
// its lines for people (the JUnit report reuses them).

import (
	"fmt"
	"io"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/connectors-app/connectors/connector"
)

// skippedLine prints a skipped target's line.
func printSkipped(w io.Writer, r resultJSON) {
	fmt.Fprintf(w, "%s %s: %s\n", symWarn, r.Connector, sentence(r.Message))
	if r.Fix != "" {
		fmt.Fprintf(w, "  %s %s\n", symNext, r.Fix)
	}
}

// resultJSON is one target's result in `publish --json` and `restore --json`:
// the service's PublishResult plus the problem split into message and fix.
type resultJSON struct {
	service.PublishResult
	Message string `json:"message,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

func toResultJSON(r service.PublishResult) resultJSON {
	if r.Connector == "" {
		r.Connector = r.Key.String()
	}
	out := resultJSON{PublishResult: r}
	if r.Problem != nil {
		out.Message = r.Problem.Message
		out.Fix = r.Problem.Fix
		if out.Error == "" {
			out.Error = r.Problem.Error()
		}
		if out.ErrorCode == "" {
			out.ErrorCode = r.Problem.Code
		}
	}
	return out
}

// printReplaced says whose version a publish replaced, when it was
// published with Connectors elsewhere (another computer, a teammate, CI).
func printReplaced(w io.Writer, r resultJSON) {
	if v := r.Replaced; v != nil && v.Provenance == connector.ProvConnectors {
		fmt.Fprintf(w, "  - It replaced the version %s.\n", v.Summary())
	}
}

// printUpToDate says the org already holds the bundle, and who put it
// there when it was not this computer.
func printUpToDate(w io.Writer, r resultJSON) {
	if v := r.Found; v != nil && v.Provenance == connector.ProvConnectors {
		fmt.Fprintf(w, "%s %s: already up to date (%s has this bundle, %s)\n", symOK, r.Connector, r.Resource, v.Summary())
		return
	}
	fmt.Fprintf(w, "%s %s: already up to date (%s has this bundle)\n", symOK, r.Connector, r.Resource)
}

// printResult writes one target's result line (and its fix on failure).
func printResult(w io.Writer, r resultJSON, restore bool) {
	switch {
	case restore && r.RestoredFrom != nil && (r.Outcome == service.OutcomeCreated || r.Outcome == service.OutcomeUpdated):
		printRestored(w, r)
		return
	case r.Outcome == service.OutcomeFailed && r.ErrorCode == connector.CodeResourceExists:
		fmt.Fprintf(w, "%s %s: %s\n", symFail, r.Connector, sentence(r.Message))
		fmt.Fprintf(w, "  %s Add --replace-existing to replace it (a backup of it is taken first), or choose another --resource name.\n", symNext)
		return
	}
	switch r.Outcome {
	case service.OutcomeCreated:
		fmt.Fprintf(w, "%s %s: created %s (%s), %s in %s\n", symOK, r.Connector, r.Resource, r.ResourceID, connector.FormatSize(r.Size, "en"), fmtDuration(r.Duration))
		printServed(w, r)
	case service.OutcomeUpdated:
		printUpdated(w, r, restore)
	case service.OutcomeUpToDate:
		printUpToDate(w, r)
	case service.OutcomeWouldCreate, service.OutcomeWouldUpdate:
		printWould(w, r)
	default:
		printFailed(w, r)
	}
}

// printRestored is the line of a restore that put back a backed-up version.
func printRestored(w io.Writer, r resultJSON) {
	line := fmt.Sprintf("%s %s: restored the version of %s of %s, %s in %s", symOK, r.Connector,
		fmtVersionTime(r.RestoredFrom.TakenAt), r.Resource, connector.FormatSize(r.Size, "en"), fmtDuration(r.Duration))
	if r.BackupPath != "" {
		line += "; the version it replaced is backed up to " + r.BackupPath
	}
	fmt.Fprintln(w, line)
	printChangedOutside(w, r)
}

// printUpdated is the line of an update (or a restore without its version).
func printUpdated(w io.Writer, r resultJSON, restore bool) {
	verb := "updated"
	if restore {
		verb = "restored"
	}
	line := fmt.Sprintf("%s %s: %s %s, %s in %s", symOK, r.Connector, verb, r.Resource, connector.FormatSize(r.Size, "en"), fmtDuration(r.Duration))
	if r.BackupPath != "" {
		line += "; previous version backed up to " + r.BackupPath
	}
	fmt.Fprintln(w, line)
	printReplaced(w, r)
	printChangedOutside(w, r)
	printServed(w, r)
}

// printWould is a dry run's line and its plan.
func printWould(w io.Writer, r resultJSON) {
	if r.Outcome == service.OutcomeWouldCreate {
		fmt.Fprintf(w, "- %s: would create %s, %s (dry run: nothing written)\n", r.Connector, r.Resource, connector.FormatSize(r.Size, "en"))
		printPlan(w, r.Plan)
		return
	}
	fmt.Fprintf(w, "- %s: would update %s, %s (dry run: nothing written)\n", r.Connector, r.Resource, connector.FormatSize(r.Size, "en"))
	if r.ChangedOutside && r.Drift != nil {
		fmt.Fprintf(w, "  %s %s was changed outside Connectors (%s by %s): publishing over it needs --force (it is backed up first).\n",
			symWarn, r.Resource, fmtVersionTime(r.Drift.LastModifiedDate), r.Drift.By())
	}
	printPlan(w, r.Plan)
}

// printFailed is a failed target's line and its fix.
func printFailed(w io.Writer, r resultJSON) {
	msg, fix := r.Message, r.Fix
	if msg == "" {
		msg = r.Error
	}
	if msg == "" {
		msg = "failed for an unknown reason."
	}
	fmt.Fprintf(w, "%s %s: %s\n", symFail, r.Connector, sentence(msg))
	if fix != "" {
		fmt.Fprintf(w, "  %s %s\n", symNext, fix)
	}
}

// printChangedOutside warns that the replaced version had been changed in
// the org since our last publish (it was backed up first).
func printChangedOutside(w io.Writer, r resultJSON) {
	if !r.ChangedOutside {
		return
	}
	by := ""
	if r.Drift != nil {
		by = fmt.Sprintf(" (%s by %s)", fmtVersionTime(r.Drift.LastModifiedDate), r.Drift.By())
	}
	fmt.Fprintf(w, "  %s %s had been changed outside this app since its last publish%s; that version was downloaded and backed up first.\n", symWarn, r.Resource, by)
}

// maxPlanLines bounds the files a plan prints (--json has them all).
const maxPlanLines = 40

// printPlan prints what a publish would change, file by file.
func printPlan(w io.Writer, p *service.Plan) {
	if p == nil {
		return
	}
	from := map[string]string{
		service.PlanSourceNone:      "the org has no such resource yet",
		service.PlanSourceLocalCopy: "compared with our copy of the last publish (unchanged in the org since)",
		service.PlanSourceDownload:  "compared with the org's version (downloaded)",
	}[p.Source]
	fmt.Fprintf(w, "  Plan: %d added, %d removed, %d changed, %d unchanged; %s.\n", p.Added, p.Removed, p.Changed, p.Unchanged, from)
	if p.OrgNotBundle {
		fmt.Fprintf(w, "  The org's version (%s) is not a ZIP bundle: it is replaced as a whole.\n", connector.FormatSize(p.OldSize, "en"))
	}
	if len(p.Files) == 0 && !p.OrgNotBundle && p.Source != service.PlanSourceNone {
		fmt.Fprintln(w, "  No file changes.")
	}
	for i, c := range p.Files {
		if i == maxPlanLines {
			fmt.Fprintf(w, "  ... and %d more (see --json)\n", len(p.Files)-i)
			break
		}
		switch c.Change {
		case service.ChangeAdded:
			fmt.Fprintf(w, "  + %s (%s)\n", c.Path, connector.FormatSize(c.NewSize, "en"))
		case service.ChangeRemoved:
			fmt.Fprintf(w, "  - %s (%s)\n", c.Path, connector.FormatSize(c.OldSize, "en"))
		default:
			fmt.Fprintf(w, "  ~ %s (%s → %s)\n", c.Path, connector.FormatSize(c.OldSize, "en"), connector.FormatSize(c.NewSize, "en"))
		}
	}
}

// printServed says how pages reference the published resource and how long
// caches may keep the previous version.
func printServed(w io.Writer, r resultJSON) {
	s := r.Served
	if s == nil {
		return
	}
	fmt.Fprintf(w, "  Pages reference it as %s (Visualforce) or %s (Lightning), served at %s/<path in the bundle>", s.Visualforce, s.Lightning, s.Path)
	if s.FileURL != "" {
		fmt.Fprintf(w, ", e.g. %s", s.FileURL)
	}
	fmt.Fprintf(w, ".\n  %s\n", s.CacheNote)
}
