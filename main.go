// Command connectors is the desktop app: Settings → Connectors.
//
//	connectors               the connectors in your config folder, tokens in the OS keyring
//	connectors --demo        a simulated Salesforce org on this computer, nothing leaves it
//	connectors --demo-scenario NAME  the demo in one state: permission-missing,
//	                         api-disabled, needs-reauth, production, unreachable
//	connectors --config-dir  use another config folder
//	connectors --version
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/connectors-app/connectors/connector/service"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/connectors-app/connectors/assets"
	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/sfsim"
	"github.com/connectors-app/connectors/connector/tokenstore"
	"github.com/connectors-app/connectors/internal/version"
	"github.com/connectors-app/connectors/packaging"
	"github.com/connectors-app/connectors/ui"
)

const appID = "app.connectors.desktop"

// demoKeyringService keeps the demo's tokens apart from real connectors'.
const demoKeyringService = appID + ".demo"

func main() {
	os.Exit(run(os.Args[1:]))
}

// noDisplayMessage is what the app says, and exits 1, when it has no
// screen to open its window on (a bare SSH session, a CI job, make demo on
// a server): not a GLFW stack trace.
const noDisplayMessage = "connectors: no display: run it in a desktop session, or under xvfb-run"

// noDisplay reports whether a Linux (or other X11) desktop has no display
// to open a window on: neither $DISPLAY nor $WAYLAND_DISPLAY is set.
func noDisplay(goos string, getenv func(string) string) bool {
	if goos == "darwin" || goos == "windows" || goos == "android" || goos == "ios" {
		return false
	}
	return getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == ""
}

// displayFailure reports whether a panic is the window system's failure to
// start (GLFW on a display that cannot be opened, e.g. DISPLAY=:99 with no
// X server there).
func displayFailure(r any) bool {
	s := fmt.Sprint(r)
	return strings.Contains(s, "GLFW") || strings.Contains(s, "PlatformError") || strings.Contains(s, "X11")
}

// recoverNoDisplay, deferred, turns the window system's failure to start
// into noDisplayMessage and exit code 1; any other panic goes on.
func recoverNoDisplay(code *int) {
	r := recover()
	if r == nil {
		return
	}
	if !displayFailure(r) {
		panic(r)
	}
	fmt.Fprintln(os.Stderr, noDisplayMessage)
	*code = 1
}

func run(args []string) (code int) {
	fs := flag.NewFlagSet("connectors", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "run on a simulated Salesforce org on this computer (no account needed)")
	cfgDir := fs.String("config-dir", "", "config folder (default $CONNECTORS_CONFIG_DIR, else <user config>/connectors)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	size := fs.String("window-size", "1000x700", "the window's size, WIDTHxHEIGHT")
	scenario := fs.String("demo-scenario", "", "start the demo in a state: "+strings.Join(demoScenarios, ", ")+" (implies --demo)")
	listScenarios := fs.Bool("list-demo-scenarios", false, "print the demo scenarios, one per line, and exit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *listScenarios {
		fmt.Println(strings.Join(demoScenarios, "\n"))
		return 0
	}
	if *scenario != "" {
		if !slices.Contains(demoScenarios, *scenario) {
			fmt.Fprintf(os.Stderr, "connectors: unknown demo scenario %q: use one of %s\n", *scenario, strings.Join(demoScenarios, ", "))
			return 2
		}
		*demo = true
	}
	if *showVersion {
		fmt.Println(version.Line("connectors"))
		return 0
	}
	if noDisplay(runtime.GOOS, os.Getenv) {
		fmt.Fprintln(os.Stderr, noDisplayMessage)
		return 1
	}
	if err := ui.LoadTranslations(); err != nil {
		fmt.Fprintln(os.Stderr, "connectors:", err)
	}

	deps := ui.Deps{Version: version.Full()}
	var cleanup []func()
	defer func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	}()
	var err error
	if *demo {
		err = setupDemo(&deps, *cfgDir, &cleanup)
		if err == nil && *scenario != "" {
			deps.Demo.Scenario = *scenario
		}
	} else {
		err = setupReal(&deps, *cfgDir)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "connectors:", err)
		return 1
	}
	// deps.Service.OpenBrowser stays nil: oauth.OpenBrowser honours $BROWSER, else the system browser.
	if log, closer, lerr := connector.OpenLog("connectors", slog.LevelInfo); lerr == nil {
		deps.Service.Logger = log
		cleanup = append(cleanup, func() { _ = closer.Close() })
	} else {
		fmt.Fprintln(os.Stderr, "connectors: no log file:", lerr)
	}

	defer recoverNoDisplay(&code) // a display that cannot be opened: GLFW panics in NewWindow
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.IconPNG()))
	a.Settings().SetTheme(ui.Theme())
	w := a.NewWindow("Connectors")
	winSize, ok := windowSize(*size)
	if !ok {
		fmt.Fprintf(os.Stderr, "connectors: --window-size %q: write WIDTHxHEIGHT, e.g. 1000x700\n", *size)
		return 2
	}
	w.Resize(winSize)
	deps.Updates = windowUpdates()
	w.SetMainMenu(ui.HelpMenu(w, deps.Version, deps.Updates))
	w.SetContent(ui.New(a, w, deps))

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sig
		fyne.Do(a.Quit)
	}()
	w.ShowAndRun()
	return 0
}

