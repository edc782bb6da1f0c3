package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/chuckbox/importworker/internal/jobs"
)

// runConfig is the configuration of `worker run`: environment variables, overridden by flags.
type runConfig struct {
	DatabaseURL      string
	WorkerID         string
	Concurrency      int
	LeaseDuration    time.Duration
	PollInterval     time.Duration
	ProgressInterval time.Duration
	ShutdownGrace    time.Duration
	HTTPAddr         string
	LogLevel         string
	LogFormat        string
	RetainCompleted  time.Duration
	RetainFailed     time.Duration
	ExitWhenIdle     bool
	// Sessions bound what a frozen worker's database sessions can hold (locks, connections).
	Sessions       jobs.SessionLimits
	AllowSuperuser bool // run even when connected as a superuser (see checkRole)
}

// parseRunConfig reads the environment (lookupEnv, as os.LookupEnv) and then args. Every value
// is validated and every mistake is reported at once (one line each, naming the variable or
// flag to fix); a value given by a flag replaces the environment's, mistakes included.
func parseRunConfig(args []string, lookupEnv func(string) (string, bool)) (runConfig, error) {
	host, _ := os.Hostname()
	def := runConfig{
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
		Sessions:         jobs.DefaultSessionLimits,
	}
	envErrs := map[string]error{} // by flag name: a flag given on the command line replaces it
	// An empty variable counts as unset, except WORKER_HTTP_ADDR, where empty disables.
	env := func(name string, emptyMeans bool) (string, bool) {
		v, ok := lookupEnv(name)
		return v, ok && (v != "" || emptyMeans)
	}
	envString := func(name, flagName string, dst *string) {
		if v, ok := env(name, flagName == "http-addr"); ok {
			*dst = v
		}
	}
	envInt := func(name, flagName string, dst *int) {
		if v, ok := env(name, false); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				envErrs[flagName] = fmt.Errorf("%s=%q is not a whole number", name, v)
				return
			}
			*dst = n
		}
	}
	envDuration := func(name, flagName string, dst *time.Duration) {
		if v, ok := env(name, false); ok {
			d, err := time.ParseDuration(v)
			if err != nil {
				envErrs[flagName] = fmt.Errorf("%s=%q is not a duration (e.g. 30s, 5m, 168h)", name, v)
				return
			}
			*dst = d
		}
	}
	envString("DATABASE_URL", "database-url", &def.DatabaseURL)
	envString("WORKER_ID", "worker-id", &def.WorkerID)
	envInt("WORKER_CONCURRENCY", "concurrency", &def.Concurrency)
	envDuration("WORKER_LEASE_DURATION", "lease-duration", &def.LeaseDuration)
	envDuration("WORKER_POLL_INTERVAL", "poll-interval", &def.PollInterval)
	envDuration("WORKER_PROGRESS_INTERVAL", "progress-interval", &def.ProgressInterval)
	envDuration("WORKER_SHUTDOWN_GRACE", "shutdown-grace", &def.ShutdownGrace)
	envString("WORKER_HTTP_ADDR", "http-addr", &def.HTTPAddr)
	envString("LOG_LEVEL", "log-level", &def.LogLevel)
	envString("LOG_FORMAT", "log-format", &def.LogFormat)
	envDuration("WORKER_RETAIN_COMPLETED", "retain-completed", &def.RetainCompleted)
	envDuration("WORKER_RETAIN_FAILED", "retain-failed", &def.RetainFailed)
	envDuration("WORKER_IDLE_IN_TRANSACTION_TIMEOUT", "idle-in-transaction-timeout", &def.Sessions.IdleInTransaction)
	envDuration("WORKER_LOCK_TIMEOUT", "lock-timeout", &def.Sessions.LockTimeout)
	envDuration("WORKER_STATEMENT_TIMEOUT", "statement-timeout", &def.Sessions.StatementTimeout)
	envDuration("WORKER_TCP_KEEPALIVE", "tcp-keepalive", &def.Sessions.KeepAlive)

	cfg := def
	fs := newFlags("run", "[flags]",
		"Claim and run import jobs until SIGTERM/SIGINT (or, with --exit-when-idle, until nothing is running or\n"+
			"runnable). Each flag overrides the environment variable named with it; a failure to connect for good\n"+
			"(wrong password, unknown database or host, TLS refused) exits 1 at once.")
	fs.StringVar(&cfg.DatabaseURL, "database-url", def.DatabaseURL, "PostgreSQL `URL`, direct or Supavisor session mode (port 5432), never 6543 (env DATABASE_URL)")
	fs.StringVar(&cfg.WorkerID, "worker-id", def.WorkerID, "`name` of this worker in job leases (env WORKER_ID)")
	fs.IntVar(&cfg.Concurrency, "concurrency", def.Concurrency, "`jobs` run at once, 1 to 64 (env WORKER_CONCURRENCY)")
	fs.DurationVar(&cfg.LeaseDuration, "lease-duration", def.LeaseDuration, "lease length; a dead worker's job is rescued after it (env WORKER_LEASE_DURATION)")
	fs.DurationVar(&cfg.PollInterval, "poll-interval", def.PollInterval, "safety poll and reaper period (env WORKER_POLL_INTERVAL)")
	fs.DurationVar(&cfg.ProgressInterval, "progress-interval", def.ProgressInterval, "minimum time between progress writes of a job (env WORKER_PROGRESS_INTERVAL)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", def.ShutdownGrace, "time running jobs get to reach a chunk boundary on SIGTERM (env WORKER_SHUTDOWN_GRACE)")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", def.HTTPAddr, "`address` for /healthz, /readyz and /metrics; empty disables (env WORKER_HTTP_ADDR)")
	fs.StringVar(&cfg.LogLevel, "log-level", def.LogLevel, "`level`: debug, info, warn or error (env LOG_LEVEL)")
	fs.StringVar(&cfg.LogFormat, "log-format", def.LogFormat, "`format`: json or text (env LOG_FORMAT)")
	fs.DurationVar(&cfg.RetainCompleted, "retain-completed", def.RetainCompleted, "keep inputs of completed jobs this long (env WORKER_RETAIN_COMPLETED)")
	fs.DurationVar(&cfg.RetainFailed, "retain-failed", def.RetainFailed, "keep inputs of failed/cancelled jobs (retryable) this long (env WORKER_RETAIN_FAILED)")
	fs.DurationVar(&cfg.Sessions.IdleInTransaction, "idle-in-transaction-timeout", def.Sessions.IdleInTransaction,
		"end a worker session idle inside a transaction this long, releasing a frozen worker's locks; negative disables (env WORKER_IDLE_IN_TRANSACTION_TIMEOUT)")
	fs.DurationVar(&cfg.Sessions.LockTimeout, "lock-timeout", def.Sessions.LockTimeout,
		"fail a worker statement that waits this long for a lock; 0 keeps the server's setting (env WORKER_LOCK_TIMEOUT)")
	fs.DurationVar(&cfg.Sessions.StatementTimeout, "statement-timeout", def.Sessions.StatementTimeout,
		"fail a worker statement that runs this long; 0 keeps the server's setting (env WORKER_STATEMENT_TIMEOUT)")
	fs.DurationVar(&cfg.Sessions.KeepAlive, "tcp-keepalive", def.Sessions.KeepAlive,
		"TCP keepalive idle time and interval on the worker's connections; negative disables (env WORKER_TCP_KEEPALIVE)")
	fs.BoolVar(&cfg.AllowSuperuser, "allow-superuser", def.AllowSuperuser, "run even when DATABASE_URL logs in as a superuser (also env "+allowSuperuserEnv+"=true)")
	fs.BoolVar(&cfg.ExitWhenIdle, "exit-when-idle", false, "exit once no job is running or runnable (scripts, tests)")
	if err := fs.parse(args); err != nil {
		return runConfig{}, err
	}
	fs.Visit(func(f *flag.Flag) { delete(envErrs, f.Name) })

	// The idle-in-transaction default follows a short lease (it must stay below it); a value
	// set on purpose is validated instead.
	_, idleSet := env("WORKER_IDLE_IN_TRANSACTION_TIMEOUT", false)
	fs.Visit(func(f *flag.Flag) { idleSet = idleSet || f.Name == "idle-in-transaction-timeout" })
	if !idleSet && cfg.Sessions.IdleInTransaction >= cfg.LeaseDuration {
		cfg.Sessions.IdleInTransaction = cfg.LeaseDuration / 2
	}

	var errs []error
	fs.VisitAll(func(f *flag.Flag) { // in flag order, so the report reads the same every time
		if err, ok := envErrs[f.Name]; ok {
			errs = append(errs, err)
		}
	})
	if err := cfg.validate(); err != nil {
		errs = append(errs, err)
	}
	return cfg, errors.Join(errs...)
}

