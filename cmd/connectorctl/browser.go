package main

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"strings"

	"github.com/pkg/browser"
)

// browserOpener returns how to open a URL: the injected opener, else
// $BROWSER, else the system opener (xdg-open, open, rundll32).
func (f *factory) browserOpener() func(string) error {
	if f.openBrowser != nil {
		return f.openBrowser
	}
	env := f.getenv("BROWSER")
	errOut := f.io.ErrOut
	return func(u string) error { return openURL(u, env, errOut) }
}

// openURL opens u (http or https only). $BROWSER follows the usual
// convention: a list of commands separated by the path-list separator (':',
// ';' on Windows), each run with the URL as its last argument or in place
// of %s; the first that succeeds wins. The
// opener's own output goes to errOut so stdout stays clean for --json. It
// returns when the opener exits.
func openURL(u, browserEnv string, errOut io.Writer) error {
	pu, err := url.Parse(u)
	if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") {
		return fmt.Errorf("refusing to open %q: not an http(s) URL", u)
	}
	if strings.TrimSpace(browserEnv) == "" {
		browser.Stdout, browser.Stderr = errOut, errOut
		return browser.OpenURL(u)
	}
	var errs []string
	for _, entry := range strings.Split(browserEnv, string(os.PathListSeparator)) {
		fields := strings.Fields(entry)
		if len(fields) == 0 {
			continue
		}
		args := fields[1:]
		substituted := false
		for i, a := range args {
			if strings.Contains(a, "%s") {
				args[i] = strings.ReplaceAll(a, "%s", u)
				substituted = true
			}
		}
		if !substituted {
			args = append(args, u)
		}
		cmd := exec.Command(fields[0], args...)
		cmd.Stdout, cmd.Stderr = errOut, errOut
		if err := cmd.Run(); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", fields[0], err))
			continue
		}
		return nil
	}
	return fmt.Errorf("$BROWSER failed: %s", strings.Join(errs, "; "))
}
