package jobs_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// SessionLimits reach the server: every session of a pool configured with them starts with
// the timeouts and keepalives set.
func TestSessionLimitsApplyToEverySession(t *testing.T) {
	e := newEnv(t)
	cfg, err := pgxpool.ParseConfig(e.db.URL)
	require.NoError(t, err)
	jobs.SessionLimits{LockTimeout: 3 * time.Second, StatementTimeout: time.Minute}.Apply(&cfg.ConnConfig.Config)
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	defer pool.Close()
	for setting, want := range map[string]string{
		"idle_in_transaction_session_timeout": "10s", // the default
		"lock_timeout":                        "3s",
		"statement_timeout":                   "1min",
		"tcp_keepalives_count":                "3",
	} {
		var got string
		require.NoError(t, pool.QueryRow(context.Background(), "select current_setting($1)", setting).Scan(&got))
		require.Equal(t, want, got, setting)
	}
}

// A worker process frozen (SIGSTOP) inside a chunk, holding the FOR KEY SHARE lock that hides
// its job from the reaper: its session is ended once it has been idle in its transaction for
// the configured time, another unit's job runs meanwhile, and the frozen job is rescued after
// its lease and completed by another worker, every chunk exactly once.
func TestFrozenWorkerInsideChunkIsRescued(t *testing.T) {
	e := newEnv(t)
	e.createChunkLog(t)
	const total = 40
	frozenID := e.insertJob(t, e.unit)
	c := startChild(t, helperSpec{DBURL: e.db.URL + "&application_name=" + helperAppName, Chunks: total,
		Work: 100 * time.Millisecond, Lease: 3 * time.Second, Poll: 200 * time.Millisecond, Grace: 5 * time.Second,
		IdleInTx: time.Second})
	require.Eventually(t, func() bool { return e.chunkCount(t, frozenID) >= 2 }, 30*time.Second, tick,
		"the child never committed 2 chunks")

	// Pause the child while one of its sessions is inside a chunk's transaction.
	inTx := func() bool {
		var n int
		require.NoError(t, e.db.Pool.QueryRow(context.Background(), `select count(*) from pg_stat_activity
			where datname = current_database() and application_name = $1 and xact_start is not null`, helperAppName).Scan(&n))
		return n > 0
	}
	require.Eventually(t, func() bool {
		require.NoError(t, c.cmd.Process.Signal(syscall.SIGSTOP))
		if inTx() {
			return true
		}
		require.NoError(t, c.cmd.Process.Signal(syscall.SIGCONT))
		return false
	}, 30*time.Second, 5*time.Millisecond, "never caught the child inside a chunk")
	frozenAt := time.Now()
	done := e.chunkCount(t, frozenID)
	require.Less(t, done, total)

	// Another unit's job, run by a healthy worker, proceeds.
	unitB := e.createUnits(t, 1)[0]
	leaderB := e.db.Leader(t, unitB, "leader-b@example.org")
	var otherID uuid.UUID
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), `insert into public.import_jobs (unit_id, created_by, type, input_csv)
		values ($1, $2, $3, 'x') returning id`, unitB, leaderB.ProfileID, jobType).Scan(&otherID))
	h := e.startWorker(t, jobs.Config{Handlers: handlers(chunkHandler(total, 0, nil)), Concurrency: 2,
		ListenConnect: listenConnect(e.db.URL), LeaseDuration: 3 * time.Second, PollInterval: 200 * time.Millisecond})

	outcomes := map[uuid.UUID]jobs.Outcome{}
	deadline := time.After(60 * time.Second)
	for len(outcomes) < 2 {
		select {
		case ended := <-h.Ended:
			outcomes[ended.Job.ID] = ended.Outcome
			if ended.Job.ID == frozenID {
				require.Contains(t, outcomes, otherID, "the other unit's job ended first")
				t.Logf("frozen job rescued and completed %s after the pause", time.Since(frozenAt).Round(time.Millisecond))
			}
		case <-deadline:
			t.Fatalf("jobs not ended within 60s of the pause: %v (frozen job: %+v)", outcomes, e.job(t, frozenID))
		}
	}
	require.Equal(t, jobs.OutcomeCompleted, outcomes[otherID])
	require.Equal(t, jobs.OutcomeCompleted, outcomes[frozenID])
	require.Equal(t, 1.0, h.metric(t, "import_jobs_rescued_total"), "the healthy worker's reaper rescued the frozen job")
	final := e.job(t, frozenID)
	require.Equal(t, "completed", final.Status)
	require.Equal(t, 2, final.Attempt)
	chunks, _ := e.chunkLog(t, frozenID)
	require.Len(t, chunks, total, "every chunk exactly once (the chunk log's primary key refuses a second)")
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
}
