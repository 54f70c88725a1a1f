package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
)

// browserGrace is how long authorize waits, after the flow ended and the
// result was printed, for the browser command it started to exit (a
// scripted browser finishing its page). A browser that stays in the
// foreground (BROWSER=firefox) simply keeps running after we exit.
const browserGrace = 2 * time.Second

// authorizeOptions is what authorize runs with: the browser flow's flags,
// or the headless flow's (Headless.on()).
type authorizeOptions struct {
	cmdEnv
	// OpenBrowser opens the authorize URL: $BROWSER or the system opener.
	OpenBrowser func(url string) error
	Headless    headlessFlags

	Key                      connector.Key
	LoginURL                 string
	ClientID                 string
	Ports                    []int
	NoBrowser                bool
	Timeout                  time.Duration
	ResourceName             string
	AllowEnvironmentMismatch bool
	JSON                     bool
}

// newCmdAuthorize builds authorize; runF, when set, runs instead of
// authorizeRun.
func newCmdAuthorize(f *factory, runF func(*authorizeOptions) error) *cobra.Command {
	opts := &authorizeOptions{cmdEnv: f.env(), OpenBrowser: func(u string) error { return f.browserOpener()(u) }}
	headless := &opts.Headless
	cmd := &cobra.Command{
		Use:   "authorize SYSTEM/ENV",
		Short: "Create or update a connector and authorize it in the browser",
		Long: `Create the connector SYSTEM/ENV (or update it), open the Salesforce login page
in the browser, wait for the redirect to the loopback callback, store the tokens
in the OS keyring, and check the org: who you are, that the org fits the
environment slot (production vs sandbox), and the API Enabled and Customize
Application permissions.

The authorize URL is always printed to stderr; --no-browser only prints it
(open it on any machine). The browser is $BROWSER when set, else the system
opener. When the redirect cannot reach this computer (SSH, WSL, a remote
browser), paste the final URL from the browser's address bar into the terminal.

In CI, --jwt (JWT bearer flow, with a private key from --jwt-key-file,
$CONNECTORS_JWT_KEY or $CONNECTORS_JWT_KEY_FILE) and --client-credentials
(with the secret from $CONNECTORS_CLIENT_SECRET, never a flag) authorize
without a browser and without the keyring: the tokens live in memory for the
run only, and each later command mints its own. See docs/ci.md.`,
		Example: `  connectorctl authorize Lightning/Sandbox --login-url acme--uat.sandbox.my.salesforce.com
  connectorctl authorize Lightning/Production --callback-port 1717,1718 --no-browser
  connectorctl authorize Acme/Production --jwt --client-id KEY --username ci@acme.com --jwt-key-file ci.key
  connectorctl authorize Acme/Production --client-credentials --client-id KEY --login-url acme.my.salesforce.com`,
		Args:              exactArgs(1, "one connector (SYSTEM/ENV)"),
		ValidArgsFunction: completeKeys(f, 0),
		RunE: func(cmd *cobra.Command, args []string) error {
			keys, err := f.connectorArgs(args, &opts.JSON)
			if err != nil {
				return err
			}
			opts.Key = keys[0]
			if err := checkHeadlessFlags(cmd, headless); err != nil {
				return err
			}
			if !headless.on() {
				if err := checkBrowserFlags(cmd, opts); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return authorizeRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.LoginURL, "login-url", "", "login URL, My Domain or pasted org URL (default: the connector's, else login/test.salesforce.com)")
	fl.StringVar(&opts.ClientID, "client-id", "", "OAuth consumer key of the connected app (default: the connector's, else "+connector.DefaultClientID+")")
	fl.IntSliceVar(&opts.Ports, "callback-port", nil, "loopback callback port, tried in order (repeat or comma-separate)")
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "only print the authorize URL, do not open a browser")
	fl.DurationVar(&opts.Timeout, "timeout", service.DefaultAuthorizeTimeout, "how long to wait for the browser, e.g. 90s or 10m; must be longer than zero")
	fl.StringVar(&opts.ResourceName, "resource", "", "StaticResource name to publish to (default "+connector.DefaultResourceName+")")
	fl.BoolVar(&opts.AllowEnvironmentMismatch, "allow-environment-mismatch", false, "accept a production org in a sandbox/test slot or the reverse")
	addHeadlessFlags(cmd, headless)
	addJSONFlag(cmd, f)
	return cmd
}

// checkBrowserFlags refuses the browser flow's flag values that cannot work.
func checkBrowserFlags(cmd *cobra.Command, opts *authorizeOptions) error {
	for _, p := range opts.Ports {
		if p < 1 || p > 65535 {
			return newUsageError(cmd.CommandPath(), fmt.Sprintf("the callback port %d is out of range 1 to 65535", p))
		}
	}
	if opts.Timeout <= 0 {
		return &usageError{
			msg: fmt.Sprintf("--timeout must be longer than zero, got %s.", opts.Timeout),
			fix: "Give how long to wait for the browser, e.g. --timeout 90s or --timeout 10m (the default is 3m).",
		}
	}
	return nil
}

// authorizeJSON is `authorize --json`.
type authorizeJSON struct {
	Connector     string                `json:"connector"`
	Org           *connector.OrgInfo    `json:"org"`
	EnvironmentOK bool                  `json:"environmentOk"`
	Permissions   connector.Permissions `json:"permissions"`
	OrgChanged    bool                  `json:"orgChanged"`
	PreviousOrgID string                `json:"previousOrgId,omitempty"`
	LoginURL      string                `json:"loginUrl"`
	ResourceName  string                `json:"resourceName"`
	// AuthMethod is web, jwt or client-credentials; CredentialSource
	// keyring, jwt or client-credentials.
	AuthMethod       string       `json:"authMethod"`
	CredentialSource string       `json:"credentialSource"`
	ClientID         string       `json:"clientId"`
	Username         string       `json:"username,omitempty"`
	Problem          *problemJSON `json:"problem,omitempty"`
}

// authorizeRun authorizes the connector: headless (--jwt,
// --client-credentials) or in the browser.
func authorizeRun(ctx context.Context, opts *authorizeOptions) error {
	if opts.Headless.on() {
		return authorizeHeadlessRun(ctx, opts)
	}
	return authorizeBrowserRun(ctx, opts)
}

// authorizeBrowserRun runs the browser flow: the URL printed (and opened),
// the redirect or a pasted URL awaited, the result printed.
func authorizeBrowserRun(ctx context.Context, opts *authorizeOptions) error {
	if opts.ResourceName != "" {
		if err := validateResourceName(opts.ResourceName); err != nil {
			return err
		}
	}
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	if c, err := svc.Registry.Get(opts.Key); err == nil {
		opts.Key = c.Key() // the registry's spelling of the system name
	}
	flow, err := svc.StartAuthorize(ctx, opts.Key, service.AuthorizeOptions{
		LoginURL:                 opts.LoginURL,
		ClientID:                 opts.ClientID,
		Ports:                    opts.Ports,
		Timeout:                  opts.Timeout,
		NoBrowser:                opts.NoBrowser,
		AllowEnvironmentMismatch: opts.AllowEnvironmentMismatch,
		ResourceName:             opts.ResourceName,
	})
	if err != nil {
		return err
	}
	defer flow.Cancel()
	errOut := opts.IO.ErrOut
	fmt.Fprintf(errOut, "To authorize %s, open this URL in a browser:\n\n  %s\n\n", opts.Key, flow.URL())
	opened := make(chan struct{})
	if opts.NoBrowser {
		close(opened)
	} else {
		fmt.Fprintln(errOut, "Opening the browser...")
		open := opts.OpenBrowser
		go func(u string) {
			defer close(opened)
			if err := open(u); err != nil {
				fmt.Fprintf(errOut, "The browser could not be opened (%v). Open the URL above yourself.\n", err)
			}
		}(flow.URL())
	}
	// Let a browser command that runs until the page is done (a scripted
	// browser, a wrapper) finish before exiting, within reason.
	defer func() {
		t := time.NewTimer(browserGrace)
		defer t.Stop()
		select {
		case <-opened:
		case <-t.C:
		}
	}()
	fmt.Fprintf(errOut, "Waiting for the redirect to %s ...\n", flow.RedirectURI())
	if opts.IO.InTTY {
		fmt.Fprintln(errOut, "If the browser shows an error page for that address, paste its full URL here and press Enter.")
		go readPastedURLs(opts.IO, flow)
	}
	res, err := flow.Wait(ctx)
	if err != nil {
		return err
	}
	return printAuthorizeResult(opts, res)
}

// readPastedURLs feeds lines typed on the terminal to the flow until one is
// accepted; it ends with stdin.
func readPastedURLs(ios *ioStreams, flow service.AuthFlow) {
	sc := bufio.NewScanner(ios.In)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if err := flow.SubmitCallbackURL(line); err != nil {
			d := describe(err)
			fmt.Fprintf(ios.ErrOut, "%s %s\n", d.Error, d.Fix)
			continue
		}
		return
	}
}

