package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// The CPU time a no-op job costs each queue, from /proc: that of the queue's own process and
// of every process of the PostgreSQL cluster, over the measured part of a throughput run (from
// the commit of the jobs' insert to the last completion). On a machine with few cores this, not
// waiting, bounds how many jobs per second a queue can run.

// clockTicks is the unit of the CPU times in /proc/<pid>/stat (USER_HZ, 100 on Linux).
const clockTicks = 100

// procStat is what the CPU accounting reads of /proc/<pid>/stat: the process's parent and its
// CPU seconds (user + system), its own and those of its children that have exited and been
// waited for.
type procStat struct {
	pid, ppid     int
	cpu, children float64
}

// readProcStat parses /proc/<pid>/stat at path; ok is false if the process has gone.
func readProcStat(path string) (st procStat, ok bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return st, false
	}
	// The command name (field 2) is in parentheses and may hold spaces: the fields that follow
	// are counted from its closing parenthesis.
	s := string(raw)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 1 || end < open {
		return st, false
	}
	// After the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16) cstime(17).
	f := strings.Fields(s[end+1:])
	if len(f) < 15 {
		return st, false
	}
	ticks := func(v string) float64 {
		n, _ := strconv.ParseFloat(v, 64)
		return n / clockTicks
	}
	st.pid, _ = strconv.Atoi(strings.TrimSpace(s[:open]))
	st.ppid, _ = strconv.Atoi(f[1])
	st.cpu = ticks(f[11]) + ticks(f[12])
	st.children = ticks(f[13]) + ticks(f[14])
	return st, true
}

// serverCPU returns the CPU seconds used so far by a PostgreSQL server: the postmaster
// (process id postmaster) and its children, which are every backend and background process. A
// live child is counted by its own times; one that has exited, by the postmaster's times of
// its reaped children, so a connection closed during a measurement is counted whole.
func serverCPU(postmaster int) (float64, error) {
	paths, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return 0, err
	}
	if len(paths) == 0 {
		return 0, fmt.Errorf("no /proc: the CPU time per job is measured on Linux only")
	}
	var total float64
	for _, path := range paths {
		st, ok := readProcStat(path)
		switch {
		case !ok:
		case st.pid == postmaster:
			total += st.cpu + st.children
		case st.ppid == postmaster:
			total += st.cpu
		}
	}
	return total, nil
}

// processCPU returns the CPU seconds process pid (all its threads) has used so far.
func processCPU(pid int) (float64, error) {
	st, ok := readProcStat(fmt.Sprintf("/proc/%d/stat", pid))
	if !ok {
		return 0, fmt.Errorf("read /proc/%d/stat: the process has gone", pid)
	}
	return st.cpu, nil
}

// selfCPU returns the CPU seconds this process has used: ours runs its worker in this process.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
