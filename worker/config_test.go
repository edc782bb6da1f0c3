package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

const testDatabaseURL = "postgres://postgres@db.example.org:5432/postgres"

// envOf turns a map into a lookupEnv function (as os.LookupEnv).
func envOf(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

func TestParseRunConfigDefaults(t *testing.T) {
	cfg, err := parseRunConfig(nil, envOf(map[string]string{"DATABASE_URL": testDatabaseURL}))
	require.NoError(t, err)
	host, _ := os.Hostname()
	require.Equal(t, runConfig{
		DatabaseURL:      testDatabaseURL,
		WorkerID:         fmt.Sprintf("%s-%d", host, os.Getpid()),
		Concurrency:      2,
		LeaseDuration:    30 * time.Second,
		PollInterval:     10 * time.Second,
		ProgressInterval: time.Second,
		ShutdownGrace:    20 * time.Second,
		HTTPAddr:         ":8080",
		LogLevel:         "info",
		LogFormat:        "json",
		RetainCompleted:  7 * 24 * time.Hour,
		RetainFailed:     30 * 24 * time.Hour,
		ExitWhenIdle:     false,
		Sessions:         jobs.DefaultSessionLimits,
	}, cfg)
}

func TestParseRunConfigEnvironment(t *testing.T) {
	cfg, err := parseRunConfig(nil, envOf(map[string]string{
		"DATABASE_URL":                       testDatabaseURL,
		"WORKER_ID":                          "worker-a",
		"WORKER_CONCURRENCY":                 "8",
		"WORKER_LEASE_DURATION":              "45s",
		"WORKER_POLL_INTERVAL":               "2s",
		"WORKER_PROGRESS_INTERVAL":           "500ms",
		"WORKER_SHUTDOWN_GRACE":              "25s",
		"WORKER_HTTP_ADDR":                   "127.0.0.1:9090",
		"LOG_LEVEL":                          "debug",
		"LOG_FORMAT":                         "text",
		"WORKER_RETAIN_COMPLETED":            "48h",
		"WORKER_RETAIN_FAILED":               "720h",
		"WORKER_IDLE_IN_TRANSACTION_TIMEOUT": "20s",
		"WORKER_LOCK_TIMEOUT":                "5s",
		"WORKER_STATEMENT_TIMEOUT":           "2m",
		"WORKER_TCP_KEEPALIVE":               "-1s",
	}))
	require.NoError(t, err)
	require.Equal(t, runConfig{
		DatabaseURL:      testDatabaseURL,
		WorkerID:         "worker-a",
		Concurrency:      8,
		LeaseDuration:    45 * time.Second,
		PollInterval:     2 * time.Second,
		ProgressInterval: 500 * time.Millisecond,
		ShutdownGrace:    25 * time.Second,
		HTTPAddr:         "127.0.0.1:9090",
		LogLevel:         "debug",
		LogFormat:        "text",
		RetainCompleted:  48 * time.Hour,
		RetainFailed:     720 * time.Hour,
		Sessions: jobs.SessionLimits{IdleInTransaction: 20 * time.Second, LockTimeout: 5 * time.Second,
			StatementTimeout: 2 * time.Minute, KeepAlive: -time.Second},
	}, cfg)
}

func TestParseRunConfigFlagsOverrideEnvironment(t *testing.T) {
	env := envOf(map[string]string{
		"DATABASE_URL":          "postgres://env@db.example.org:5432/postgres",
		"WORKER_CONCURRENCY":    "8",
		"WORKER_LEASE_DURATION": "45s",
		"LOG_FORMAT":            "text",
		"WORKER_HTTP_ADDR":      ":9090",
	})
	cfg, err := parseRunConfig([]string{"--database-url", testDatabaseURL, "--concurrency=3", "--lease-duration=1m",
		"--log-format=json", "--http-addr=", "--exit-when-idle"}, env)
	require.NoError(t, err)
	require.Equal(t, testDatabaseURL, cfg.DatabaseURL)
	require.Equal(t, 3, cfg.Concurrency)
	require.Equal(t, time.Minute, cfg.LeaseDuration)
	require.Equal(t, "json", cfg.LogFormat)
	require.Empty(t, cfg.HTTPAddr, "an empty flag disables the HTTP endpoints")
	require.True(t, cfg.ExitWhenIdle)
	require.Equal(t, 10*time.Second, cfg.PollInterval, "not overridden: the default stays")
}

// The idle-in-transaction default stays below a short lease; a value set on purpose is kept.
func TestParseRunConfigIdleTimeoutFollowsShortLease(t *testing.T) {
	cfg, err := parseRunConfig([]string{"--lease-duration=6s"}, envOf(map[string]string{"DATABASE_URL": testDatabaseURL}))
	require.NoError(t, err)
	require.Equal(t, 3*time.Second, cfg.Sessions.IdleInTransaction)
	cfg, err = parseRunConfig([]string{"--lease-duration=6s", "--idle-in-transaction-timeout=2s"},
		envOf(map[string]string{"DATABASE_URL": testDatabaseURL}))
	require.NoError(t, err)
	require.Equal(t, 2*time.Second, cfg.Sessions.IdleInTransaction)
}

// Every validation error names the variable to fix.
func TestParseRunConfigErrorsNameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"missing database url", map[string]string{}, nil, []string{"DATABASE_URL is not set"}},
		{"not a postgres url", map[string]string{"DATABASE_URL": "mysql://db/x"}, nil, []string{"DATABASE_URL must be a postgres://"}},
		{"bad duration", map[string]string{"DATABASE_URL": testDatabaseURL, "WORKER_LEASE_DURATION": "30"}, nil,
			[]string{`WORKER_LEASE_DURATION="30" is not a duration`}},
		{"bad number", map[string]string{"DATABASE_URL": testDatabaseURL, "WORKER_CONCURRENCY": "two"}, nil,
			[]string{`WORKER_CONCURRENCY="two" is not a whole number`}},
		{"concurrency 0", map[string]string{"DATABASE_URL": testDatabaseURL, "WORKER_CONCURRENCY": "0"}, nil,
			[]string{"WORKER_CONCURRENCY must be between 1 and 64, got 0"}},
		{"concurrency 0 by flag", map[string]string{"DATABASE_URL": testDatabaseURL}, []string{"--concurrency=0"},
			[]string{"WORKER_CONCURRENCY must be between 1 and 64"}},
		{"bad log format", map[string]string{"DATABASE_URL": testDatabaseURL, "LOG_FORMAT": "xml"}, nil,
			[]string{`LOG_FORMAT must be json or text, got "xml"`}},
		{"bad log level", map[string]string{"DATABASE_URL": testDatabaseURL, "LOG_LEVEL": "loud"}, nil,
			[]string{"LOG_LEVEL must be debug, info, warn or error"}},
		{"idle timeout past the lease", map[string]string{"DATABASE_URL": testDatabaseURL, "WORKER_LEASE_DURATION": "30s",
			"WORKER_IDLE_IN_TRANSACTION_TIMEOUT": "45s"}, nil,
			[]string{"WORKER_IDLE_IN_TRANSACTION_TIMEOUT (45s) must be shorter than WORKER_LEASE_DURATION (30s)"}},
		{"short lease", map[string]string{"DATABASE_URL": testDatabaseURL, "WORKER_LEASE_DURATION": "1s"}, nil,
			[]string{"WORKER_LEASE_DURATION must be at least 3s"}},
		{"short grace", map[string]string{"DATABASE_URL": testDatabaseURL}, []string{"--shutdown-grace=10ms"},
			[]string{"WORKER_SHUTDOWN_GRACE must be at least 1s"}},
		{"short retention", map[string]string{"DATABASE_URL": testDatabaseURL, "WORKER_RETAIN_FAILED": "10m"}, nil,
			[]string{"WORKER_RETAIN_FAILED must be at least 1h"}},
		{"several at once", map[string]string{"LOG_FORMAT": "xml", "WORKER_CONCURRENCY": "100"}, nil,
			[]string{"DATABASE_URL is not set", "WORKER_CONCURRENCY must be between 1 and 64, got 100", "LOG_FORMAT must be json or text"}},
		{"several parse errors at once", map[string]string{"WORKER_POLL_INTERVAL": "soon", "WORKER_SHUTDOWN_GRACE": "later"}, nil,
			[]string{`WORKER_POLL_INTERVAL="soon"`, `WORKER_SHUTDOWN_GRACE="later"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseRunConfig(tc.args, envOf(tc.env))
			require.Error(t, err)
			for _, want := range tc.want {
				require.Contains(t, err.Error(), want)
			}
		})
	}
}

// WORKER_HTTP_ADDR set but empty disables the HTTP endpoints, as documented; other empty
// variables count as unset.
func TestParseRunConfigEmptyHTTPAddrDisables(t *testing.T) {
	cfg, err := parseRunConfig(nil, envOf(map[string]string{"DATABASE_URL": testDatabaseURL, "WORKER_HTTP_ADDR": "",
		"WORKER_CONCURRENCY": "", "LOG_FORMAT": ""}))
	require.NoError(t, err)
	require.Empty(t, cfg.HTTPAddr)
	require.Equal(t, 2, cfg.Concurrency)
	require.Equal(t, "json", cfg.LogFormat)

	cfg, err = parseRunConfig(nil, envOf(map[string]string{"DATABASE_URL": testDatabaseURL}))
	require.NoError(t, err)
	require.Equal(t, ":8080", cfg.HTTPAddr, "unset: the default")
}

// Every configuration mistake is reported at once: values that do not parse and values out of
// range together, one line each. A flag replaces the environment's value, mistake included.
func TestParseRunConfigReportsEveryMistakeAtOnce(t *testing.T) {
	env := envOf(map[string]string{
		"WORKER_CONCURRENCY":    "two",
		"WORKER_LEASE_DURATION": "1s",
		"WORKER_POLL_INTERVAL":  "soon",
		"LOG_FORMAT":            "xml",
		"LOG_LEVEL":             "loud",
	})
	_, err := parseRunConfig(nil, env)
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Equal(t, []string{
		`WORKER_CONCURRENCY="two" is not a whole number`,
		`WORKER_POLL_INTERVAL="soon" is not a duration (e.g. 30s, 5m, 168h)`,
		"DATABASE_URL is not set: use the direct connection or Supavisor session mode (port 5432)",
		"WORKER_LEASE_DURATION must be at least 3s, got 1s",
		`LOG_LEVEL must be debug, info, warn or error, got "loud"`,
		`LOG_FORMAT must be json or text, got "xml"`,
	}, lines)

	_, err = parseRunConfig([]string{"--concurrency=4", "--poll-interval=5s", "--log-format=text", "--log-level=info",
		"--lease-duration=30s", "--database-url", testDatabaseURL}, env)
	require.NoError(t, err, "the flags replace every wrong value of the environment")
}

// An unknown flag or a positional argument is a usage error (explained on stderr, exit 2).
func TestParseRunConfigUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"--no-such-flag"}, {"extra"}, {"--concurrency=2", "extra"}, {"--concurrency=many"}} {
		var errOut strings.Builder
		defer swapOutput(t, io.Discard, &errOut)()
		_, err := parseRunConfig(args, envOf(map[string]string{"DATABASE_URL": testDatabaseURL}))
		require.ErrorIs(t, err, errUsage, "%v", args)
		require.Contains(t, errOut.String(), "usage: worker run [flags]", "%v", args)
	}
}
