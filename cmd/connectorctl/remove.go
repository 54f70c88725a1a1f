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

// removeOptions is what remove runs with.
type removeOptions struct {
	cmdEnv
	Key  connector.Key
	Yes  bool
	JSON bool
}

// newCmdRemove builds remove; runF, when set, runs instead of removeRun.
func newCmdRemove(f *factory, runF func(*removeOptions) error) *cobra.Command {
	opts := &removeOptions{cmdEnv: f.env()}
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
			keys, err := f.connectorArgs(args, &opts.JSON)
			if err != nil {
				return err
			}
			opts.Key = keys[0]
			if runF != nil {
				return runF(opts)
			}
			return removeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "remove without asking")
	addJSONFlag(cmd, f)
	return cmd
}

// removeRun revokes the connector's access and deletes it, once confirmed.
func removeRun(ctx context.Context, opts *removeOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	cs, err := lookup(svc.Registry, opts.Key)
	if err != nil {
		return err
	}
	c := cs[0]
	k := c.Key()
	if !opts.Yes {
		if err := confirmRemove(opts.IO, c); err != nil {
			return err
		}
	}
	err = svc.Remove(ctx, k)
	p := connector.AsProblem(err)
	removed := err == nil || (p != nil && p.Code == connector.CodeRevokeFailed)
	if !removed {
		return err
	}
	if opts.JSON {
		if err := writeJSON(opts.IO.Out, removeJSON{Connector: k.String(), Removed: true, Problem: toProblemJSON(p)}); err != nil {
			return err
		}
	} else {
		if p != nil {
			fmt.Fprintf(opts.IO.Out, "%s %s\n  %s %s\n", symFail, sentence(p.Message), symNext, p.Fix)
		} else {
			fmt.Fprintf(opts.IO.Out, "%s Revoked %s's access at Salesforce.\n", symOK, k)
		}
		fmt.Fprintf(opts.IO.Out, "%s Removed %s.\n", symOK, k)
	}
	if p != nil {
		return &silentError{code: exitFailure}
	}
	return nil
}

// confirmRemove asks on the terminal before a removal; without one, the
// removal needs --yes.
func confirmRemove(ios *ioStreams, c connector.Connector) error {
	k := c.Key()
	if !ios.InTTY {
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
	fmt.Fprintf(ios.ErrOut, "%s Remove %s (%s)? Its access is revoked at Salesforce and it is deleted from this computer.\n", symWarn, k, org)
	fmt.Fprint(ios.ErrOut, "Type \"yes\" to remove it: ")
	line, _ := bufio.NewReader(ios.In).ReadString('\n')
	if !strings.EqualFold(strings.TrimSpace(line), "yes") {
		return &connector.Problem{
			Code:    connector.CodeCanceled,
			Message: fmt.Sprintf("Nothing was removed: the removal of %s was not confirmed.", k),
			Fix:     "Run the command again and type \"yes\", or add --yes.",
		}
	}
	return nil
}
