// Command browserplayer plays the user in a browser login, for end-to-end
// tests: use it as $BROWSER (or in place of xdg-open). Given an authorize
// URL it opens it in headless Chromium through chromedriver, signs in on the
// simulated org's login page (#username, #password, #Login), clicks Allow
// (#oaapprove) or, with BROWSERPLAYER_DENY=1, Deny (#oadeny), and waits
// until the browser lands on a page whose path is /OauthSuccess or
// /OauthError (at most 60 s).
//
// Like xdg-open it returns at once and works in the background, unless
// BROWSERPLAYER_WAIT=1, in which case it exits when done: 0 when the
// browser reached /OauthSuccess or /OauthError, 1 otherwise.
//
// Environment:
//
//	SFSIM_USERNAME, SFSIM_PASSWORD  credentials (default admin@demo.example / demo-password)
//	BROWSERPLAYER_DENY=1            click Deny instead of Allow
//	BROWSERPLAYER_WAIT=1            run in the foreground
//	BROWSERPLAYER_LOG=path          append the log there instead of stderr
//	BROWSERPLAYER_TIMEOUT           overall limit (Go duration, default 60s)
//	CHROMEDRIVER, CHROME_BIN        binaries (default /usr/bin/chromedriver, /usr/bin/chromium)
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/exec"
	"time"

	"github.com/connectors-app/connectors/connector/internal/webdriver"
)

const childEnv = "BROWSERPLAYER_CHILD"

func main() {
	logOut := io.Writer(os.Stderr)
	if p := os.Getenv("BROWSERPLAYER_LOG"); p != "" {
		f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600) //nolint:gosec // G703: the caller's own log path
		if err == nil {
			defer f.Close()
			logOut = f
		}
	}
	logger := log.New(logOut, "browserplayer: ", log.Ltime|log.Lmicroseconds)
	if len(os.Args) != 2 {
		logger.Print("usage: browserplayer URL")
		os.Exit(2)
	}
	target := os.Args[1]
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		logger.Printf("refusing %q: only http and https URLs are opened", target)
		os.Exit(2)
	}
	if os.Getenv("BROWSERPLAYER_WAIT") != "1" && os.Getenv(childEnv) != "1" {
		if err := background(); err != nil {
			logger.Printf("cannot start in the background: %v", err)
			os.Exit(1)
		}
		return
	}
	timeout := 60 * time.Second
	if d, err := time.ParseDuration(os.Getenv("BROWSERPLAYER_TIMEOUT")); err == nil && d > 0 {
		timeout = d
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout+30*time.Second)
	p := player{
		log:      logger,
		username: envOr("SFSIM_USERNAME", "admin@demo.example"),
		password: envOr("SFSIM_PASSWORD", "demo-password"),
		deny:     os.Getenv("BROWSERPLAYER_DENY") == "1",
		timeout:  timeout,
	}
	err = p.run(ctx, target)
	cancel()
	if err != nil {
		logger.Printf("failed: %v", err)
		logger.Print("done")
		os.Exit(1)
	}
	logger.Print("done")
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// background re-runs this program detached, like xdg-open returning while
// the browser keeps running.
func background() error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, os.Args[1:]...) //nolint:gosec // G204: ourselves, with our own argument
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stdin = nil
	cmd.Stdout = nil
	if os.Getenv("BROWSERPLAYER_LOG") == "" {
		cmd.Stderr = os.Stderr
	}
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}

type player struct {
	log                *log.Logger
	username, password string
	deny               bool
	timeout            time.Duration
}

// safeURL drops the query (codes, state) from a URL for the log.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery, u.Fragment, u.User = "", "", nil
	return u.String()
}

func (p *player) run(ctx context.Context, target string) error {
	d, err := webdriver.Start(ctx)
	if err != nil {
		return err
	}
	defer d.Close()
	s, err := d.NewSession(ctx)
	if err != nil {
		return fmt.Errorf("%w (chromedriver: %s)", err, d.Log())
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = s.Close(cctx)
	}()
	p.log.Printf("opening %s in headless Chromium", safeURL(target))
	if err := s.Navigate(ctx, target); err != nil {
		return fmt.Errorf("open the URL: %w", err)
	}
	return p.play(ctx, s)
}

