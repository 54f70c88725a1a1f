package main

// export: the connectors as JSON without any secret, for --connectors.

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
)

// exportOptions is what export runs with.
type exportOptions struct {
	cmdEnv
	// Output is --output: the file to write, else stdout.
	Output string
}

// newCmdExport builds export; runF, when set, runs instead of exportRun.
func newCmdExport(f *factory, runF func(*exportOptions) error) *cobra.Command {
	opts := &exportOptions{cmdEnv: f.env()}
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
			if runF != nil {
				return runF(opts)
			}
			return exportRun(opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Output, "output", "o", "", "write to FILE instead of stdout")
	return cmd
}

// exportRun writes the connectors without secrets to stdout or --output.
func exportRun(opts *exportOptions) error {
	reg, err := opts.Registry()
	if err != nil {
		return err
	}
	list, err := reg.List()
	if err != nil {
		return err
	}
	output := opts.Output
	if output == "" {
		return writeJSON(opts.IO.Out, connector.Export(list))
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
	fmt.Fprintf(opts.IO.ErrOut, "%s Wrote %s to %s (no secrets).\n", symOK, what, output)
	return nil
}
