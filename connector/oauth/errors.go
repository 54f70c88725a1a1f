package oauth

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
)

// Sentinel errors of a flow; match them with errors.Is.
var (
	// ErrCanceled: the flow was canceled (Cancel, or a context ended).
	ErrCanceled = errors.New("authorization canceled")
	// ErrTimeout: no usable callback arrived within Config.Timeout. When a
	// callback with a wrong state was seen, the error also matches
	// ErrStateMismatch.
	ErrTimeout = errors.New("timed out waiting for the browser to come back")
	// ErrStateMismatch: a callback (or a pasted URL) carried a state that is
	// not this flow's: it came from another login attempt or another app.
	ErrStateMismatch = errors.New("the callback state does not match this login attempt")
	// ErrFinished: Submit was called after the flow already ended or
	// received its callback.
	ErrFinished = errors.New("the authorization already received its callback")
)

// PortError says no callback port could be used. Port is the first port
// tried, Ports all of them.
type PortError struct {
	Port      int
	InUse     bool // another program listens on Port (or answered on localhost:Port)
	Forbidden bool // the OS refused the port (EACCES: Windows excluded range, privileged port)
	Err       error
	Ports     []int // every port tried, in order (Port first)
}

func (e *PortError) Error() string {
	var b strings.Builder
	ports := e.Ports
	if len(ports) == 0 {
		ports = []int{e.Port}
	}
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = strconv.Itoa(p)
	}
	list := strings.Join(names, ", ")
	what := "port " + list
	if len(ports) > 1 {
		what = "ports " + list
	}
	switch {
	case e.Forbidden:
		fmt.Fprintf(&b, "Connectors cannot listen for the login callback on %s: the operating system refused access.", what)
		if runtime.GOOS == "windows" {
			b.WriteString(" Windows may reserve it (check `netsh interface ipv4 show excludedportrange protocol=tcp`);")
		} else {
			b.WriteString(" Ports below 1024 need special rights;")
		}
		b.WriteString(" add another callback port registered in your External Client App.")
	case e.InUse:
		fmt.Fprintf(&b, "Connectors cannot listen for the login callback on %s: another program is using it.", what)
		if runtime.GOOS == "windows" {
			fmt.Fprintf(&b, " Close that program (find it with `netstat -ano | findstr %d`; if nothing shows, check `netsh interface ipv4 show excludedportrange protocol=tcp`),", e.Port)
		} else {
			fmt.Fprintf(&b, " Close that program (find it with `lsof -i :%d`),", e.Port)
		}
		b.WriteString(" or add another callback port registered in your External Client App.")
	default:
		fmt.Fprintf(&b, "Connectors cannot listen for the login callback on %s.", what)
		b.WriteString(" Add another callback port registered in your External Client App, or check local firewall software.")
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	return b.String()
}

func (e *PortError) Unwrap() error { return e.Err }

// AuthError is an error Salesforce sent back on the redirect
// (error=...&error_description=...), e.g. access_denied after Deny.
type AuthError struct {
	Code, Description string
}

func (e *AuthError) Error() string {
	if e.Code == "access_denied" {
		return "You clicked Deny on the Salesforce page, so Connectors was not authorized; start again and click Allow to connect."
	}
	if e.Description != "" {
		return fmt.Sprintf("salesforce refused the authorization: %s (%s)", e.Description, e.Code)
	}
	return "salesforce refused the authorization: " + e.Code
}

// ExchangeError is an error from the token endpoint: Salesforce's error and
// error_description (invalid_grant, redirect_uri_mismatch,
// invalid_client_id, ...), and the HTTP status.
type ExchangeError struct {
	Status      int
	Code        string
	Description string
}

func (e *ExchangeError) Error() string {
	switch {
	case e.Code != "" && e.Description != "":
		return fmt.Sprintf("token endpoint: %s: %s (HTTP %d)", e.Code, e.Description, e.Status)
	case e.Code != "":
		return fmt.Sprintf("token endpoint: %s (HTTP %d)", e.Code, e.Status)
	case e.Description != "":
		return fmt.Sprintf("token endpoint: HTTP %d: %s", e.Status, e.Description)
	}
	return fmt.Sprintf("token endpoint: HTTP %d", e.Status)
}
