package main

import (
	"context"
	"fmt"
	"net/url"
	"os"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
)

// demoOrgOptions is what demo-org runs with.
type demoOrgOptions struct {
	cmdEnv
	LoginAddr    string
	InstanceAddr string
	Production   bool
	// JWTCert registers an External Client App for the JWT bearer flow
	// with this certificate (PEM), under JWTClientID.
	JWTCert     string
	JWTClientID string
}

// newCmdDemoOrg builds demo-org; runF, when set, runs instead of demoOrgRun.
func newCmdDemoOrg(f *factory, runF func(*demoOrgOptions) error) *cobra.Command {
	opts := &demoOrgOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "demo-org",
		Short: "Run a simulated Salesforce org until interrupted (no account needed)",
		Long: `Run a simulated Salesforce org on this computer until interrupted (Ctrl+C,
SIGTERM). The first line printed is the org's login URL, so connectorctl, the
window or any Salesforce client can be pointed at it; then the demo user's
credentials. It accepts the default client ID with callback ports 1717-1719.`,
		Example: `  connectorctl demo-org
  connectorctl authorize Demo/Sandbox --login-url "$(connectorctl demo-org | head -1)"`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return demoOrgRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.LoginAddr, "login-addr", "127.0.0.1:0", "listen address of the login host (port 0: a free port)")
	cmd.Flags().StringVar(&opts.InstanceAddr, "instance-addr", "127.0.0.1:0", "listen address of the instance (API) host")
	cmd.Flags().BoolVar(&opts.Production, "production", false, "simulate a production org instead of a sandbox")
	cmd.Flags().StringVar(&opts.JWTCert, "jwt-cert", "", "accept the JWT bearer flow signed by this certificate's key (PEM, e.g. from connectorctl ci-setup)")
	cmd.Flags().StringVar(&opts.JWTClientID, "jwt-client-id", "ConnectorsCI", "client ID of the JWT app registered with --jwt-cert")
	return cmd
}

// demoOrgRun runs the simulated org until ctx ends.
func demoOrgRun(ctx context.Context, opts *demoOrgOptions) error {
	org, err := sfsim.Start(sfsim.Options{
		LoginAddr:    opts.LoginAddr,
		InstanceAddr: opts.InstanceAddr,
		DemoHint:     true,
		Sandbox:      !opts.Production,
	})
	if err != nil {
		return &connector.Problem{
			Code:    "demo_org_failed",
			Message: fmt.Sprintf("The demo org could not start: %v.", err),
			Fix:     "Choose other addresses with --login-addr and --instance-addr, e.g. 127.0.0.1:0 for a free port.",
			Err:     err,
		}
	}
	env := "Sandbox"
	if opts.Production {
		env = "Production"
	}
	if opts.JWTCert != "" {
		pemBytes, err := os.ReadFile(opts.JWTCert)
		if err == nil {
			err = org.RegisterJWTClient(opts.JWTClientID, pemBytes)
		}
		if err != nil {
			_ = org.Close()
			return &connector.Problem{
				Code:    "demo_org_failed",
				Message: fmt.Sprintf("The certificate %s cannot be used: %v.", opts.JWTCert, err),
				Fix:     "Give a PEM certificate of an RSA key, e.g. the connectors-ci.crt of connectorctl ci-setup.",
				Err:     err,
			}
		}
	}
	w := opts.IO.Out
	fmt.Fprintln(w, org.LoginURL())
	fmt.Fprintf(w, "The demo org is running (a simulated %s org; nothing leaves this computer).\n", env)
	fmt.Fprintf(w, "  Login URL:     %s\n", org.LoginURL())
	fmt.Fprintf(w, "  Instance URL:  %s\n", org.InstanceURL())
	fmt.Fprintf(w, "  Username:      %s\n", org.Username())
	fmt.Fprintf(w, "  Password:      %s\n", org.Password())
	fmt.Fprintln(w, "Point connectorctl at it:")
	fmt.Fprintf(w, "  connectorctl authorize Demo/%s --login-url %s\n", env, org.LoginURL())
	if opts.JWTCert != "" {
		// a JWT goes only to Salesforce's login hosts unless the host is allowed
		fmt.Fprintln(w, "or without a browser (JWT bearer flow; this simulated org must be allowed to receive the JWT):")
		fmt.Fprintf(w, "  connectorctl authorize Demo/%s --jwt --client-id %s --username %s --login-url %s --jwt-key-file KEY --allow-login-host %s\n",
			env, opts.JWTClientID, org.Username(), org.LoginURL(), hostPort(org.LoginURL()))
	}
	fmt.Fprintln(w, "Press Ctrl+C to stop.")
	<-ctx.Done()
	if err := org.Close(); err != nil {
		return fmt.Errorf("stop the demo org: %w", err)
	}
	fmt.Fprintln(opts.IO.ErrOut, "Demo org stopped.")
	return nil
}

// hostPort is the HOST:PORT of a URL, as --allow-login-host takes it.
func hostPort(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}
