package main

import (
	"context"
	"fmt"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// restoreOptions is what restore runs with.
type restoreOptions struct {
	cmdEnv
	Key          connector.Key
	ResourceName string
	Yes          bool
	JSON         bool
}

// newCmdRestore builds restore; runF, when set, runs instead of restoreRun.
func newCmdRestore(f *factory, runF func(*restoreOptions) error) *cobra.Command {
	opts := &restoreOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "restore SYSTEM/ENV",
		Short: "Put back the previous version of the published resource",
		Long: `Re-upload the most recent local backup of the connector's StaticResource
(taken before each update by "connectorctl publish"), with the name, content
type, cache control and description the resource had. The backup is checked
first: a damaged one is refused and nothing is written. Without a backup the
command exits 1. A production target asks you to confirm on a terminal
(naming the version's date and size); without a terminal, --yes is required.`,
		Example:           `  connectorctl restore Lightning/Sandbox`,
		Args:              exactArgs(1, "one connector (SYSTEM/ENV)"),
		ValidArgsFunction: completeKeys(f, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := f.connectorArgs(args, &opts.JSON)
			if err != nil {
				return err
			}
			opts.Key = keys[0]
			if cmd.Flags().Changed("resource") {
				if err := validateResourceName(opts.ResourceName); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return restoreRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.ResourceName, "resource", "", "StaticResource name (default: the connector's)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "restore a production connector without asking")
	addJSONFlag(cmd, f)
	return cmd
}

// restoreRun re-uploads the connector's latest backup, once confirmed.
func restoreRun(ctx context.Context, opts *restoreOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	cs, err := lookup(svc.Registry, opts.Key)
	if err != nil {
		return err
	}
	c := cs[0]
	resource := opts.ResourceName
	if resource == "" {
		resource = c.EffectiveResourceName()
	}
	version, ok, err := svc.RestoreVersion(c.Key(), resource)
	if err != nil {
		return err
	}
	if !ok {
		return &connector.Problem{
			Code:    connector.CodeNoBackup,
			Message: fmt.Sprintf("There is no local backup of %s for %s: nothing to restore, nothing was written.", resource, c.Key()),
			Fix:     "A backup is taken automatically before each publish overwrites the resource; publish once to create one.",
		}
	}
	if !opts.JSON {
		fmt.Fprintf(opts.IO.ErrOut, "Restoring %s on %s to the version of %s (%s).\n",
			resource, c.Key(), fmtVersionTime(version.TakenAt), connector.FormatSize(version.Size, "en"))
	}
	confirmed, err := confirmProduction(opts.IO, []connector.Connector{c}, opts.Yes, "restore")
	if err != nil {
		return err
	}
	r := toResultJSON(svc.Restore(ctx, c.Key(), service.RestoreOptions{Resource: opts.ResourceName, ConfirmProduction: confirmed}))
	if opts.JSON {
		if err := writeJSON(opts.IO.Out, r); err != nil {
			return err
		}
	} else {
		printResult(opts.IO.Out, r, true)
	}
	if r.Outcome == service.OutcomeFailed {
		return &silentError{code: exitFailure}
	}
	return nil
}
