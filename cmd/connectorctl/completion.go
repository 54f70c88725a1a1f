package main

// Shell completion: the completion command and SYSTEM/ENV completion.

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/internal/safetext"
)

// completeKeys completes SYSTEM/ENV from the registry (local, instant).
func completeKeys(f *factory, skip int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) < skip {
			return nil, cobra.ShellCompDirectiveDefault
		}
		reg, err := f.registry()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cs, err := reg.List()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, c := range cs {
			k := c.Key().String()
			if strings.HasPrefix(strings.ToLower(k), strings.ToLower(toComplete)) {
				out = append(out, k)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// refuseUnknownShells makes `completion SHELL` with a shell cobra does not
// know a usage error (cobra would print the help and exit 0).
func refuseUnknownShells(root *cobra.Command) {
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.RunE = func(c *cobra.Command, args []string) error {
				if len(args) > 0 {
					return &usageError{
						msg: sentence(fmt.Sprintf("unknown shell %s for completion", safetext.Value(args[0]))),
						fix: "Use bash, zsh, fish or powershell, e.g. connectorctl completion bash.",
					}
				}
				return c.Help()
			}
		}
	}
}
