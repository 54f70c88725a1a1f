package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// doctorOptions is what doctor runs with.
type doctorOptions struct {
	cmdEnv
	JSON bool
}

// newCmdDoctor builds doctor; runF, when set, runs instead of doctorRun.
func newCmdDoctor(f *factory, runF func(*doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check this computer: keyring, callback port, browser, proxy, config",
		Long: `Run the preflight checks: a keyring round trip, the callback port free on
127.0.0.1 and ::1, a browser opener present, the proxy settings and the config
folder readable. Each failed check names its fix. Exits 1 when any check failed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = f.jsonOut
			if runF != nil {
				return runF(opts)
			}
			return doctorRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, f)
	return cmd
}

// doctorJSON is `doctor --json`.
type doctorJSON struct {
	OK     bool              `json:"ok"`
	Checks []connector.Check `json:"checks"`
}

// doctorRun runs the preflight checks of this computer.
func doctorRun(ctx context.Context, opts *doctorOptions) error {
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	checks := svc.Doctor(ctx)
	ok := true
	for _, c := range checks {
		ok = ok && c.OK
	}
	if opts.JSON {
		if checks == nil {
			checks = []connector.Check{}
		}
		if err := writeJSON(opts.IO.Out, doctorJSON{OK: ok, Checks: checks}); err != nil {
			return err
		}
	} else {
		for _, c := range checks {
			sym := symOK
			if !c.OK {
				sym = symFail
			}
			line := fmt.Sprintf("%s %s", sym, c.Name)
			if c.Detail != "" {
				line += ": " + c.Detail
			}
			fmt.Fprintln(opts.IO.Out, line)
			if !c.OK && c.Fix != "" {
				fmt.Fprintf(opts.IO.Out, "  %s %s\n", symNext, c.Fix)
			}
		}
		if ok {
			fmt.Fprintln(opts.IO.Out, "All checks passed.")
		}
	}
	if !ok {
		return &silentError{code: exitFailure}
	}
	return nil
}
