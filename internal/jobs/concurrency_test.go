package jobs_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// unitTracker counts handler calls per job and running handlers per unit.
type unitTracker struct {
	mu          sync.Mutex
	calls       map[uuid.UUID]int
	inFlight    map[uuid.UUID]int
	overlaps    []string
	maxParallel int
	running     int
	byWorker    map[string]int
}

func newUnitTracker() *unitTracker {
	return &unitTracker{calls: map[uuid.UUID]int{}, inFlight: map[uuid.UUID]int{}, byWorker: map[string]int{}}
}

func (u *unitTracker) enter(job jobs.Job, worker string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls[job.ID]++
	u.byWorker[worker]++
	u.inFlight[job.UnitID]++
	if u.inFlight[job.UnitID] > 1 {
		u.overlaps = append(u.overlaps, fmt.Sprintf("unit %s: %d jobs at once (job %s)", job.UnitID, u.inFlight[job.UnitID], job.ID))
	}
	u.running++
	u.maxParallel = max(u.maxParallel, u.running)
}

func (u *unitTracker) leave(job jobs.Job) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.inFlight[job.UnitID]--
	u.running--
}

// Four workers, each with its own pool and LISTEN connection, race for 200 jobs of 10 units:
// every job runs exactly once and completes, and no unit ever has two jobs running at once.
func TestFourWorkersRunEachJobOnceAndOneJobPerUnit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.db.Pool.Exec(ctx, `create table public.run_log (job_id uuid primary key, worker text not null);
		grant insert on public.run_log to import_worker`)
	require.NoError(t, err)
	units := e.createUnits(t, 10)

	tr := newUnitTracker()
	handlerFor := func(worker string) jobs.Handler {
		return jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
			tr.enter(run.Job, worker)
			defer tr.leave(run.Job)
			// The primary key of run_log turns a second run of a job into an error.
			return run.Chunk(ctx, nil, func(ctx context.Context, tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `insert into public.run_log (job_id, worker) values ($1, $2)`, run.Job.ID, worker); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `select pg_sleep(0.003)`)
				return err
			})
		})
	}

	const workers, total = 4, 200
	ended := make(chan endedJob, total*2)
	hs := make([]*harness, workers)
	for i := range hs {
		name := fmt.Sprintf("w%d", i+1)
		hs[i] = e.startWorker(t, jobs.Config{WorkerID: name, Handlers: handlers(handlerFor(name)),
			ListenConnect: listenConnect(e.db.URL), Concurrency: 3, PollInterval: 500 * time.Millisecond})
	}
	quit := make(chan struct{})
	t.Cleanup(func() { close(quit) })
	for _, h := range hs {
		require.Eventually(t, h.W.Ready, 10*time.Second, tick)
		go func(h *harness) { // merge the workers' OnEnded events
			for {
				select {
				case ev := <-h.Ended:
					ended <- ev
				case <-quit:
					return
				}
			}
		}(h)
	}

	started := time.Now()
	ids := e.insertJobsRoundRobin(t, units, total)
	outcomes := map[uuid.UUID]jobs.Outcome{}
	deadline := time.After(60 * time.Second)
	for len(outcomes) < total {
		select {
		case ev := <-ended:
			require.NotContains(t, outcomes, ev.Job.ID, "job %s ended twice", ev.Job.ID)
			outcomes[ev.Job.ID] = ev.Outcome
		case <-deadline:
			t.Fatalf("only %d of %d jobs ended within 60s", len(outcomes), total)
		}
	}
	t.Logf("%d jobs on %d workers in %s; at most %d handlers at once; per worker %v",
		total, workers, time.Since(started), tr.maxParallel, tr.byWorker)
	for _, h := range hs {
		require.NoError(t, h.stop(t))
	}

	tr.mu.Lock()
	defer tr.mu.Unlock()
	require.Empty(t, tr.overlaps, "two jobs of one unit ran at the same time")
	for _, id := range ids {
		require.Equal(t, 1, tr.calls[id], "handler calls of job %s", id)
		require.Equal(t, jobs.OutcomeCompleted, outcomes[id], "outcome of job %s", id)
	}
	require.Greater(t, tr.maxParallel, 1, "the test should have run jobs in parallel")

	var completed, attemptsOne, logged int
	require.NoError(t, e.db.Pool.QueryRow(ctx, `select count(*) filter (where status = 'completed'),
			count(*) filter (where attempt = 1), (select count(*) from public.run_log)
		from public.import_jobs`).Scan(&completed, &attemptsOne, &logged))
	require.Equal(t, total, completed)
	require.Equal(t, total, attemptsOne)
	require.Equal(t, total, logged)
}
