package main

import (
	"context"
	"fmt"
	"time"

	"github.com/connectors-app/connectors/connector/service"

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
	r := toResultJSON(svc.Restore(ctx, c.Key(), service.RestoreOptions{Resource: opts.ResourceName, ConfirmProduction: confirmed}))
	if opts.JSON {
		if err := writeJSON(f.io.Out, r); err != nil {
			return err
		}
	} else {
		printResult(f.io.Out, r, true)
	}
	if r.Outcome == service.OutcomeFailed {
		return &silentError{code: exitFailure}
	}
	return nil
}

// fmtVersionTime names a backed-up version by the local time it was taken.
func fmtVersionTime(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }

type disconnectOptions struct {
	Key  connector.Key
	JSON bool
}

func newDisconnectCmd(f *factory) *cobra.Command {
	opts := &disconnectOptions{}
	cmd := &cobra.Command{
		Use:   "disconnect SYSTEM/ENV",
		Short: "Revoke the connector's tokens at Salesforce and delete them here",
		Long: `Revoke the refresh token at Salesforce, then delete the tokens from this
computer's keyring, even when the revoke failed (it says so, and how to revoke
by hand). The connector definition stays; "connectorctl authorize" reconnects it.
Exits 1 when the revoke failed.`,
		Example:           `  connectorctl disconnect Lightning/Sandbox`,
		Args:              exactArgs(1, "one connector (SYSTEM/ENV)"),
		ValidArgsFunction: completeKeys(f, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := parseKeys(args)
			if err != nil {
				return err
			}
			opts.Key = keys[0]
			opts.JSON = f.jsonOut
			return runDisconnect(cmd.Context(), f, opts)
		},
	}
	addJSONFlag(cmd, f)
	return cmd
}

// disconnectJSON is `disconnect --json`.
type disconnectJSON struct {
	Connector    string       `json:"connector"`
	Revoked      bool         `json:"revoked"`
	LocalDeleted bool         `json:"localDeleted"`
	Problem      *problemJSON `json:"problem,omitempty"`
}

func runDisconnect(ctx context.Context, f *factory, opts *disconnectOptions) error {
	svc, err := f.service()
	if err != nil {
		return err
	}
	c, err := svc.Registry.Get(opts.Key)
	if err != nil {
		return err
	}
	opts.Key = c.Key() // the registry's spelling of the system name
	res, err := svc.Disconnect(ctx, opts.Key)
	if err != nil {
		return err
	}
	if opts.JSON {
		if err := writeJSON(f.io.Out, disconnectJSON{
			Connector: opts.Key.String(), Revoked: res.Revoked, LocalDeleted: res.LocalDeleted, Problem: toProblemJSON(res.Problem),
		}); err != nil {
			return err
		}
	} else {
		w := f.io.Out
		switch {
		case res.Revoked:
			fmt.Fprintf(w, "%s Revoked %s's access at Salesforce.\n", symOK, opts.Key)
		case res.Problem == nil:
			fmt.Fprintf(w, "- %s had no tokens on this computer: nothing to revoke.\n", opts.Key)
		default:
			msg := "The tokens could not be revoked at Salesforce."
			fix := ""
			if res.Problem != nil {
				msg, fix = sentence(res.Problem.Message), res.Problem.Fix
			}
			fmt.Fprintf(w, "%s %s\n", symFail, msg)
			if fix != "" {
				fmt.Fprintf(w, "  %s %s\n", symNext, fix)
			}
		}
		if res.LocalDeleted {
			fmt.Fprintf(w, "%s Deleted the tokens from this computer.\n", symOK)
		} else {
			fmt.Fprintf(w, "%s The tokens on this computer could not be deleted.\n", symFail)
		}
	}
	if res.Problem != nil || !res.LocalDeleted {
		return &silentError{code: exitFailure}
	}
	return nil
}
