package main

// publish --only-failed REPORT: a resume. The targets are those that failed
// or were skipped in an earlier run, read from its JUnit report (--report)
// or its --json output. Skipped targets are retried too: the bundle did not
// reach them (their org's API budget was low), and the retry checks the
// budget again, so a resume never drains an org that is still low.

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/connector/service"
	"github.com/connectors-app/connectors/internal/safetext"
)

// maxReportSize caps what --only-failed reads: a report of thousands of
// targets is far smaller.
const maxReportSize = 10 << 20

// junitRootName is the name publish --report gives its testsuites element.
const junitRootName = "connectorctl publish"

// reportFix is the fix of every report that is not one.
const reportFix = "Give the JUnit XML written by publish --report FILE, or the output of publish --json, of an earlier run."

// failedTargets reads REPORT and returns the connectors that failed or were
// skipped there, in the report's order, each once. The file is untrusted:
// its size is capped, each name is parsed as a SYSTEM/ENV argument is, and
// what it says reaches a message only escaped.
func failedTargets(path string) ([]connector.Key, error) {
	data, err := readReport(path)
	if err != nil {
		return nil, err
	}
	var names []string
	switch trimmed := bytes.TrimSpace(data); {
	case len(trimmed) == 0:
		return nil, notAReport(path, "is empty")
	case trimmed[0] == '{':
		names, err = failedInJSON(trimmed)
	case trimmed[0] == '<':
		names, err = failedInJUnit(trimmed)
	default:
		err = errNotReport
	}
	if err != nil {
		return nil, notAReport(path, "is neither the JUnit XML nor the JSON output of connectorctl publish")
	}
	keys, err := parseKeys(names)
	if err != nil {
		var u *usageError
		if errors.As(err, &u) {
			return nil, &usageError{msg: fmt.Sprintf("In the report %s: %s", safetext.Plain(path), u.msg), fix: reportFix}
		}
		return nil, err
	}
	return keys, nil
}

var errNotReport = errors.New("not a publish report")

// readReport reads at most maxReportSize bytes of path.
func readReport(path string) ([]byte, error) {
	if path == "" {
		return nil, &usageError{msg: "--only-failed needs the report of an earlier publish.", fix: reportFix}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, &usageError{msg: fmt.Sprintf("The report %s cannot be read.", safetext.Plain(path)), fix: "Check the path given to --only-failed. " + reportFix}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxReportSize+1))
	if err != nil {
		return nil, &usageError{msg: fmt.Sprintf("The report %s cannot be read.", safetext.Plain(path)), fix: "Check the path given to --only-failed. " + reportFix}
	}
	if len(data) > maxReportSize {
		return nil, notAReport(path, "is larger than 10 MB")
	}
	return data, nil
}

func notAReport(path, why string) error {
	return &usageError{msg: fmt.Sprintf("The file %s %s: it is not a publish report.", safetext.Plain(path), why), fix: reportFix}
}

// failedInJSON reads publish --json: results[].connector whose outcome is
// failed or skipped.
func failedInJSON(data []byte) ([]string, error) {
	var doc struct {
		Bundle  *json.RawMessage `json:"bundle"`
		Results *[]struct {
			Connector string                 `json:"connector"`
			Outcome   service.PublishOutcome `json:"outcome"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.Bundle == nil || doc.Results == nil {
		return nil, errNotReport
	}
	names := []string{}
	for _, r := range *doc.Results {
		if r.Connector == "" || r.Outcome == "" {
			return nil, errNotReport
		}
		if r.Outcome == service.OutcomeFailed || r.Outcome == service.OutcomeSkipped {
			names = append(names, r.Connector)
		}
	}
	return names, nil
}

// failedInJUnit reads publish --report: the testcases with a failure or a
// skipped element, named by their connector.
func failedInJUnit(data []byte) ([]string, error) {
	var doc junitSuites
	if err := xml.Unmarshal(data, &doc); err != nil || doc.XMLName.Local != "testsuites" || doc.Name != junitRootName {
		return nil, errNotReport
	}
	names := []string{}
	for _, s := range doc.Suites {
		for _, tc := range s.Cases {
			if tc.Name == "" {
				return nil, errNotReport
			}
			if tc.Failure != nil || tc.Skipped != nil {
				names = append(names, tc.Name)
			}
		}
	}
	return names, nil
}
