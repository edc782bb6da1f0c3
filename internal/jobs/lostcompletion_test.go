package jobs_test

import (
	"context"
	"log/slog"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/localpg"
	"github.com/chuckbox/importworker/internal/pgtest"
	sqlfiles "github.com/chuckbox/importworker/sql"
	"github.com/chuckbox/importworker/supabase"
)

// A completion commits without waiting for its WAL flush (queue_state_settings.sql). When a
// database crash loses it, the job is found processing after the restart; the reaper hands it
// back once its lease expires, and it runs again from its last checkpoint and completes.
//
// The test crashes a server of its own (SIGQUIT: immediate shutdown, WAL still in PostgreSQL's
// memory is lost), set so that nothing flushes the completion before the crash: the WAL writer
// waits 10 s, the background writer writes no page (writing a page flushes the WAL up to it)
// and autovacuum is off.
func TestLostCompletionRunsJobAgainFromCheckpoint(t *testing.T) {
	if pgtest.Cluster().Server() == nil {
		t.Skip("TEST_DATABASE_URL points at an external server, which this test cannot crash")
	}
	ctx := context.Background()
	server, err := localpg.Start(ctx, localpg.Options{Settings: map[string]string{
		"wal_writer_delay": "10s", "bgwriter_lru_maxpages": "0", "autovacuum": "off",
		"synchronous_commit": "on", "fsync": "off",
	}})
	require.NoError(t, err)
	t.Cleanup(func() { _ = server.Stop() })
	cluster := server.Cluster()
	template, err := cluster.PrepareTemplate(ctx, sqlfiles.StandIn, supabase.Migrations())
	require.NoError(t, err)
	require.NoError(t, cluster.CreateDatabase(ctx, "lost", template))

	admin, err := pgxpool.New(ctx, cluster.AdminURL("lost"))
	require.NoError(t, err)
	db := &pgtest.DB{Name: "lost", Pool: admin} // for its fixtures, on this server
	unit := db.CreateUnit(t, "Troop 1")
	leader := db.Leader(t, unit, "leader@example.org")
	var job uuid.UUID
	require.NoError(t, admin.QueryRow(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv)
		values ($1, $2, $3, 'x') returning id`, unit, leader.ProfileID, jobType).Scan(&job))
	admin.Close()

	// The handler commits one chunk (a durable commit, which also flushes the claim) with a
	// checkpoint saying it is done; run again, it finds that checkpoint and only returns.
	var runs atomic.Int32
	resumed := make(chan bool, 2)
	handler := jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		runs.Add(1)
		var cursor struct{ Done bool }
		found, err := run.LoadCheckpoint(ctx, &cursor)
		if err != nil {
			return err
		}
		resumed <- found && cursor.Done
		if found && cursor.Done {
			return nil
		}
		return run.Chunk(ctx, struct{ Done bool }{Done: true}, func(context.Context, pgx.Tx) error { return nil })
	})
	runWorker := func(until func(jobs.Outcome) bool) {
		pool, err := pgxpool.New(ctx, cluster.URL("lost", localpg.WorkerRole))
		require.NoError(t, err)
		defer pool.Close()
		ended := make(chan jobs.Outcome, 4)
		w, err := jobs.NewWorker(jobs.Config{Pool: pool, Handlers: handlers(handler), WorkerID: "lost-" + uuid.NewString()[:8],
			LeaseDuration: 2 * time.Second, PollInterval: 100 * time.Millisecond,
			Logger: slog.New(slog.DiscardHandler)})
		require.NoError(t, err)
		w.OnEnded = func(_ jobs.Job, o jobs.Outcome) { ended <- o }
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- w.Run(runCtx) }()
		defer func() { cancel(); require.NoError(t, <-done) }()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case o := <-ended:
				if until(o) {
					return
				}
			case <-deadline:
				t.Fatal("the job did not end as expected")
			}
		}
	}
	status := func() (string, int) {
		conn, err := pgx.Connect(ctx, cluster.AdminURL("lost"))
		require.NoError(t, err)
		defer conn.Close(ctx)
		var s string
		var attempt int
		require.NoError(t, conn.QueryRow(ctx, `select status, attempt from public.import_jobs where id = $1`, job).Scan(&s, &attempt))
		return s, attempt
	}

	runWorker(func(o jobs.Outcome) bool { return o == jobs.OutcomeCompleted })
	require.False(t, <-resumed, "the first run starts without a checkpoint")
	s, _ := status()
	require.Equal(t, "completed", s, "the completion is visible before the crash")

	require.NoError(t, server.Kill(syscall.SIGQUIT))
	require.NoError(t, server.Restart(ctx))
	s, attempt := status()
	require.Equal(t, "processing", s, "the crash lost the completion, and only it: the claim was flushed by the chunk")
	require.Equal(t, 1, attempt)

	runWorker(func(o jobs.Outcome) bool { return o == jobs.OutcomeCompleted })
	require.True(t, <-resumed, "the second run resumes from the first run's checkpoint")
	s, attempt = status()
	require.Equal(t, "completed", s)
	require.Equal(t, 2, attempt, "the reaper handed the job back once its lease expired")
	require.Equal(t, int32(2), runs.Load())
}
