package main

// export: the connectors as JSON without any secret, for --connectors.

import (
	"bytes"
	"fmt"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/safetext"
	"github.com/spf13/cobra"
)

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
