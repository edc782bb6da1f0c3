package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A command name may hold spaces and parentheses: the fields are counted from its last ")".
func TestReadProcStatCountsFieldsAfterTheName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "stat")
	// pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
	line := "4242 (postgres: a (b) c) S 4000 4242 4242 0 -1 4194560 10 0 0 0 250 50 700 100 20 0 1 0\n"
	require.NoError(t, os.WriteFile(path, []byte(line), 0o644))
	st, ok := readProcStat(path)
	require.True(t, ok)
	require.Equal(t, 4242, st.pid)
	require.Equal(t, 4000, st.ppid)
	require.InDelta(t, 3.0, st.cpu, 1e-9)      // (250 + 50) ticks
	require.InDelta(t, 8.0, st.children, 1e-9) // (700 + 100) ticks
}

func TestReadProcStatOfAGoneProcess(t *testing.T) {
	_, ok := readProcStat(filepath.Join(t.TempDir(), "missing"))
	require.False(t, ok)
}

// The "postmaster" itself is counted (here this process plays it).
func TestServerCPUCountsThePostmaster(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	own, err := processCPU(os.Getpid())
	require.NoError(t, err)
	server, err := serverCPU(os.Getpid()) // read after: CPU time never goes down
	require.NoError(t, err)
	require.GreaterOrEqual(t, server, own)
}