func printAuthorizeResult(opts *authorizeOptions, res *service.AuthorizeResult) error {
	c := res.Connector
	envOK := res.Status.EnvironmentOK
	if opts.JSON {
		if err := writeJSON(opts.IO.Out, authorizeJSON{
			Connector:        c.Key().String(),
			Org:              c.Org,
			EnvironmentOK:    envOK,
			Permissions:      res.Permissions,
			OrgChanged:       res.OrgChanged,
			PreviousOrgID:    res.PreviousOrgID,
			LoginURL:         c.LoginURL,
			ResourceName:     c.EffectiveResourceName(),
			AuthMethod:       c.AuthMethod.String(),
			CredentialSource: c.CredentialSource(),
			ClientID:         c.EffectiveClientID(),
			Username:         c.Username,
			Problem:          toProblemJSON(res.Problem),
		}); err != nil {
			return err
		}
	} else {
		w := opts.IO.Out
		fmt.Fprintf(w, "%s Authorized %s\n", symOK, c.Key())
		if o := c.Org; o != nil {
			fmt.Fprintf(w, "  Org:          %s (%s)\n", o.DisplayName(), o.OrgID)
			fmt.Fprintf(w, "  User:         %s\n", o.Username)
			fmt.Fprintf(w, "  Instance:     %s\n", o.InstanceURL)
			sym := symOK
			if !envOK {
				sym = symWarn
			}
			note := ""
			if !envOK && c.AllowEnvironmentMismatch {
				note = ", allowed by --allow-environment-mismatch"
			}
			if res.Status.EnvironmentChecked {
				fmt.Fprintf(w, "  Environment:  %s %s%s\n", sym, envCheck(c.Environment, o, envOK), note)
			}
		}
		if res.Permissions.Checked {
			fmt.Fprintf(w, "  Permissions:  %s\n", permLine(res.Permissions))
		} else {
			fmt.Fprintf(w, "  Permissions:  %s not checked\n", symWarn)
		}
		fmt.Fprintf(w, "  Resource:     %s\n", c.EffectiveResourceName())
		fmt.Fprintf(w, "  Credential:   %s\n", credentialLabel(c))
		if res.OrgChanged {
			fmt.Fprintf(w, "  %s The org changed: it was %s before (a refreshed sandbox?). Publish again to fill the new org.\n", symWarn, res.PreviousOrgID)
		}
		if res.Problem == nil {
			fmt.Fprintf(w, "Next: connectorctl publish BUNDLE %s\n", quoteKey(c.Key()))
		}
	}
	if res.Problem != nil {
		// The tokens are stored, but the connector cannot publish yet.
		if !opts.JSON {
			fmt.Fprintf(opts.IO.ErrOut, "%s %s\n", sentence(res.Problem.Message), res.Problem.Fix)
		}
		return &silentError{code: exitFailure}
	}
	return nil
}
