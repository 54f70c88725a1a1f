package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// removeJSON is `remove --json`.
type removeJSON struct {
	Connector string       `json:"connector"`
	Removed   bool         `json:"removed"`
	Problem   *problemJSON `json:"problem,omitempty"`
}

func newRemoveCmd(f *factory) *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "remove SYSTEM/ENV",
		Short: "Revoke a connector's access and delete it from this computer",
		Long: `Remove a connector: like disconnect, revoke its refresh token at Salesforce and
delete its tokens from the keyring (even when the revoke failed: it says so, and
how to revoke by hand), then delete the connector itself. It asks first on a
terminal; without a terminal, --yes is required. Backups stay on disk.
Exits 1 when the revoke failed.`,
		Example:           `  connectorctl remove Lightnng/Sandbox --yes`,
		Args:              exactArgs(1, "one connector (SYSTEM/ENV)"),
		ValidArgsFunction: completeKeys(f, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := parseKeys(args)
			if err != nil {
				return err
			}
			return runRemove(cmd.Context(), f, keys[0], yes)
		},
	}
	cmd.Flags().BoolVarP(&yes, "yes", "y", false, "remove without asking")
	addJSONFlag(cmd, f)
	return cmd
}

func runRemove(ctx context.Context, f *factory, k connector.Key, yes bool) error {
	svc, err := f.service()
	if err != nil {
		return err
	}
	c, err := svc.Registry.Get(k)
	if err != nil {
		return err
	}
	k = c.Key()
	if !yes {
		if !f.io.InTTY {
			return &connector.Problem{
				Code:    connector.CodeCanceled,
				Message: fmt.Sprintf("Nothing was removed: there is no terminal to confirm the removal of %s on.", k),
				Fix:     "Add --yes to remove it without a prompt.",
			}
		}
		org := "no org yet"
		if c.Org != nil {
			org = fmt.Sprintf("%q (%s)", orgLabel(c.Org), c.Org.OrgID)
		}
		fmt.Fprintf(f.io.ErrOut, "%s Remove %s (%s)? Its access is revoked at Salesforce and it is deleted from this computer.\n", symWarn, k, org)
		fmt.Fprint(f.io.ErrOut, "Type \"yes\" to remove it: ")
		line, _ := bufio.NewReader(f.io.In).ReadString('\n')
		if !strings.EqualFold(strings.TrimSpace(line), "yes") {
			return &connector.Problem{
				Code:    connector.CodeCanceled,
				Message: fmt.Sprintf("Nothing was removed: the removal of %s was not confirmed.", k),
				Fix:     "Run the command again and type \"yes\", or add --yes.",
			}
		}
	}
	err = svc.Remove(ctx, k)
	p := connector.AsProblem(err)
	removed := err == nil || (p != nil && p.Code == connector.CodeRevokeFailed)
	if !removed {
		return err
	}
	if f.jsonOut {
		if err := writeJSON(f.io.Out, removeJSON{Connector: k.String(), Removed: true, Problem: toProblemJSON(p)}); err != nil {
			return err
		}
	} else {
		if p != nil {
			fmt.Fprintf(f.io.Out, "%s %s\n  %s %s\n", symFail, sentence(p.Message), symNext, p.Fix)
		} else {
			fmt.Fprintf(f.io.Out, "%s Revoked %s's access at Salesforce.\n", symOK, k)
		}
		fmt.Fprintf(f.io.Out, "%s Removed %s.\n", symOK, k)
	}
	if p != nil {
		return &silentError{code: exitFailure}
	}
	return nil
}
