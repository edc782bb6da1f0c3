package jobs

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
)

// A slot is free again when its handler returns, before the job's completion is recorded; but
// while completions cannot be written, the worker stops claiming once 2 x Concurrency jobs
// wait for theirs, and it goes on once they are written.
func TestSlotsFreeAtHandlerEndWithinTheUnrecordedBound(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDB(t)
	leader := db.Leader(t, db.CreateUnit(t, "Troop 0"), "leader@example.org")
	const jobsTotal = 10
	for i := 0; i < jobsTotal; i++ {
		unit := db.CreateUnit(t, "Troop")
		db.AddMember(t, unit, leader, "leader", "active")
		_, err := db.Pool.Exec(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv)
			values ($1, $2, 'troop_advancement', 'x')`, unit, leader.ProfileID)
		require.NoError(t, err)
	}

	// The first two jobs' handlers wait until the test has locked their rows, so that their
	// completion blocks; every other job ends at once.
	var mu sync.Mutex
	var first []uuid.UUID
	gate := make(chan struct{})
	handler := HandlerFunc(func(ctx context.Context, run *Run) error {
		mu.Lock()
		held := len(first) < 2
		if held {
			first = append(first, run.Job.ID)
		}
		mu.Unlock()
		if held {
			<-gate
		}
		return nil
	})
	var claims, ends int
	w, err := NewWorker(Config{Pool: db.WorkerPool(t), Handlers: map[string]Handler{"troop_advancement": handler},
		WorkerID: "slots", Concurrency: 2, PollInterval: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	count := func(n *int) func() int {
		return func() int { mu.Lock(); defer mu.Unlock(); return *n }
	}
	claimCount, endCount := count(&claims), count(&ends)
	w.OnClaimed = func(Job) { mu.Lock(); claims++; mu.Unlock() }
	w.OnEnded = func(_ Job, o Outcome) {
		mu.Lock()
		if o == OutcomeCompleted {
			ends++
		}
		mu.Unlock()
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })

	// Lock the two held jobs' rows, then let their handlers return: their completion waits.
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(first) == 2 }, "two jobs running")
	lock, err := db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = lock.Rollback(ctx) }()
	_, err = lock.Exec(ctx, `select 1 from public.import_jobs where id = any($1) for update`, first)
	require.NoError(t, err)
	close(gate)

	// Their slots are free at once: two more jobs are claimed and run, and then the worker has
	// four jobs whose outcome is not recorded, the bound for two slots.
	waitFor(t, func() bool { return claimCount() == 4 }, "the freed slots were not used")
	waitFor(t, func() bool { return w.freeSlots() == 0 && busyHandlers(w) == 0 }, "four unrecorded jobs, no handler running")
	require.Equal(t, 4, claimCount(), "no claim past 2 x Concurrency unrecorded jobs")

	// Once the completions can be written, the rest of the queue runs.
	require.NoError(t, lock.Rollback(ctx))
	waitFor(t, func() bool { return endCount() == jobsTotal }, "every job completed")
	var completed int
	require.NoError(t, db.Pool.QueryRow(ctx, `select count(*) from public.import_jobs where status = 'completed'`).Scan(&completed))
	require.Equal(t, jobsTotal, completed)
}

// waitFor polls cond every millisecond for up to 10 s.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	require.Eventually(t, cond, 10*time.Second, time.Millisecond, what)
}

// busyHandlers is how many of w's handlers are running.
func busyHandlers(w *Worker) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.busy
}
