package main

// Headless authorization for CI: authorize --jwt and --client-credentials.
// No browser, no keyring: the key and the secret come from a file or the
// environment, and the tokens they mint stay in this process's memory.

import (
	"context"
	"fmt"
	"strings"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// headlessFlags are authorize's flags for the headless flows.
type headlessFlags struct {
	JWT               bool
	ClientCredentials bool
	Username          string
	JWTKeyFile        string
	Audience          string
}

func (h *headlessFlags) on() bool { return h.JWT || h.ClientCredentials }

// addHeadlessFlags adds --jwt, --client-credentials and their settings to authorize.
func addHeadlessFlags(cmd *cobra.Command, h *headlessFlags) {
	fl := cmd.Flags()
	fl.BoolVar(&h.JWT, "jwt", false, "authorize with the JWT bearer flow (no browser): needs --client-id, --username and a private key")
	fl.BoolVar(&h.ClientCredentials, "client-credentials", false, "authorize with the client-credentials flow (no browser): needs --client-id, --login-url MYDOMAIN and $"+connector.ClientSecretEnv)
	fl.StringVar(&h.Username, "username", "", "Salesforce username the JWT bearer flow signs in as")
	fl.StringVar(&h.JWTKeyFile, "jwt-key-file", "", "PEM private key of the JWT bearer flow (default $"+connector.JWTKeyEnv+", else the file $"+connector.JWTKeyFileEnv+")")
	fl.StringVar(&h.Audience, "audience", "", "JWT audience (default: https://login.salesforce.com for production, https://test.salesforce.com otherwise)")
}

// checkHeadlessFlags refuses combinations that cannot work, before any network.
func checkHeadlessFlags(cmd *cobra.Command, h *headlessFlags) error {
	fl := cmd.Flags()
	if h.JWT && h.ClientCredentials {
		return &usageError{msg: "--jwt and --client-credentials cannot be used together.", fix: "Choose one flow."}
	}
	if !h.on() {
		for _, n := range []string{"username", "jwt-key-file", "audience"} {
			if fl.Changed(n) {
				return &usageError{msg: fmt.Sprintf("--%s is only used with --jwt.", n), fix: "Add --jwt, or leave --" + n + " out."}
			}
		}
		return nil
	}
	for _, n := range []string{"callback-port", "no-browser"} {
		if fl.Changed(n) {
			return &usageError{msg: fmt.Sprintf("--%s is for the browser flow, not for a headless authorization.", n), fix: "Leave --" + n + " out."}
		}
	}
	if h.ClientCredentials {
		for _, n := range []string{"username", "jwt-key-file", "audience"} {
			if fl.Changed(n) {
				return &usageError{msg: fmt.Sprintf("--%s is only used with --jwt.", n), fix: "Leave --" + n + " out: the client-credentials flow runs as the app's Run As user."}
			}
		}
	}
	if !fl.Changed("client-id") {
		return &usageError{msg: "A headless authorization needs --client-id.", fix: "Pass the consumer key of the External Client App: --client-id KEY."}
	}
	if h.JWT && strings.TrimSpace(h.Username) == "" {
		return &usageError{msg: "--jwt needs --username.", fix: "Pass the Salesforce username to sign in as, e.g. --username ci@acme.com."}
	}
	return nil
}

// authorizeHeadlessRun authorizes with --jwt or --client-credentials.
func authorizeHeadlessRun(ctx context.Context, opts *authorizeOptions) error {
	h := &opts.Headless
	if opts.ResourceName != "" {
		if err := validateResourceName(opts.ResourceName); err != nil {
			return err
		}
	}
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	svc.JWTKeyFile = h.JWTKeyFile
	if c, err := svc.Registry.Get(opts.Key); err == nil {
		opts.Key = c.Key()
	}
	method := connector.AuthJWT
	if h.ClientCredentials {
		method = connector.AuthClientCredentials
	}
	res, err := svc.AuthorizeHeadless(ctx, opts.Key, service.HeadlessOptions{
		Method:                   method,
		LoginURL:                 opts.LoginURL,
		ClientID:                 opts.ClientID,
		Username:                 h.Username,
		Audience:                 h.Audience,
		ResourceName:             opts.ResourceName,
		AllowEnvironmentMismatch: opts.AllowEnvironmentMismatch,
	})
	if err != nil {
		return err
	}
	return printAuthorizeResult(opts, res)
}

// credentialLabel says where a credential comes from, for people.
func credentialLabel(c connector.Connector) string {
	switch c.AuthMethod {
	case connector.AuthJWT:
		return fmt.Sprintf("jwt (client %s, user %s; key from the run, nothing stored)", c.ClientID, c.Username)
	case connector.AuthClientCredentials:
		return fmt.Sprintf("client-credentials (client %s; secret from $%s, nothing stored)", c.ClientID, connector.ClientSecretEnv)
	}
	return "keyring"
}
