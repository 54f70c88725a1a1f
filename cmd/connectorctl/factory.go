package main

// The factory: what every command needs (streams, environment, the
// service and the registry, the clock, the log), built once per process;
// tests build one with buffers and an in-memory token store.

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/internal/version"
)

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
	// newTicker starts the schedule of a repeated check (fleet --every);
	// nil: time.NewTicker. Tests tick by hand.
	newTicker func(time.Duration) (<-chan time.Time, func())
	// notifyTimeout bounds a webhook post (fleet --notify); 0: 10 s.
	notifyTimeout time.Duration
	// version is this build's version ("": version.Version()); the
	// update notice compares it with the newest release.
	version string
	// updateState is the update check's state file ("": the user cache's);
	// spawnUpdateCheck starts the day's check (nil: a detached process).
	updateState      string
	spawnUpdateCheck func() error

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

// cmdEnv is what a command's run function takes from the factory (gh's
// IO, HttpClient and Config fields): every command's Options embed it,
// filled by its newCmdX, so that xRun(opts) runs without cobra and without
// the factory. The funcs are called when the command runs, not when it is
// built.
type cmdEnv struct {
	IO *ioStreams
	// Service opens the full service (registry, keyring, network).
	Service func() (*service.Service, error)
	// Registry opens the registry only: no keyring, no network.
	Registry func() (*connector.Registry, error)
	// ConfigDir is the config folder (--config-dir, --connectors, the
	// environment or the default).
	ConfigDir func() (string, error)
	Getenv    func(string) string
	Now       func() time.Time
	// Logger is the connectorctl log, opened once per process.
	Logger func() *slog.Logger
	// NewTicker starts a schedule of period d: its channel, and the stop.
	NewTicker func(d time.Duration) (<-chan time.Time, func())
	// NotifyTimeout bounds a webhook post.
	NotifyTimeout time.Duration
}

// env is the factory's cmdEnv.
func (f *factory) env() cmdEnv {
	return cmdEnv{
		IO:        f.io,
		Service:   f.service,
		Registry:  f.registry,
		ConfigDir: f.cfgDir,
		Getenv:    func(k string) string { return f.getenv(k) },
		Now:       func() time.Time { return f.now() },
		Logger:    f.logger,
		NewTicker: f.ticker,
		// read when the command is built: tests set it on the factory first
		NotifyTimeout: f.notifyTimeoutOrDefault(),
	}
}

// defaultNotifyTimeout bounds a webhook post unless a test says otherwise.
const defaultNotifyTimeout = 10 * time.Second

func (f *factory) notifyTimeoutOrDefault() time.Duration {
	if f.notifyTimeout > 0 {
		return f.notifyTimeout
	}
	return defaultNotifyTimeout
}

// ticker is the injected schedule, else time.NewTicker's.
func (f *factory) ticker(d time.Duration) (<-chan time.Time, func()) {
	if f.newTicker != nil {
		return f.newTicker(d)
	}
	t := time.NewTicker(d)
	return t.C, t.Stop
}

// connectorArgs is the RunE preamble of the commands that name connectors
// and report with --json: it parses the SYSTEM/ENV arguments (a bad one is
// a usage error naming the fix) and copies --json into asJSON.
func (f *factory) connectorArgs(args []string, asJSON *bool) ([]connector.Key, error) {
	keys, err := parseKeys(args)
	if err != nil {
		return nil, err
	}
	*asJSON = f.jsonOut
	return keys, nil
}

// lookup is the run functions' preamble: the connectors of keys from the
// registry, in the order given; an unknown one is an error. Their Key()
// is the registry's spelling of the system name.
func lookup(reg *connector.Registry, keys ...connector.Key) ([]connector.Connector, error) {
	cs := make([]connector.Connector, 0, len(keys))
	for _, k := range keys {
		c, err := reg.Get(k)
		if err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, nil
}

// keysOf are the connectors' keys, nil when there are none.
func keysOf(cs []connector.Connector) []connector.Key {
	var keys []connector.Key
	for _, c := range cs {
		keys = append(keys, c.Key())
	}
	return keys
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

// browserOpener returns how to open a URL: the injected opener (tests),
// else oauth.OpenBrowser, the window's opener too: $BROWSER (a list of
// commands separated by the path-list separator, %s or a trailing URL),
// else the system opener. Its output goes to stderr, so stdout stays clean
// for --json.
func (f *factory) browserOpener() func(string) error {
	if f.openBrowser != nil {
		return f.openBrowser
	}
	return oauth.OpenBrowser
}

// addConnectorsFlag adds the global --connectors FILE.
func addConnectorsFlag(root *cobra.Command, f *factory) {
	root.PersistentFlags().StringVar(&f.connectorsFile, "connectors", "",
		"read the connectors from FILE (written by connectorctl export) instead of the config folder; nothing is written back to it")
}

// connectorsDir is the config folder of a --connectors run: a private
// temporary folder holding the file's connectors, made once per process
// and removed when the command ends (cleanup).
func (f *factory) connectorsDir() (string, error) {
	f.connOnce.Do(func() {
		fh, err := os.Open(f.connectorsFile)
		if err != nil {
			f.connErr = &connector.Problem{
				Code:    connector.CodeConnectorsFile,
				Message: fmt.Sprintf("The connectors file %s cannot be opened.", safetext.Plain(f.connectorsFile)),
				Fix:     "Check the path given to --connectors (write the file with connectorctl export --output FILE).",
				Err:     err,
			}
			return
		}
		defer fh.Close()
		file, err := connector.ReadExport(fh, f.connectorsFile)
		if err != nil {
			f.connErr = err
			return
		}
		dir, err := os.MkdirTemp("", "connectorctl-")
		if err != nil {
			f.connErr = err
			return
		}
		f.connTmp = dir
		reg, err := connector.OpenRegistry(dir)
		if err == nil {
			err = reg.Import(file)
		}
		f.connDir, f.connErr = dir, err
	})
	return f.connDir, f.connErr
}

// cleanup removes what the run made for itself (a --connectors folder).
func (f *factory) cleanup() {
	if f.connTmp != "" {
		_ = os.RemoveAll(f.connTmp)
	}
}

// appVersion is the stamped version with its commit (see internal/version).
func appVersion() string { return version.Full() }
