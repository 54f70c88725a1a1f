package main

// The CI contract: connectors from a committed file (--connectors, export),
// publish --all split into stable shards, bounded parallelism, an API
// budget reserve, and JUnit reports.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

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

// addConnectorsFlag adds the global --connectors FILE.
func addConnectorsFlag(root *cobra.Command, f *factory) {
	root.PersistentFlags().StringVar(&f.connectorsFile, "connectors", "",
		"read the connectors from FILE (written by connectorctl export) instead of the config folder; nothing is written back to it")
}

// connectorsDir is the config folder of a --connectors run: a private
// temporary folder holding the file's connectors, made once per process
// and removed when the command ends (cleanup).
func (f *factory) connectorsDir() (string, error) {
	f.connOnce.Do(func() {
		fh, err := os.Open(f.connectorsFile)
		if err != nil {
			f.connErr = &connector.Problem{
				Code:    connector.CodeConnectorsFile,
				Message: fmt.Sprintf("The connectors file %s cannot be opened.", safetext.Plain(f.connectorsFile)),
				Fix:     "Check the path given to --connectors (write the file with connectorctl export --output FILE).",
				Err:     err,
			}
			return
		}
		defer fh.Close()
		file, err := connector.ReadExport(fh, f.connectorsFile)
		if err != nil {
			f.connErr = err
			return
		}
		dir, err := os.MkdirTemp("", "connectorctl-")
		if err != nil {
			f.connErr = err
			return
		}
		f.connTmp = dir
		reg, err := connector.OpenRegistry(dir)
		if err == nil {
			err = reg.Import(file)
		}
		f.connDir, f.connErr = dir, err
	})
	return f.connDir, f.connErr
}

// cleanup removes what the run made for itself (a --connectors folder).
func (f *factory) cleanup() {
	if f.connTmp != "" {
		_ = os.RemoveAll(f.connTmp)
	}
}

// ---- export ----

func newExportCmd(f *factory) *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the connectors as JSON without any secret (for --connectors in CI)",
		Long: `Write every connector as JSON: system, environment, org kind, login URL,
client ID, auth method, username, resource name and, for the record, the org ID
(a run from the file refuses tokens of any other org). Never a token, key or
secret: commit the file and run any command on it with --connectors FILE.`,
		Example: `  connectorctl export --output connectors.json
  connectorctl publish content.zip --connectors connectors.json --all --shard 1/4`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			reg, err := f.registry()
			if err != nil {
				return err
			}
			list, err := reg.List()
			if err != nil {
				return err
			}
			if output == "" {
				return writeJSON(f.io.Out, connector.Export(list))
			}
			var buf bytes.Buffer
			if err := writeJSON(&buf, connector.Export(list)); err != nil {
				return err
			}
			if err := writeFileAtomic(output, buf.Bytes()); err != nil {
				return &connector.Problem{Code: connector.CodeConfigIO, Message: fmt.Sprintf("%s cannot be written: %v.", safetext.Plain(output), safetext.Scrub(err.Error(), []string{output})), Fix: "Choose a writable path for --output.", Err: err}
			}
			what := fmt.Sprintf("%d connectors", len(list))
			if len(list) == 1 {
				what = "1 connector"
			}
			fmt.Fprintf(f.io.ErrOut, "%s Wrote %s to %s (no secrets).\n", symOK, what, output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of stdout")
	return cmd
}

