package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// listOptions is what list runs with.
type listOptions struct {
	cmdEnv
	JSON bool
}

// newCmdList builds list; runF, when set, runs instead of listRun.
func newCmdList(f *factory, runF func(*listOptions) error) *cobra.Command {
	opts := &listOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the connectors (local and instant: no network, no keyring)",
		Long: `List the connectors defined on this computer with what was learned at the last
authorization, check and publish. It reads only the config folder: no network
and no keyring, so it is instant. Run "connectorctl status" for live checks.`,
		Aliases: []string{"ls"},
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = f.jsonOut
			if runF != nil {
				return runF(opts)
			}
			return listRun(opts)
		},
	}
	addJSONFlag(cmd, f)
	return cmd
}

// listItem is one connector in `list --json`.
type listItem struct {
	Connector    string                   `json:"connector"`
	System       string                   `json:"system"`
	Environment  connector.Environment    `json:"environment"`
	LoginURL     string                   `json:"loginUrl"`
	ClientID     string                   `json:"clientId"`
	ResourceName string                   `json:"resourceName"`
	Org          *connector.OrgInfo       `json:"org"`
	ID           string                   `json:"id"`
	State        connector.State          `json:"state"`
	NeedsReauth  bool                     `json:"needsReauth"`
	LastState    connector.State          `json:"lastState"`
	LastCheck    *time.Time               `json:"lastCheck"`
	LastPublish  *connector.PublishRecord `json:"lastPublish"`
	Drift        *connector.Drift         `json:"drift,omitempty"`
}

// listRun prints the connectors from the registry alone.
func listRun(opts *listOptions) error {
	reg, err := opts.Registry()
	if err != nil {
		return err
	}
	cs, err := reg.List()
	if err != nil {
		return err
	}
	out := opts.IO.Out
	if opts.JSON {
		items := make([]listItem, 0, len(cs))
		for _, c := range cs {
			items = append(items, listItem{
				Connector:    c.Key().String(),
				System:       c.System,
				Environment:  c.Environment,
				LoginURL:     c.LoginURL,
				ClientID:     c.EffectiveClientID(),
				ResourceName: c.EffectiveResourceName(),
				Org:          c.Org,
				ID:           c.ID,
				State:        connector.StateOf(c, nil),
				NeedsReauth:  c.NeedsReauth,
				LastState:    c.LastState,
				LastCheck:    c.LastCheck,
				LastPublish:  c.LastPublish,
				Drift:        c.Drift,
			})
		}
		return writeJSON(out, items)
	}
	if len(cs) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No connectors yet.")
		fmt.Fprintln(opts.IO.ErrOut, "Create one with: connectorctl authorize SYSTEM/ENVIRONMENT, e.g. connectorctl authorize Lightning/Sandbox")
		return nil
	}
	now := opts.Now()
	tty := opts.IO.OutTTY
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CONNECTOR\tORG\tUSER\tLAST STATE\tLAST CHECK\tLAST PUBLISH")
	for _, c := range cs {
		org, user := "-", "-"
		if c.Org != nil {
			org = c.Org.OrgName
			if org == "" {
				org = c.Org.OrgID
			}
			user = c.Org.Username
		}
		state := string(connector.StateOf(c, nil))
		publish := "-"
		if c.LastPublish != nil {
			publish = fmtTime(&c.LastPublish.At, now, tty)
			if c.LastPublish.Restored {
				publish += " (restore)"
			}
		}
		if c.Drift != nil {
			publish += "; " + c.Drift.Summary()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.Key(), org, user, state, fmtTime(c.LastCheck, now, tty), publish)
	}
	return tw.Flush()
}
