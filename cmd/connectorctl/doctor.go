package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

type doctorOptions struct {
	JSON bool
}

func newDoctorCmd(f *factory) *cobra.Command {
	opts := &doctorOptions{}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check this computer: keyring, callback port, browser, proxy, config",
		Long: `Run the preflight checks: a keyring round trip, the callback port free on
127.0.0.1 and ::1, a browser opener present, the proxy settings and the config
folder readable. Each failed check names its fix. Exits 1 when any check failed.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = f.jsonOut
			return runDoctor(cmd.Context(), f, opts)
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

func runDoctor(ctx context.Context, f *factory, opts *doctorOptions) error {
	svc, err := f.service()
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
		if err := writeJSON(f.io.Out, doctorJSON{OK: ok, Checks: checks}); err != nil {
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
			fmt.Fprintln(f.io.Out, line)
			if !c.OK && c.Fix != "" {
				fmt.Fprintf(f.io.Out, "  %s %s\n", symNext, c.Fix)
			}
		}
		if ok {
			fmt.Fprintln(f.io.Out, "All checks passed.")
		}
	}
	if !ok {
		return &silentError{code: exitFailure}
	}
	return nil
}
