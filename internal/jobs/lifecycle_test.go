package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// A leader cancels a running job through the browser's path (RPC under RLS): the handler's
// context is cancelled with ErrCancelRequested within a second, the job ends cancelled with a
// message saying so, and the chunks committed before the cancel stay.
func TestCancelRunningJobFromBrowser(t *testing.T) {
	e := newEnv(t)
	e.createChunkLog(t)
	id := e.insertJob(t, e.unit)

	var (
		mu         sync.Mutex
		committed  int
		chunkErr   error
		cancelSeen time.Time
		cause      error
	)
	threeDone := make(chan struct{})
	h := jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		context.AfterFunc(ctx, func() {
			mu.Lock()
			cancelSeen, cause = time.Now(), context.Cause(ctx)
			mu.Unlock()
		})
		const total = 100000 // far more than the test lets it reach
		for i := 0; i < total; i++ {
			err := run.Chunk(ctx, chunkCursor{Next: i + 1}, func(ctx context.Context, tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `insert into public.chunk_log (job_id, chunk, attempt) values ($1, $2, 1)`,
					run.Job.ID, i); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `select pg_sleep(0.02)`)
				return err
			})
			if err != nil {
				mu.Lock()
				chunkErr = err
				mu.Unlock()
				// Chunk's own fence check may see the request before the cancel NOTIFY has
				// cancelled the context: give the NOTIFY its chance, then stop.
				select {
				case <-ctx.Done():
				case <-time.After(3 * time.Second):
				}
				return err
			}
			mu.Lock()
			committed = i + 1
			mu.Unlock()
			run.SetProgress(jobs.Progress{Phase: "chunks", TotalItems: total, ProcessedItems: i + 1})
			if i == 2 {
				close(threeDone)
			}
		}
		return nil
	})
	// A long lease: the heartbeat (every 10 s) cannot be what cancels the context; only the
	// cancel NOTIFY can.
	w := e.startWorker(t, jobs.Config{Handlers: handlers(h), ListenConnect: listenConnect(e.db.URL),
		LeaseDuration: 30 * time.Second, PollInterval: time.Minute})

	select {
	case <-threeDone:
	case <-time.After(10 * time.Second):
		t.Fatal("handler did not commit 3 chunks")
	}
	e.asLeader(t, `select public.cancel_import_job($1)`, id)
	cancelled := time.Now()
	require.Equal(t, jobs.OutcomeCancelled, w.waitEnded(t, id, 10*time.Second))

	mu.Lock()
	defer mu.Unlock()
	t.Logf("cancel reached the handler's context %s after the RPC returned, after %d chunks",
		cancelSeen.Sub(cancelled).Round(time.Millisecond), committed)
	require.ErrorIs(t, cause, jobs.ErrCancelRequested, "context cause")
	require.Less(t, cancelSeen.Sub(cancelled), time.Second, "the cancel should reach the handler within a second")
	require.ErrorIs(t, chunkErr, jobs.ErrCancelRequested, "the next Chunk refuses to start")

	row := e.job(t, id)
	require.Equal(t, "cancelled", row.Status)
	require.Equal(t, "cancelled", row.Phase)
	require.NotNil(t, row.CompletedAt)
	require.False(t, row.LeaseToken.Valid)
	require.Contains(t, row.ErrorMessage, "Cancelled by a leader")
	require.Contains(t, row.ErrorMessage, fmt.Sprintf("%d of 100000 items", committed))
	require.Equal(t, committed, e.chunkCount(t, id), "chunks committed before the cancel stay")
	require.GreaterOrEqual(t, committed, 3)
	cp, found := e.checkpoint(t, id)
	require.True(t, found)
	require.Equal(t, committed, cp.Next)
}

// Cancelling a pending job cancels it at once; no worker ever claims it.
func TestCancelPendingJobIsNeverClaimed(t *testing.T) {
	e := newEnv(t)
	id := e.insertJob(t, e.unit)
	e.asLeader(t, `select public.cancel_import_job($1)`, id)
	row := e.job(t, id)
	require.Equal(t, "cancelled", row.Status)
	require.Equal(t, "Cancelled by a leader before it started.", row.ErrorMessage)
	require.Equal(t, 0, row.Attempt)

	var calls atomic.Int32
	h := e.startWorker(t, jobs.Config{Handlers: handlers(jobs.HandlerFunc(func(context.Context, *jobs.Run) error {
		calls.Add(1)
		return nil
	})), ExitWhenIdle: true})
	require.NoError(t, h.wait(t, 10*time.Second))
	require.Empty(t, h.Claimed, "a cancelled job was claimed")
	require.Zero(t, calls.Load())
	require.Equal(t, "cancelled", e.job(t, id).Status)
}

