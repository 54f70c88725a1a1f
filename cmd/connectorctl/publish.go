package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/packaging"
)

type publishOptions struct {
	BundlePath   string
	Keys         []connector.Key
	ResourceName string
	DryRun       bool
	Force        bool
	Verify       bool
	Yes          bool
	JSON         bool
	// ReplaceExisting replaces a same-name resource this app did not publish.
	ReplaceExisting bool
	// CI are --all, --shard, --max-parallel, --report, --api-reserve.
	CI ciPublishFlags
}

func newPublishCmd(f *factory) *cobra.Command {
	opts := &publishOptions{}
	cmd := &cobra.Command{
		Use:   "publish BUNDLE (SYSTEM/ENV [SYSTEM/ENV ...] | --all)",
		Short: "Publish a content bundle (.zip or folder) to one or more connectors",
		Long: `Publish BUNDLE (a .zip file or a folder, zipped on the fly) as the connector's
StaticResource, to every SYSTEM/ENV given, concurrently. One failure never
stops the others; each target gets one result line, and the command exits 1
when any target failed.

An unchanged bundle is not uploaded again ("already up to date") unless
--force. A resource changed outside Connectors since the last publish (in
Setup, or by another tool) is not overwritten unless --force (it is backed up
first). --dry-run checks the session, permissions, size and the resource
without writing anything, and prints the plan: the files the publish would
add, remove or change, with their sizes (--json carries it as "plan"). Before an update the current resource is backed up
locally; "connectorctl restore" puts it back. A same-name resource this app
did not publish is never replaced without --replace-existing (the command
exits 1 and writes nothing).

A production target asks you to confirm by typing the org name (or "yes") on
a terminal; without a terminal, --yes is required (nothing ever prompts
without a terminal).

In CI: --all targets every connector (with --connectors FILE, those of the
file), --shard I/N takes a stable I-th of N shares so N matrix jobs cover
each target once, --max-parallel bounds concurrency, --report writes JUnit
XML. A target whose org has fewer than --api-reserve daily API requests left
(Sforce-Limit-Info) is skipped, not drained. Exit codes: 0 all done, 1 a
target failed, 2 usage, 3 none failed but some were skipped.`,
		Example: `  connectorctl publish ./content Lightning/Sandbox
  connectorctl publish content.zip Lightning/Sandbox Lightning/Production --yes
  connectorctl publish content.zip Lightning/Production --dry-run --json
  connectorctl publish content.zip --connectors connectors.json --all --shard 2/4 --report junit.xml --json`,
		Args:              minArgs(1, "a bundle and at least one connector (BUNDLE SYSTEM/ENV ...), or a bundle and --all"),
		ValidArgsFunction: completeKeys(f, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := parseKeys(args[1:])
			if err != nil {
				return err
			}
			if keys, err = ciTargets(f, cmd, keys, &opts.CI); err != nil {
				return err
			}
			opts.BundlePath = args[0]
			opts.Keys = keys
			opts.JSON = f.jsonOut
			if cmd.Flags().Changed("resource") {
				if err := validateResourceName(opts.ResourceName); err != nil {
					return err
				}
			}
			return runPublish(cmd.Context(), f, opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.ResourceName, "resource", "", "StaticResource name (default: each connector's, else "+connector.DefaultResourceName+")")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "check everything and report what would happen, without writing")
	fl.BoolVar(&opts.Force, "force", false, "upload even when the org already has this bundle, or over a resource changed outside Connectors (it is backed up first)")
	fl.BoolVar(&opts.Verify, "verify", false, "download and hash what the org holds before an overwrite instead of trusting its record (an edit by the same user, of the same size, keeping the Description)")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "publish to production connectors without asking")
	fl.BoolVar(&opts.ReplaceExisting, "replace-existing", false, "replace a same-name static resource this app did not publish (it is backed up first)")
	addCIPublishFlags(cmd, &opts.CI)
	addJSONFlag(cmd, f)
	return cmd
}

// validateResourceName checks --resource up front: a usage error with the suggested name.
func validateResourceName(name string) error {
	if err := packaging.ValidateResourceName(name); err != nil {
		var v *packaging.ValidationError
		if errors.As(err, &v) {
			return &usageError{msg: sentence(v.Reason), fix: v.Fix}
		}
		return err
	}
	return nil
}

