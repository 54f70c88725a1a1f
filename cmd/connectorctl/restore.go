package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/packaging"
)

type restoreOptions struct {
	Key          connector.Key
	ResourceName string
	Yes          bool
	JSON         bool
}

func newRestoreCmd(f *factory) *cobra.Command {
	opts := &restoreOptions{}
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
			keys, err := parseKeys(args)
			if err != nil {
				return err
			}
			opts.Key = keys[0]
			opts.JSON = f.jsonOut
			if cmd.Flags().Changed("resource") {
				if err := validateResourceName(opts.ResourceName); err != nil {
					return err
				}
			}
			return runRestore(cmd.Context(), f, opts)
		},
	}
	cmd.Flags().StringVar(&opts.ResourceName, "resource", "", "StaticResource name (default: the connector's)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "restore a production connector without asking")
	addJSONFlag(cmd, f)
	return cmd
}

func runRestore(ctx context.Context, f *factory, opts *restoreOptions) error {
	svc, err := f.service()
	if err != nil {
		return err
	}
	c, err := svc.Registry.Get(opts.Key)
	if err != nil {
		return err
	}
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
		fmt.Fprintf(f.io.ErrOut, "Restoring %s on %s to the version of %s (%s).\n",
			resource, c.Key(), fmtVersionTime(version.TakenAt), packaging.HumanSize(version.Size))
	}
	confirmed, err := confirmProduction(f, []connector.Connector{c}, opts.Yes, "restore")
	if err != nil {
		return err
	}
	r := toResultJSON(svc.Restore(ctx, c.Key(), connector.RestoreOptions{Resource: opts.ResourceName, ConfirmProduction: confirmed}))
	if opts.JSON {
		if err := writeJSON(f.io.Out, r); err != nil {
			return err
		}
	} else {
		printResult(f.io.Out, r, true)
	}
	if r.Outcome == connector.OutcomeFailed {
		return &silentError{code: exitFailure}
	}
	return nil
}
