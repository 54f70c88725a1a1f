package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// renameJSON is `rename --json`.
type renameJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
	ID   string `json:"id"`
}

// renameOptions is what rename runs with.
type renameOptions struct {
	cmdEnv
	Key       connector.Key
	NewSystem string
	JSON      bool
}

// newCmdRename builds rename; runF, when set, runs instead of renameRun.
func newCmdRename(f *factory, runF func(*renameOptions) error) *cobra.Command {
	opts := &renameOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "rename SYSTEM/ENV NEW-SYSTEM",
		Short: "Give a connector a new system name (its sign-in, org and backups stay)",
		Long: `Give a connector a new system name, e.g. to fix a typo. The environment, the
org, the tokens in the keyring and the backups stay with it: they belong to the
connector's ID, not to its name. There is one connector per system and
environment, so renaming onto an existing one is refused.`,
		Example:           `  connectorctl rename Lightnng/Sandbox Lightning`,
		Args:              exactArgs(2, "a connector (SYSTEM/ENV) and its new system name"),
		ValidArgsFunction: completeKeys(f, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := f.connectorArgs(args[:1], &opts.JSON)
			if err != nil {
				return err
			}
			opts.Key, opts.NewSystem = keys[0], args[1]
			if runF != nil {
				return runF(opts)
			}
			return renameRun(opts)
		},
	}
	addJSONFlag(cmd, f)
	return cmd
}

// renameRun gives the connector its new system name.
func renameRun(opts *renameOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	cs, err := lookup(svc.Registry, opts.Key)
	if err != nil {
		return err
	}
	from := cs[0]
	c, err := svc.Registry.Rename(from.Key(), opts.NewSystem)
	if err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(opts.IO.Out, renameJSON{From: from.Key().String(), To: c.Key().String(), ID: c.ID})
	}
	fmt.Fprintf(opts.IO.Out, "%s Renamed %s to %s.\n", symOK, from.Key(), c.Key())
	return nil
}
