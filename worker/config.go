package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
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
	AllowSuperuser   bool // run even when connected as a superuser (see checkRole)
}

// parseRunConfig reads the environment (getenv) and then args. Every value is validated; the
// error names the variable or flag to fix.
func parseRunConfig(args []string, getenv func(string) string) (runConfig, error) {
	host, _ := os.Hostname()
	def := runConfig{
		DatabaseURL:      getenv("DATABASE_URL"),
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
	}
	var errs []error
	envString := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	envInt := func(name string, dst *int) {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q is not a whole number", name, v))
				return
			}
			*dst = n
		}
	}
	envDuration := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s=%q is not a duration (e.g. 30s, 5m, 168h)", name, v))
				return
			}
			*dst = d
		}
	}
	envString("WORKER_ID", &def.WorkerID)
	envInt("WORKER_CONCURRENCY", &def.Concurrency)
	envDuration("WORKER_LEASE_DURATION", &def.LeaseDuration)
	envDuration("WORKER_POLL_INTERVAL", &def.PollInterval)
	envDuration("WORKER_PROGRESS_INTERVAL", &def.ProgressInterval)
	envDuration("WORKER_SHUTDOWN_GRACE", &def.ShutdownGrace)
	envString("WORKER_HTTP_ADDR", &def.HTTPAddr)
	envString("LOG_LEVEL", &def.LogLevel)
	envString("LOG_FORMAT", &def.LogFormat)
	envDuration("WORKER_RETAIN_COMPLETED", &def.RetainCompleted)
	envDuration("WORKER_RETAIN_FAILED", &def.RetainFailed)
	if len(errs) > 0 {
		return runConfig{}, errors.Join(errs...)
	}

	cfg := def
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.StringVar(&cfg.DatabaseURL, "database-url", def.DatabaseURL, "PostgreSQL URL, direct or Supavisor session mode (port 5432), never 6543 (env DATABASE_URL)")
	fs.StringVar(&cfg.WorkerID, "worker-id", def.WorkerID, "name of this worker in job leases (env WORKER_ID)")
	fs.IntVar(&cfg.Concurrency, "concurrency", def.Concurrency, "jobs run at once (env WORKER_CONCURRENCY)")
	fs.DurationVar(&cfg.LeaseDuration, "lease-duration", def.LeaseDuration, "lease length; a dead worker's job is rescued after it (env WORKER_LEASE_DURATION)")
	fs.DurationVar(&cfg.PollInterval, "poll-interval", def.PollInterval, "safety poll and reaper period (env WORKER_POLL_INTERVAL)")
	fs.DurationVar(&cfg.ProgressInterval, "progress-interval", def.ProgressInterval, "minimum time between progress writes of a job (env WORKER_PROGRESS_INTERVAL)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", def.ShutdownGrace, "time running jobs get to reach a chunk boundary on SIGTERM (env WORKER_SHUTDOWN_GRACE)")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", def.HTTPAddr, "address for /healthz, /readyz and /metrics; empty disables (env WORKER_HTTP_ADDR)")
	fs.StringVar(&cfg.LogLevel, "log-level", def.LogLevel, "debug, info, warn or error (env LOG_LEVEL)")
	fs.StringVar(&cfg.LogFormat, "log-format", def.LogFormat, "json or text (env LOG_FORMAT)")
	fs.DurationVar(&cfg.RetainCompleted, "retain-completed", def.RetainCompleted, "keep inputs of completed jobs this long (env WORKER_RETAIN_COMPLETED)")
	fs.DurationVar(&cfg.RetainFailed, "retain-failed", def.RetainFailed, "keep inputs of failed/cancelled jobs (retryable) this long (env WORKER_RETAIN_FAILED)")
	fs.BoolVar(&cfg.AllowSuperuser, "allow-superuser", def.AllowSuperuser, "run even when DATABASE_URL logs in as a superuser (also env "+allowSuperuserEnv+"=true)")
	fs.BoolVar(&cfg.ExitWhenIdle, "exit-when-idle", false, "exit once no job is running or runnable (scripts, tests)")
	if err := fs.Parse(args); err != nil {
		return runConfig{}, errUsage
	}
	return cfg, cfg.validate()
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
	opts := &slog.HandlerOptions{Level: l}
	if format == "text" {
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}

// redactURL shows where a database URL points without its password.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return fmt.Sprintf("%s:%s%s", u.Hostname(), u.Port(), u.Path)
}
