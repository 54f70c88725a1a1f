package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewCmdList: list's --json becomes its Options; it takes no arguments.
func TestNewCmdList(t *testing.T) {
	for _, tt := range []struct {
		args  []string
		want  listOptions
		usage bool
	}{
		{args: nil, want: listOptions{}},
		{args: []string{"--json"}, want: listOptions{JSON: true}},
		{args: []string{"Lightning/Sandbox"}, usage: true},
	} {
		var got *listOptions
		err := execCmd(newCmdList(newCLI(t).factory(&bytes.Buffer{}, &bytes.Buffer{}), capture(&got)), tt.args...)
		if tt.usage {
			requireUsage(t, err, got)
			continue
		}
		require.NoError(t, err)
		requireEnv(t, &got.cmdEnv)
		assert.Equal(t, tt.want, *got)
	}
}
