package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/packaging"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// codeUsage is the --json error code of a usage error.
const codeUsage = "usage"

// usageError is a mistake on the command line: exit 2.
type usageError struct {
	msg string
	fix string
}

func (e *usageError) Error() string { return e.msg }

// newUsageError builds a usage error; the fix defaults to pointing at --help.
func newUsageError(cmdPath, msg string) *usageError {
	return &usageError{msg: sentence(msg), fix: fmt.Sprintf("Run %s --help to see the usage.", cmdPath)}
}

// silentError ends the command with a code after the command already said
// everything (status with connectors needing attention, a failed publish
// target): nothing more is printed.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var s *silentError
	if errors.As(err, &s) {
		return s.code
	}
	var u *usageError
	if errors.As(err, &u) {
		return exitUsage
	}
	var p *connector.Problem
	if errors.As(err, &p) {
		switch p.Code {
		case connector.CodeProductionNotConfirmed, connector.CodeInvalidLoginURL, connector.CodeInvalidName, connector.CodeNeedsMyDomain,
			connector.CodeLoginHostNotAllowed:
			// a missing --yes or a flag value that cannot work (a login
			// host a secret may not go to without --allow-login-host)
			return exitUsage
		}
	}
	return exitFailure
}

// jsonError is the --json form of an error, written to stderr.
type jsonError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
	Fix   string `json:"fix,omitempty"`
}

// describe turns any error into message, code and fix, escaped
// (safetext.Escape): they may quote outside text, and they go to the
// terminal and to the error log that diagnostics reads.
func describe(err error) jsonError {
	d := describeRaw(err)
	return jsonError{Error: safetext.Escape(d.Error), Code: safetext.Escape(d.Code), Fix: safetext.Escape(d.Fix)}
}

func describeRaw(err error) jsonError {
	var u *usageError
	if errors.As(err, &u) {
		return jsonError{Error: u.msg, Code: codeUsage, Fix: u.fix}
	}
	var pr *connector.Problem
	if errors.As(err, &pr) {
		return jsonError{Error: sentence(pr.Message), Code: pr.Code, Fix: pr.Fix}
	}
	var v *packaging.ValidationError
	if errors.As(err, &v) {
		code := connector.CodeInvalidBundle
		if errors.Is(v.Err, packaging.ErrInvalidName) {
			code = connector.CodeInvalidName
		}
		return jsonError{Error: sentence(v.Error()), Code: code, Fix: v.Fix}
	}
	p := connector.AsProblem(err)
	return jsonError{Error: sentence(p.Message), Code: p.Code, Fix: p.Fix}
}

// printError writes err to w: two plain lines (what happened, the fix), or
// one JSON object when asJSON.
func printError(w io.Writer, err error, asJSON bool) {
	var s *silentError
	if err == nil || errors.As(err, &s) {
		return
	}
	d := describe(err)
	if asJSON {
		b, _ := json.Marshal(d)
		fmt.Fprintln(w, string(safetext.EscapeJSON(b)))
		return
	}
	fmt.Fprintln(w, d.Error)
	if d.Fix != "" {
		fmt.Fprintln(w, d.Fix)
	}
}

// sentence capitalises s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

func isSilent(err error) bool {
	var s *silentError
	return errors.As(err, &s)
}
