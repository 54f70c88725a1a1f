package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// watchOptions is what watch runs with.
type watchOptions struct {
	cmdEnv
	Folder       string
	Keys         []connector.Key
	Quiet        time.Duration
	ResourceName string
}

// newCmdWatch builds watch; runF, when set, runs instead of watchRun.
func newCmdWatch(f *factory, runF func(*watchOptions) error) *cobra.Command {
	opts := &watchOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "watch FOLDER SYSTEM/ENV [SYSTEM/ENV ...]",
		Short: "Publish a folder to Sandbox and Test connectors each time it changes",
		Long: `Watch FOLDER and publish it to every SYSTEM/ENV given after each change, once
the folder has stayed quiet for --quiet (bursts of writes and editors' saves
give one publish). A save that leaves the content as it was (same
fingerprint) publishes nothing. The folder is published once at the start
when the org does not have it yet.

Only Sandbox and Test connectors can be watched: a production target is
refused, and nothing is watched. When the folder is deleted or moved away (a
build's rm -rf dist && mkdir dist), the watch waits for it, says so if it stays
gone, and publishes it once it is back and quiet. Stop with Ctrl+C.`,
		Example: `  connectorctl watch ./content Lightning/Sandbox
  connectorctl watch ./content Lightning/Sandbox Lightning/Test --quiet 2s
  connectorctl watch ./content Lightning/Sandbox --resource WalkMe_Preview`,
		Args:              minArgs(2, "a folder and at least one connector (FOLDER SYSTEM/ENV ...)"),
		ValidArgsFunction: completeKeys(f, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := parseKeys(args[1:])
			if err != nil {
				return err
			}
			if opts.Quiet < 0 {
				return newUsageError(cmd.CommandPath(), "--quiet must not be negative")
			}
			if opts.ResourceName != "" {
				if err := validateResourceName(opts.ResourceName); err != nil {
					return err
				}
			}
			opts.Folder, opts.Keys = args[0], keys
			if runF != nil {
				return runF(opts)
			}
			return watchRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().DurationVar(&opts.Quiet, "quiet", service.DefaultWatchQuiet, "how long the folder must stay unchanged before a publish")
	cmd.Flags().StringVar(&opts.ResourceName, "resource", "", "StaticResource name (default: each connector's, else "+connector.DefaultResourceName+")")
	return cmd
}

// watchRun publishes the folder after each change until ctx ends.
func watchRun(ctx context.Context, opts *watchOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	w := opts.IO.Out
	failed := false
	err = svc.Watch(ctx, service.WatchOptions{
		Folder: opts.Folder, Keys: opts.Keys, Quiet: opts.Quiet, ResourceName: opts.ResourceName,
		OnEvent: func(e service.WatchEvent) {
			if e.Kind == service.WatchPublished {
				failed = e.Failed > 0
			}
			printWatchEvent(w, opts.Folder, e)
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "Stopped watching.")
	if failed {
		return &silentError{code: exitFailure}
	}
	return nil
}

// printWatchEvent writes one line of the watch (a line per target after a
// publish).
func printWatchEvent(w io.Writer, folder string, e service.WatchEvent) {
	at := fmtVersionTime(e.Time)
	switch e.Kind {
	case service.WatchStarted:
		fmt.Fprintf(w, "%s Watching %s (Ctrl+C to stop).\n", at, folder)
	case service.WatchUnchanged:
		fmt.Fprintf(w, "%s Saved, but the content is unchanged (%s): nothing published.\n", at, connector.ShortVersion(e.Fingerprint))
	case service.WatchInvalid:
		fmt.Fprintf(w, "%s %s The folder cannot be published right now: %s\n", at, symFail, e.Problem.Error())
	case service.WatchGone:
		fmt.Fprintf(w, "%s %s %s\n", at, symWarn, e.Problem.Error())
	case service.WatchBack:
		fmt.Fprintf(w, "%s The folder %s is back.\n", at, folder)
	case service.WatchPublished:
		for _, r := range e.Results {
			printResult(w, toResultJSON(r), false)
		}
	}
}
