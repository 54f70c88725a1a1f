package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/packaging"
)

type historyOptions struct {
	Key  *connector.Key
	JSON bool
	CSV  bool
}

func newHistoryCmd(f *factory) *cobra.Command {
	opts := &historyOptions{}
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
			return runHistory(f, opts)
		},
	}
	cmd.Flags().BoolVar(&opts.CSV, "csv", false, "print the journal as CSV")
	addJSONFlag(cmd, f)
	return cmd
}

func maxOneKey(c *cobra.Command, args []string) error {
	if len(args) > 1 {
		return newUsageError(c.CommandPath(), fmt.Sprintf("%s takes at most one SYSTEM/ENV, got %d arguments", c.Name(), len(args)))
	}
	return nil
}

func runHistory(f *factory, opts *historyOptions) error {
	reg, err := f.registry()
	if err != nil {
		return err
	}
	entries, err := connector.ReadHistory(reg, opts.Key)
	if err != nil {
		return err
	}
	out := f.io.Out
	switch {
	case opts.JSON:
		if entries == nil {
			entries = []connector.HistoryEntry{}
		}
		return writeJSON(out, entries)
	case opts.CSV:
		return connector.WriteHistoryCSV(out, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(f.io.ErrOut, "Nothing published from this computer yet.")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tACTION\tCONNECTOR\tRESOURCE\tOUTCOME\tSIZE\tUSER\tFINGERPRINT\tVERSION")
	for _, e := range entries {
		outcome := e.Outcome
		if e.ErrorCode != "" {
			outcome += " (" + e.ErrorCode + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", fmtVersionTime(e.Time), e.Action, e.Connector, e.Resource, outcome,
			packaging.HumanSize(e.Size), dash(e.User), dash(shortFP(e.Fingerprint)), dash(e.AppVersion))
	}
	return tw.Flush()
}

func newExportCSVCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "export-csv",
		Short: "Print the connector table as CSV (local, instant)",
		Long: `Print every connector as one CSV row: system, environment, state, org,
user, login URL, resource, when it was created and last changed, its last
check and publish, and whether the resource changed outside Connectors.`,
		Example: `  connectorctl export-csv > connectors.csv`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			reg, err := f.registry()
			if err != nil {
				return err
			}
			cs, err := reg.List()
			if err != nil {
				return err
			}
			return connector.WriteConnectorsCSV(f.io.Out, cs)
		},
	}
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shortFP is "sha256:" and the first 12 hex digits.
func shortFP(fp string) string {
	if len(fp) > len("sha256:")+12 {
		return fp[:len("sha256:")+12]
	}
	return fp
}
