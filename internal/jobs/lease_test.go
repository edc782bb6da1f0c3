package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// stealLease gives the job's lease to someone else, as a reaper plus another worker would,
// and returns the thief's token.
func (e *env) stealLease(t *testing.T, id uuid.UUID) uuid.UUID {
	t.Helper()
	var token uuid.UUID
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), `update public.import_jobs
		set lease_token = gen_random_uuid(), lease_owner = 'thief', lease_expires_at = now() + interval '1 hour'
		where id = $1 and status = 'processing' returning lease_token`, id).Scan(&token))
	return token
}

// Once the lease is gone, Chunk refuses to run (ErrLeaseLost, its function never called),
// the run's context is cancelled with ErrLeaseLost, and the handler's success is not
// recorded: the row stays as the new owner left it.
func TestLeaseLostChunkRefusesAndNothingIsWritten(t *testing.T) {
	e := newEnv(t)
	e.createChunkLog(t)
	id := e.insertJob(t, e.unit)

	ready, stolen := make(chan struct{}), make(chan struct{})
	var (
		mu        sync.Mutex
		chunkErr  error
		fnCalled  bool
		ctxCause  error
		waitedOut bool
	)
	h := jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		insert := func(chunk int) func(context.Context, pgx.Tx) error {
			return func(ctx context.Context, tx pgx.Tx) error {
				mu.Lock()
				fnCalled = chunk > 0
				mu.Unlock()
				_, err := tx.Exec(ctx, `insert into public.chunk_log (job_id, chunk, attempt) values ($1, $2, 1)`, run.Job.ID, chunk)
				return err
			}
		}
		if err := run.Chunk(ctx, chunkCursor{Next: 1}, insert(0)); err != nil {
			return err
		}
		close(ready)
		select {
		case <-stolen:
		case <-time.After(10 * time.Second):
			mu.Lock()
			waitedOut = true
			mu.Unlock()
		}
		err := run.Chunk(ctx, chunkCursor{Next: 2}, insert(1))
		mu.Lock()
		chunkErr, ctxCause = err, context.Cause(ctx)
		mu.Unlock()
		run.SetResult(map[string]bool{"done": true})
		return nil // as if the handler ignored the error: the worker must still not complete the job
	})
	// A 30 s lease: the heartbeat (every 10 s) does not run during the test, so the fence in
	// Chunk is what notices.
	w := e.startWorker(t, jobs.Config{Handlers: handlers(h), LeaseDuration: 30 * time.Second})

	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("handler did not start")
	}
	thief := e.stealLease(t, id)
	close(stolen)
	require.Equal(t, jobs.OutcomeLeaseLost, w.waitEnded(t, id, 10*time.Second))

	mu.Lock()
	defer mu.Unlock()
	require.False(t, waitedOut)
	require.ErrorIs(t, chunkErr, jobs.ErrLeaseLost)
	require.False(t, fnCalled, "the chunk's function ran without the lease")
	require.ErrorIs(t, ctxCause, jobs.ErrLeaseLost)

	row := e.job(t, id)
	require.Equal(t, "processing", row.Status)
	require.Equal(t, thief, row.LeaseToken.UUID)
	require.Equal(t, "thief", row.LeaseOwner)
	require.Empty(t, row.Result)
	require.Nil(t, row.CompletedAt)
	chunks, _ := e.chunkLog(t, id)
	require.Equal(t, []int{0}, chunks)
	cp, _ := e.checkpoint(t, id)
	require.Equal(t, 1, cp.Next)
}

// The heartbeat notices a stolen lease while the handler is busy outside any chunk: the
// context is cancelled with ErrLeaseLost within about one heartbeat period (lease 3 s: a
// heartbeat every second), and neither progress nor completion of that run is written.
func TestLeaseLostDetectedByHeartbeat(t *testing.T) {
	e := newEnv(t)
	id := e.insertJob(t, e.unit)

	ready, stolen := make(chan struct{}), make(chan struct{})
	var (
		mu     sync.Mutex
		lostAt time.Time
		cause  error
	)
	h := jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		run.SetProgress(jobs.Progress{Phase: "work", TotalItems: 10, ProcessedItems: 5})
		close(ready)
		<-stolen
		select {
		case <-ctx.Done():
			mu.Lock()
			lostAt, cause = time.Now(), context.Cause(ctx)
			mu.Unlock()
		case <-time.After(10 * time.Second):
		}
		run.SetProgress(jobs.Progress{Phase: "finishing", TotalItems: 10, ProcessedItems: 9})
		run.SetResult(map[string]bool{"done": true})
		return nil
	})
	w := e.startWorker(t, jobs.Config{Handlers: handlers(h), LeaseDuration: 3 * time.Second,
		ProgressInterval: 50 * time.Millisecond})

	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("handler did not start")
	}
	// The phase change is written at once; wait for it before stealing the lease.
	require.Eventually(t, func() bool { return e.job(t, id).ProcessedItems == 5 }, 5*time.Second, tick)
	thief := e.stealLease(t, id)
	stolenAt := time.Now()
	close(stolen)
	require.Equal(t, jobs.OutcomeLeaseLost, w.waitEnded(t, id, 10*time.Second))

	mu.Lock()
	defer mu.Unlock()
	require.ErrorIs(t, cause, jobs.ErrLeaseLost, "context cause")
	t.Logf("heartbeat noticed the lost lease after %s", lostAt.Sub(stolenAt).Round(time.Millisecond))
	require.Less(t, lostAt.Sub(stolenAt), 2500*time.Millisecond)

	row := e.job(t, id)
	require.Equal(t, "processing", row.Status, "status stays as the thief set it")
	require.Equal(t, thief, row.LeaseToken.UUID)
	require.Equal(t, 5, row.ProcessedItems, "progress after the loss was written")
	require.Equal(t, "work", row.Phase)
	require.Empty(t, row.Result)
	require.Nil(t, row.CompletedAt)
}
