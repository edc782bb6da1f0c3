package jobs_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// When the database loses commits it had acknowledged (a failover to a replica that was
// behind), the job's checkpoint goes back in time under a running handler. The next chunk
// notices (ErrCheckpointLost), the job is handed back without using an attempt, and the
// next run resumes from the checkpoint the database really has, so the lost chunk is
// redone instead of silently skipped.
func TestLostCheckpointIsNoticedAndTheLostChunkRedone(t *testing.T) {
	e := newEnv(t)
	e.createChunkLog(t)
	id := e.insertJob(t, e.unit)

	const total = 6
	afterChunk2, resume := make(chan struct{}), make(chan struct{})
	var runs atomic.Int32
	h := jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		runs.Add(1)
		var cur chunkCursor
		if _, err := run.LoadCheckpoint(ctx, &cur); err != nil {
			return err
		}
		for i := cur.Next; i < total; i++ {
			err := run.Chunk(ctx, chunkCursor{Next: i + 1}, func(ctx context.Context, tx pgx.Tx) error {
				_, err := tx.Exec(ctx, `insert into public.chunk_log (job_id, chunk, attempt) values ($1, $2, $3)`,
					run.Job.ID, i, run.Job.Attempt)
				if err != nil {
					return fmt.Errorf("write chunk %d: %w", i, err)
				}
				return nil
			})
			if err != nil {
				return err
			}
			if i == 2 && runs.Load() == 1 {
				close(afterChunk2)
				<-resume
			}
		}
		return nil
	})
	hw := e.startWorker(t, jobs.Config{ListenConnect: listenConnect(e.db.URL), Handlers: handlers(h), PollInterval: time.Minute})

	select {
	case <-afterChunk2:
	case <-time.After(10 * time.Second):
		t.Fatal("the handler never reached chunk 2")
	}
	// The "failover": chunk 2 and its checkpoint are gone, the checkpoint is back at chunk 2.
	ctx := context.Background()
	_, err := e.db.Pool.Exec(ctx, `delete from public.chunk_log where job_id = $1 and chunk = 2`, id)
	require.NoError(t, err)
	_, err = e.db.Pool.Exec(ctx, `update public.import_job_checkpoints set cursor = '{"next": 2}' where job_id = $1`, id)
	require.NoError(t, err)
	close(resume)

	require.Equal(t, jobs.OutcomeReleased, hw.waitEnded(t, id, 10*time.Second), "the first run hands the job back")
	require.Equal(t, jobs.OutcomeCompleted, hw.waitEnded(t, id, 10*time.Second), "the next run completes it")
	chunks, _ := e.chunkLog(t, id)
	require.Equal(t, []int{0, 1, 2, 3, 4, 5}, chunks, "the lost chunk was redone, none twice")
	require.Equal(t, int32(2), runs.Load())
	require.Equal(t, 1, e.job(t, id).Attempt, "a lost checkpoint does not use up an attempt")
}
