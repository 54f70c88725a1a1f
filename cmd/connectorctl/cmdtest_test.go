package main

// Helpers of the newCmdX tests: a command built alone (no root), run with
// a runF that keeps its Options and runs nothing; and the cmdEnv of a run
// function called directly, on the test's buffers and config folder.

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/connectors-app/connectors/connector"
)

// execCmd runs cmd on its own with args (its output discarded) and returns
// its error.
func execCmd(cmd *cobra.Command, args ...string) error {
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	cmd.SilenceErrors = true
	cmd.SilenceUsage = true
	return cmd.ExecuteContext(context.Background())
}

// capture is a runF keeping the Options it is given in *got.
func capture[T any](got **T) func(*T) error {
	return func(o *T) error {
		*got = o
		return nil
	}
}

// keys parses SYSTEM/ENV strings; none is the empty (not nil) slice that
// parseKeys returns for no arguments.
func keys(t *testing.T, ss ...string) []connector.Key {
	t.Helper()
	out := []connector.Key{}
	for _, s := range ss {
		k, err := connector.ParseKey(s)
		require.NoError(t, err)
		out = append(out, k)
	}
	return out
}

// requireEnv asserts that a command's Options got the factory's cmdEnv,
// then clears it so that the rest compares with ==.
func requireEnv(t *testing.T, env *cmdEnv) {
	t.Helper()
	require.NotNil(t, env.IO)
	require.NotNil(t, env.Service)
	require.NotNil(t, env.Registry)
	require.NotNil(t, env.ConfigDir)
	require.NotNil(t, env.Getenv)
	require.NotNil(t, env.Now)
	require.NotNil(t, env.Logger)
	*env = cmdEnv{}
}

// requireUsage asserts that err is a usage error (exit 2) and that the
// run function was never reached.
func requireUsage[T any](t *testing.T, err error, got *T) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, exitUsage, exitCode(err), err.Error())
	require.Nil(t, got, "runF ran despite a usage error")
}

// runEnv is the cmdEnv of c's factory writing to out and errOut, for calling
// a run function directly.
func (c *cli) runEnv(out, errOut *bytes.Buffer) cmdEnv {
	return c.factory(out, errOut).env()
}

// testEnv gives the tests the cmdEnv embedded in every command's Options.
func (e *cmdEnv) testEnv() *cmdEnv { return e }

// cmdCase is one command line and the Options it must give, or a usage
// error (exit 2) before the run function is called.
type cmdCase[T any] struct {
	name  string
	args  []string
	want  T
	usage bool
}

// checkCmdCases builds the command of each case with a runF that keeps its
// Options, and compares them with want (the environment must be set; it is
// then left out of the comparison).
func checkCmdCases[T any, PT interface {
	*T
	testEnv() *cmdEnv
}](t *testing.T, newCmd func(*factory, func(PT) error) *cobra.Command, cases []cmdCase[T]) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var got PT
			err := execCmd(newCmd(newCLI(t).factory(&bytes.Buffer{}, &bytes.Buffer{}), func(o PT) error { got = o; return nil }), tt.args...)
			if tt.usage {
				requireUsage(t, err, (*T)(got))
				return
			}
			require.NoError(t, err)
			requireEnv(t, got.testEnv())
			assert.Equal(t, tt.want, *(*T)(got))
		})
	}
}