// writeFileAtomic writes data to path through a temporary file and a rename.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // gone after the rename; left over only on failure
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { //nolint:gosec // a file meant to be committed: no secret in it
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ---- publish in CI ----

// ciPublishFlags are publish's flags for CI.
type ciPublishFlags struct {
	All         bool
	Shard       string
	MaxParallel int
	Report      string
	APIReserve  int
	BackupDir   string
}

func addCIPublishFlags(cmd *cobra.Command, c *ciPublishFlags) {
	fl := cmd.Flags()
	fl.BoolVar(&c.All, "all", false, "publish to every connector")
	fl.StringVar(&c.Shard, "shard", "", "take the I-th of N stable shares of the targets, e.g. 2/4 (N jobs with 1/N..N/N cover each target once)")
	fl.IntVar(&c.MaxParallel, "max-parallel", 0, "publish to at most N targets at once (default 20)")
	fl.StringVar(&c.Report, "report", "", "write a JUnit XML report to FILE, one testcase per target")
	fl.IntVar(&c.APIReserve, "api-reserve", defaultAPIReserve, "skip a target whose org has fewer than N daily API requests left (0: never skip)")
	fl.StringVar(&c.BackupDir, "backup-dir", "", "keep the backups taken before each update in DIR (with --connectors they are otherwise removed with the run's temporary folder)")
}

// ciBackups points the service's backups at --backup-dir; with --connectors
// and no --backup-dir it says on stderr that they will not outlive the run.
func ciBackups(f *factory, svc *service.Service, c *ciPublishFlags, dryRun bool) {
	switch {
	case c.BackupDir != "":
		if abs, err := filepath.Abs(c.BackupDir); err == nil {
			svc.BackupDir = abs
		}
	case f.connectorsFile != "" && !dryRun:
		fmt.Fprintf(f.io.ErrOut, "%s Backups of replaced versions go to a temporary folder removed when this run ends: add --backup-dir DIR (e.g. a CI artifact) to keep them.\n", symWarn)
	}
}

// ciTargets resolves the publish targets: the keys given, or every
// connector with --all, then the --shard share.
func ciTargets(f *factory, cmd *cobra.Command, keys []connector.Key, c *ciPublishFlags) ([]connector.Key, error) {
	if c.MaxParallel < 0 || cmd.Flags().Changed("max-parallel") && c.MaxParallel == 0 {
		return nil, &usageError{msg: fmt.Sprintf("--max-parallel must be at least 1, got %d.", c.MaxParallel), fix: "Give how many targets to publish to at once, e.g. --max-parallel 4."}
	}
	if c.APIReserve < 0 {
		return nil, &usageError{msg: fmt.Sprintf("--api-reserve cannot be negative, got %d.", c.APIReserve), fix: "Give 0 to never skip, or the number of daily API requests to leave to each org."}
	}
	switch {
	case c.All && len(keys) > 0:
		return nil, &usageError{msg: "publish takes either --all or connectors, not both.", fix: "Drop the connectors to publish to all, or drop --all."}
	case !c.All && len(keys) == 0:
		return nil, &usageError{msg: "Publish takes a bundle and at least one connector (SYSTEM/ENV), or a bundle and --all.", fix: "Name the connectors after the bundle, or add --all."}
	}
	if c.All {
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

// ---- JUnit ----

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// writeJUnit writes one testcase per target: the failure with its message
// and fix, a skip with its reason, and what happened for the others.
func writeJUnit(path, bundle, shard string, started time.Time, elapsed time.Duration, results []resultJSON) error {
	suite := junitSuite{Name: "connectorctl publish " + bundle, Time: seconds(elapsed), Timestamp: started.UTC().Format(time.RFC3339)}
	if shard != "" {
		suite.Name += " (shard " + shard + ")"
	}
	for _, r := range results {
		sys, _, _ := strings.Cut(r.Connector, "/")
		tc := junitCase{ClassName: "connectorctl.publish." + sys, Name: r.Connector, Time: seconds(r.Duration)}
		var line bytes.Buffer
		printResult(&line, r, false)
		switch r.Outcome {
		case service.OutcomeFailed:
			suite.Failures++
			tc.Failure = &junitMessage{Message: r.Message, Type: r.ErrorCode, Text: strings.TrimSpace(line.String())}
			if tc.Failure.Message == "" {
				tc.Failure.Message = r.Error
			}
		case service.OutcomeSkipped:
			suite.Skipped++
			tc.Skipped = &junitMessage{Message: r.Message + " " + r.Fix}
		default:
			tc.SystemOut = strings.TrimSpace(line.String())
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
	}
	doc := junitSuites{Name: "connectorctl publish", Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	buf.WriteByte('\n')
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return &connector.Problem{Code: connector.CodeConfigIO, Message: fmt.Sprintf("The report %s cannot be written: %v.", safetext.Plain(path), safetext.Scrub(err.Error(), []string{path})), Fix: "Choose a writable path for --report.", Err: err}
	}
	return nil
}

// skippedLine prints a skipped target's line.
func printSkipped(w io.Writer, r resultJSON) {
	fmt.Fprintf(w, "%s %s: %s\n", symWarn, r.Connector, sentence(r.Message))
	if r.Fix != "" {
		fmt.Fprintf(w, "  %s %s\n", symNext, r.Fix)
	}
}
