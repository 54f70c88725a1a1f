package main

import (
	"os"
	"time"

	"github.com/connectors-app/connectors/internal/update"
	"github.com/connectors-app/connectors/internal/version"
	"github.com/connectors-app/connectors/ui"
)

// windowUpdates is how the window learns of a newer release: only for a
// release build, never in CI or with CONNECTORS_NO_UPDATE_NOTIFIER; the
// feed is $CONNECTORS_UPDATE_FEED, else the project's releases.
func windowUpdates() *ui.Updates {
	current := version.Version()
	if update.Off(os.Getenv) || !update.IsRelease(current) {
		return nil
	}
	state, err := update.DefaultStateFile()
	if err != nil {
		return nil
	}
	return &ui.Updates{Current: current, Checker: &update.Checker{Feed: os.Getenv(update.FeedEnv), StateFile: state, Now: time.Now}}
}
