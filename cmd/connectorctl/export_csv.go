package main

// export-csv: the connector table as CSV.

import (
	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// exportCSVOptions is what export-csv runs with.
type exportCSVOptions struct {
	cmdEnv
}

// newCmdExportCSV builds export-csv; runF, when set, runs instead of
// exportCSVRun.
func newCmdExportCSV(f *factory, runF func(*exportCSVOptions) error) *cobra.Command {
	opts := &exportCSVOptions{cmdEnv: f.env()}
	return &cobra.Command{
		Use:   "export-csv",
		Short: "Print the connector table as CSV (local, instant)",
		Long: `Print every connector as one CSV row: system, environment, state, org,
user, login URL, resource, when it was created and last changed, its last
check and publish, and whether the resource changed outside Connectors.`,
		Example: `  connectorctl export-csv > connectors.csv`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return exportCSVRun(opts)
		},
	}
}

// exportCSVRun prints the connector table as CSV.
func exportCSVRun(opts *exportCSVOptions) error {
	reg, err := opts.Registry()
	if err != nil {
		return err
	}
	cs, err := reg.List()
	if err != nil {
		return err
	}
	return connector.WriteConnectorsCSV(opts.IO.Out, cs)
}
