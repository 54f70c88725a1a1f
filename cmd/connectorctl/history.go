package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
)

// historyOptions is what history runs with.
type historyOptions struct {
	cmdEnv
	Key  *connector.Key
	JSON bool
	CSV  bool
}

// newCmdHistory builds history; runF, when set, runs instead of historyRun.
func newCmdHistory(f *factory, runF func(*historyOptions) error) *cobra.Command {
	opts := &historyOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "history [SYSTEM/ENV]",
		Short: "Show the journal of publishes, restores and replaces (local, instant)",
		Long: `Show every publish, restore and replace made from this computer, oldest first:
time, action, connector, org, resource, fingerprint, size, the Salesforce user,
the outcome and the app version. The journal is appended to and never
rewritten (history.jsonl in the config folder). With SYSTEM/ENV, only that
connector's entries. --csv prints it as CSV for a spreadsheet.`,
		Example: `  connectorctl history
  connectorctl history Lightning/Production --json
  connectorctl history --csv > history.csv`,
		Args:              maxOneKey,
		ValidArgsFunction: completeKeys(f, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.JSON = f.jsonOut
			if opts.JSON && opts.CSV {
				return newUsageError(cmd.CommandPath(), "--json and --csv cannot be used together")
			}
			if len(args) == 1 {
				keys, err := parseKeys(args)
				if err != nil {
					return err
				}
				opts.Key = &keys[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return historyRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.CSV, "csv", false, "print the journal as CSV")
	addJSONFlag(cmd, f)
	return cmd
}

// historyRun streams the journal: it is read one line at a time and
// printed in chunks, so memory stays bounded whatever its size. Damaged
// lines are skipped with a warning on stderr and in the log.
func historyRun(opts *historyOptions) error {
	reg, err := opts.Registry()
	if err != nil {
		return err
	}
	q := connector.HistoryQuery{Key: opts.Key}
	var scan connector.HistoryScan
	switch {
	case opts.JSON:
		scan, err = writeHistoryJSON(opts.IO.Out, reg, q)
	case opts.CSV:
		scan, err = writeHistoryCSV(opts.IO.Out, reg, q)
	default:
		scan, err = writeHistoryTable(opts.IO.Out, opts.IO.ErrOut, reg, q)
	}
	if p := scan.Problem(); p != nil {
		printError(opts.IO.ErrOut, p, opts.JSON)
		scan.Log(opts.Logger())
	}
	return err
}

// chunkSize is how much output the history commands gather before a write.
const chunkSize = 32 << 10

// chunkWriter gathers whole entries or lines and writes them in chunks:
// each write to the CLI's escaping stdout holds whole characters.
type chunkWriter struct {
	w   io.Writer
	buf bytes.Buffer
	err error
}

// done marks the end of an entry: the chunk is written once large enough.
func (c *chunkWriter) done() error {
	if c.buf.Len() >= chunkSize {
		return c.flush()
	}
	return c.err
}

func (c *chunkWriter) flush() error {
	if c.err == nil && c.buf.Len() > 0 {
		_, c.err = c.w.Write(c.buf.Bytes())
	}
	c.buf.Reset()
	return c.err
}

// writeHistoryJSON writes the entries as one JSON array, laid out as
// writeJSON lays out a slice, one entry at a time.
func writeHistoryJSON(out io.Writer, reg *connector.Registry, q connector.HistoryQuery) (connector.HistoryScan, error) {
	cw := &chunkWriter{w: out}
	var one bytes.Buffer
	enc := json.NewEncoder(&one)
	enc.SetIndent("  ", "  ")
	enc.SetEscapeHTML(false)
	sep := "[\n  "
	scan, err := connector.ScanHistory(reg, q, func(e connector.HistoryEntry) error {
		one.Reset()
		if err := enc.Encode(e); err != nil {
			return err
		}
		cw.buf.WriteString(sep)
		sep = ",\n  "
		cw.buf.Write(safetext.EscapeJSON(bytes.TrimSuffix(one.Bytes(), []byte("\n"))))
		return cw.done()
	})
	if err != nil {
		return scan, err
	}
	if scan.Entries == 0 {
		cw.buf.WriteString("[")
	} else {
		cw.buf.WriteString("\n")
	}
	cw.buf.WriteString("]\n")
	return scan, cw.flush()
}

// writeHistoryCSV writes the entries as CSV, one at a time.
func writeHistoryCSV(out io.Writer, reg *connector.Registry, q connector.HistoryQuery) (connector.HistoryScan, error) {
	hw := connector.NewHistoryCSV(out)
	scan, err := connector.ScanHistory(reg, q, hw.Write)
	if ferr := hw.Flush(); err == nil {
		err = ferr
	}
	return scan, err
}

// historyColumns are the table's headings.
var historyColumns = [...]string{"TIME", "ACTION", "CONNECTOR", "RESOURCE", "OUTCOME", "SIZE", "USER", "FINGERPRINT", "VERSION"}

// historyVersion is the version of an entry's bundle as the window and the
// org's record name it (connector.ShortVersion), "" for an entry without one.
func historyVersion(fp string) string {
	if fp == "" {
		return ""
	}
	return connector.ShortVersion(fp)
}

// historyRow is e's row of the table, each cell escaped.
func historyRow(e connector.HistoryEntry) [len(historyColumns)]string {
	outcome := e.Outcome
	if e.ErrorCode != "" {
		outcome += " (" + e.ErrorCode + ")"
	}
	row := [...]string{fmtVersionTime(e.Time), e.Action, e.Connector, e.Resource, outcome,
		connector.FormatSize(e.Size, "en"), dash(e.User), dash(historyVersion(e.Fingerprint)), dash(e.AppVersion)}
	for i, c := range row {
		row[i] = safetext.Escape(c)
	}
	return row
}

// writeHistoryTable prints the table in two passes over the journal: the
// first measures the columns, the second prints the rows the first saw,
// aligned as text/tabwriter would (two spaces between columns), without
// holding them.
func writeHistoryTable(out, errOut io.Writer, reg *connector.Registry, q connector.HistoryQuery) (connector.HistoryScan, error) {
	var widths [len(historyColumns)]int
	measure := func(row [len(historyColumns)]string) {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	measure(historyColumns)
	scan, err := connector.ScanHistory(reg, q, func(e connector.HistoryEntry) error {
		measure(historyRow(e))
		return nil
	})
	if err != nil || scan.Entries == 0 {
		if err == nil {
			fmt.Fprintln(errOut, "Nothing published from this computer yet.")
		}
		return scan, err
	}
	cw := &chunkWriter{w: out}
	line := func(row [len(historyColumns)]string) {
		for i, c := range row {
			cw.buf.WriteString(c)
			if i < len(row)-1 {
				cw.buf.WriteString(strings.Repeat(" ", max(0, widths[i]-utf8.RuneCountInString(c))+2))
			}
		}
		cw.buf.WriteByte('\n')
	}
	line(historyColumns)
	q.Until = scan.End
	_, err = connector.ScanHistory(reg, q, func(e connector.HistoryEntry) error {
		line(historyRow(e))
		return cw.done()
	})
	if err != nil {
		return scan, err
	}
	return scan, cw.flush()
}
