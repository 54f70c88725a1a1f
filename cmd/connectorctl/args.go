package main

// Positional arguments: cobra's validators returning usage errors, and
// SYSTEM/ENV parsing.

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
)

// exactArgs, minArgs, maxArgs and rangeArgs are cobra's validators returning usage errors.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) != n {
			return newUsageError(c.CommandPath(), fmt.Sprintf("%s takes %s, got %d arguments", c.Name(), what, len(args)))
		}
		return nil
	}
}

func minArgs(n int, what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < n {
			return newUsageError(c.CommandPath(), fmt.Sprintf("%s takes %s, got %d arguments", c.Name(), what, len(args)))
		}
		return nil
	}
}

func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return newUsageError(c.CommandPath(), fmt.Sprintf("%s takes no arguments, got %s", c.Name(), safetext.Value(args[0])))
	}
	return nil
}

func maxOneKey(c *cobra.Command, args []string) error {
	if len(args) > 1 {
		return newUsageError(c.CommandPath(), fmt.Sprintf("%s takes at most one SYSTEM/ENV, got %d arguments", c.Name(), len(args)))
	}
	return nil
}

// splitFix turns the domain's "what: fix" validation errors (ParseKey,
// ParseEnvironment, ValidateSystemName) into a message and a fix.
func splitFix(err error) (msg, fix string) {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i > 0 {
		return sentence(s[:i]), sentence(s[i+2:])
	}
	return sentence(s), ""
}

// parseKeys parses SYSTEM/ENV arguments; a bad one is a usage error.
func parseKeys(args []string) ([]connector.Key, error) {
	keys := make([]connector.Key, 0, len(args))
	seen := make(map[connector.Key]bool, len(args))
	for _, a := range args {
		k, err := connector.ParseKey(a)
		if err != nil {
			msg, fix := splitFix(err)
			if fix == "" {
				fix = "Write SYSTEM/ENVIRONMENT, e.g. Lightning/Sandbox."
			}
			return nil, &usageError{msg: msg, fix: fix}
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		keys = append(keys, k)
	}
	return keys, nil
}