// openBundle opens the bundle; every failure is a Problem naming the fix.
func openBundle(path string) (*packaging.Bundle, error) {
	b, err := packaging.Open(path)
	if err == nil {
		return b, nil
	}
	var v *packaging.ValidationError
	if errors.As(err, &v) {
		msg := v.Error()
		if v.Entry != "" {
			msg = fmt.Sprintf("The bundle entry %s", msg)
		}
		return nil, &connector.Problem{Code: connector.CodeInvalidBundle, Message: sentence("the bundle " + safetext.Plain(path) + " cannot be published: " + lowerFirst(msg)), Fix: v.Fix, Err: err}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &connector.Problem{Code: connector.CodeInvalidBundle, Message: fmt.Sprintf("The bundle %s does not exist.", safetext.Plain(path)), Fix: "Give the path of a .zip file or of a folder of content files.", Err: err}
	}
	return nil, &connector.Problem{Code: connector.CodeInvalidBundle, Message: fmt.Sprintf("The bundle %s cannot be read.", safetext.Plain(path)), Fix: "Check that the file or folder is readable, then try again.", Err: err}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// bundleJSON describes the bundle in `publish --json`.
type bundleJSON struct {
	Source           string                `json:"source"`
	Fingerprint      string                `json:"fingerprint"`
	Size             int64                 `json:"size"`
	Files            int                   `json:"files"`
	UncompressedSize int64                 `json:"uncompressedSize"`
	Largest          []packaging.FileEntry `json:"largest"`
	Skipped          []string              `json:"skipped"`
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

// publishJSON is `publish --json`.
type publishJSON struct {
	Bundle  bundleJSON   `json:"bundle"`
	DryRun  bool         `json:"dryRun"`
	OK      bool         `json:"ok"`
	Results []resultJSON `json:"results"`
}

func runPublish(ctx context.Context, f *factory, opts *publishOptions) error {
	b, err := openBundle(opts.BundlePath)
	if err != nil {
		return err
	}
	svc, err := f.service()
	if err != nil {
		return err
	}
	ciBackups(f, svc, &opts.CI, opts.DryRun)
	targets := make([]connector.Connector, 0, len(opts.Keys))
	for _, k := range opts.Keys {
		c, err := svc.Registry.Get(k)
		if err != nil {
			return err
		}
		targets = append(targets, c)
	}
	keys := make([]connector.Key, len(targets))
	for i, c := range targets {
		keys[i] = c.Key() // the registry's spelling of the system name
	}
	sum := b.Summary()
	if !opts.JSON {
		fmt.Fprintf(f.io.Out, "Bundle %s: %s\n", opts.BundlePath, sum.String())
		fmt.Fprintf(f.io.Out, "Fingerprint %s\n", b.Fingerprint())
	}
	confirmed, err := confirmProduction(f, targets, opts.Yes || opts.DryRun, "publish")
	if err != nil {
		return err
	}
	var confirmedKeys []connector.Key
	if confirmed {
		// each production target was confirmed by name: a target whose org
		// says it is production only when asked live is not
		confirmedKeys = productionKeys(targets)
	}
	prog := newProgressView(f, len(keys), b.Size(), !opts.JSON)
	started := f.now()
	results := svc.PublishMany(ctx, keys, b, service.PublishOptions{
		ResourceName:      opts.ResourceName,
		Force:             opts.Force,
		Verify:            opts.Verify,
		DryRun:            opts.DryRun,
		ConfirmProduction: opts.Yes,
		ConfirmedKeys:     confirmedKeys,
		ReplaceExisting:   opts.ReplaceExisting,
		MaxParallel:       opts.CI.MaxParallel,
		APIReserve:        opts.CI.APIReserve,
	}, prog.update)
	prog.done()

	out, ok, skipped, unconfirmed := tallyResults(results)
	if len(results) == 0 && !opts.CI.All {
		ok = false
	}
	if opts.CI.Report != "" {
		if err := writeJUnit(opts.CI.Report, opts.BundlePath, opts.CI.Shard, started, f.now().Sub(started), out); err != nil {
			return err
		}
	}
	if err := printPublishResults(f, opts, b, out, ok); err != nil {
		return err
	}
	if unconfirmed && !f.io.InTTY {
		// a production org found live, with no --yes and no terminal: as
		// for a production connector known upfront
		return &silentError{code: exitUsage}
	}
	if !ok {
		return &silentError{code: exitFailure}
	}
	if skipped {
		return &silentError{code: exitSkipped}
	}
	return nil
}

// tallyResults turns the results into their JSON form and tells whether
// none failed, whether some were skipped, and whether some failed only for
// want of a production confirmation.
func tallyResults(results []service.PublishResult) (out []resultJSON, ok, skipped, unconfirmed bool) {
	ok = true
	out = make([]resultJSON, 0, len(results))
	for _, r := range results {
		if r.Outcome == service.OutcomeFailed {
			ok = false
			unconfirmed = unconfirmed || r.ErrorCode == connector.CodeProductionNotConfirmed
		}
		skipped = skipped || r.Outcome == service.OutcomeSkipped
		out = append(out, toResultJSON(r))
	}
	return out, ok, skipped, unconfirmed
}

// printPublishResults prints the results: one JSON document with --json,
// else a line per target (and where the bundle stands when none).
func printPublishResults(f *factory, opts *publishOptions, b *packaging.Bundle, out []resultJSON, ok bool) error {
	if opts.JSON {
		sum := b.Summary()
		skipped := sum.Skipped
		if skipped == nil {
			skipped = []string{}
		}
		return writeJSON(f.io.Out, publishJSON{
			Bundle: bundleJSON{
				Source: opts.BundlePath, Fingerprint: b.Fingerprint(), Size: b.Size(),
				Files: sum.Files, UncompressedSize: sum.UncompressedSize, Largest: sum.Largest, Skipped: skipped,
			},
			DryRun: opts.DryRun, OK: ok, Results: out,
		})
	}
	if len(out) == 0 {
		fmt.Fprintf(f.io.ErrOut, "No connectors to publish to (shard %s).\n", opts.CI.Shard)
	}
	for _, r := range out {
		if r.Outcome == service.OutcomeSkipped {
			printSkipped(f.io.Out, r)
			continue
		}
		printResult(f.io.Out, r, false)
	}
	return nil
}

// productionKeys are the keys of the targets known to be production targets.
func productionKeys(targets []connector.Connector) []connector.Key {
	var keys []connector.Key
	for _, c := range targets {
		if c.IsProductionTarget() {
			keys = append(keys, c.Key())
		}
	}
	return keys
}

// confirmProduction returns whether production targets may be written: yes
// (--yes or a dry run), or every production target confirmed on the
// terminal by typing its org name or "yes".
func confirmProduction(f *factory, targets []connector.Connector, yes bool, verb string) (bool, error) {
	var prod []connector.Connector
	for _, c := range targets {
		if c.IsProductionTarget() {
			prod = append(prod, c)
		}
	}
	if len(prod) == 0 || yes {
		return yes, nil
	}
	if !f.io.InTTY {
		return false, &connector.Problem{
			Code:    connector.CodeProductionNotConfirmed,
			Message: fmt.Sprintf("%s is a production connector and there is no terminal to confirm the %s on.", prod[0].Key(), verb),
			Fix:     fmt.Sprintf("Add --yes to %s to production without a prompt.", verb),
		}
	}
	in := bufio.NewReader(f.io.In)
	for _, c := range prod {
		org := "an org not authorized yet"
		name := ""
		if c.Org != nil {
			name = orgLabel(c.Org)
			org = fmt.Sprintf("the PRODUCTION org %q (%s, %s)", name, c.Org.OrgID, c.Org.Username)
		}
		fmt.Fprintf(f.io.ErrOut, "%s %s writes to %s.\n", symWarn, c.Key(), org)
		if name != "" {
			fmt.Fprintf(f.io.ErrOut, "Type the org name (%s) or \"yes\" to %s there: ", name, verb)
		} else {
			fmt.Fprintf(f.io.ErrOut, "Type \"yes\" to %s there: ", verb)
		}
		line, err := in.ReadString('\n')
		answer := strings.TrimSpace(line)
		if !strings.EqualFold(answer, "yes") && (name == "" || !strings.EqualFold(answer, name)) {
			if err != nil && !errors.Is(err, io.EOF) {
				return false, fmt.Errorf("read confirmation: %w", err)
			}
			return false, &connector.Problem{
				Code:    connector.CodeCanceled,
				Message: fmt.Sprintf("Nothing was written: the %s to %s was not confirmed.", verb, c.Key()),
				Fix:     "Run the command again and type the org name or \"yes\", or add --yes.",
			}
		}
	}
	return true, nil
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
	res := r.Resource
	switch {
	case restore && r.RestoredFrom != nil && (r.Outcome == service.OutcomeCreated || r.Outcome == service.OutcomeUpdated):
		line := fmt.Sprintf("%s %s: restored the version of %s of %s, %s in %s", symOK, r.Connector,
			fmtVersionTime(r.RestoredFrom.TakenAt), res, packaging.HumanSize(r.Size), fmtDuration(r.Duration))
		if r.BackupPath != "" {
			line += "; the version it replaced is backed up to " + r.BackupPath
		}
		fmt.Fprintln(w, line)
		printChangedOutside(w, r)
		return
	case r.Outcome == service.OutcomeFailed && r.ErrorCode == connector.CodeResourceExists:
		fmt.Fprintf(w, "%s %s: %s\n", symFail, r.Connector, sentence(r.Message))
		fmt.Fprintf(w, "  %s Add --replace-existing to replace it (a backup of it is taken first), or choose another --resource name.\n", symNext)
		return
	}
	switch r.Outcome {
	case service.OutcomeCreated:
		fmt.Fprintf(w, "%s %s: created %s (%s), %s in %s\n", symOK, r.Connector, res, r.ResourceID, packaging.HumanSize(r.Size), fmtDuration(r.Duration))
		printServed(w, r)
	case service.OutcomeUpdated:
		verb := "updated"
		if restore {
			verb = "restored"
		}
		line := fmt.Sprintf("%s %s: %s %s, %s in %s", symOK, r.Connector, verb, res, packaging.HumanSize(r.Size), fmtDuration(r.Duration))
		if r.BackupPath != "" {
			line += "; previous version backed up to " + r.BackupPath
		}
		fmt.Fprintln(w, line)
		printReplaced(w, r)
		printChangedOutside(w, r)
		printServed(w, r)
	case service.OutcomeUpToDate:
		printUpToDate(w, r)
	case service.OutcomeWouldCreate:
		fmt.Fprintf(w, "- %s: would create %s, %s (dry run: nothing written)\n", r.Connector, res, packaging.HumanSize(r.Size))
		printPlan(w, r.Plan)
	case service.OutcomeWouldUpdate:
		fmt.Fprintf(w, "- %s: would update %s, %s (dry run: nothing written)\n", r.Connector, res, packaging.HumanSize(r.Size))
		if r.ChangedOutside && r.Drift != nil {
			fmt.Fprintf(w, "  %s %s was changed outside Connectors (%s by %s): publishing over it needs --force (it is backed up first).\n",
				symWarn, res, fmtVersionTime(r.Drift.LastModifiedDate), r.Drift.By())
		}
		printPlan(w, r.Plan)
	default:
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
		fmt.Fprintf(w, "  The org's version (%s) is not a ZIP bundle: it is replaced as a whole.\n", packaging.HumanSize(p.OldSize))
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
			fmt.Fprintf(w, "  + %s (%s)\n", c.Path, packaging.HumanSize(c.NewSize))
		case service.ChangeRemoved:
			fmt.Fprintf(w, "  - %s (%s)\n", c.Path, packaging.HumanSize(c.OldSize))
		default:
			fmt.Fprintf(w, "  ~ %s (%s → %s)\n", c.Path, packaging.HumanSize(c.OldSize), packaging.HumanSize(c.NewSize))
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

// progressView shows upload progress on stderr: one bar redrawn in place on
// a terminal, a few plain lines otherwise.
//
// Why not a multi-bar library (mpb, progressbar): the view is one bar for
// all targets (one bar per target would not fit 50 sandboxes on a screen),
// the plain-lines mode is ours either way, and drawing happens only on
// upload progress, so the output is deterministic and tested byte for byte;
// the libraries redraw from a ticker goroutine and bring their own
// dependencies for what is some 80 lines here.
type progressView struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	plain   bool
	now     func() time.Time
	size    int64
	targets int
	sent    map[connector.Key]int64
	said    map[connector.Key]int // plain lines: last quarter reported per started target
	drawn   bool
	last    time.Time
}

func newProgressView(f *factory, targets int, size int64, plain bool) *progressView {
	return &progressView{
		w: f.io.errTerminal(), tty: f.io.ErrTTY, plain: plain, now: f.now, size: size, targets: targets,
		sent: map[connector.Key]int64{}, said: map[connector.Key]int{},
	}
}

func (p *progressView) update(k connector.Key, sent, total int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if total <= 0 {
		total = p.size
	}
	p.sent[k] = min(sent, total)
	if p.tty {
		now := p.now()
		if p.drawn && now.Sub(p.last) < 50*time.Millisecond && sent < total {
			return
		}
		p.last = now
		p.draw()
		return
	}
	if !p.plain || total <= 0 {
		return
	}
	if _, started := p.said[k]; !started {
		p.said[k] = 0
		fmt.Fprintf(p.w, "%s: uploading %s\n", k, packaging.HumanSize(total))
	}
	if q := int(4 * p.sent[k] / total); q > p.said[k] { // quarters: 1..4
		p.said[k] = q
		fmt.Fprintf(p.w, "%s: sent %d%% (%s of %s)\n", k, 25*q, packaging.HumanSize(p.sent[k]), packaging.HumanSize(total))
	}
}

const barWidth = 30

func (p *progressView) draw() {
	var sent int64
	for _, s := range p.sent {
		sent += s
	}
	total := p.size * int64(p.targets)
	if total <= 0 {
		return
	}
	frac := float64(sent) / float64(total)
	filled := int(frac * barWidth)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", barWidth-filled)
	label := "Publishing"
	if p.targets > 1 {
		label = fmt.Sprintf("Publishing to %d connectors", p.targets)
	}
	fmt.Fprintf(p.w, "\r\033[K%s [%s] %3.0f%% %s of %s", label, bar, 100*frac, packaging.HumanSize(sent), packaging.HumanSize(total))
	p.drawn = true
}

// done clears the bar so the result lines start on a clean line.
func (p *progressView) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
