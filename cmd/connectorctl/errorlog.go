package main

// The error log of recent failures that diagnostics reports.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectors-app/connectors/internal/safetext"
)

// errorLogName is where connectorctl keeps its last errors (codes and
// plain messages only, never a token) for diagnostics.
const errorLogName = "connectorctl-errors.log"

// maxErrorLog is how many recent errors are kept.
const maxErrorLog = 20

// recentErrors reads the error log of the config folder.
func recentErrors(dir string) []string {
	if dir == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(dir, errorLogName))
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// recordError appends a failed command's code and message (never a token:
// Problems carry none) to the error log, keeping the last maxErrorLog.
func recordError(dir string, now time.Time, args []string, err error) {
	if dir == "" {
		return
	}
	if st, statErr := os.Stat(dir); statErr != nil || !st.IsDir() {
		return
	}
	d := describe(err)
	cmd := "connectorctl"
	if len(args) > 0 && !safetext.MaySecret(args[0]) {
		cmd += " " + args[0]
	}
	line := fmt.Sprintf("%s %s [%s] %s", now.UTC().Format(time.RFC3339), cmd, d.Code, strings.ReplaceAll(d.Error, "\n", " "))
	lines := append(recentErrors(dir), line)
	if len(lines) > maxErrorLog {
		lines = lines[len(lines)-maxErrorLog:]
	}
	_ = os.WriteFile(filepath.Join(dir, errorLogName), []byte(strings.Join(lines, "\n")+"\n"), 0o600) //nolint:gosec // the config folder is the user's choice
}
