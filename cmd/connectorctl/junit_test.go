package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectors-app/connectors/connector/service"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
)

func TestJUnitReportEscapesOutsideText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "r.xml")
	res := []resultJSON{
		{PublishResult: service.PublishResult{Connector: "A/Sandbox", Outcome: service.OutcomeFailed, ErrorCode: "x"}, Message: `Org "<b>&\x1b[31m" refused.`, Fix: "Do <this>."},
		{PublishResult: service.PublishResult{Connector: "B/Sandbox", Outcome: service.OutcomeSkipped, ErrorCode: connector.CodeAPIBudget}, Message: "Skipped B.", Fix: "Later."},
		{PublishResult: service.PublishResult{Connector: "C/Sandbox", Outcome: service.OutcomeCreated, Resource: "R"}},
	}
	require.NoError(t, writeJUnit(path, "content", "1/2", time.Now(), time.Second, res))
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(raw, &doc), string(raw))
	assert.Equal(t, 3, doc.Tests)
	cases := doc.Suites[0].Cases
	require.NotNil(t, cases[0].Failure)
	assert.Contains(t, cases[0].Failure.Text, "Do <this>.")
	require.NotNil(t, cases[1].Skipped)
	assert.Nil(t, cases[2].Failure)
	assert.NotContains(t, string(raw), "\x1b")
}
