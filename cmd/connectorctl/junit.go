package main

// publish --report: a JUnit XML report, one testcase per target.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/connectors-app/connectors/connector"
	"github.com/connectors-app/connectors/internal/safetext"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	ClassName string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// writeJUnit writes one testcase per target: the failure with its message
// and fix, a skip with its reason, and what happened for the others.
func writeJUnit(path, bundle, shard string, started time.Time, elapsed time.Duration, results []resultJSON) error {
	suite := junitSuite{Name: "connectorctl publish " + bundle, Time: seconds(elapsed), Timestamp: started.UTC().Format(time.RFC3339)}
	if shard != "" {
		suite.Name += " (shard " + shard + ")"
	}
	for _, r := range results {
		sys, _, _ := strings.Cut(r.Connector, "/")
		tc := junitCase{ClassName: "connectorctl.publish." + sys, Name: r.Connector, Time: seconds(r.Duration)}
		var line bytes.Buffer
		printResult(&line, r, false)
		switch r.Outcome {
		case service.OutcomeFailed:
			suite.Failures++
			tc.Failure = &junitMessage{Message: r.Message, Type: r.ErrorCode, Text: strings.TrimSpace(line.String())}
			if tc.Failure.Message == "" {
				tc.Failure.Message = r.Error
			}
		case service.OutcomeSkipped:
			suite.Skipped++
			tc.Skipped = &junitMessage{Message: r.Message + " " + r.Fix}
		default:
			tc.SystemOut = strings.TrimSpace(line.String())
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
	}
	doc := junitSuites{Name: junitRootName, Tests: suite.Tests, Failures: suite.Failures, Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	buf.WriteByte('\n')
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return &connector.Problem{Code: connector.CodeConfigIO, Message: fmt.Sprintf("The report %s cannot be written: %v.", safetext.Plain(path), safetext.Scrub(err.Error(), []string{path})), Fix: "Choose a writable path for --report.", Err: err}
	}
	return nil
}
