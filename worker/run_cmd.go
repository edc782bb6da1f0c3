package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/migrate"
	"github.com/chuckbox/importworker/supabase"
)

// runCommand is `worker run`.
func runCommand(ctx context.Context, args []string) error {
	cfg, err := parseRunConfig(args, os.LookupEnv)
	if err != nil {
		if errors.Is(err, errUsage) || errors.Is(err, errHelp) {
			return err
		}
		return fmt.Errorf("configuration:\n%w", err)
	}
	logger := newLogger(cfg.LogFormat, cfg.LogLevel)
	slog.SetDefault(logger)
	return runWorker(ctx, cfg, logger)
}

// runWorker connects, checks the database and runs the worker until ctx is cancelled.
func runWorker(ctx context.Context, cfg runConfig, logger *slog.Logger) error {
	if u, err := url.Parse(cfg.DatabaseURL); err == nil && u.Port() == "6543" {
		logger.Warn("DATABASE_URL uses port 6543 (Supavisor transaction mode): LISTEN/NOTIFY does not work there; use the session mode port 5432 or the direct connection")
	}
	store, inputFiles, err := storageFromEnv(logger)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	poolCfg, err := pgxpool.ParseConfig(cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	if poolCfg.MaxConns < int32(cfg.Concurrency)+3 {
		poolCfg.MaxConns = int32(cfg.Concurrency) + 3
	}
	poolCfg.ConnConfig.RuntimeParams["application_name"] = "import-worker " + cfg.WorkerID
	cfg.Sessions.Apply(&poolCfg.ConnConfig.Config)
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redactURL(cfg.DatabaseURL), err)
	}
	defer pool.Close()

	metrics := jobs.NewMetrics()
	listenCfg := poolCfg.ConnConfig.Copy()
	worker, err := jobs.NewWorker(jobs.Config{
		Pool: pool,
		ListenConnect: func(ctx context.Context) (*pgx.Conn, error) {
			return pgx.ConnectConfig(ctx, listenCfg)
		},
		Handlers:         handlers(store),
		InputFiles:       inputFiles,
		WorkerID:         cfg.WorkerID,
		Concurrency:      cfg.Concurrency,
		LeaseDuration:    cfg.LeaseDuration,
		PollInterval:     cfg.PollInterval,
		ProgressInterval: cfg.ProgressInterval,
		ShutdownGrace:    cfg.ShutdownGrace,
		RetainCompleted:  cfg.RetainCompleted,
		RetainFailed:     cfg.RetainFailed,
		ExitWhenIdle:     cfg.ExitWhenIdle,
		Logger:           logger,
		Metrics:          metrics,
	})
	if err != nil {
		return err
	}

	if cfg.HTTPAddr != "" {
		srv, err := startHTTP(cfg.HTTPAddr, pool, worker, metrics, logger)
		if err != nil {
			return err
		}
		defer func() {
			shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(shutdownCtx)
		}()
	}
	// Wait for the database when it is not up yet (a worker restarted during a database
	// restart or failover). A configuration mistake (wrong password, unknown database or
	// host, TLS refused) or a schema that is too old fails at once: waiting cannot fix it,
	// and a container that exits non-zero makes the mistake visible (crash loop) where a
	// worker waiting forever would look healthy.
	for delay := 500 * time.Millisecond; ; delay = min(2*delay, 10*time.Second) {
		err := checkDatabase(ctx, pool)
		if err == nil {
			break
		}
		if !errors.As(err, new(*dbUnreachableError)) {
			return err
		}
		if fix, permanent := jobs.PermanentConnectError(err); permanent {
			logger.Error("cannot connect to the database; not retrying", slog.String("fix", fix),
				slog.String("database", redactURL(cfg.DatabaseURL)), slog.Any("error", err))
			return fmt.Errorf("cannot connect to %s: %s\n(%w)", redactURL(cfg.DatabaseURL), fix, err)
		}
		logger.Warn("database not reachable yet; retrying", slog.Any("error", err), slog.Duration("retry_in", delay))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay): // backoff while the database is away
		}
	}

	if err := checkRole(ctx, pool, cfg.AllowSuperuser || allowSuperuserFromEnv(os.Getenv), logger); err != nil {
		return err
	}
	logger.Info("connected", slog.String("database", redactURL(cfg.DatabaseURL)))
	return worker.Run(ctx)
}

// checkDatabase refuses to start on a database whose schema is older than this worker. The
// role is checked afterwards (checkRole).
func checkDatabase(ctx context.Context, pool *pgxpool.Pool) error {
	want, err := migrate.Latest(supabase.Migrations())
	if err != nil {
		return err
	}
	if err := pool.Ping(ctx); err != nil {
		return &dbUnreachableError{err: err}
	}
	have, dirty, err := migrate.CurrentVersion(ctx, pool)
	if err != nil {
		return fmt.Errorf("check schema version: %w", err)
	}
	if dirty {
		return fmt.Errorf("the database schema (version %d) is marked dirty: a migration failed half-way; fix it, then run `worker migrate`", have)
	}
	if have < want {
		return fmt.Errorf("the database schema is at version %d but this worker needs %d: run `worker migrate` first", have, want)
	}
	var missing []string
	rows, err := pool.Query(ctx, `
		select t.tbl || '.' || t.col
		from (values ('scouts', 'bsa_member_id'), ('scouts', 'unit_id'), ('scouts', 'is_active'),
		             ('scout_merit_badge_progress', 'requirement_version_year'),
		             ('bsa_merit_badge_requirements', 'scoutbook_requirement_number'),
		             ('bsa_merit_badge_requirements', 'source'), ('bsa_rank_requirements', 'source'),
		             ('bsa_ranks', 'requirement_version_year'), ('import_jobs', 'lease_token')) t(tbl, col)
		where not exists (select 1 from information_schema.columns c
		                  where c.table_schema = 'public' and c.table_name = t.tbl and c.column_name = t.col)`)
	if err != nil {
		return fmt.Errorf("check host tables: %w", err)
	}
	missing, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("check host tables: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("the database lacks columns the import needs: %v; run `worker migrate`", missing)
	}
	return nil
}

// dbUnreachableError means the database did not answer at start-up.
type dbUnreachableError struct{ err error }

func (e *dbUnreachableError) Error() string { return "database unreachable: " + e.err.Error() }
func (e *dbUnreachableError) Unwrap() error { return e.err }

// startHTTP serves /healthz (alive), /readyz (database reachable and listener connected or
// polling fallback active) and /metrics.
func startHTTP(addr string, pool *pgxpool.Pool, worker *jobs.Worker, metrics *jobs.Metrics, logger *slog.Logger) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := pool.Ping(ctx); err != nil {
			http.Error(w, "database unreachable: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if !worker.Ready() {
			http.Error(w, "listener not connected", http.StatusServiceUnavailable)
			return
		}
		mode := "listen"
		if worker.PollingOnly() {
			mode = "polling-only"
		}
		_, _ = w.Write([]byte("ready (" + mode + ")\n"))
	})
	mux.Handle("/metrics", promhttp.HandlerFor(metrics.Registry, promhttp.HandlerOpts{}))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on WORKER_HTTP_ADDR %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("http server stopped", slog.Any("error", err))
		}
	}()
	logger.Info("http endpoints up", slog.String("addr", ln.Addr().String()))
	return srv, nil
}
