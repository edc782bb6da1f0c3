// The Worker ties the queue's services together. Run starts them and stops them:
//
//   - the producer (producer.go) claims runnable jobs into free slots;
//   - the executor (executor.go) runs each claimed job's handler and records its outcome,
//     with a heartbeat (heartbeat.go) extending the lease while it runs, and the completer
//     (completer.go) grouping completions into few statements;
//   - the listener (listener.go) turns NOTIFY into wake-ups and cancel hints;
//   - maintenance: the reaper (reaper.go) returns expired leases to the queue, and the purge
//     (purge.go, purge_files.go) drops the inputs of old finished jobs.

package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Config configures a Worker. Zero durations take the defaults listed with each field.
type Config struct {
	// Pool is used for claims and all job writes.
	Pool *pgxpool.Pool
	// ListenConnect opens the dedicated LISTEN connection (never a pool connection). When
	// nil the worker polls only.
	ListenConnect func(ctx context.Context) (*pgx.Conn, error)
	// Handlers by job type. Only these types are claimed.
	Handlers map[string]Handler

	// WorkerID names this worker in lease_owner (default: host name + pid, set by the caller).
	WorkerID string
	// Concurrency is how many jobs run at once (default 2).
	Concurrency int
	// LeaseDuration is how long a claim lasts without a heartbeat (default 30 s). The
	// heartbeat runs every third of it.
	LeaseDuration time.Duration
	// PollInterval is the safety poll and reaper period (default 10 s).
	PollInterval time.Duration
	// FallbackPollInterval is the poll period when NOTIFY does not arrive (default 1 s).
	FallbackPollInterval time.Duration
	// ProgressInterval is the minimum time between two progress writes of a job (default 1 s).
	ProgressInterval time.Duration
	// ShutdownGrace is how long running jobs get to reach a chunk boundary on shutdown
	// before their chunk is abandoned (default 20 s).
	ShutdownGrace time.Duration
	// WatchdogInterval is the LISTEN connection ping period (default 15 s).
	WatchdogInterval time.Duration
	// PurgeInterval, RetainCompleted and RetainFailed control the purge of large inputs of
	// finished jobs (defaults 1 h, 7 days, 30 days).
	PurgeInterval   time.Duration
	RetainCompleted time.Duration
	RetainFailed    time.Duration
	// InputFiles deletes the Storage files of purged jobs (nil: they are left in place and
	// a warning says so).
	InputFiles InputFiles
	// ExitWhenIdle makes Run return once no job is running and none is runnable.
	ExitWhenIdle bool
	// Backoff for transient failures (default DefaultBackoff).
	Backoff Backoff

	Logger  *slog.Logger
	Metrics *Metrics
}

// Worker claims and runs jobs. Create it with NewWorker and call Run once.
type Worker struct {
	cfg     Config
	store   *store
	logger  *slog.Logger
	metrics *Metrics
	types   []string

	wakeCh    chan struct{}
	slotFreed chan struct{}

	mu sync.Mutex
	// running holds every claimed job until its outcome is recorded; busy counts those whose
	// handler has not returned yet. A slot is a running handler: it is freed when the handler
	// returns, while the outcome is still being written (completions are grouped, so waiting
	// for the write would idle the slot for a commit). At most 2 x Concurrency jobs are
	// claimed and not yet recorded.
	running map[uuid.UUID]*runningJob
	busy    int
	wg      sync.WaitGroup

	completer *completer

	listener    *listener
	pollingOnly atomic.Bool
	ready       atomic.Bool

	// Hooks for tests (nil in production): called when a job has been claimed and when an
	// attempt has ended with its outcome.
	OnClaimed func(Job)
	OnEnded   func(Job, Outcome)
}

