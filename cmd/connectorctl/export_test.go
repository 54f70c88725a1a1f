package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
)

// TestNewCmdExport: export's --output becomes its Options; it takes no
// arguments.
func TestNewCmdExport(t *testing.T) {
	tests := []cmdCase[exportOptions]{
		{name: "stdout", args: nil, want: exportOptions{}},
		{name: "--output", args: []string{"--output", "connectors.json"}, want: exportOptions{Output: "connectors.json"}},
		{name: "-o", args: []string{"-o", "c.json"}, want: exportOptions{Output: "c.json"}},
		{name: "an argument", args: []string{"connectors.json"}, usage: true},
	}
	checkCmdCases(t, newCmdExport, tests)
}

// TestExportRunWritesTheFile calls exportRun directly: the file holds the
// connectors, read back as --connectors reads it.
func TestExportRunWritesTheFile(t *testing.T) {
	c := newCLI(t)
	c.addConnector("Lightning/Sandbox", &connector.OrgInfo{OrgID: "00D000000000001AAA", IsSandbox: true}, nil)
	path := filepath.Join(t.TempDir(), "connectors.json")
	var out, errOut bytes.Buffer
	require.NoError(t, exportRun(&exportOptions{cmdEnv: c.runEnv(&out, &errOut), Output: path}))
	assert.Empty(t, out.String())
	assert.Equal(t, "✓ Wrote 1 connector to "+path+" (no secrets).\n", errOut.String())
	fh, err := os.Open(path)
	require.NoError(t, err)
	defer fh.Close()
	file, err := connector.ReadExport(fh, path)
	require.NoError(t, err)
	require.Len(t, file.Connectors, 1)
	assert.Equal(t, "Lightning", file.Connectors[0].System)
}
