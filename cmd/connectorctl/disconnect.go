package main

// disconnect: revoke the tokens at Salesforce and delete them here.

import (
	"context"
	"fmt"

	"github.com/connectors-app/connectors/connector"
	"github.com/spf13/cobra"
)

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