// NewWorker validates cfg and fills in defaults.
func NewWorker(cfg Config) (*Worker, error) {
	if cfg.Pool == nil {
		return nil, errors.New("jobs: Config.Pool is required")
	}
	if len(cfg.Handlers) == 0 {
		return nil, errors.New("jobs: at least one handler is required")
	}
	if cfg.WorkerID == "" {
		return nil, errors.New("jobs: Config.WorkerID is required")
	}
	cfg.Concurrency = cmp.Or(cfg.Concurrency, 2)
	cfg.LeaseDuration = cmp.Or(cfg.LeaseDuration, 30*time.Second)
	cfg.PollInterval = cmp.Or(cfg.PollInterval, 10*time.Second)
	cfg.FallbackPollInterval = cmp.Or(cfg.FallbackPollInterval, time.Second)
	cfg.ProgressInterval = cmp.Or(cfg.ProgressInterval, time.Second)
	cfg.ShutdownGrace = cmp.Or(cfg.ShutdownGrace, 20*time.Second)
	cfg.WatchdogInterval = cmp.Or(cfg.WatchdogInterval, 15*time.Second)
	cfg.PurgeInterval = cmp.Or(cfg.PurgeInterval, time.Hour)
	cfg.RetainCompleted = cmp.Or(cfg.RetainCompleted, 7*24*time.Hour)
	cfg.RetainFailed = cmp.Or(cfg.RetainFailed, 30*24*time.Hour)
	if cfg.Backoff == (Backoff{}) {
		cfg.Backoff = DefaultBackoff
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.Concurrency < 1 {
		return nil, fmt.Errorf("jobs: concurrency must be at least 1, got %d", cfg.Concurrency)
	}
	if cfg.LeaseDuration < time.Second {
		return nil, fmt.Errorf("jobs: lease duration must be at least 1s, got %s", cfg.LeaseDuration)
	}
	types := make([]string, 0, len(cfg.Handlers))
	for t := range cfg.Handlers {
		types = append(types, t)
	}
	sort.Strings(types)
	st := &store{pool: cfg.Pool}
	w := &Worker{
		cfg:       cfg,
		store:     st,
		completer: &completer{store: st},
		logger:    cfg.Logger.With(slog.String("worker_id", cfg.WorkerID)),
		metrics:   cfg.Metrics,
		types:     types,
		wakeCh:    make(chan struct{}, 1),
		slotFreed: make(chan struct{}, 1),
		running:   map[uuid.UUID]*runningJob{},
	}
	return w, nil
}

// Ready reports whether the worker is up: it has started and either its LISTEN connection is
// connected or it runs on polling alone.
func (w *Worker) Ready() bool {
	if !w.ready.Load() {
		return false
	}
	return w.pollingOnly.Load() || (w.listener != nil && w.listener.connected.Load())
}

// PollingOnly reports whether NOTIFY is unavailable and the worker relies on polling.
func (w *Worker) PollingOnly() bool { return w.pollingOnly.Load() }

// Wake makes the dispatcher look for work now (non-blocking).
func (w *Worker) Wake() {
	select {
	case w.wakeCh <- struct{}{}:
	default:
	}
}

// Run claims and runs jobs until ctx is cancelled, then shuts down gracefully: it stops
// claiming, lets running jobs reach a chunk boundary within ShutdownGrace and releases them
// for another replica. It returns nil after a graceful shutdown.
func (w *Worker) Run(ctx context.Context) error {
	bg, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	defer stopBackground()
	var bgWG sync.WaitGroup
	defer bgWG.Wait()
	defer stopBackground()

	pollInterval := w.cfg.PollInterval
	if w.cfg.ListenConnect == nil {
		w.pollingOnly.Store(true)
	} else if err := probeNotify(ctx, w.cfg.ListenConnect, w.notify, 3*time.Second); err != nil {
		w.pollingOnly.Store(true)
		w.logger.Error("NOTIFY does not reach this worker; running on polling alone. "+
			"DATABASE_URL probably points at Supabase's transaction pooler (port 6543), which breaks LISTEN: "+
			"use the direct connection or Supavisor session mode (port 5432).",
			slog.Any("error", err), slog.Duration("poll_interval", w.cfg.FallbackPollInterval))
	}
	if w.pollingOnly.Load() {
		pollInterval = w.cfg.FallbackPollInterval
		w.metrics.pollingOnly.Set(1)
	} else {
		w.listener = newListener(w.cfg.ListenConnect, w.cfg.WorkerID, w.logger, w.metrics, w.Wake, w.cancelRequested)
		bgWG.Add(2)
		go func() { defer bgWG.Done(); w.listener.run(bg) }()
		go func() {
			defer bgWG.Done()
			w.listener.watchdog(bg, func(ctx context.Context, ch string) error { return w.notify(ctx, ch, "") }, w.cfg.WatchdogInterval)
		}()
	}
	bgWG.Add(1)
	go func() { defer bgWG.Done(); w.purgeLoop(bg) }()
	w.ready.Store(true)
	defer w.ready.Store(false)
	w.logger.Info("worker started", slog.Int("concurrency", w.cfg.Concurrency), slog.Any("types", w.types),
		slog.Duration("lease", w.cfg.LeaseDuration), slog.Duration("poll_interval", pollInterval),
		slog.Bool("polling_only", w.pollingOnly.Load()))

	err := w.dispatch(ctx, pollInterval)
	w.shutdown()
	return err
}

// notify sends NOTIFY channel through the pool.
func (w *Worker) notify(ctx context.Context, channel, payload string) error {
	_, err := w.cfg.Pool.Exec(ctx, "select pg_notify($1, $2)", channel, payload)
	return err
}

// freeSlots is how many jobs the worker may claim now: slots whose handler has returned, as
// long as the jobs whose outcome is still being written leave room (backpressure when the
// database is slow to record outcomes).
func (w *Worker) freeSlots() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return min(w.cfg.Concurrency-w.busy, 2*w.cfg.Concurrency-len(w.running))
}

// idle reports whether no claimed job is left: every outcome is recorded.
func (w *Worker) idle() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.running) == 0
}

// handlerReturned frees the job's slot and wakes the claim loop.
func (w *Worker) handlerReturned() {
	w.mu.Lock()
	w.busy--
	w.mu.Unlock()
	w.wakeClaimLoop()
}

// wakeClaimLoop tells the claim loop that room was made (non-blocking).
func (w *Worker) wakeClaimLoop() {
	select {
	case w.slotFreed <- struct{}{}:
	default:
	}
}

// shutdown stops running jobs at their next chunk boundary and waits for them; after the
// grace period it abandons their current chunk too.
func (w *Worker) shutdown() {
	w.mu.Lock()
	n := len(w.running)
	for _, rj := range w.running {
		rj.cancelSoft(ErrShutdown)
	}
	w.mu.Unlock()
	if n > 0 {
		w.logger.Info("shutting down: stopping running jobs at their next chunk boundary",
			slog.Int("running", n), slog.Duration("grace", w.cfg.ShutdownGrace))
	}
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(w.cfg.ShutdownGrace):
		w.logger.Warn("shutdown grace period over: abandoning the current chunk of running jobs")
		w.mu.Lock()
		for _, rj := range w.running {
			rj.cancelHard(ErrShutdown)
		}
		w.mu.Unlock()
		<-done
	}
	w.logger.Info("worker stopped")
}