// windowSize reads --window-size (WIDTHxHEIGHT, each at least 200).
func windowSize(s string) (fyne.Size, bool) {
	var width, height float32
	if _, err := fmt.Sscanf(s, "%fx%f", &width, &height); err != nil || width < 200 || height < 200 {
		return fyne.Size{}, false
	}
	return fyne.NewSize(width, height), true
}

// setupReal opens the user's registry with the OS keyring; whether the
// keyring works is checked in the background and shown in the window.
func setupReal(deps *ui.Deps, cfgDir string) error {
	svc, err := service.NewService(cfgDir, tokenstore.NewKeyring(""))
	if err != nil {
		return err
	}
	svc.AppVersion = version.Full()
	deps.Service = svc
	deps.CheckKeyring = func() error { return tokenstore.ProbeKeyring("") }
	return nil
}

// setupDemo starts the simulated org, a separate config folder and keyring
// namespace (the demo never touches real connectors), the Demo/Sandbox
// connector pointing at the org, and the sample content.
func setupDemo(deps *ui.Deps, cfgDir string, cleanup *[]func()) error {
	org, err := sfsim.Start(sfsim.Options{DemoHint: true, Sandbox: true})
	if err != nil {
		return fmt.Errorf("start the demo org: %w", err)
	}
	*cleanup = append(*cleanup, func() { _ = org.Close() })
	if cfgDir == "" {
		dir, err := os.MkdirTemp("", "connectors-demo-")
		if err != nil {
			return fmt.Errorf("demo config folder: %w", err)
		}
		*cleanup = append(*cleanup, func() { _ = os.RemoveAll(dir) })
		cfgDir = dir
	}
	var store tokenstore.Store
	demo := &ui.Demo{
		Key:      connector.Key{System: "Demo", Environment: connector.Sandbox},
		Username: org.Username(),
		Password: org.Password(),
	}
	if perr := tokenstore.ProbeKeyring(demoKeyringService); perr != nil {
		store = tokenstore.NewMemory()
		demo.MemoryTokens = true
		deps.KeyringProblem = perr
	} else {
		// The demo starts from an empty token space every time: tokens of
		// an earlier demo session (its org is gone) are never reused.
		kr := tokenstore.NewKeyring(demoKeyringService)
		if err := kr.DeleteAll(); err != nil {
			return fmt.Errorf("clear the demo's tokens: %w", err)
		}
		store = kr
	}
	svc, err := service.NewService(cfgDir, store)
	if err != nil {
		return err
	}
	svc.AppVersion = version.Full()
	// a connector left in this config folder by an earlier demo knows an
	// org that is gone: it starts again as never signed in
	if _, err := svc.ResetConnector(demo.Key, connector.ConnectorSettings{
		LoginURL: org.LoginURL(), CallbackPorts: []int{1717, 1718, 1719},
	}); err != nil {
		return fmt.Errorf("add the demo connector: %w", err)
	}
	sample, err := packaging.FromFS(assets.SampleContent(), "sample content")
	if err != nil {
		return fmt.Errorf("open the sample content: %w", err)
	}
	demo.Bundle = sample
	world := newDemoWorld(org, svc, []int{1717, 1718, 1719}, sample)
	*cleanup = append(*cleanup, func() {
		for _, o := range world.fleetOrgs {
			_ = o.Close()
		}
	})
	demo.Scenarios = demoScenarios
	demo.SetScenario = world.scenario
	deps.Service = svc
	deps.Demo = demo
	return nil
}
