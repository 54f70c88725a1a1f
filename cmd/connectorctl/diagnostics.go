package main

import (
	"context"
	"fmt"
	"net/url"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
)

// diagnosticsOptions is what diagnostics runs with.
type diagnosticsOptions struct {
	cmdEnv
	JSON bool
}

// newCmdDiagnostics builds diagnostics; runF, when set, runs instead of
// diagnosticsRun.
func newCmdDiagnostics(f *factory, runF func(*diagnosticsOptions) error) *cobra.Command {
	opts := &diagnosticsOptions{cmdEnv: f.env()}
	cmd := &cobra.Command{
		Use:   "diagnostics",
		Short: "Print a redacted report for support (never contains a token)",
		Long: `Print a plain-text report to send to support: versions, operating system,
keyring backend, the connectors and their last status, recent errors, and the
environment that matters (proxy, browser, config folder). Proxy credentials
are redacted and tokens are never read into the report.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.JSON = f.jsonOut
			if runF != nil {
				return runF(opts)
			}
			return diagnosticsRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, f)
	return cmd
}

// diagnosticsJSON is `diagnostics --json`.
type diagnosticsJSON struct {
	Version     string            `json:"version"`
	GoVersion   string            `json:"goVersion"`
	OS          string            `json:"os"`
	Arch        string            `json:"arch"`
	ConfigDir   string            `json:"configDir"`
	Environment map[string]string `json:"environment"`
	Report      string            `json:"report"`
}

// diagEnvVars are the variables that change how connectorctl behaves.
var diagEnvVars = []string{
	"CONNECTORS_CONFIG_DIR", "BROWSER", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy",
	"NO_PROXY", "no_proxy", "DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "WSL_DISTRO_NAME", "SSH_CONNECTION",
	connector.JWTKeyEnv, connector.JWTKeyFileEnv, connector.ClientSecretEnv, notifyURLEnv,
}

// diagnosticsRun prints the support report.
func diagnosticsRun(ctx context.Context, opts *diagnosticsOptions) error {
	dir, dirErr := opts.ConfigDir()
	env := map[string]string{}
	for _, k := range diagEnvVars {
		if v := opts.Getenv(k); v != "" {
			env[k] = redactEnv(k, v)
		}
	}
	svc, err := opts.Service()
	if err != nil {
		return err
	}
	report := svc.Diagnostics(ctx, appVersion(), recentErrors(dir))
	if dirErr != nil {
		dir = "unknown (" + dirErr.Error() + ")"
	}
	d := diagnosticsJSON{
		Version: appVersion(), GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH,
		ConfigDir: dir, Environment: env, Report: report,
	}
	if opts.JSON {
		return writeJSON(opts.IO.Out, d)
	}
	w := opts.IO.Out
	fmt.Fprintln(w, "connectorctl diagnostics")
	fmt.Fprintf(w, "connectorctl: %s (%s, %s/%s)\n", d.Version, d.GoVersion, d.OS, d.Arch)
	fmt.Fprintf(w, "config folder: %s\n", d.ConfigDir)
	fmt.Fprintf(w, "stdin/stdout/stderr terminals: %t/%t/%t\n", opts.IO.InTTY, opts.IO.OutTTY, opts.IO.ErrTTY)
	if len(env) == 0 {
		fmt.Fprintln(w, "environment: nothing relevant set")
	} else {
		fmt.Fprintln(w, "environment:")
		for _, k := range diagEnvVars {
			if v, ok := env[k]; ok {
				fmt.Fprintf(w, "  %s=%s\n", k, v)
			}
		}
	}
	fmt.Fprintln(w)
	fmt.Fprint(w, report)
	if report != "" && !strings.HasSuffix(report, "\n") {
		fmt.Fprintln(w)
	}
	return nil
}

// redactEnv hides credentials in proxy URLs (user:password@host), the
// dbus address's guid, and the JWT key and client secret entirely; any
// other value is shown unless it may be a key or a secret (a key's text in
// $CONNECTORS_JWT_KEY_FILE): then only what it looks like. The webhook URL
// of fleet --notify carries its secret: hidden too.
func redactEnv(key, v string) string {
	if key == connector.JWTKeyEnv || key == connector.ClientSecretEnv || key == notifyURLEnv {
		return "set (hidden)" // the key, the secret or the webhook's URL: only whether it is there
	}
	v = redactCredentials(key, v)
	if safetext.MaySecret(v) {
		return "set (" + safetext.Describe(v) + ", hidden)"
	}
	return v
}

// redactCredentials hides the credentials of a proxy URL and the dbus guid.
func redactCredentials(key, v string) string {
	lk := strings.ToLower(key)
	if strings.HasSuffix(lk, "_proxy") && lk != "no_proxy" {
		if u, err := url.Parse(v); err == nil && u.User != nil {
			u.User = url.User("REDACTED")
			return u.String()
		}
		if i := strings.LastIndex(v, "@"); i >= 0 {
			return "REDACTED@" + v[i+1:]
		}
	}
	if key == "DBUS_SESSION_BUS_ADDRESS" {
		if i := strings.Index(v, ",guid="); i >= 0 {
			return v[:i] + ",guid=REDACTED"
		}
	}
	return v
}
