package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The submit command is registered and follows the command-line conventions: -h is not a
// failure, a malformed flag or a stray argument is a usage error (2), missing Supabase
// settings a configuration error (1).
func TestSubmitCommandExitCodes(t *testing.T) {
	for _, v := range []string{"SUPABASE_URL", "SUPABASE_ANON_KEY", "SUPABASE_ACCESS_TOKEN", "SUPABASE_EMAIL", "SUPABASE_PASSWORD"} {
		t.Setenv(v, "")
	}
	unit := "0b7c2a4e-4a4b-4c1e-9d7e-0f5c1b2a3d4e"
	require.Equal(t, 0, realMain([]string{"submit", "-h"}))
	require.Equal(t, 2, realMain([]string{"submit", "--unit", "not-a-uuid", "--file", "x.csv"}))
	require.Equal(t, 2, realMain([]string{"submit", "--unit", unit, "--file", "x.csv", "stray"}))
	require.Equal(t, 2, realMain([]string{"submit", "--no-such-flag"}))
	require.Equal(t, 1, realMain([]string{"submit", "--unit", unit, "--file", "x.csv"}), "no SUPABASE_URL / keys")
}
