package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

// renameJSON is `rename --json`.
type renameJSON struct {
	From string `json:"from"`
	To   string `json:"to"`
	ID   string `json:"id"`
}

func newRenameCmd(f *factory) *cobra.Command {
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
			keys, err := parseKeys(args[:1])
			if err != nil {
				return err
			}
			svc, err := f.service()
			if err != nil {
				return err
			}
			from, err := svc.Registry.Get(keys[0])
			if err != nil {
				return err
			}
			c, err := svc.Registry.Rename(from.Key(), args[1])
			if err != nil {
				return err
			}
			if f.jsonOut {
				return writeJSON(f.io.Out, renameJSON{From: from.Key().String(), To: c.Key().String(), ID: c.ID})
			}
			fmt.Fprintf(f.io.Out, "%s Renamed %s to %s.\n", symOK, from.Key(), c.Key())
			return nil
		},
	}
	addJSONFlag(cmd, f)
	return cmd
}
