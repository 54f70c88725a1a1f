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

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/packaging"
)

type publishOptions struct {
	BundlePath   string
	Keys         []connector.Key
	ResourceName string
	DryRun       bool
	Force        bool
	Yes          bool
	JSON         bool
	// ReplaceExisting replaces a same-name resource this app did not publish.
	ReplaceExisting bool
}

func newPublishCmd(f *factory) *cobra.Command {
	opts := &publishOptions{}
	cmd := &cobra.Command{
		Use:   "publish BUNDLE SYSTEM/ENV [SYSTEM/ENV ...]",
		Short: "Publish a content bundle (.zip or folder) to one or more connectors",
		Long: `Publish BUNDLE (a .zip file or a folder, zipped on the fly) as the connector's
StaticResource, to every SYSTEM/ENV given, concurrently. One failure never
stops the others; each target gets one result line, and the command exits 1
when any target failed.

An unchanged bundle is not uploaded again ("already up to date") unless
--force. --dry-run checks the session, permissions, size and the resource
without writing anything. Before an update the current resource is backed up
locally; "connectorctl restore" puts it back. A same-name resource this app
did not publish is never replaced without --replace-existing (the command
exits 1 and writes nothing).

A production target asks you to confirm by typing the org name (or "yes") on
a terminal; without a terminal, --yes is required.`,
		Example: `  connectorctl publish ./content Lightning/Sandbox
  connectorctl publish content.zip Lightning/Sandbox Lightning/Production --yes
  connectorctl publish content.zip Lightning/Production --dry-run --json`,
		Args:              minArgs(2, "a bundle and at least one connector (BUNDLE SYSTEM/ENV ...)"),
		ValidArgsFunction: completeKeys(f, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := parseKeys(args[1:])
			if err != nil {
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
	fl.BoolVar(&opts.Force, "force", false, "upload even when the org already has this bundle")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "publish to production connectors without asking")
	fl.BoolVar(&opts.ReplaceExisting, "replace-existing", false, "replace a same-name static resource this app did not publish (it is backed up first)")
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
		return nil, &connector.Problem{Code: connector.CodeInvalidBundle, Message: sentence("the bundle " + path + " cannot be published: " + lowerFirst(msg)), Fix: v.Fix, Err: err}
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &connector.Problem{Code: connector.CodeInvalidBundle, Message: fmt.Sprintf("The bundle %s does not exist.", path), Fix: "Give the path of a .zip file or of a folder of content files.", Err: err}
	}
	return nil, &connector.Problem{Code: connector.CodeInvalidBundle, Message: fmt.Sprintf("The bundle %s cannot be read.", path), Fix: "Check that the file or folder is readable, then try again.", Err: err}
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
	connector.PublishResult
	Message string `json:"message,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

func toResultJSON(r connector.PublishResult) resultJSON {
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
	prog := newProgressView(f, len(keys), b.Size(), !opts.JSON)
	results := svc.PublishMany(ctx, keys, b, connector.PublishOptions{
		ResourceName:      opts.ResourceName,
		Force:             opts.Force,
		DryRun:            opts.DryRun,
		ConfirmProduction: confirmed,
		ReplaceExisting:   opts.ReplaceExisting,
	}, prog.update)
	prog.done()

	ok := true
	out := make([]resultJSON, 0, len(results))
	for _, r := range results {
		if r.Outcome == connector.OutcomeFailed {
			ok = false
		}
		out = append(out, toResultJSON(r))
	}
	if len(results) == 0 {
		ok = false
	}
	if opts.JSON {
		skipped := sum.Skipped
		if skipped == nil {
			skipped = []string{}
		}
		if err := writeJSON(f.io.Out, publishJSON{
			Bundle: bundleJSON{
				Source: opts.BundlePath, Fingerprint: b.Fingerprint(), Size: b.Size(),
				Files: sum.Files, UncompressedSize: sum.UncompressedSize, Largest: sum.Largest, Skipped: skipped,
			},
			DryRun: opts.DryRun, OK: ok, Results: out,
		}); err != nil {
			return err
		}
	} else {
		for _, r := range out {
			printResult(f.io.Out, r, false)
		}
	}
	if !ok {
		return &silentError{code: exitFailure}
	}
	return nil
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

// printResult writes one target's result line (and its fix on failure).
func printResult(w io.Writer, r resultJSON, restore bool) {
	res := r.Resource
	switch {
	case restore && r.RestoredFrom != nil && (r.Outcome == connector.OutcomeCreated || r.Outcome == connector.OutcomeUpdated):
		line := fmt.Sprintf("%s %s: restored the version of %s of %s, %s in %s", symOK, r.Connector,
			fmtVersionTime(r.RestoredFrom.TakenAt), res, packaging.HumanSize(r.Size), fmtDuration(r.Duration))
		if r.BackupPath != "" {
			line += "; the version it replaced is backed up to " + r.BackupPath
		}
		fmt.Fprintln(w, line)
		printChangedOutside(w, r)
		return
	case r.Outcome == connector.OutcomeFailed && r.ErrorCode == connector.CodeResourceExists:
		fmt.Fprintf(w, "%s %s: %s\n", symFail, r.Connector, sentence(r.Message))
		fmt.Fprintf(w, "  %s Add --replace-existing to replace it (a backup of it is taken first), or choose another --resource name.\n", symNext)
		return
	}
	switch r.Outcome {
	case connector.OutcomeCreated:
		fmt.Fprintf(w, "%s %s: created %s (%s), %s in %s\n", symOK, r.Connector, res, r.ResourceID, packaging.HumanSize(r.Size), fmtDuration(r.Duration))
	case connector.OutcomeUpdated:
		verb := "updated"
		if restore {
			verb = "restored"
		}
		line := fmt.Sprintf("%s %s: %s %s, %s in %s", symOK, r.Connector, verb, res, packaging.HumanSize(r.Size), fmtDuration(r.Duration))
		if r.BackupPath != "" {
			line += "; previous version backed up to " + r.BackupPath
		}
		fmt.Fprintln(w, line)
		printChangedOutside(w, r)
	case connector.OutcomeUpToDate:
		fmt.Fprintf(w, "%s %s: already up to date (%s has this bundle)\n", symOK, r.Connector, res)
	case connector.OutcomeWouldCreate:
		fmt.Fprintf(w, "- %s: would create %s, %s (dry run: nothing written)\n", r.Connector, res, packaging.HumanSize(r.Size))
	case connector.OutcomeWouldUpdate:
		fmt.Fprintf(w, "- %s: would update %s, %s (dry run: nothing written)\n", r.Connector, res, packaging.HumanSize(r.Size))
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
	if r.ChangedOutside {
		fmt.Fprintf(w, "  %s %s had been changed outside this app since its last publish; that version was downloaded and backed up first.\n", symWarn, r.Resource)
	}
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
