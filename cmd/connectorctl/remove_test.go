package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewCmdRemove: remove's argument, --yes and --json become its Options.
func TestNewCmdRemove(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		want  removeOptions
		usage bool
	}{
		{name: "asks", args: []string{"Lightning/Sandbox"}, want: removeOptions{Key: keys(t, "Lightning/Sandbox")[0]}},
		{name: "--yes --json", args: []string{"Lightning/Sandbox", "-y", "--json"}, want: removeOptions{Key: keys(t, "Lightning/Sandbox")[0], Yes: true, JSON: true}},
		{name: "no connector", args: nil, usage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *removeOptions
			err := execCmd(newCmdRemove(newCLI(t).factory(&bytes.Buffer{}, &bytes.Buffer{}), capture(&got)), tt.args...)
			if tt.usage {
				requireUsage(t, err, got)
				return
			}
			require.NoError(t, err)
			requireEnv(t, &got.cmdEnv)
			assert.Equal(t, tt.want, *got)
		})
	}
}