// validate checks every value and says what to change.
func (c runConfig) validate() error {
	var errs []error
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("DATABASE_URL is not set: use the direct connection or Supavisor session mode (port 5432)"))
	} else if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		errs = append(errs, errors.New("DATABASE_URL must be a postgres:// or postgresql:// URL"))
	}
	if c.WorkerID == "" || len(c.WorkerID) > 200 {
		errs = append(errs, errors.New("WORKER_ID must be 1 to 200 characters"))
	}
	if c.Concurrency < 1 || c.Concurrency > 64 {
		errs = append(errs, fmt.Errorf("WORKER_CONCURRENCY must be between 1 and 64, got %d", c.Concurrency))
	}
	if c.LeaseDuration < 3*time.Second {
		errs = append(errs, fmt.Errorf("WORKER_LEASE_DURATION must be at least 3s, got %s", c.LeaseDuration))
	}
	if c.PollInterval < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("WORKER_POLL_INTERVAL must be at least 100ms, got %s", c.PollInterval))
	}
	if c.ProgressInterval < 50*time.Millisecond {
		errs = append(errs, fmt.Errorf("WORKER_PROGRESS_INTERVAL must be at least 50ms, got %s", c.ProgressInterval))
	}
	if c.Sessions.IdleInTransaction > 0 && c.Sessions.IdleInTransaction >= c.LeaseDuration {
		errs = append(errs, fmt.Errorf("WORKER_IDLE_IN_TRANSACTION_TIMEOUT (%s) must be shorter than WORKER_LEASE_DURATION (%s), "+
			"so that a frozen worker's locks are gone when its job is rescued", c.Sessions.IdleInTransaction, c.LeaseDuration))
	}
	if c.ShutdownGrace < time.Second {
		errs = append(errs, fmt.Errorf("WORKER_SHUTDOWN_GRACE must be at least 1s, got %s", c.ShutdownGrace))
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		errs = append(errs, err)
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("LOG_FORMAT must be json or text, got %q", c.LogFormat))
	}
	if c.RetainCompleted < time.Hour || c.RetainFailed < time.Hour {
		errs = append(errs, errors.New("WORKER_RETAIN_COMPLETED and WORKER_RETAIN_FAILED must be at least 1h"))
	}
	return errors.Join(errs...)
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(s))); err != nil {
		return 0, fmt.Errorf("LOG_LEVEL must be debug, info, warn or error, got %q", s)
	}
	return l, nil
}

// newLogger builds the structured logger.
func newLogger(format, level string) *slog.Logger {
	l, _ := parseLevel(level)
	return newLoggerTo(os.Stderr, format, l)
}

// newLoggerTo builds the structured logger writing to w. In JSON, durations read as
// durations ("2s", "1.5ms"), not as nanosecond counts.
func newLoggerTo(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	opts.ReplaceAttr = func(_ []string, a slog.Attr) slog.Attr {
		if a.Value.Kind() == slog.KindDuration {
			a.Value = slog.StringValue(a.Value.Duration().String())
		}
		return a
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// redactURL shows where a database URL points without its password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	if u.Port() == "" {
		return u.Hostname() + u.Path
	}
	return fmt.Sprintf("%s:%s%s", u.Hostname(), u.Port(), u.Path)
}
