package main

// fleet --csv and fleet --html: the same rows as the plain output, for a
// spreadsheet and for a page a consultant can send to a client.

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"time"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/internal/safetext"
)

// fleetCSVHeader is the header row of fleet --csv (stable column names).
var fleetCSVHeader = []string{"connector", "environment", "production", "org_name", "org_id", "resource", "state",
	"fingerprint", "published_at", "published_by", "app_version", "last_modified_at", "last_modified_by",
	"problem_code", "message", "fix"}

// rfc3339 is t in RFC 3339, UTC; "" when unknown.
func rfc3339(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// writeFleetCSV writes the header and one row per connector; cells a
// spreadsheet would run as formulas are neutralised (connector.CSVCells).
func writeFleetCSV(out io.Writer, doc fleetJSON, rows []service.FleetRow) error {
	var buf bytes.Buffer // one write: the escaping Out never sees a character cut in two
	cw := csv.NewWriter(&buf)
	_ = cw.Write(fleetCSVHeader)
	for i, j := range doc.Rows {
		var code, msg, fix string
		if p := j.Problem; p != nil {
			code, msg, fix = p.Code, p.Message, p.Fix
		}
		_ = cw.Write(connector.CSVCells(j.Connector, rows[i].Key.Environment.Title(), strconv.FormatBool(j.Production),
			j.OrgName, j.OrgID, j.Resource, string(j.State), j.Fingerprint, rfc3339(j.PublishedAt), j.PublishedBy,
			j.AppVersion, rfc3339(j.LastModifiedAt), j.LastModifiedBy, code, msg, fix))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	_, err := out.Write(buf.Bytes())
	return err
}

// fleetReportRow is one row of the HTML report; every string from outside
// is escaped twice over: safetext (controls, bidi) then html/template.
type fleetReportRow struct {
	Connector, Org, OrgID, State, StateLabel, Detail string
	Production                                       bool
}

// fleetReportCount is one state's count in the report's summary.
type fleetReportCount struct {
	State, Label string
	N            int
}

// fleetReport is what the HTML report shows.
type fleetReport struct {
	Bundle, Fingerprint, CheckedAt, Summary string
	Counts                                  []fleetReportCount
	Rows                                    []fleetReportRow
}

// fleetReportOf lays out the report of a fleet check made at now.
func fleetReportOf(opts *fleetOptions, doc fleetJSON, rows []service.FleetRow, now time.Time) fleetReport {
	rep := fleetReport{
		Bundle: safetext.Plain(opts.BundlePath), Fingerprint: doc.Bundle.Fingerprint,
		CheckedAt: now.UTC().Format(time.RFC3339), Summary: doc.Summary,
	}
	for _, s := range connector.FleetStates {
		rep.Counts = append(rep.Counts, fleetReportCount{State: string(s), Label: s.Label(), N: doc.Counts[s]})
	}
	for _, r := range rows {
		row := fleetReportRow{Connector: safetext.Escape(r.Connector), Org: "-", State: string(r.State),
			StateLabel: r.State.Label(), Detail: fleetDetail(r), Production: r.Production}
		if r.Org != nil {
			row.Org, row.OrgID = safetext.Escape(r.Org.DisplayName()), safetext.Escape(r.Org.OrgID)
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep
}

// writeFleetHTML writes the report to path, whole or not at all (0644).
func writeFleetHTML(path string, rep fleetReport) error {
	var buf bytes.Buffer
	if err := fleetReportTemplate.Execute(&buf, rep); err != nil {
		return err
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return &connector.Problem{Code: connector.CodeConfigIO,
			Message: fmt.Sprintf("%s cannot be written: %v.", safetext.Plain(path), safetext.Scrub(err.Error(), []string{path})),
			Fix:     "Choose a writable path for --html.", Err: err}
	}
	return nil
}

// fleetReportTemplate is the self-contained page: inline CSS, no script,
// no external asset; a state is a badge with its name, not a colour alone.
var fleetReportTemplate = template.Must(template.New("fleet").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fleet report: {{.Bundle}}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem; color: #1b1f24; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; }
.meta { color: #4a5560; margin: .15rem 0; }
.meta code { font-size: .9em; }
ul.counts { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }
table { border-collapse: collapse; width: 100%; margin-top: 1rem; }
th, td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #d8dee4; vertical-align: top; }
th { background: #f3f5f7; }
.badge { display: inline-block; padding: .1rem .5rem; border-radius: .75rem; font-size: .85em; font-weight: 600; white-space: nowrap; border: 1px solid transparent; }
.state-current { background: #dafbe1; color: #116329; border-color: #4ac26b; }
.state-behind { background: #fff8c5; color: #7d4e00; border-color: #d4a72c; }
.state-changed_outside { background: #ffebe9; color: #a40e26; border-color: #ff8182; }
.state-absent { background: #eaeef2; color: #424a53; border-color: #afb8c1; }
.state-needs_authorization { background: #fbefff; color: #6e40c9; border-color: #c297ff; }
.state-unreachable { background: #ffebe9; color: #82071e; border-color: #cf222e; }
.prod { background: #1b1f24; color: #fff; }
.small { color: #4a5560; font-size: .85em; }
</style>
</head>
<body>
<h1>Fleet report</h1>
<p class="meta">Bundle: <strong>{{.Bundle}}</strong>, version <code>{{.Fingerprint}}</code></p>
<p class="meta">Checked: <time datetime="{{.CheckedAt}}">{{.CheckedAt}}</time></p>
<p class="meta">Summary: <strong>{{.Summary}}</strong></p>
<ul class="counts">
{{- range .Counts}}
<li><span class="badge state-{{.State}}">{{.Label}}: {{.N}}</span></li>
{{- end}}
</ul>
<table>
<thead><tr><th scope="col">Connector</th><th scope="col">Org</th><th scope="col">State</th><th scope="col">Version or problem</th></tr></thead>
<tbody>
{{- range .Rows}}
<tr>
<td>{{.Connector}}{{if .Production}} <span class="badge prod">production</span>{{end}}</td>
<td>{{.Org}}{{if .OrgID}}<br><span class="small">{{.OrgID}}</span>{{end}}</td>
<td><span class="badge state-{{.State}}">{{.StateLabel}}</span></td>
<td>{{.Detail}}</td>
</tr>
{{- end}}
</tbody>
</table>
<p class="small">Made by connectorctl fleet. Nothing was written to the orgs.</p>
</body>
</html>
`))
