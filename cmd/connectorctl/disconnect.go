package main

// disconnect: revoke the tokens at Salesforce and delete them here.

import (
	"context"
	"fmt"
	"io"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// disconnectOptions is what disconnect runs with.
type disconnectOptions struct {
	cmdEnv
	Key  connector.Key
	JSON bool
}

// newCmdDisconnect builds disconnect; runF, when set, runs instead of
// disconnectRun.
func newCmdDisconnect(f *factory, runF func(*disconnectOptions) error) *cobra.Command {
	opts := &disconnectOptions{cmdEnv: f.env()}
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
			keys, err := f.connectorArgs(args, &opts.JSON)
			if err != nil {
				return err
			}
			opts.Key = keys[0]
			if runF != nil {
				return runF(opts)
			}
			return disconnectRun(cmd.Context(), opts)
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

// disconnectRun revokes the connector's tokens and deletes them here.
func disconnectRun(ctx context.Context, opts *disconnectOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	cs, err := lookup(svc.Registry, opts.Key)
	if err != nil {
		return err
	}
	k := cs[0].Key() // the registry's spelling of the system name
	res, err := svc.Disconnect(ctx, k)
	if err != nil {
		return err
	}
	if opts.JSON {
		if err := writeJSON(opts.IO.Out, disconnectJSON{
			Connector: k.String(), Revoked: res.Revoked, LocalDeleted: res.LocalDeleted, Problem: toProblemJSON(res.Problem),
		}); err != nil {
			return err
		}
	} else {
		printDisconnect(opts.IO.Out, k, res)
	}
	if res.Problem != nil || !res.LocalDeleted {
		return &silentError{code: exitFailure}
	}
	return nil
}

// printDisconnect says what was revoked and deleted, for people.
func printDisconnect(w io.Writer, k connector.Key, res *service.DisconnectResult) {
	switch {
	case res.Revoked:
		fmt.Fprintf(w, "%s Revoked %s's access at Salesforce.\n", symOK, k)
	case res.Problem == nil:
		fmt.Fprintf(w, "- %s had no tokens on this computer: nothing to revoke.\n", k)
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
