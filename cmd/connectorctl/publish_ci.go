package main

// publish's CI flags: --all split into stable shards (--shard), bounded
// parallelism, an API budget reserve, JUnit reports (junit.go) and where
// the backups go. Connectors from a committed file are --connectors
// (factory.go), written by export (export.go).

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
)

// exitSkipped: no target failed, but some were skipped (their org's daily
// API budget was within --api-reserve): the bundle did not reach them.
const exitSkipped = 3

// defaultAPIReserve is --api-reserve's default.
const defaultAPIReserve = 500

// ciPublishFlags are publish's flags for CI.
type ciPublishFlags struct {
	All         bool
	Shard       string
	MaxParallel int
	Report      string
	APIReserve  int
	BackupDir   string
	// OnlyFailed is --only-failed REPORT: the targets that failed or were
	// skipped in an earlier run (publish_resume.go).
	OnlyFailed string
}

func addCIPublishFlags(cmd *cobra.Command, c *ciPublishFlags) {
	fl := cmd.Flags()
	fl.BoolVar(&c.All, "all", false, "publish to every connector")
	fl.StringVar(&c.Shard, "shard", "", "take the I-th of N stable shares of the targets, e.g. 2/4 (N jobs with 1/N..N/N cover each target once)")
	fl.IntVar(&c.MaxParallel, "max-parallel", 0, "publish to at most N targets at once (default 20)")
	fl.StringVar(&c.Report, "report", "", "write a JUnit XML report to FILE, one testcase per target")
	fl.IntVar(&c.APIReserve, "api-reserve", defaultAPIReserve, "skip a target whose org has fewer than N daily API requests left (0: never skip)")
	fl.StringVar(&c.BackupDir, "backup-dir", "", "keep the backups taken before each update in DIR (with --connectors they are otherwise removed with the run's temporary folder)")
	fl.StringVar(&c.OnlyFailed, "only-failed", "", "retry only the targets that failed or were skipped in an earlier run, read from its --report FILE or --json output")
}

// ciBackups points the service's backups at --backup-dir.
func ciBackups(opts *publishOptions, svc *service.Service) {
	if opts.CI.BackupDir != "" {
		if abs, err := filepath.Abs(opts.CI.BackupDir); err == nil {
			svc.BackupDir = abs
		}
	}
}

// ciBackupsWarning says where backups go when a connectors file leaves no
// folder to keep them in.
func ciBackupsWarning(opts *publishOptions) {
	if opts.CI.BackupDir == "" && opts.ConnectorsFile != "" && !opts.DryRun {
		fmt.Fprintf(opts.IO.ErrOut, "%s Backups of replaced versions go to a temporary folder removed when this run ends: add --backup-dir DIR (e.g. a CI artifact) to keep them.\n", symWarn)
	}
}

// ciTargets resolves the publish targets: the keys given, every connector
// with --all, or those --only-failed's report says failed, then the --shard
// share.
func ciTargets(f *factory, cmd *cobra.Command, keys []connector.Key, c *ciPublishFlags) ([]connector.Key, error) {
	if c.MaxParallel < 0 || cmd.Flags().Changed("max-parallel") && c.MaxParallel == 0 {
		return nil, &usageError{msg: fmt.Sprintf("--max-parallel must be at least 1, got %d.", c.MaxParallel), fix: "Give how many targets to publish to at once, e.g. --max-parallel 4."}
	}
	if c.APIReserve < 0 {
		return nil, &usageError{msg: fmt.Sprintf("--api-reserve cannot be negative, got %d.", c.APIReserve), fix: "Give 0 to never skip, or the number of daily API requests to leave to each org."}
	}
	keys, err := givenTargets(f, cmd, keys, c)
	if err != nil {
		return nil, err
	}
	if !cmd.Flags().Changed("shard") {
		return keys, nil
	}
	// --shard "" (an unset CI variable) would publish every target in every job
	i, n, err := parseShard(c.Shard)
	if err != nil {
		return nil, err
	}
	return shardOf(keys, i, n), nil
}

// givenTargets are the targets before --shard: the keys given, every
// connector with --all, or those of --only-failed's report.
func givenTargets(f *factory, cmd *cobra.Command, keys []connector.Key, c *ciPublishFlags) ([]connector.Key, error) {
	resume := cmd.Flags().Changed("only-failed")
	switch {
	case resume && (c.All || len(keys) > 0):
		return nil, &usageError{msg: "publish --only-failed takes its connectors from the report, not from --all or SYSTEM/ENV arguments.", fix: "Drop --all and the connectors, or drop --only-failed."}
	case resume:
		return failedTargets(c.OnlyFailed)
	case c.All && len(keys) > 0:
		return nil, &usageError{msg: "publish takes either --all or connectors, not both.", fix: "Drop the connectors to publish to all, or drop --all."}
	case !c.All && len(keys) == 0:
		return nil, &usageError{msg: "Publish takes a bundle and at least one connector (SYSTEM/ENV), or a bundle and --all.", fix: "Name the connectors after the bundle, or add --all."}
	case !c.All:
		return keys, nil
	}
	reg, err := f.registry()
	if err != nil {
		return nil, err
	}
	list, err := reg.List()
	if err != nil {
		return nil, err
	}
	for _, conn := range list {
		keys = append(keys, conn.Key())
	}
	return keys, nil
}

// parseShard reads "I/N" with 1 ≤ I ≤ N.
func parseShard(s string) (i, n int, err error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return 0, 0, &usageError{
			msg: fmt.Sprintf("--shard must be I/N with 1 ≤ I ≤ N, got %s.", safetext.Value(s)),
			fix: "Give this job's share, e.g. --shard 2/4 for the second of four jobs.",
		}
	}
	return i, n, nil
}

// shardOf is the stable I-th of N shares: targets sorted by their name
// (case-insensitively, so every job sorts alike), dealt round robin. N
// jobs running 1/N..N/N on the same connectors cover each exactly once.
func shardOf(keys []connector.Key, i, n int) []connector.Key {
	sorted := append([]connector.Key(nil), keys...)
	sort.SliceStable(sorted, func(a, b int) bool {
		return strings.ToLower(sorted[a].String()) < strings.ToLower(sorted[b].String())
	})
	out := []connector.Key{}
	for j, k := range sorted {
		if j%n == i-1 {
			out = append(out, k)
		}
	}
	return out
}
