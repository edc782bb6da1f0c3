package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
	sqlfiles "github.com/chuckbox/importworker/sql"
)

// slowChunkHandler runs one chunk that tells the test it has started (inChunk) and then
// waits, inside the chunk's transaction, until the test lets it go (or 10 s have passed). A
// second chunk follows, so a cancel request is seen at the boundary.
func slowChunkHandler(inChunk chan<- struct{}, release <-chan struct{}) jobs.Handler {
	return jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		err := run.Chunk(ctx, chunkCursor{Next: 1}, func(ctx context.Context, tx pgx.Tx) error {
			close(inChunk)
			select {
			case <-release:
			case <-time.After(10 * time.Second):
			}
			_, err := tx.Exec(ctx, `insert into public.chunk_log (job_id, chunk, attempt) values ($1, 0, $2)`, run.Job.ID, run.Job.Attempt)
			return err
		})
		if err != nil {
			return err
		}
		return run.Chunk(ctx, chunkCursor{Next: 2}, func(context.Context, pgx.Tx) error { return nil })
	})
}

// A leader's cancel request is an UPDATE of the job row. It must not queue behind the lock
// that a chunk in flight holds on that row for its fence: the browser's request would hang
// for the whole chunk, and fail once the chunk outlasts the API's 8 s lock_timeout.
func TestCancelRequestDoesNotWaitForChunkInFlight(t *testing.T) {
	e := newEnv(t)
	e.createChunkLog(t)
	id := e.insertJob(t, e.unit)
	inChunk, release := make(chan struct{}), make(chan struct{})
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	h := e.startWorker(t, jobs.Config{Handlers: handlers(slowChunkHandler(inChunk, release)),
		ListenConnect: listenConnect(e.db.URL), PollInterval: time.Minute})
	select {
	case <-inChunk:
	case <-time.After(10 * time.Second):
		t.Fatal("chunk did not start")
	}

	start := time.Now()
	e.asLeader(t, `select public.cancel_import_job($1)`, id)
	took := time.Since(start)
	t.Logf("cancel RPC took %s while a chunk was in flight", took.Round(time.Millisecond))
	require.Less(t, took, 2*time.Second, "the cancel request waited for the chunk")
	require.NotNil(t, e.job(t, id).CancelAt)

	close(release)
	require.Equal(t, jobs.OutcomeCancelled, h.waitEnded(t, id, 10*time.Second))
	chunks, _ := e.chunkLog(t, id)
	require.Equal(t, []int{0}, chunks, "the chunk in flight completes; the next one does not start")
}

// While a chunk is in flight its job cannot be rescued, even with an expired lease: the
// reaper skips the locked row, so the chunk's data always commits under the lease it was
// written with.
func TestReaperSkipsJobWhileChunkInFlight(t *testing.T) {
	e := newEnv(t)
	e.createChunkLog(t)
	id := e.insertJob(t, e.unit)
	inChunk, release := make(chan struct{}), make(chan struct{})
	defer func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}()
	// A 30 s lease and a one-minute poll: neither the heartbeat nor this worker's own reaper
	// runs during the test.
	h := e.startWorker(t, jobs.Config{Handlers: handlers(slowChunkHandler(inChunk, release)),
		LeaseDuration: 30 * time.Second, PollInterval: time.Minute})
	select {
	case <-inChunk:
	case <-time.After(10 * time.Second):
		t.Fatal("chunk did not start")
	}

	ctx := context.Background()
	// Let the lease run out in the database (as if the heartbeat had stalled). lock_timeout:
	// fail rather than hang if the fence lock blocked this plain update.
	err := pgx.BeginFunc(ctx, e.db.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `set local lock_timeout = '2s'`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `update public.import_jobs set lease_expires_at = now() - interval '1 second' where id = $1`, id)
		return err
	})
	require.NoError(t, err)
	rows, err := e.db.Pool.Query(ctx, sqlfiles.Query("reap_expired"))
	require.NoError(t, err)
	reaped := 0
	for rows.Next() {
		reaped++
	}
	require.NoError(t, rows.Err())
	require.Zero(t, reaped, "the reaper took a job whose chunk was in flight")
	require.Equal(t, "processing", e.job(t, id).Status)

	close(release)
	require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, id, 10*time.Second))
	chunks, _ := e.chunkLog(t, id)
	require.Equal(t, []int{0}, chunks)
}
