package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
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

	mu      sync.Mutex
	running map[uuid.UUID]*runningJob
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

// Outcome is how one attempt of a job ended.
type Outcome string

// Outcomes.
const (
	OutcomeCompleted Outcome = "completed"
	OutcomeFailed    Outcome = "failed"
	OutcomeRetry     Outcome = "retry"
	OutcomeCancelled Outcome = "cancelled"
	OutcomeReleased  Outcome = "released"
	OutcomeLeaseLost Outcome = "lease_lost"
)

type runningJob struct {
	run        *Run
	cancelSoft context.CancelCauseFunc
	cancelHard context.CancelCauseFunc
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

// claimSettle bounds how long a claim waits for more free slots while a backlog is worked.
const claimSettle = 5 * time.Millisecond

// dispatch is the claim loop.
func (w *Worker) dispatch(ctx context.Context, pollInterval time.Duration) error {
	poll := time.NewTicker(pollInterval)
	defer poll.Stop()
	w.reap(ctx)
	// While a backlog is worked (the last claim filled every free slot), a claim waits until a
	// quarter of the slots are free or claimSettle has passed, so that one statement claims a
	// batch instead of one job per finished job (each claim sorts the pending jobs). A worker
	// with fewer than 8 slots claims as soon as one is free.
	batchMin := max(1, w.cfg.Concurrency/4)
	backlog, settled := false, false
	var settle <-chan time.Time
	for {
		if ctx.Err() != nil {
			return nil
		}
		// idle: a claim made while nothing ran here found nothing. A claim that finds nothing
		// while a job runs proves nothing: the running job may be what blocks its unit's other
		// jobs (one running import per unit), and they become runnable when it ends. Only
		// dispatch adds to the running set, so a count of zero before the claim still holds
		// after it, and the jobs that ended had recorded their outcome before leaving the set.
		idle := false
		// One statement claims as many jobs as there are free slots; a short batch means the
		// queue has nothing more runnable for now (the next wake-up, freed slot or poll looks
		// again).
		for free := w.cfg.Concurrency - w.runningCount(); free > 0 && ctx.Err() == nil; free = w.cfg.Concurrency - w.runningCount() {
			if backlog && free < batchMin && !settled {
				if settle == nil {
					settle = time.After(claimSettle)
				}
				break
			}
			settle, settled = nil, false
			nothingRunning := free == w.cfg.Concurrency
			claimed, err := w.store.claim(ctx, w.cfg.WorkerID, w.cfg.LeaseDuration, w.types, free)
			if err != nil {
				if ctx.Err() == nil {
					w.logger.Error("claim failed", slog.Any("error", err))
				}
				break
			}
			backlog = len(claimed) == free
			if len(claimed) == 0 {
				idle = nothingRunning
				break
			}
			for _, c := range claimed {
				w.start(c)
			}
			if len(claimed) < free {
				break
			}
		}
		if w.cfg.ExitWhenIdle && idle {
			if n := w.reap(ctx); n == 0 {
				w.logger.Info("no runnable job left; exiting (--exit-when-idle)")
				return nil
			}
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wakeCh:
			settled = true // a new job: claim now
		case <-settle:
			settled = true
		case <-w.slotFreed:
		case <-poll.C:
			settled = true
			w.reap(ctx)
			w.sampleQueueDepth(ctx)
		}
	}
}

// reap rescues expired leases and returns how many jobs it moved.
func (w *Worker) reap(ctx context.Context) int {
	reaped, err := w.store.reapExpired(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Error("reaper failed", slog.Any("error", err))
		}
		return 0
	}
	for _, j := range reaped {
		w.metrics.rescued.WithLabelValues(j.Type).Inc()
		jobLogger(w.logger, j.ID, j.UnitID, j.Type, j.Attempt).Warn("lease expired; job rescued", slog.String("new_status", j.Status))
	}
	return len(reaped)
}

func (w *Worker) sampleQueueDepth(ctx context.Context) {
	depth, err := w.store.queueDepth(ctx)
	if err != nil {
		return
	}
	w.metrics.queueDepth.Reset()
	for k, n := range depth {
		w.metrics.queueDepth.WithLabelValues(k[0], k[1]).Set(float64(n))
	}
}

