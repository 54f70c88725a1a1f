package main

// The update notice, as gh gives it: at most once a day a detached
// connectorctl reads the release feed in the background (it never delays
// the command), and a later run on a terminal says, after its own output,
// that a newer release exists, with its version and page. Never in CI,
// with --json, or when CONNECTORS_NO_UPDATE_NOTIFIER is set; nothing is
// downloaded or replaced.

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"

	"github.com/spf13/cobra"

	"github.com/connectors-app/connectors/internal/safetext"
	"github.com/connectors-app/connectors/internal/update"
	"github.com/connectors-app/connectors/internal/version"
)

// updateCheckCmd is the hidden command the detached check runs.
const updateCheckCmd = "update-check"

// currentVersion is this build's version (a test may set another).
func (f *factory) currentVersion() string {
	if f.version != "" {
		return f.version
	}
	return version.Version()
}

// updateChecker reads the feed of $CONNECTORS_UPDATE_FEED, else the
// project's, and keeps its state in the user's cache folder.
func (f *factory) updateChecker() (*update.Checker, error) {
	state := f.updateState
	if state == "" {
		var err error
		if state, err = update.DefaultStateFile(); err != nil {
			return nil, err
		}
	}
	return &update.Checker{Feed: f.getenv(update.FeedEnv), StateFile: state, Now: f.now}, nil
}

// updateNoticeWanted: a person at a terminal runs a release's command.
func (f *factory) updateNoticeWanted(args []string) bool {
	if !f.io.ErrTTY || update.Off(f.getenv) || hasJSONFlag(args) || !update.IsRelease(f.currentVersion()) {
		return false
	}
	return len(args) == 0 || !slices.Contains([]string{updateCheckCmd, "__complete", "__completeNoDesc", "completion"}, args[0])
}

// startUpdateNotice starts the day's check when it is due (detached: it
// is never waited for) and returns what prints the notice once the
// command is done.
func (f *factory) startUpdateNotice(args []string) (after func()) {
	after = func() {}
	if !f.updateNoticeWanted(args) {
		return after
	}
	c, err := f.updateChecker()
	if err != nil {
		return after
	}
	if c.Due() {
		spawn := f.spawnUpdateCheck
		if spawn == nil {
			spawn = spawnDetachedCheck
		}
		if err := spawn(); err != nil {
			f.logger().Info("update check not started", "err", err)
		}
	}
	return func() {
		if f.jsonOut {
			return
		}
		if rel := c.Notice(f.currentVersion()); rel != nil {
			fmt.Fprintf(f.io.ErrOut, "\nA new release of connectorctl is available: %s → %s\n%s\n",
				safetext.Escape(f.currentVersion()), safetext.Escape(rel.Version), safetext.Escape(rel.URL))
		}
	}
}

// spawnDetachedCheck starts `connectorctl update-check` on its own, with
// no terminal: it outlives this command if it must.
func spawnDetachedCheck() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(exe, updateCheckCmd)
	cmd.SysProcAttr = detachedProcess()
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }() // reaped if this process is still running
	return nil
}

// newCmdUpdateCheck is the hidden command the detached check runs: it
// reads the feed (at most update.Timeout) and records the answer. It
// prints nothing and always exits 0.
func newCmdUpdateCheck(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:    updateCheckCmd,
		Short:  "Read the release feed and remember the newest release (run in the background)",
		Hidden: true,
		Args:   noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := f.updateChecker()
			if err != nil {
				return nil
			}
			if _, err := c.Check(context.WithoutCancel(cmd.Context())); err != nil {
				f.logger().Info("update check", "err", err)
			}
			return nil
		},
	}
}
