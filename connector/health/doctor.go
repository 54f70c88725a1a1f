package health

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/oauth"
	"github.com/connectors-app/connectors/connector/tokenstore"
)

// Doctor runs the preflight checks: keyring round trip, callback ports free
// on 127.0.0.1 and ::1, a browser opener present, proxy settings, config
// folder readable and writable. Each failed check names its fix.
func (s *Checker) Doctor(ctx context.Context) []connector.Check {
	checks := []connector.Check{s.checkKeyring(ctx)}
	for _, p := range s.portsToCheck() {
		checks = append(checks, checkPort(p))
	}
	checks = append(checks, checkBrowser(), checkProxy(), s.checkConfig())
	for _, c := range checks {
		s.Log().Debug("doctor", "check", c.Name, "ok", c.OK, "detail", c.Detail)
	}
	return checks
}

func (s *Checker) checkKeyring(ctx context.Context) connector.Check {
	service := tokenstore.DefaultService
	backend := "OS keyring"
	if kr, ok := s.Tokens.(*tokenstore.Keyring); ok {
		service, backend = kr.Service, kr.Backend()
	} else if kr := tokenstore.NewKeyring(""); kr != nil {
		backend = kr.Backend()
	}
	c := connector.Check{Name: "Keyring"}
	done := make(chan error, 1)
	probe := s.probeKeyring
	if probe == nil {
		probe = tokenstore.ProbeKeyring
	}
	go func() { done <- probe(service) }()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		p := connector.KeyringProblem(err)
		c.Detail, c.Fix = backend+": "+p.Message, p.Fix
	} else {
		c.OK = true
		c.Detail = backend + ": a test entry was stored, read back and deleted."
	}
	if _, mem := s.Tokens.(*tokenstore.Memory); mem {
		c.Detail += " (This session keeps tokens in memory only.)"
	}
	return c
}

// portsToCheck is DefaultCallbackPorts plus every connector's ports.
func (s *Checker) portsToCheck() []int {
	if s.doctorPorts != nil {
		return s.doctorPorts
	}
	ports := append([]int(nil), connector.DefaultCallbackPorts...)
	if s.Registry != nil {
		if list, err := s.Registry.List(); err == nil {
			for _, c := range list {
				ports = append(ports, c.CallbackPorts...)
			}
		}
	}
	slices.Sort(ports)
	return slices.Compact(ports)
}

// checkPort binds the port on both loopback addresses, then releases it.
func checkPort(port int) connector.Check {
	c := connector.Check{Name: fmt.Sprintf("Callback port %d", port)}
	var notes []string
	for _, host := range []string{"127.0.0.1", "::1"} {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
		if err == nil {
			_ = ln.Close()
			continue
		}
		if host == "::1" && isNoIPv6(err) {
			notes = append(notes, "IPv6 is off, so only 127.0.0.1 is used")
			continue
		}
		pe := &oauth.PortError{Port: port, Ports: []int{port}, Err: err}
		switch {
		case errors.Is(err, errAddrInUse()) || strings.Contains(strings.ToLower(err.Error()), "in use"):
			pe.InUse = true
		case os.IsPermission(err) || strings.Contains(strings.ToLower(err.Error()), "permission") ||
			strings.Contains(strings.ToLower(err.Error()), "forbidden by its access permissions"):
			pe.Forbidden = true
		}
		c.Detail, c.Fix = pe.Reason()+" ("+host+")", pe.Fix()
		return c
	}
	c.OK = true
	c.Detail = fmt.Sprintf("Port %d is free on 127.0.0.1 and ::1.", port)
	if len(notes) > 0 {
		c.Detail = fmt.Sprintf("Port %d is free on 127.0.0.1 (%s).", port, strings.Join(notes, "; "))
	}
	return c
}

func isNoIPv6(err error) bool {
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "address family") || strings.Contains(msg, "cannot assign requested address") ||
		strings.Contains(msg, "not available") || strings.Contains(msg, "protocol not supported")
}

