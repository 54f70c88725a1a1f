package main

// Shell completion: the completion command and SYSTEM/ENV completion.

import (
	"strings"

	"github.com/spf13/cobra"
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
