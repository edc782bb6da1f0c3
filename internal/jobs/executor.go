// The executor runs one claimed job: it checks the creator's authority, runs the handler with
// its heartbeat and progress flusher beside it, turns a panic into a failure, and records the
// outcome (completed through the completer; cancelled, failed, released or retried with
// backoff through the store), every write fenced by the job's lease token.

package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/google/uuid"
)

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
	run *Run
	// creatorAuthorized: the job's creator may still import for its unit, read by the claim.
	// The worker writes for every unit, so the right to import is checked again at every start
	// of work, not only when the job was inserted.
	creatorAuthorized bool
	cancelSoft        context.CancelCauseFunc
	cancelHard        context.CancelCauseFunc
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
	rj := &runningJob{run: run, creatorAuthorized: c.CreatorAuthorized, cancelSoft: cancelSoft, cancelHard: cancelHard}

	w.mu.Lock()
	w.running[job.ID] = rj
	w.busy++
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
		w.wakeClaimLoop() // an outcome recorded also makes room (see freeSlots)
	}()
}

// execute runs the handler with its heartbeat and progress flusher and records the outcome.
func (w *Worker) execute(softCtx context.Context, rj *runningJob) Outcome {
	run := rj.run
	job := run.Job

	// The checkpoint came with the claim (run.lastCursor, set by start): the handler resumes
	// from it and every chunk checks that it is still there. The creator's authority came with
	// the claim too: a job whose creator is no longer an active leader of the unit is not run.
	var err error
	if rj.creatorAuthorized {
		err = w.runHandler(softCtx, rj)
	} else {
		err = Permanent(ErrCreatorNotLeader)
	}
	w.handlerReturned()

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

// isStop reports whether the handler stopped because of reason: it returned reason itself, or
// a context error while reason was the context's cause.
func isStop(err, cause, reason error) bool {
	if errors.Is(err, reason) {
		return true
	}
	return errors.Is(cause, reason) && (errors.Is(err, context.Canceled) || errors.Is(err, ErrCancelRequested) ||
		errors.Is(err, ErrShutdown))
}

// loopsDelay is how long a handler runs before its heartbeat and progress flusher start.
const loopsDelay = 20 * time.Millisecond

// runHandler runs the job's handler with its heartbeat and progress flusher beside it. The two
// loops start only once the handler has run for loopsDelay: a job that ends sooner needs
// neither (its lease is fresh, and its outcome write records its progress), and a worker
// running many short jobs saves two goroutines and two timers per job. A phase change before
// then is not lost: the flusher finds its kick waiting.
func (w *Worker) runHandler(softCtx context.Context, rj *runningJob) error {
	loopsCtx, stopLoops := context.WithCancel(context.Background())
	var (
		loops   sync.WaitGroup
		mu      sync.Mutex
		stopped bool
	)
	timer := time.AfterFunc(loopsDelay, func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		loops.Add(2)
		go func() { defer loops.Done(); w.heartbeat(loopsCtx, rj) }()
		go func() { defer loops.Done(); rj.run.runFlusher(loopsCtx) }()
	})
	defer func() {
		// After stopped is set no loop starts, so Wait cannot race with Add.
		mu.Lock()
		stopped = true
		mu.Unlock()
		timer.Stop()
		stopLoops()
		loops.Wait()
	}()
	return safeHandle(softCtx, w.cfg.Handlers[rj.run.Job.Type], rj.run)
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