// browserOpeners are looked up on PATH when $BROWSER is not set.
func browserOpeners() []string {
	switch runtime.GOOS {
	case "darwin":
		return []string{"open"}
	case "windows":
		return []string{"rundll32"}
	}
	if isWSL() {
		return []string{"wslview", "xdg-open", "sensible-browser", "x-www-browser"}
	}
	return []string{"xdg-open", "sensible-browser", "x-www-browser", "www-browser", "wslview"}
}

func checkBrowser() connector.Check {
	c := connector.Check{Name: "Browser"}
	if env := strings.TrimSpace(os.Getenv("BROWSER")); env != "" {
		for _, spec := range filepath.SplitList(env) {
			f := strings.Fields(spec)
			if len(f) == 0 {
				continue
			}
			if p, err := exec.LookPath(f[0]); err == nil {
				c.OK, c.Detail = true, "BROWSER is set: "+p+" opens the login page."
				return c
			}
		}
		c.Detail = "BROWSER is set to " + env + ", but none of its commands was found."
		c.Fix = "Fix BROWSER (for example BROWSER=firefox), or copy the login URL Connectors shows into a browser."
		return c
	}
	for _, name := range browserOpeners() {
		if p, err := exec.LookPath(name); err == nil {
			c.OK, c.Detail = true, p+" opens the login page."
			return c
		}
	}
	c.Detail = "No program to open a browser was found (tried " + strings.Join(browserOpeners(), ", ") + ")."
	c.Fix = "Install xdg-utils (or wslu on WSL, then BROWSER=wslview), or copy the login URL Connectors shows into a browser."
	return c
}

// checkProxy shows the proxy settings without credentials.
func checkProxy() connector.Check {
	c := connector.Check{Name: "Proxy", OK: true}
	var parts []string
	for _, name := range []string{"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"} {
		v := os.Getenv(name)
		if v == "" {
			v = os.Getenv(strings.ToLower(name))
		}
		if v == "" {
			continue
		}
		if name != "NO_PROXY" {
			shown, err := redactProxy(v)
			if err != nil {
				c.OK = false
				c.Fix = "Set " + name + " to a URL such as http://proxy.example.com:3128."
			}
			v = shown
		}
		parts = append(parts, name+"="+v)
	}
	if len(parts) == 0 {
		c.Detail = "No proxy is configured; Connectors connects to Salesforce directly."
		return c
	}
	c.Detail = strings.Join(parts, "; ")
	if !c.OK {
		c.Detail = "The proxy setting is not a valid URL: " + c.Detail
	}
	return c
}

// redactProxy hides user name and password of a proxy URL.
func redactProxy(v string) (string, error) {
	raw := v
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unparseable)", fmt.Errorf("bad proxy url")
	}
	if u.User == nil {
		return u.String(), nil
	}
	u.User = nil
	return strings.Replace(u.String(), "://", "://****@", 1), nil
}

func (s *Checker) checkConfig() connector.Check {
	c := connector.Check{Name: "Config folder"}
	if s.Registry == nil {
		c.Detail, c.Fix = "No config folder is open.", "Restart Connectors."
		return c
	}
	dir := s.Registry.Dir()
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err == nil {
		name := f.Name()
		_, err = f.WriteString("ok")
		f.Close()
		if err == nil {
			var b []byte
			b, err = os.ReadFile(name)
			if err == nil && string(b) != "ok" {
				err = errors.New("read back a different content")
			}
		}
		_ = os.Remove(name)
	}
	if err != nil {
		p := connector.ConfigIOProblem(dir, err)
		c.Detail, c.Fix = p.Message, p.Fix
		return c
	}
	if _, err := s.Registry.List(); err != nil {
		p := connector.Explain(err)
		c.Detail, c.Fix = p.Message, p.Fix
		return c
	}
	c.OK = true
	c.Detail = dir + " is readable and writable."
	return c
}

// isWSL reports whether we run under the Windows Subsystem for Linux.
func isWSL() bool {
	if runtime.GOOS != "linux" {
		return false
	}
	if os.Getenv("WSL_DISTRO_NAME") != "" || os.Getenv("WSL_INTEROP") != "" {
		return true
	}
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	return err == nil && strings.Contains(strings.ToLower(string(b)), "microsoft")
}
