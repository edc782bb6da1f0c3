package main

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// swapOutput points the command's stdout and stderr at out and errOut until the returned
// function is called.
func swapOutput(t *testing.T, out, errOut io.Writer) func() {
	t.Helper()
	oldOut, oldErr := stdout, stderr
	stdout, stderr = out, errOut
	return func() { stdout, stderr = oldOut, oldErr }
}

// cli runs `worker args...` in process and returns its exit status, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	defer swapOutput(t, &out, &errOut)()
	code := realMain(args)
	return code, out.String(), errOut.String()
}

// `worker -h` and `worker CMD -h` print the usage on stdout and exit 0, in one style, for
// every subcommand.
func TestHelpExitsZeroForEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		code, out, errOut := cli(t, args...)
		require.Equal(t, 0, code, "%v", args)
		require.Empty(t, errOut)
		require.True(t, strings.HasPrefix(out, "usage: worker <command> [flags]\n"), out)
		for _, c := range commands {
			require.Contains(t, out, "\n  "+c.name+" ", "worker -h lists %s", c.name)
		}
	}
	require.NotEmpty(t, commands)
	for _, c := range commands {
		for _, h := range []string{"-h", "--help", "-help"} {
			code, out, errOut := cli(t, c.name, h)
			require.Equal(t, 0, code, "worker %s %s", c.name, h)
			require.Empty(t, errOut, "worker %s %s", c.name, h)
			require.True(t, strings.HasPrefix(out, "usage: worker "+c.name+" "), "worker %s %s:\n%s", c.name, h, out)
			require.Contains(t, out, "\nFlags:\n  -", "worker %s %s", c.name, h)
		}
	}
}

// No command accepts positional arguments: they are refused (exit 2) with a message, and
// nothing runs.
func TestPositionalArgumentsAreRefused(t *testing.T) {
	for _, c := range commands {
		code, out, errOut := cli(t, c.name, "--bogus-position-test", "x")
		require.Equal(t, 2, code, "worker %s with an unknown flag", c.name)
		require.Empty(t, out)
		require.Contains(t, errOut, "flag provided but not defined: -bogus-position-test")

		code, out, errOut = cli(t, c.name, "stray")
		require.Equal(t, 2, code, "worker %s stray", c.name)
		require.Empty(t, out)
		require.Contains(t, errOut, "worker "+c.name+`: unexpected argument "stray": this command takes flags only`)
		require.Contains(t, errOut, "usage: worker "+c.name+" ")
	}
}

func TestUnknownCommandAndNoCommand(t *testing.T) {
	code, out, errOut := cli(t, "frobnicate")
	require.Equal(t, 2, code)
	require.Empty(t, out)
	require.Contains(t, errOut, `worker: unknown command "frobnicate"`)

	code, out, errOut = cli(t)
	require.Equal(t, 2, code)
	require.Empty(t, out)
	require.Contains(t, errOut, "usage: worker <command> [flags]")
}

// --scouts 0 (or negative, or absurd) is a mistake, not the default.
func TestGenerateRejectsScoutCountsOutOfRange(t *testing.T) {
	for _, n := range []string{"0", "-3", "5001"} {
		code, out, errOut := cli(t, "generate", "--scouts", n)
		require.Equal(t, 2, code, "--scouts %s", n)
		require.Empty(t, out, "nothing generated")
		require.Contains(t, errOut, "--scouts must be between 1 and 5000, got "+n)
	}
	code, out, _ := cli(t, "generate", "--scouts", "1", "--seed", "7")
	require.Equal(t, 0, code)
	require.True(t, strings.HasPrefix(out, "bsamemberid,firstname,"), "a one-scout export is written")
}
