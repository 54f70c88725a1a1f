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

// Error is Reason, Fix and, in parentheses, the OS error if any.
func (e *PortError) Error() string {
	s := e.Reason() + " " + e.Fix()
	if e.Err != nil {
		s += " (" + e.Err.Error() + ")"
	}
	return s
}

// portList names the ports tried: "port 1717" or "ports 1717, 1718".
func (e *PortError) portList() string {
	ports := e.Ports
	if len(ports) == 0 {
		ports = []int{e.Port}
	}
	names := make([]string, len(ports))
	for i, p := range ports {
		names[i] = strconv.Itoa(p)
	}
	if len(ports) > 1 {
		return "ports " + strings.Join(names, ", ")
	}
	return "port " + names[0]
}

// Reason is one plain sentence saying what happened.
func (e *PortError) Reason() string {
	switch {
	case e.Forbidden:
		return fmt.Sprintf("Connectors cannot listen for the login callback on %s: the operating system refused access.", e.portList())
	case e.InUse:
		return fmt.Sprintf("Connectors cannot listen for the login callback on %s: another program is using it.", e.portList())
	}
	return fmt.Sprintf("Connectors cannot listen for the login callback on %s.", e.portList())
}

// Fix says what to do, for this platform.
func (e *PortError) Fix() string { return e.fix(runtime.GOOS) }

func (e *PortError) fix(goos string) string {
	const other = "add another callback port registered in your External Client App"
	const netsh = "`netsh interface ipv4 show excludedportrange protocol=tcp`"
	switch {
	case e.Forbidden && goos == "windows":
		return "Windows may reserve the port for Hyper-V or WSL, which " + netsh + " shows; " + other + "."
	case e.Forbidden:
		return "Ports below 1024 need administrator rights; " + other + "."
	case e.InUse && goos == "windows":
		return fmt.Sprintf("Close the program using it, which `netstat -ano | findstr %d` shows; if none does, Windows may reserve it, which "+netsh+" shows. Or "+other+".", e.Port)
	case e.InUse:
		return fmt.Sprintf("Close the program using it, which `lsof -i :%d` shows, or "+other+".", e.Port)
	}
	return "Check local firewall or security software, or " + other + "."
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

// GrantErrorCode is the OAuth error code (e.g. "invalid_grant").
func (e *ExchangeError) GrantErrorCode() string { return e.Code }