// play reacts to whatever page the browser shows until it reaches a result
// page: the login form, the approval page, or the app's result page.
func (p *player) play(ctx context.Context, s *webdriver.Session) error {
	signedIn, decided := false, false
	var landed string
	err := webdriver.Poll(ctx, p.timeout, func() (bool, error) {
		cur, err := s.CurrentURL(ctx)
		if err != nil {
			return false, err
		}
		if u, err := url.Parse(cur); err == nil && (u.Path == "/OauthSuccess" || u.Path == "/OauthError") {
			landed = u.Path
			return true, nil
		}
		if err := oauthErrorPage(ctx, s); err != nil {
			return false, err
		}
		if !signedIn {
			if done, err := p.signIn(ctx, s); err != nil || done {
				signedIn = done
				return false, err
			}
		} else if msg := loginError(ctx, s); msg != "" {
			return false, fmt.Errorf("the login page refused %s: %s", p.username, msg)
		}
		if !decided {
			done, err := p.decide(ctx, s)
			decided = done
			return false, err
		}
		return false, nil
	})
	if err != nil {
		cur, _ := s.CurrentURL(ctx)
		return fmt.Errorf("the browser never reached /OauthSuccess or /OauthError (last page %s): %w", safeURL(cur), err)
	}
	p.log.Printf("the browser landed on %s", landed)
	return nil
}

// oauthErrorPage returns an error when the browser shows Salesforce's OAuth
// error page (unknown client, redirect_uri mismatch): no redirect will come.
func oauthErrorPage(ctx context.Context, s *webdriver.Session) error {
	el, err := s.FindElement(ctx, "#error-code")
	if err != nil {
		return nil
	}
	code, _ := el.Text(ctx)
	desc := ""
	if d, err := s.FindElement(ctx, "#error-description"); err == nil {
		desc, _ = d.Text(ctx)
	}
	return fmt.Errorf("the org showed an OAuth error page: %s %s", code, desc)
}

// loginError is the error shown on the login page, if the page is the
// login page again.
func loginError(ctx context.Context, s *webdriver.Session) string {
	if _, err := s.FindElement(ctx, "#username"); err != nil {
		return ""
	}
	el, err := s.FindElement(ctx, "#error")
	if err != nil {
		return ""
	}
	msg, _ := el.Text(ctx)
	return msg
}

func (p *player) signIn(ctx context.Context, s *webdriver.Session) (bool, error) {
	user, err := s.FindElement(ctx, "#username")
	if webdriver.IsNoSuchElement(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	pass, err := s.FindElement(ctx, "#password")
	if err != nil {
		return false, fmt.Errorf("login page without #password: %w", err)
	}
	btn, err := s.FindElement(ctx, "#Login")
	if err != nil {
		return false, fmt.Errorf("login page without #Login: %w", err)
	}
	for _, step := range []func() error{
		func() error { return user.Clear(ctx) },
		func() error { return user.SendKeys(ctx, p.username) },
		func() error { return pass.Clear(ctx) },
		func() error { return pass.SendKeys(ctx, p.password) },
		func() error { return btn.Click(ctx) },
	} {
		if err := step(); err != nil {
			return false, fmt.Errorf("sign in: %w", err)
		}
	}
	p.log.Printf("signed in as %s", p.username)
	return true, nil
}

func (p *player) decide(ctx context.Context, s *webdriver.Session) (bool, error) {
	sel, label := "#oaapprove", "Allow"
	if p.deny {
		sel, label = "#oadeny", "Deny"
	}
	btn, err := s.FindElement(ctx, sel)
	if webdriver.IsNoSuchElement(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := btn.Click(ctx); err != nil {
		var we *webdriver.Error
		if errors.As(err, &we) && we.Code == "stale element reference" {
			return false, nil // the page changed under us: look again
		}
		return false, fmt.Errorf("click %s: %w", label, err)
	}
	p.log.Printf("clicked %s", label)
	return true, nil
}
