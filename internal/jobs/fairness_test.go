package jobs_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// Two units flood the queue with as many jobs as their quota allows; a third unit's single
// job, submitted later through the browser's path, is claimed as soon as the running job
// ends, not after the 40 jobs queued before it (the claim was FIFO by created_at). Then the
// flooding units take turns. One worker with one slot, a real LISTEN connection and real
// pool connections; each job runs until the test releases it, so the order is exact.
func TestClaimTakesUnitsInTurn(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	flood := e.createUnits(t, 2)
	a, b := flood[0], flood[1]
	var quota int
	require.NoError(t, e.db.Pool.QueryRow(ctx, `select max_pending_jobs_per_unit from import_private.import_limits`).Scan(&quota))
	unitOf := map[uuid.UUID]string{}
	for _, u := range []struct {
		id   uuid.UUID
		name string
	}{{a, "A"}, {b, "B"}} {
		for i := 0; i < quota; i++ {
			unitOf[e.insertJob(t, u.id)] = u.name
		}
	}
	// The quota holds: one more job for A is refused.
	_, err := e.db.Pool.Exec(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv)
		values ($1, $2, $3, 'x')`, a, e.leader.ProfileID, jobType)
	require.ErrorContains(t, err, "this unit already has 20 imports waiting; wait for them to finish or cancel some")

	release := make(chan struct{})
	h := e.startWorker(t, jobs.Config{WorkerID: "fair", Concurrency: 1, PollInterval: 200 * time.Millisecond,
		ListenConnect: listenConnect(e.db.URL),
		Handlers: handlers(jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}))})
	next := func() string {
		t.Helper()
		select {
		case j := <-h.Claimed:
			return unitOf[j.ID]
		case <-time.After(30 * time.Second):
			t.Fatal("no job was claimed within 30s")
			return ""
		}
	}

	require.Equal(t, "A", next(), "A's jobs are the oldest")
	release <- struct{}{}
	require.Equal(t, "B", next(), "then B, although A has 19 older jobs waiting")

	// A third unit's leader submits one job while B's runs.
	c := e.db.CreateUnit(t, "Troop C")
	leaderC := e.db.Leader(t, c, "leader-c@example.org")
	var cJob uuid.UUID
	require.NoError(t, e.db.AsClient(ctx, leaderC.Claims(), func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `insert into public.import_jobs (unit_id, type, input_csv) values ($1, $2, 'x') returning id`,
			c, jobType).Scan(&cJob)
	}))
	unitOf[cJob] = "C"

	release <- struct{}{}
	require.Equal(t, "C", next(), "C's job is claimed as soon as the running job ends, ahead of 38 older jobs")
	// The slot is freed when the handler returns, and the job's completion is written just
	// after: wait for it, then count the jobs that finished while C waited.
	var waitedFor int
	require.Eventually(t, func() bool {
		require.NoError(t, e.db.Pool.QueryRow(ctx, `select count(*) from public.import_jobs
			where status = 'completed' and completed_at > (select created_at from public.import_jobs where id = $1)`, cJob).Scan(&waitedFor))
		return waitedFor >= 1
	}, 10*time.Second, tick, "B's completion was not recorded")
	require.Equal(t, 1, waitedFor, "C waited for exactly one job to finish")

	var order []string
	for range 4 {
		release <- struct{}{}
		order = append(order, next())
	}
	require.Equal(t, []string{"A", "B", "A", "B"}, order, "the flooding units take turns")
	close(release)
	require.NoError(t, h.stop(t))
}

// Units are served least recently first also across workers: with two workers busy on A and
// B, the third unit's job is the next claim of whichever worker frees up first.
func TestClaimServesNewUnitNextWithTwoWorkers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	flood := e.createUnits(t, 2)
	unitOf := map[uuid.UUID]string{}
	for i := 0; i < 10; i++ {
		unitOf[e.insertJob(t, flood[0])] = "A"
		unitOf[e.insertJob(t, flood[1])] = "B"
	}
	releases := map[string]chan struct{}{"w1": make(chan struct{}), "w2": make(chan struct{})}
	claims := make(chan string, 64)
	var hs []*harness
	for _, name := range []string{"w1", "w2"} {
		release := releases[name]
		h := e.startWorker(t, jobs.Config{WorkerID: name, Concurrency: 1, PollInterval: 200 * time.Millisecond,
			ListenConnect: listenConnect(e.db.URL),
			Handlers: handlers(jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
				select {
				case <-release:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			}))})
		hs = append(hs, h)
		go func(h *harness) {
			for j := range h.Claimed {
				claims <- unitOf[j.ID]
			}
		}(h)
	}
	next := func() string {
		t.Helper()
		select {
		case u := <-claims:
			return u
		case <-time.After(30 * time.Second):
			t.Fatal("no job was claimed within 30s")
			return ""
		}
	}
	first := []string{next(), next()}
	require.ElementsMatch(t, []string{"A", "B"}, first, "one job of each unit runs (one running import per unit)")

	c := e.db.CreateUnit(t, "Troop C")
	cJob := e.insertJob(t, c)
	unitOf[cJob] = "C"
	releases["w1"] <- struct{}{}
	require.Equal(t, "C", next(), "the unit never served comes first")
	var status string
	require.NoError(t, e.db.Pool.QueryRow(ctx, `select status from public.import_jobs where id = $1`, cJob).Scan(&status))
	require.Equal(t, "processing", status)
	for _, r := range releases {
		close(r)
	}
	for _, h := range hs {
		require.NoError(t, h.stop(t))
	}
}

// BenchmarkThirdUnitWait measures how long a third unit's job waits while two units flood the
// queue with as many jobs as their quota allows: one worker with one slot, every job holding
// it for 50 ms of database work. Reports the wait (insert to claim) in milliseconds and
// how many jobs were queued ahead of it; with first-in-first-out claims the wait was about
// queued ahead x 50 ms, with units taken in turn it is at most the running job's 50 ms.
func BenchmarkThirdUnitWait(b *testing.B) {
	const work = 50 * time.Millisecond
	var waits []time.Duration
	queuedAhead, maxClaimedFirst := 0, 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := newEnv(b)
		ctx := context.Background()
		flood := e.createUnits(b, 3)
		var quota int
		require.NoError(b, e.db.Pool.QueryRow(ctx, `select max_pending_jobs_per_unit from import_private.import_limits`).Scan(&quota))
		for n := 0; n < quota; n++ {
			e.insertJob(b, flood[0])
			e.insertJob(b, flood[1])
		}
		queuedAhead = 2*quota - 1 // one is running
		claimedC := make(chan time.Time, 1)
		w := benchWorker(b, e, jobs.Config{Concurrency: 1, PollInterval: 100 * time.Millisecond,
			ListenConnect: listenConnect(e.db.URL),
			Handlers: handlers(jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
				_, err := run.Pool().Exec(ctx, `select pg_sleep($1)`, work.Seconds())
				return err
			}))})
		w.OnClaimed = func(j jobs.Job) {
			if j.UnitID == flood[2] {
				claimedC <- time.Now()
			}
		}
		runWorker(b, w)
		waitUntil(b, w.Ready, 10*time.Second, "worker not ready")
		// Steady state: both flooding units have been served, one job is running.
		waitUntil(b, func() bool {
			var running, started int
			_ = e.db.Pool.QueryRow(ctx, `select count(*) filter (where status = 'processing'),
				count(*) filter (where started_at is not null) from import_jobs`).Scan(&running, &started)
			return running == 1 && started >= 3
		}, 10*time.Second, "the flooding units' jobs did not start")
		b.StartTimer()
		start := time.Now()
		cJob := e.insertJob(b, flood[2])
		select {
		case at := <-claimedC:
			waits = append(waits, at.Sub(start))
		case <-time.After(time.Minute):
			b.Fatal("the third unit's job was not claimed within a minute")
		}
		b.StopTimer()
		// Jobs of the flooding units claimed after the third unit's job was queued and before it.
		var claimedFirst int
		require.NoError(b, e.db.Pool.QueryRow(ctx, `select count(*) from import_jobs
			where id <> $1
			  and started_at > (select created_at from import_jobs where id = $1)
			  and started_at < (select started_at from import_jobs where id = $1)`, cJob).Scan(&claimedFirst))
		maxClaimedFirst = max(maxClaimedFirst, claimedFirst)
	}
	slices.Sort(waits)
	b.ReportMetric(float64(waits[len(waits)/2].Microseconds())/1000, "wait-ms-p50")
	b.ReportMetric(float64(waits[len(waits)-1].Microseconds())/1000, "wait-ms-max")
	b.ReportMetric(float64(queuedAhead), "jobs-queued-ahead")
	b.ReportMetric(float64(maxClaimedFirst), "max-jobs-claimed-first")
}
