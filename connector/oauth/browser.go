package oauth

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pkg/browser"
)

// browserExitWait is how long OpenBrowser waits for a $BROWSER command to
// fail before assuming it is running (a browser may stay in the foreground).
const browserExitWait = 2 * time.Second

var browserOutputOnce sync.Once

// OpenBrowser opens an http or https URL in the user's browser. $BROWSER,
// when set, is a list of commands separated by the path list separator (":"
// on Unix); each may contain "%s", replaced by the URL, else the URL is
// appended; the first command that starts and does not fail within two
// seconds wins. Without $BROWSER it uses github.com/pkg/browser (xdg-open,
// open, rundll32). Other schemes are refused.
func OpenBrowser(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("open browser: only http and https URLs are opened")
	}
	if env := os.Getenv("BROWSER"); strings.TrimSpace(env) != "" {
		return openWithBrowserEnv(env, rawURL)
	}
	// pkg/browser copies the helper's output to os.Stdout by default, which
	// would corrupt the CLI's --json output.
	browserOutputOnce.Do(func() { browser.Stdout = os.Stderr })
	if err := browser.OpenURL(rawURL); err != nil {
		return fmt.Errorf("open browser: %w", err)
	}
	return nil
}

func openWithBrowserEnv(env, rawURL string) error {
	var errs []error
	for _, spec := range filepath.SplitList(env) {
		args := strings.Fields(spec)
		if len(args) == 0 {
			continue
		}
		substituted := false
		for i, a := range args {
			if strings.Contains(a, "%s") {
				args[i] = strings.ReplaceAll(a, "%s", rawURL)
				substituted = true
			}
		}
		if !substituted {
			args = append(args, rawURL)
		}
		if err := runBrowser(args); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", args[0], err))
			continue
		}
		return nil
	}
	if len(errs) == 0 {
		return errors.New("open browser: $BROWSER names no command")
	}
	return fmt.Errorf("open browser with $BROWSER: %w", errors.Join(errs...))
}

// runBrowser starts args and waits briefly: an early non-zero exit is a
// failure; a command still running is taken as an open browser and reaped
// in the background.
func runBrowser(args []string) error {
	cmd := exec.Command(args[0], args[1:]...) //nolint:gosec // G702: the command is the user's own $BROWSER
	cmd.Stdout = os.Stderr
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	timer := time.NewTimer(browserExitWait)
	defer timer.Stop()
	select {
	case err := <-exited:
		return err
	case <-timer.C:
		return nil
	}
}
