package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/internal/version"
)

// appVersion is the stamped version with its commit (see internal/version).
func appVersion() string { return version.Full() }

// factory carries what every command needs; tests build one with buffers,
// an in-memory token store and their own environment.
type factory struct {
	io *ioStreams
	// getenv reads the environment (CONNECTORS_CONFIG_DIR, BROWSER).
	getenv func(string) string
	// newTokens returns the token store; the OS keyring in production.
	newTokens func() tokenstore.Store
	// openBrowser opens a URL; nil means $BROWSER, else the system opener.
	openBrowser func(url string) error
	// now is the clock.
	now func() time.Time

	logOnce sync.Once
	log     *slog.Logger

	// set by flags
	configDir string
	jsonOut   bool
	// allowLoginHosts is --allow-login-host: hosts besides Salesforce's
	// to which a JWT assertion or a client secret may go.
	allowLoginHosts []string

	// args is the command line, for hiding a secret in a parser's message.
	args []string

	// connectorsFile is --connectors; connectorsDir fills the rest once.
	connectorsFile string
	connOnce       sync.Once
	connDir        string
	connTmp        string
	connErr        error
}

func newFactory(ios *ioStreams) *factory {
	return &factory{
		io:        ios.escaped(),
		getenv:    os.Getenv,
		newTokens: func() tokenstore.Store { return tokenstore.NewKeyring("") },
		now:       time.Now,
	}
}

// cfgDir is --config-dir, else $CONNECTORS_CONFIG_DIR, else the default.
func (f *factory) cfgDir() (string, error) {
	if f.connectorsFile != "" {
		return f.connectorsDir()
	}
	if f.configDir != "" {
		return filepath.Abs(f.configDir)
	}
	if d := strings.TrimSpace(f.getenv(connector.ConfigDirEnv)); d != "" {
		return filepath.Abs(d)
	}
	return connector.DefaultConfigDir()
}

// registry opens the registry only: no keyring, no network.
func (f *factory) registry() (*connector.Registry, error) {
	dir, err := f.cfgDir()
	if err != nil {
		return nil, err
	}
	return connector.OpenRegistry(dir)
}

// service opens the full service (registry, keyring, network).
func (f *factory) service() (*service.Service, error) {
	dir, err := f.cfgDir()
	if err != nil {
		return nil, err
	}
	svc, err := service.NewService(dir, f.newTokens())
	if err != nil {
		return nil, err
	}
	svc.AllowInsecureLoopback = true
	svc.AppVersion = appVersion()
	svc.Now = f.now
	svc.Logger = f.logger()
	svc.OpenBrowser = f.browserOpener()
	svc.Getenv = f.getenv
	for _, h := range f.allowLoginHosts {
		host, err := connector.ParseAllowedLoginHost(h)
		if err != nil {
			return nil, err
		}
		svc.AllowLoginHosts = append(svc.AllowLoginHosts, host)
	}
	return svc, nil
}

// logger opens the connectorctl log file once per process (see
// connector.LogDir); without one, logs are dropped and a note goes to stderr.
func (f *factory) logger() *slog.Logger {
	f.logOnce.Do(func() {
		log, _, err := connector.OpenLog("connectorctl", slog.LevelInfo)
		if err != nil {
			fmt.Fprintln(f.io.ErrOut, "connectorctl: no log file:", err)
			log = connector.DiscardLogger()
		}
		f.log = log // the file stays open until the process exits
	})
	return f.log
}

// run executes the command line and returns the exit code.
func run(ctx context.Context, args []string, f *factory) int {
	defer f.cleanup()
	f.args = args
	root := newRootCmd(f)
	root.SetArgs(args)
	_, err := root.ExecuteContextC(ctx)
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
	root.AddCommand(
		newAuthorizeCmd(f),
		newListCmd(f),
		newStatusCmd(f),
		newPublishCmd(f),
		newRestoreCmd(f),
		newDisconnectCmd(f), newRenameCmd(f), newRemoveCmd(f),
		newDoctorCmd(f),
		newDiagnosticsCmd(f),
		newDemoOrgCmd(f),
		newExportCmd(f),
		newCISetupCmd(f),
		newHistoryCmd(f),
		newExportCSVCmd(f),
		newWatchCmd(f),
	)
	root.InitDefaultCompletionCmd()
	refuseFlagLikeValues(root)
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.RunE = func(c *cobra.Command, args []string) error {
				if len(args) > 0 {
					return &usageError{
						msg: sentence(fmt.Sprintf("unknown shell %s for completion", safetext.Value(args[0]))),
						fix: "Use bash, zsh, fish or powershell, e.g. connectorctl completion bash.",
					}
				}
				return c.Help()
			}
		}
	}
	return root
}

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

// completeKeys completes SYSTEM/ENV from the registry (local, instant).
func completeKeys(f *factory, skip int) cobra.CompletionFunc {
	return func(_ *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) < skip {
			return nil, cobra.ShellCompDirectiveDefault
		}
		reg, err := f.registry()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cs, err := reg.List()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, c := range cs {
			k := c.Key().String()
			if strings.HasPrefix(strings.ToLower(k), strings.ToLower(toComplete)) {
				out = append(out, k)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// writeJSON prints v as indented JSON, with the control characters
// encoding/json leaves raw (DEL, C1, bidirectional overrides) written as
// \u escapes: the same value for a program, plain text on a terminal.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(safetext.EscapeJSON(buf.Bytes()))
	return err
}

// problemJSON is a Problem in --json output.
type problemJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
}

func toProblemJSON(p *connector.Problem) *problemJSON {
	if p == nil {
		return nil
	}
	return &problemJSON{Code: p.Code, Message: p.Message, Fix: p.Fix}
}