func (w *Worker) purgeLoop(ctx context.Context) {
	t := time.NewTicker(w.cfg.PurgeInterval)
	defer t.Stop()
	for {
		n, err := w.store.purgeInputs(ctx, w.cfg.RetainCompleted, w.cfg.RetainFailed)
		if err != nil && ctx.Err() == nil {
			w.logger.Error("purge of old inputs failed", slog.Any("error", err))
		} else if n > 0 {
			w.logger.Info("purged inputs of old finished jobs", slog.Int("jobs", n))
		}
		if n, err := w.store.purgeInputFiles(ctx, w.cfg.InputFiles, w.logger); err != nil && ctx.Err() == nil {
			w.logger.Error("deleting uploaded files of purged jobs failed", slog.Any("error", err))
		} else if n > 0 {
			w.logger.Info("deleted uploaded files of purged jobs", slog.Int("files", n))
		}
		if n, err := w.store.purgeOrphanUploads(ctx, w.cfg.InputFiles, w.cfg.RetainCompleted); err != nil && ctx.Err() == nil {
			w.logger.Error("deleting orphaned uploads failed", slog.Any("error", err))
		} else if n > 0 {
			w.logger.Info("deleted uploads no job names", slog.Int("files", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// notify sends NOTIFY channel through the pool.
func (w *Worker) notify(ctx context.Context, channel, payload string) error {
	_, err := w.cfg.Pool.Exec(ctx, "select pg_notify($1, $2)", channel, payload)
	return err
}

func (w *Worker) runningCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.running)
}

// cancelRequested handles a cancel NOTIFY for a job that runs here. Any session may NOTIFY
// the channel, so the notification is only a hint: the job's row is read again and the job is
// cancelled only when a leader's cancel request is recorded there (cancel_requested_at). When
// the row cannot be read, the heartbeat and the next chunk's fence check look at it anyway.
func (w *Worker) cancelRequested(id uuid.UUID) {
	w.mu.Lock()
	rj := w.running[id]
	w.mu.Unlock()
	if rj == nil {
		return
	}
	go func() {
		ctx, cancel := context.WithTimeout(rj.run.hardCtx, 10*time.Second)
		defer cancel()
		requested, ok, err := w.store.cancelRequested(ctx, id, rj.run.Job.leaseToken)
		switch {
		case err != nil:
			rj.run.logger.Warn("cancel notification: could not read the job's cancel request; the heartbeat will", slog.Any("error", err))
		case ok && requested:
			rj.run.logger.Info("cancel requested")
			rj.cancelSoft(ErrCancelRequested)
		case ok:
			w.metrics.cancelHintsIgnored.Inc()
			rj.run.logger.Warn("cancel notification ignored: the job's row holds no cancel request")
		}
	}()
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

// start runs a claimed job on its own goroutine.
func (w *Worker) start(c *claimedJob) {
	job := c.Job
	logger := jobLogger(w.logger, job.ID, job.UnitID, job.Type, job.Attempt)
	softCtx, cancelSoft := context.WithCancelCause(context.Background())
	hardCtx, cancelHard := context.WithCancelCause(context.Background())
	run := &Run{
		Job:              job,
		store:            w.store,
		logger:           logger,
		hardCtx:          hardCtx,
		progressInterval: w.cfg.ProgressInterval,
		kick:             make(chan struct{}, 1),
	}
	run.lastCursor = c.Checkpoint
	run.progress = c.Progress
	run.written = c.Progress
	run.progress.Phase, run.written.Phase = "starting", "starting"
	run.onCancel = func() { cancelSoft(ErrCancelRequested) }
	run.onLost = func() {
		cancelSoft(ErrLeaseLost)
		cancelHard(ErrLeaseLost)
	}
	rj := &runningJob{run: run, cancelSoft: cancelSoft, cancelHard: cancelHard}

	w.mu.Lock()
	w.running[job.ID] = rj
	w.mu.Unlock()
	w.wg.Add(1)

	w.metrics.claimed.WithLabelValues(job.Type).Inc()
	if job.Attempt == 1 {
		w.metrics.pickupLatency.WithLabelValues(job.Type).Observe(time.Since(job.CreatedAt).Seconds())
	}
	logger.Info("job claimed")
	if w.OnClaimed != nil {
		w.OnClaimed(job)
	}

	go func() {
		defer w.wg.Done()
		started := time.Now()
		outcome := w.execute(softCtx, rj)
		cancelSoft(context.Canceled)
		cancelHard(context.Canceled)
		w.metrics.duration.WithLabelValues(job.Type, string(outcome)).Observe(time.Since(started).Seconds())
		w.mu.Lock()
		delete(w.running, job.ID)
		w.mu.Unlock()
		logger.Info("job attempt ended", slog.String("outcome", string(outcome)), slog.Duration("took", time.Since(started)))
		if w.OnEnded != nil {
			w.OnEnded(job, outcome)
		}
		select {
		case w.slotFreed <- struct{}{}:
		default:
		}
	}()
}

// execute runs the handler with its heartbeat and progress flusher and records the outcome.
func (w *Worker) execute(softCtx context.Context, rj *runningJob) Outcome {
	run := rj.run
	job := run.Job

	// The checkpoint came with the claim (run.lastCursor, set by start): the handler resumes
	// from it and every chunk checks that it is still there. The creator's authority is checked
	// first: a job whose creator is no longer an active leader of the unit is not run.
	err := w.checkAuthority(run.hardCtx, job)
	if err == nil {
		err = w.runHandler(softCtx, rj)
	}

	cause := context.Cause(softCtx)
	// End-of-job writes get their own deadline: the job's contexts may be cancelled already.
	// Writes are retried while the database is unreachable (see retryWrite).
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	if errors.Is(cause, ErrLeaseLost) || errors.Is(err, ErrLeaseLost) {
		run.logger.Warn("lease lost: another worker or the reaper owns the job now; nothing written")
		return OutcomeLeaseLost
	}
	finalWrite := func(ok bool, werr error, outcome Outcome) Outcome {
		if werr != nil {
			run.logger.Error("could not record the job's outcome; the lease will expire and the reaper will retry it",
				slog.Any("error", werr), slog.String("outcome", string(outcome)))
			return OutcomeLeaseLost
		}
		if !ok {
			run.logger.Warn("lease lost before the outcome was recorded", slog.String("outcome", string(outcome)))
			return OutcomeLeaseLost
		}
		return outcome
	}

	switch {
	case err == nil:
		ok, werr := w.completer.complete(ctx, job.ID, job.leaseToken, run.resultValue())
		out := finalWrite(ok, werr, OutcomeCompleted)
		if out == OutcomeCompleted {
			w.metrics.completed.WithLabelValues(job.Type).Inc()
		}
		return out

	case isStop(err, cause, ErrCancelRequested):
		_ = run.flushProgress(true)
		p := run.Progress()
		msg := fmt.Sprintf("Cancelled by a leader. %d of %d items had been processed; what was imported before the cancel is kept.",
			p.ProcessedItems, p.TotalItems)
		ok, werr := retryWrite(ctx, func(ctx context.Context) (bool, error) {
			return w.store.finish(ctx, job.ID, job.leaseToken, "cancelled", msg, run.resultValue())
		})
		out := finalWrite(ok, werr, OutcomeCancelled)
		if out == OutcomeCancelled {
			w.metrics.cancelled.WithLabelValues(job.Type).Inc()
		}
		return out

	case IsPermanent(err):
		_ = run.flushProgress(true)
		ok, werr := retryWrite(ctx, func(ctx context.Context) (bool, error) {
			return w.store.finish(ctx, job.ID, job.leaseToken, "failed", err.Error(), run.resultValue())
		})
		out := finalWrite(ok, werr, OutcomeFailed)
		if out == OutcomeFailed {
			w.metrics.failed.WithLabelValues(job.Type).Inc()
			run.logger.Warn("job failed (permanent error)", slog.Any("error", err))
		}
		return out

	case isStop(err, cause, ErrShutdown) || isConnectionError(err) || errors.Is(err, ErrCheckpointLost):
		// Shutdown, or the database went away under the job: not the job's fault, so the
		// job is handed back without using up an attempt and resumes from its checkpoint.
		_ = run.flushProgress(true)
		ok, werr := retryWrite(ctx, func(ctx context.Context) (bool, error) { return w.store.release(ctx, job.ID, job.leaseToken) })
		out := finalWrite(ok, werr, OutcomeReleased)
		if out == OutcomeReleased {
			w.metrics.released.WithLabelValues(job.Type).Inc()
		}
		return out

	case job.Attempt >= job.MaxAttempts:
		_ = run.flushProgress(true)
		msg := fmt.Sprintf("The import failed %d times and will not be retried automatically; last error: %v", job.Attempt, err)
		ok, werr := retryWrite(ctx, func(ctx context.Context) (bool, error) {
			return w.store.finish(ctx, job.ID, job.leaseToken, "failed", msg, run.resultValue())
		})
		out := finalWrite(ok, werr, OutcomeFailed)
		if out == OutcomeFailed {
			w.metrics.failed.WithLabelValues(job.Type).Inc()
			run.logger.Error("job failed: attempts used up", slog.Any("error", err))
		}
		return out

	default:
		_ = run.flushProgress(true)
		delay := w.cfg.Backoff.Delay(job.Attempt, randFloat)
		msg := fmt.Sprintf("Attempt %d of %d failed: %v. Retrying in %s.", job.Attempt, job.MaxAttempts, err, delay.Round(time.Second))
		ok, werr := retryWrite(ctx, func(ctx context.Context) (bool, error) {
			return w.store.retryLater(ctx, job.ID, job.leaseToken, msg, delay)
		})
		out := finalWrite(ok, werr, OutcomeRetry)
		if out == OutcomeRetry {
			w.metrics.retried.WithLabelValues(job.Type).Inc()
			run.logger.Warn("job attempt failed; retry scheduled", slog.Any("error", err), slog.Duration("backoff", delay))
		}
		return out
	}
}

// ErrCreatorNotLeader is the permanent error of a job whose creator may no longer import for
// its unit.
var ErrCreatorNotLeader = errors.New("the leader who started this import is no longer an active leader of the unit, " +
	"so the import was not run (a part imported by an earlier attempt stays); a current leader of the unit can upload the file again")

// checkAuthority fails the job when its creator is no longer an active leader of the unit: the
// worker bypasses row-level security, so the right to import is checked again at every start
// of work, not only when the job was inserted.
func (w *Worker) checkAuthority(ctx context.Context, job Job) error {
	ok, err := w.store.creatorAuthorized(ctx, job.ID)
	if err != nil {
		return err
	}
	if !ok {
		return Permanent(ErrCreatorNotLeader)
	}
	return nil
}

// isStop reports whether the handler stopped because of reason: it returned reason itself, or
// a context error while reason was the context's cause.
func isStop(err, cause, reason error) bool {
	if errors.Is(err, reason) {
		return true
	}
	return errors.Is(cause, reason) && (errors.Is(err, context.Canceled) || errors.Is(err, ErrCancelRequested) ||
		errors.Is(err, ErrShutdown))
}

// runHandler runs the job's handler with its heartbeat and progress flusher beside it.
func (w *Worker) runHandler(softCtx context.Context, rj *runningJob) error {
	loopsCtx, stopLoops := context.WithCancel(context.Background())
	var loops sync.WaitGroup
	loops.Add(2)
	go func() { defer loops.Done(); w.heartbeat(loopsCtx, rj) }()
	go func() { defer loops.Done(); rj.run.runFlusher(loopsCtx) }()
	defer func() { stopLoops(); loops.Wait() }()
	return safeHandle(softCtx, w.cfg.Handlers[rj.run.Job.Type], rj.run)
}

// heartbeat extends the lease every third of its duration, and notices a lost lease or a
// cancel request whose NOTIFY was missed.
func (w *Worker) heartbeat(ctx context.Context, rj *runningJob) {
	run := rj.run
	t := time.NewTicker(w.cfg.LeaseDuration / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, cancelRequested, err := w.store.heartbeat(ctx, run.Job.ID, run.Job.leaseToken, w.cfg.LeaseDuration)
		if err != nil {
			if ctx.Err() == nil {
				run.logger.Warn("heartbeat failed", slog.Any("error", err))
			}
			continue
		}
		if !ok {
			run.onLost()
			return
		}
		if cancelRequested {
			rj.cancelSoft(ErrCancelRequested)
		}
	}
}

// safeHandle calls h, turning a panic into a permanent error so it fails the job, not the
// process.
func safeHandle(ctx context.Context, h Handler, run *Run) (err error) {
	defer func() {
		if p := recover(); p != nil {
			run.logger.Error("handler panicked", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			err = Permanentf("internal error in the %s import (panic: %v); please report this job id to the maintainers", run.Job.Type, p)
		}
	}()
	return h.Handle(withLogger(ctx, run.logger), run)
}