// A permanent error fails the job at once (one call, attempt 1, the handler's message); a
// leader's retry (RPC under RLS) runs it again from its checkpoint to completion.
func TestPermanentFailureThenLeaderRetryResumesFromCheckpoint(t *testing.T) {
	e := newEnv(t)
	id := e.insertJob(t, e.unit)
	var calls atomic.Int32
	var resumedFrom chunkCursor
	var resumedFound bool
	h := jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		n := calls.Add(1)
		var cur chunkCursor
		found, err := run.LoadCheckpoint(ctx, &cur)
		if err != nil {
			return err
		}
		if n == 1 {
			if err := run.Chunk(ctx, chunkCursor{Next: 1}, func(context.Context, pgx.Tx) error { return nil }); err != nil {
				return err
			}
			return jobs.Permanent(errors.New("line 7: the file is not a Troop Advancement export"))
		}
		resumedFrom, resumedFound = cur, found
		return run.Chunk(ctx, chunkCursor{Next: 2}, func(context.Context, pgx.Tx) error { return nil })
	})
	cfg := jobs.Config{Handlers: handlers(h), ExitWhenIdle: true, FallbackPollInterval: 50 * time.Millisecond}

	first := e.startWorker(t, cfg)
	require.NoError(t, first.wait(t, 10*time.Second))
	require.Equal(t, int32(1), calls.Load(), "a permanent error is not retried")
	row := e.job(t, id)
	require.Equal(t, "failed", row.Status)
	require.Equal(t, 1, row.Attempt)
	require.Equal(t, "line 7: the file is not a Troop Advancement export", row.ErrorMessage)
	require.NotNil(t, row.CompletedAt)

	e.asLeader(t, `select public.retry_import_job($1)`, id)
	row = e.job(t, id)
	require.Equal(t, "pending", row.Status)
	require.Equal(t, 0, row.Attempt)

	second := e.startWorker(t, cfg)
	require.NoError(t, second.wait(t, 10*time.Second))
	require.Equal(t, int32(2), calls.Load())
	require.True(t, resumedFound, "the retried run must find the checkpoint")
	require.Equal(t, chunkCursor{Next: 1}, resumedFrom)
	row = e.job(t, id)
	require.Equal(t, "completed", row.Status)
	require.Equal(t, 1, row.Attempt)
	require.Empty(t, row.ErrorMessage)
}

// The retry trigger wakes a listening worker like a new job does. (retry_import_job() only
// names retry_requested_at; the BEFORE trigger changes status, so the NOTIFY trigger must not
// be limited to a column list.)
func TestLeaderRetryWakesListeningWorker(t *testing.T) {
	e := newEnv(t)
	id := e.insertJob(t, e.unit)
	var calls atomic.Int32
	h := e.startWorker(t, jobs.Config{Handlers: handlers(jobs.HandlerFunc(func(context.Context, *jobs.Run) error {
		if calls.Add(1) == 1 {
			return jobs.Permanentf("bad input")
		}
		return nil
	})), ListenConnect: listenConnect(e.db.URL), PollInterval: time.Minute})
	require.Equal(t, jobs.OutcomeFailed, h.waitEnded(t, id, 5*time.Second))
	e.asLeader(t, `select public.retry_import_job($1)`, id)
	require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, id, 3*time.Second))
}

// A handler failing twice with a plain (transient) error and then succeeding: three
// attempts, completed, the retry messages gone.
func TestTransientErrorsAreRetriedWithBackoff(t *testing.T) {
	e := newEnv(t)
	id := e.insertJob(t, e.unit)
	var calls atomic.Int32
	h := e.startWorker(t, jobs.Config{Handlers: handlers(jobs.HandlerFunc(func(context.Context, *jobs.Run) error {
		if calls.Add(1) <= 2 {
			return errors.New("connection reset by peer")
		}
		return nil
	})), FallbackPollInterval: 50 * time.Millisecond,
		Backoff: jobs.Backoff{Base: 10 * time.Millisecond, Max: 20 * time.Millisecond}})

	var outcomes []jobs.Outcome
	for len(outcomes) < 3 {
		outcomes = append(outcomes, h.waitEnded(t, id, 5*time.Second))
	}
	require.Equal(t, []jobs.Outcome{jobs.OutcomeRetry, jobs.OutcomeRetry, jobs.OutcomeCompleted}, outcomes)
	require.Equal(t, int32(3), calls.Load())
	row := e.job(t, id)
	require.Equal(t, "completed", row.Status)
	require.Equal(t, 3, row.Attempt)
	require.Empty(t, row.ErrorMessage)
}

