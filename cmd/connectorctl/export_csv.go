package main

// export-csv: the connector table as CSV.

import (
	"github.com/connectors-app/connectors/connector"
	"github.com/spf13/cobra"
)

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
