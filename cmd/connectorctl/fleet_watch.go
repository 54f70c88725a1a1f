package main

// fleet --every: the fleet checked again on a schedule, reporting only
// what changed since the previous check (connector.FleetChanges says what
// a change is), until Ctrl+C or SIGTERM.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/internal/safetext"
)

// fleetChangeJSON is one change in a line of fleet --every --json.
type fleetChangeJSON struct {
	Connector string               `json:"connector"`
	From      connector.FleetState `json:"from,omitempty"`
	To        connector.FleetState `json:"to"`
	Alert     bool                 `json:"alert"`
}

// fleetCheckJSON is one check of fleet --every --json: one line each.
type fleetCheckJSON struct {
	CheckedAt time.Time `json:"checkedAt"`
	// First marks the first check: it has the bundle and every row.
	First      bool                         `json:"first"`
	Bundle     *fleetBundleJSON             `json:"bundle,omitempty"`
	AllCurrent bool                         `json:"allCurrent"`
	Summary    string                       `json:"summary"`
	Counts     map[connector.FleetState]int `json:"counts"`
	Changes    []fleetChangeJSON            `json:"changes"`
	Alerts     int                          `json:"alerts"`
	// Notified is set when the check was posted to the webhook: whether
	// the webhook took it.
	Notified *bool          `json:"notified,omitempty"`
	Rows     []fleetRowJSON `json:"rows,omitempty"`
}

// fleetWatch runs the first check, prints it as fleet does, then checks
// again at each tick of --every and reports the changes, until ctx ends:
// exit 0. Only a first check that cannot run is an error; a later one is
// a warning, and the watch goes on.
func fleetWatch(ctx context.Context, opts *fleetOptions, check func() (fleetJSON, []service.FleetRow, error)) error {
	doc, rows, err := check()
	if err != nil {
		return err
	}
	if err := fleetWatchFirst(opts, doc, rows); err != nil {
		return err
	}
	prev := fleetSeen(rows)
	tick, stop := opts.NewTicker(opts.Every)
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return fleetWatchStopped(opts)
		case <-tick:
		}
		doc, rows, err := check()
		if ctx.Err() != nil { // interrupted mid-check: its rows say nothing of the orgs
			return fleetWatchStopped(opts)
		}
		if err != nil {
			p := connector.AsProblem(err)
			fmt.Fprintf(opts.IO.ErrOut, "%s %s The check could not run: %s %s\n", fmtVersionTime(opts.Now()), symWarn, sentence(p.Message), p.Fix)
			continue
		}
		cur := fleetSeen(rows)
		changes := connector.FleetChanges(prev, cur)
		prev = cur
		if err := fleetWatchReport(ctx, opts, doc, rows, changes); err != nil {
			return err
		}
	}
}

// fleetSeen is what the next check compares the rows with.
func fleetSeen(rows []service.FleetRow) []connector.FleetSeen {
	out := make([]connector.FleetSeen, len(rows))
	for i, r := range rows {
		out[i] = r.Seen()
	}
	return out
}

// fleetWatchFirst prints the first check: the usual table (or the first
// JSON line) and when the next check comes.
func fleetWatchFirst(opts *fleetOptions, doc fleetJSON, rows []service.FleetRow) error {
	next := fmt.Sprintf("Checking again every %s (Ctrl+C to stop).\n", shortDuration(opts.Every))
	if !opts.JSON {
		if err := fleetOutput(opts, doc, rows); err != nil {
			return err
		}
		_, err := io.WriteString(opts.IO.Out, next)
		return err
	}
	if opts.HTML != "" {
		if err := writeFleetHTML(opts.HTML, fleetReportOf(opts, doc, rows, opts.Now())); err != nil {
			return err
		}
		fmt.Fprintf(opts.IO.ErrOut, "Report written to %s.\n", safetext.Plain(opts.HTML))
	}
	line := fleetCheckLine(opts, doc, nil)
	line.First, line.Bundle, line.Rows = true, &doc.Bundle, doc.Rows
	if err := writeJSONLine(opts.IO.Out, line); err != nil {
		return err
	}
	_, err := io.WriteString(opts.IO.ErrOut, next)
	return err
}

// fleetWatchReport reports a later check: the report rewritten, the
// changes posted when one is to act on, then a line per change and the
// counts (or one "No change" line), or one JSON line.
func fleetWatchReport(ctx context.Context, opts *fleetOptions, doc fleetJSON, rows []service.FleetRow, changes []connector.FleetChange) error {
	now := opts.Now()
	if opts.HTML != "" {
		if err := writeFleetHTML(opts.HTML, fleetReportOf(opts, doc, rows, now)); err != nil {
			p := connector.AsProblem(err)
			fmt.Fprintf(opts.IO.ErrOut, "%s %s %s %s\n", fmtVersionTime(now), symWarn, sentence(p.Message), p.Fix)
		}
	}
	line := fleetCheckLine(opts, doc, changes)
	if line.Alerts > 0 && opts.Notify != "" {
		ok := notifyFleet(ctx, opts, noticeOfChanges(opts.BundlePath, changes, doc.Summary))
		line.Notified = &ok
	}
	if opts.JSON {
		return writeJSONLine(opts.IO.Out, line)
	}
	at := fmtVersionTime(now)
	var b strings.Builder
	if len(changes) == 0 {
		fmt.Fprintf(&b, "%s No change: %s.\n", at, doc.Summary)
	}
	for _, c := range changes {
		mark := ""
		if c.Alert {
			mark = symWarn + " "
		}
		fmt.Fprintf(&b, "%s %s%s\n", at, mark, safetext.Escape(c.Sentence()))
	}
	if len(changes) > 0 {
		fmt.Fprintf(&b, "%s %s, %d to act on: %s.\n", at, plural(len(changes), "change"), line.Alerts, doc.Summary)
	}
	_, err := io.WriteString(opts.IO.Out, b.String())
	return err
}

// fleetCheckLine is a check's JSON line, without its rows.
func fleetCheckLine(opts *fleetOptions, doc fleetJSON, changes []connector.FleetChange) fleetCheckJSON {
	line := fleetCheckJSON{
		CheckedAt: opts.Now().UTC(), AllCurrent: doc.AllCurrent, Summary: doc.Summary, Counts: doc.Counts,
		Changes: make([]fleetChangeJSON, 0, len(changes)), Alerts: connector.FleetAlerts(changes),
	}
	for _, c := range changes {
		line.Changes = append(line.Changes, fleetChangeJSON{Connector: c.Connector, From: c.From, To: c.To, Alert: c.Alert})
	}
	return line
}

// fleetWatchStopped ends the watch: exit 0.
func fleetWatchStopped(opts *fleetOptions) error {
	w := opts.IO.Out
	if opts.JSON {
		w = opts.IO.ErrOut
	}
	_, err := fmt.Fprintln(w, "Stopped watching the fleet.")
	return err
}

// writeJSONLine prints v as one line of JSON (JSON Lines), escaped as
// writeJSON does.
func writeJSONLine(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(safetext.EscapeJSON(buf.Bytes()))
	return err
}

// shortDuration is d as a person writes it: 15m, 1h, 1h30m, 90s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