// retry_later sets run_after = now() + the backoff delay, and the job is not claimed before.
func TestTransientErrorSchedulesRetryAfterBackoff(t *testing.T) {
	e := newEnv(t)
	id := e.insertJob(t, e.unit)
	calls := map[uuid.UUID]int{}
	var mu sync.Mutex
	h := e.startWorker(t, jobs.Config{Handlers: handlers(jobs.HandlerFunc(func(_ context.Context, run *jobs.Run) error {
		mu.Lock()
		calls[run.Job.ID]++
		mu.Unlock()
		if run.Job.ID == id {
			return errors.New("upstream timeout")
		}
		return nil
	})), FallbackPollInterval: 50 * time.Millisecond, Backoff: jobs.Backoff{Base: time.Hour, Max: 2 * time.Hour}})
	require.Equal(t, jobs.OutcomeRetry, h.waitEnded(t, id, 5*time.Second))

	var delay, untilRunnable float64
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), `select extract(epoch from run_after - updated_at),
			extract(epoch from run_after - clock_timestamp()) from public.import_jobs where id = $1`, id).Scan(&delay, &untilRunnable))
	// updated_at and run_after both come from now() of the retry_later statement.
	require.InDelta(t, 3600, delay, 0.001, "run_after = now() + base delay (attempt 1, no jitter)")
	require.InDelta(t, 3600, untilRunnable, 10)
	row := e.job(t, id)
	require.Equal(t, "pending", row.Status)
	require.Equal(t, "retry_scheduled", row.Phase)
	require.Contains(t, row.ErrorMessage, "Attempt 1 of 5 failed: upstream timeout. Retrying in 1h0m0s.")

	// The worker keeps polling (it claims and finishes a job of another unit inserted now) but
	// leaves the backed-off job alone.
	other := e.insertJob(t, e.db.CreateUnit(t, "Troop 2"))
	require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, other, 5*time.Second))
	require.NoError(t, h.stop(t))
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, 1, calls[id], "claimed during its backoff")
	row = e.job(t, id)
	require.Equal(t, "pending", row.Status)
	require.Equal(t, 1, row.Attempt)
}

// With max_attempts 2, two transient failures fail the job with a message naming the attempts.
func TestMaxAttemptsEndsFailed(t *testing.T) {
	e := newEnv(t)
	id := e.insertJob(t, e.unit)
	_, err := e.db.Pool.Exec(context.Background(), `update public.import_jobs set max_attempts = 2 where id = $1`, id)
	require.NoError(t, err)
	var calls atomic.Int32
	h := e.startWorker(t, jobs.Config{Handlers: handlers(jobs.HandlerFunc(func(context.Context, *jobs.Run) error {
		calls.Add(1)
		return errors.New("database is starting up")
	})), FallbackPollInterval: 50 * time.Millisecond, Backoff: jobs.Backoff{Base: 10 * time.Millisecond, Max: 10 * time.Millisecond}})
	require.Equal(t, jobs.OutcomeRetry, h.waitEnded(t, id, 5*time.Second))
	require.Equal(t, jobs.OutcomeFailed, h.waitEnded(t, id, 5*time.Second))
	require.Equal(t, int32(2), calls.Load())
	row := e.job(t, id)
	require.Equal(t, "failed", row.Status)
	require.Equal(t, 2, row.Attempt)
	require.Contains(t, row.ErrorMessage, "failed 2 times")
	require.Contains(t, row.ErrorMessage, "database is starting up")
}

// A panicking handler fails its job with a message naming the panic; the worker survives and
// runs the next job.
func TestPanicFailsJobAndWorkerGoesOn(t *testing.T) {
	e := newEnv(t)
	bad := e.insertJob(t, e.unit)
	good := e.insertJob(t, e.db.CreateUnit(t, "Troop 2"))
	h := e.startWorker(t, jobs.Config{Concurrency: 1, Handlers: handlers(jobs.HandlerFunc(func(_ context.Context, run *jobs.Run) error {
		if run.Job.ID == bad {
			var m map[string]int
			//lint:ignore SA5000 a nil map write on purpose: a real runtime panic
			m["boom"]++
		}
		return nil
	})), ExitWhenIdle: true})
	require.NoError(t, h.wait(t, 10*time.Second), "the worker must survive the panic")
	row := e.job(t, bad)
	require.Equal(t, "failed", row.Status)
	require.Contains(t, row.ErrorMessage, "panic")
	require.Contains(t, row.ErrorMessage, "assignment to entry in nil map")
	require.Equal(t, "completed", e.job(t, good).Status)
}
