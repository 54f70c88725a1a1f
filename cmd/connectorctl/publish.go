package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/packaging"
)

// publishOptions is what publish runs with: its flags and arguments, and
// what it takes from the factory.
type publishOptions struct {
	cmdEnv
	// ConnectorsFile is --connectors: the connectors of a file, whose
	// backups go with the run's temporary folder unless --backup-dir.
	ConnectorsFile string

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
	// CI are --all, --shard, --max-parallel, --report, --api-reserve,
	// --backup-dir, --only-failed.
	CI ciPublishFlags
}

// newCmdPublish builds publish; runF, when set, runs instead of publishRun
// (tests: the flags and arguments as Options, nothing published).
func newCmdPublish(f *factory, runF func(*publishOptions) error) *cobra.Command {
	opts := &publishOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "publish BUNDLE (SYSTEM/ENV [SYSTEM/ENV ...] | --all | --only-failed REPORT)",
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
XML. --only-failed REPORT retries only the targets that failed or were
skipped in an earlier run, read from its --report JUnit XML or its --json
output. A target whose org has fewer than --api-reserve daily API requests left
(Sforce-Limit-Info) is skipped, not drained. Exit codes: 0 all done, 1 a
target failed, 2 usage, 3 none failed but some were skipped.`,
		Example: `  connectorctl publish ./content Lightning/Sandbox
  connectorctl publish content.zip Lightning/Sandbox Lightning/Production --yes
  connectorctl publish content.zip Lightning/Production --dry-run --json
  connectorctl publish content.zip --connectors connectors.json --all --shard 2/4 --report junit.xml --json
  connectorctl publish content.zip --connectors connectors.json --only-failed junit.xml`,
		Args:              minArgs(1, "a bundle and at least one connector (BUNDLE SYSTEM/ENV ...), or a bundle and --all"),
		ValidArgsFunction: completeKeys(f, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := f.connectorArgs(args[1:], &opts.JSON)
			if err != nil {
				return err
			}
			if keys, err = ciTargets(f, cmd, keys, &opts.CI); err != nil {
				return err
			}
			opts.BundlePath = args[0]
			opts.Keys = keys
			opts.ConnectorsFile = f.connectorsFile
			if cmd.Flags().Changed("resource") {
				if err := validateResourceName(opts.ResourceName); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return publishRun(cmd.Context(), opts)
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

// publishJSON is `publish --json`.
type publishJSON struct {
	Bundle  bundleJSON   `json:"bundle"`
	DryRun  bool         `json:"dryRun"`
	OK      bool         `json:"ok"`
	Results []resultJSON `json:"results"`
}

// publishRun publishes the bundle to the targets and reports: one line per
// target (or one JSON document), the JUnit report, and the exit code.
//
// A ZIP file is checked while the publish starts (see startBundleCheck):
// the lock, the session and the read of each org wait for no bundle. What
// the command prints, and in which order, is as if the bundle were checked
// first: a bad bundle is reported before anything else and nothing is
// written; its lines come before any progress.
func publishRun(ctx context.Context, opts *publishOptions) error {
	check := startBundleCheck(opts.BundlePath)
	defer check.shown()
	t := resolvePublishTargets(opts)
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	early := t.publishEarly(pctx, opts, check)
	b, err := check.wait()
	if err != nil {
		cancel()
		check.shown()
		early.wait()
		return err
	}
	if err := t.problem(opts); err != nil {
		return err
	}
	if !opts.JSON {
		fmt.Fprintf(opts.IO.Out, "Bundle %s: %s\n", opts.BundlePath, b.Summary().String())
		fmt.Fprintf(opts.IO.Out, "Fingerprint %s\n", b.Fingerprint())
	}
	if early != nil {
		check.shown()
		early.wait()
		return reportPublish(opts, b, early.started, early.results)
	}
	confirmed, err := confirmProduction(opts.IO, t.targets, opts.Yes || opts.DryRun, "publish")
	if err != nil {
		return err
	}
	if confirmed {
		// each production target was confirmed by name: a target whose org
		// says it is production only when asked live is not
		t.opts.ConfirmedKeys = productionKeys(t.targets)
	}
	run := t.start(ctx, opts, b)
	run.wait()
	return reportPublish(opts, b, run.started, run.results)
}

// publishTargets are the targets of a publish, resolved while the bundle
// is checked; their errors are reported after the bundle's.
type publishTargets struct {
	svc             *service.Service
	targets         []connector.Connector
	keys            []connector.Key
	opts            service.PublishOptions
	svcErr, lookErr error
}

// resolvePublishTargets opens the Service and looks the targets up.
func resolvePublishTargets(opts *publishOptions) *publishTargets {
	t := &publishTargets{opts: service.PublishOptions{
		ResourceName:      opts.ResourceName,
		Force:             opts.Force,
		Verify:            opts.Verify,
		DryRun:            opts.DryRun,
		ConfirmProduction: opts.Yes,
		ReplaceExisting:   opts.ReplaceExisting,
		MaxParallel:       opts.CI.MaxParallel,
		APIReserve:        opts.CI.APIReserve,
	}}
	t.svc, t.svcErr = opts.Service()
	if t.svcErr != nil {
		return t
	}
	ciBackups(opts, t.svc)
	t.targets, t.lookErr = lookup(t.svc.Registry, opts.Keys...)
	t.keys = make([]connector.Key, len(t.targets))
	for i, c := range t.targets {
		t.keys[i] = c.Key() // the registry's spelling of the system name
	}
	return t
}

// problem is what stops the publish once the bundle is known good, in the
// order the command always said it: the Service, the backups' warning, the
// targets.
func (t *publishTargets) problem(opts *publishOptions) error {
	if t.svcErr != nil {
		return t.svcErr
	}
	ciBackupsWarning(opts)
	return t.lookErr
}

// publishEarly starts the publish while a ZIP file is checked, when
// nothing needs asking first (no production target, or --yes); else nil.
func (t *publishTargets) publishEarly(ctx context.Context, opts *publishOptions, check *bundleCheck) *publishing {
	yes := opts.Yes || opts.DryRun
	if check.pending == nil || t.svcErr != nil || t.lookErr != nil || asksProductionConfirmation(t.targets, yes) {
		return nil
	}
	if yes {
		t.opts.ConfirmedKeys = productionKeys(t.targets)
	}
	return t.start(ctx, opts, check.pending)
}

// publishing is a PublishMany under way.
type publishing struct {
	prog    *progressView
	started time.Time
	done    chan struct{}
	results []service.PublishResult
}

// start runs PublishMany of b to the targets.
func (t *publishTargets) start(ctx context.Context, opts *publishOptions, b service.Bundle) *publishing {
	p := &publishing{prog: newProgressView(opts.IO, opts.Now, len(t.keys), b.Size(), !opts.JSON), started: opts.Now(), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.results = t.svc.PublishMany(ctx, t.keys, b, t.opts, p.prog.update)
	}()
	return p
}

// wait waits for the results (nothing to wait for when p is nil).
func (p *publishing) wait() {
	if p == nil {
		return
	}
	<-p.done
	p.prog.done()
}

// reportPublish writes the JUnit report and the results, and returns the
// exit code's error: 2 when a production org found live could not be
// confirmed, 1 when a target failed, 3 when some were skipped.
func reportPublish(opts *publishOptions, b *packaging.Bundle, started time.Time, results []service.PublishResult) error {
	out, ok, skipped, unconfirmed := tallyResults(results)
	if len(results) == 0 && !opts.CI.All && opts.CI.OnlyFailed == "" {
		ok = false
	}
	if opts.CI.Report != "" {
		if err := writeJUnit(opts.CI.Report, opts.BundlePath, opts.CI.Shard, started, opts.Now().Sub(started), out); err != nil {
			return err
		}
	}
	if err := printPublishResults(opts, b, out, ok); err != nil {
		return err
	}
	switch {
	case unconfirmed && !opts.IO.InTTY:
		// a production org found live, with no --yes and no terminal: as
		// for a production connector known upfront
		return &silentError{code: exitUsage}
	case !ok:
		return &silentError{code: exitFailure}
	case skipped:
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
func printPublishResults(opts *publishOptions, b *packaging.Bundle, out []resultJSON, ok bool) error {
	if opts.JSON {
		sum := b.Summary()
		skipped := sum.Skipped
		if skipped == nil {
			skipped = []string{}
		}
		return writeJSON(opts.IO.Out, publishJSON{
			Bundle: bundleJSON{
				Source: opts.BundlePath, Fingerprint: b.Fingerprint(), Size: b.Size(),
				Files: sum.Files, UncompressedSize: sum.UncompressedSize, Largest: sum.Largest, Skipped: skipped,
			},
			DryRun: opts.DryRun, OK: ok, Results: out,
		})
	}
	switch {
	case len(out) == 0 && opts.CI.OnlyFailed != "" && opts.CI.Shard != "":
		fmt.Fprintf(opts.IO.ErrOut, "Nothing to retry in shard %s: the report %s names no failed or skipped target of this share.\n", opts.CI.Shard, safetext.Plain(opts.CI.OnlyFailed))
	case len(out) == 0 && opts.CI.OnlyFailed != "":
		fmt.Fprintf(opts.IO.ErrOut, "Nothing to retry: the report %s names no failed or skipped target.\n", safetext.Plain(opts.CI.OnlyFailed))
	case len(out) == 0:
		fmt.Fprintf(opts.IO.ErrOut, "No connectors to publish to (shard %s).\n", opts.CI.Shard)
	}
	for _, r := range out {
		if r.Outcome == service.OutcomeSkipped {
			printSkipped(opts.IO.Out, r)
			continue
		}
		printResult(opts.IO.Out, r, false)
	}
	return nil
}
