package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/internal/version"
)

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, f *factory) int {
	defer f.cleanup()
	f.args = args
	root := newRootCmd(f)
	root.SetArgs(args)
	notice := f.startUpdateNotice(args)
	_, err := root.ExecuteContextC(ctx)
	if err == nil {
		notice()
	}
	if err != nil && strings.HasPrefix(err.Error(), "unknown command") {
		// cobra quotes the argument: it may be a line of a key split off by missing quotes
		err = &usageError{msg: sentence(firstLine(safetext.Scrub(err.Error(), args))), fix: "Run connectorctl --help to see the commands."}
	}
	printError(f.io.ErrOut, err, f.jsonOut || hasJSONFlag(args))
	if code := exitCode(err); code == exitFailure && !isSilent(err) {
		if dir, dirErr := f.cfgDir(); dirErr == nil {
			recordError(dir, f.now(), args, err)
		}
	}
	return exitCode(err)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// hasJSONFlag spots --json when parsing failed before the flag was bound.
func hasJSONFlag(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "--json" || a == "--json=true" {
			return true
		}
	}
	return false
}

func newRootCmd(f *factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "connectorctl",
		Short: "Authorize Salesforce orgs and publish content bundles from the command line",
		Long: `connectorctl is the command-line twin of the Connectors app: it authorizes
Salesforce orgs (one connector per SYSTEM/ENVIRONMENT, e.g. Lightning/Sandbox),
checks them, and publishes a content bundle as a StaticResource.

Tokens live in the OS keyring; the connector definitions in the config folder
(--config-dir, $CONNECTORS_CONFIG_DIR, or the user config folder).`,
		Version:       appVersion(),
		SilenceErrors: true,
		SilenceUsage:  true,
		Example: `  connectorctl demo-org &
  connectorctl authorize Demo/Sandbox --login-url http://localhost:PORT
  connectorctl publish ./content Demo/Sandbox
  connectorctl status`,
	}
	root.SetIn(f.io.In)
	root.SetOut(f.io.Out)
	root.SetErr(f.io.ErrOut)
	root.SetVersionTemplate(version.Line("connectorctl") + "\n")
	root.PersistentFlags().StringVar(&f.configDir, "config-dir", "", "config folder holding the connectors (default $CONNECTORS_CONFIG_DIR or the user config folder)")
	addConnectorsFlag(root, f)
	root.PersistentFlags().StringArrayVar(&f.allowLoginHosts, "allow-login-host", nil,
		"also send JWT assertions and client secrets to HOST or HOST:PORT, which is not a Salesforce login host (a simulated org, a custom domain); repeat for more")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		// the flag parser quotes values: one may be a key given to the wrong flag
		return newUsageError(c.CommandPath(), safetext.Scrub(err.Error(), f.args))
	})
	// each command runs its xRun (nil: no runF)
	root.AddCommand(
		newCmdAuthorize(f, nil),
		newCmdList(f, nil),
		newCmdStatus(f, nil),
		newCmdFleet(f, nil),
		newCmdPublish(f, nil),
		newCmdRestore(f, nil),
		newCmdDisconnect(f, nil), newCmdRename(f, nil), newCmdRemove(f, nil),
		newCmdDoctor(f, nil),
		newCmdDiagnostics(f, nil),
		newCmdDemoOrg(f, nil),
		newCmdExport(f, nil),
		newCmdCISetup(f, nil),
		newCmdHistory(f, nil),
		newCmdExportCSV(f, nil),
		newCmdWatch(f, nil),
		newCmdUpdateCheck(f),
	)
	root.InitDefaultCompletionCmd()
	refuseFlagLikeValues(root)
	refuseUnknownShells(root)
	return root
}
