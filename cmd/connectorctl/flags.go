package main

// Flag checks shared by every command: no value that looks like a flag,
// a key or a secret; --json; --resource names.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/packaging"
)

// refuseFlagLikeValues makes every command below c check, before its
// arguments and before it runs, that no string flag got a value that looks
// like a flag: `--client-id --no-browser` would otherwise take
// "--no-browser" as the client ID and save it.
func refuseFlagLikeValues(c *cobra.Command) {
	for _, sub := range c.Commands() {
		check := sub.Args
		sub.Args = func(cmd *cobra.Command, args []string) error {
			if err := checkFlagValues(cmd); err != nil {
				return err
			}
			if check == nil {
				return nil // cobra's default for a subcommand: any arguments
			}
			return check(cmd, args)
		}
		refuseFlagLikeValues(sub)
	}
}

// checkFlagValues refuses a set string flag (string, stringSlice,
// stringArray) whose value starts with "-": a usage error naming the flag.
// No value of ours (login URL, client ID, resource name, folder, address)
// starts with "-"; a folder that does is written ./-name. A value that is
// PEM text or holds several lines (a key given to a flag) is refused too,
// and neither is quoted when it may be a secret (safetext.Value).
func checkFlagValues(c *cobra.Command) error {
	var bad error
	c.Flags().Visit(func(fl *pflag.Flag) {
		if bad != nil {
			return
		}
		var vals []string
		switch fl.Value.Type() {
		case "string":
			vals = []string{fl.Value.String()}
		case "stringSlice", "stringArray":
			if sv, ok := fl.Value.(pflag.SliceValue); ok {
				vals = sv.GetSlice()
			}
		}
		for _, v := range vals {
			if bad = checkFlagValue(c, fl.Name, v); bad != nil {
				return
			}
		}
	})
	return bad
}

// checkFlagValue is checkFlagValues for one value of the flag name.
func checkFlagValue(c *cobra.Command, name, v string) error {
	if name == "jwt-key-file" {
		if p := connector.JWTKeyFileNotAPath("--jwt-key-file", v); p != nil {
			return &usageError{msg: p.Message, fix: p.Fix}
		}
	}
	if strings.Contains(v, "-----") || strings.ContainsAny(v, "\n\r") {
		return &usageError{
			msg: fmt.Sprintf("--%s got %s, which cannot be its value.", name, safetext.Value(v)),
			fix: fmt.Sprintf("Give --%s the value it expects (%s --help); a key or a secret never goes in a flag, where ps and the shell's history show it.", name, c.CommandPath()),
		}
	}
	if !strings.HasPrefix(v, "-") {
		return nil
	}
	fix := fmt.Sprintf("Write the value right after the flag: --%s VALUE; a value cannot start with \"-\".", name)
	if isFlagOf(c, v) {
		fix = fmt.Sprintf("Write the value right after the flag (--%s VALUE), then %s on its own.", name, v)
	}
	return &usageError{msg: fmt.Sprintf("--%s needs a value, but got %s, which looks like a flag.", name, safetext.Value(v)), fix: fix}
}

// isFlagOf reports whether s (e.g. "--no-browser", "--json=true", "-y")
// names a flag of c.
func isFlagOf(c *cobra.Command, s string) bool {
	if name, ok := strings.CutPrefix(s, "--"); ok {
		name, _, _ = strings.Cut(name, "=")
		return c.Flags().Lookup(name) != nil
	}
	return len(s) == 2 && c.Flags().ShorthandLookup(s[1:]) != nil
}

// addJSONFlag adds --json to a command that reports results.
func addJSONFlag(cmd *cobra.Command, f *factory) {
	cmd.Flags().BoolVar(&f.jsonOut, "json", false, "print the result as JSON (field names are stable)")
}

// validateResourceName checks --resource up front: a usage error with the suggested name.
func validateResourceName(name string) error {
	if err := packaging.ValidateResourceName(name); err != nil {
		var v *packaging.ValidationError
		if errors.As(err, &v) {
			return &usageError{msg: sentence(v.Reason), fix: v.Fix}
		}
		return err
	}
	return nil
}
