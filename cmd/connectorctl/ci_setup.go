package main

// ci-setup: the key pair and certificate of the JWT bearer flow, and the
// steps that make them work (docs/ci.md says the same at length).

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
)

// ciSetupOptions is what ci-setup runs with.
type ciSetupOptions struct {
	cmdEnv
	// Dir is --dir, where the key and the certificate go.
	Dir string
	// Days is --days, how long the certificate is valid.
	Days int
}

// newCmdCISetup builds ci-setup; runF, when set, runs instead of ciSetupRun.
func newCmdCISetup(f *factory, runF func(*ciSetupOptions) error) *cobra.Command {
	opts := &ciSetupOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "ci-setup",
		Short: "Generate the JWT key pair and certificate for CI, and print the setup steps",
		Long: `Generate a 2048-bit RSA private key (connectors-ci.key, mode 0600) and a
self-signed certificate of it (connectors-ci.crt) in --dir, then print the
steps: upload the certificate to the External Client App of each org, pre-authorize
the profile, authorize each connector with --jwt, export the connectors, and
keep the key as a CI secret. Existing files are never overwritten.

The key is a secret: store it in your CI's secret store and delete the file.`,
		Example: `  connectorctl ci-setup --dir ./ci-keys`,
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Days < 1 {
				return &usageError{msg: fmt.Sprintf("--days must be at least 1, got %d.", opts.Days), fix: "Give how long the certificate is valid, e.g. --days 730."}
			}
			if runF != nil {
				return runF(opts)
			}
			return ciSetupRun(opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", "connectors-ci", "folder to write connectors-ci.key and connectors-ci.crt to")
	cmd.Flags().IntVar(&opts.Days, "days", 730, "days the certificate is valid")
	return cmd
}

// ciSetupRun writes the key pair and prints the setup steps.
func ciSetupRun(opts *ciSetupOptions) error {
	dir, days := opts.Dir, opts.Days
	keyPath := filepath.Join(dir, "connectors-ci.key")
	certPath := filepath.Join(dir, "connectors-ci.crt")
	for _, p := range []string{keyPath, certPath} {
		if _, err := os.Stat(p); err == nil {
			return &connector.Problem{
				Code:    connector.CodeConfigIO,
				Message: fmt.Sprintf("%s already exists, so nothing was generated.", p),
				Fix:     "Choose another --dir, or move the old key and certificate away first (orgs that use the old certificate keep working with the old key).",
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	keyPEM, certPEM, err := oauth.NewKeyPair("connectors-ci", time.Duration(days)*24*time.Hour)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return &connector.Problem{Code: connector.CodeConfigIO, Message: fmt.Sprintf("%s cannot be created: %v.", dir, err), Fix: "Choose a writable --dir.", Err: err}
	}
	// O_EXCL: never replace a key that appeared meanwhile.
	kf, err := os.OpenFile(keyPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return &connector.Problem{Code: connector.CodeConfigIO, Message: fmt.Sprintf("%s cannot be written: %v.", keyPath, err), Fix: "Choose a writable --dir.", Err: err}
	}
	_, werr := kf.Write(keyPEM)
	if cerr := kf.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.WriteFile(certPath, certPEM, 0o644)
	}
	if werr != nil {
		_ = os.Remove(keyPath)
		return &connector.Problem{Code: connector.CodeConfigIO, Message: fmt.Sprintf("The key pair could not be written: %v.", werr), Fix: "Choose a writable --dir.", Err: werr}
	}
	w := opts.IO.Out
	fmt.Fprintf(w, "%s Wrote %s (private key, keep it secret) and %s (certificate, valid %d days).\n\n", symOK, keyPath, certPath, days)
	fmt.Fprintf(w, `Next, in each org (docs/ci.md has the details):
  1. Setup → External Client App Manager → New External Client App. Enable OAuth,
     scopes "Manage user data via APIs (api)" and "Perform requests at any time
     (refresh_token, offline_access)", Enable JWT Bearer Flow, and upload %s.
  2. The app's Policies: Permitted Users = "Admin approved users are pre-authorized";
     add the CI user's profile or a permission set. Copy the Consumer Key.
  3. Authorize the connector (no browser):
       connectorctl authorize SYSTEM/ENV --jwt --client-id CONSUMER_KEY \
         --username ci-user@example.com --login-url https://MYDOMAIN.my.salesforce.com \
         --jwt-key-file %s
Then:
  4. connectorctl export --output connectors.json   (no secrets: commit it)
  5. Store the content of %s as the CI secret %s, then delete the file.
  6. In CI: connectorctl publish BUNDLE --connectors connectors.json --all \
       --shard I/N --report junit.xml --json
`, certPath, keyPath, keyPath, connector.JWTKeyEnv)
	return nil
}
