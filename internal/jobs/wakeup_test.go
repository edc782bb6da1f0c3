package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
)

// noop completes at once.
var noop = jobs.HandlerFunc(func(context.Context, *jobs.Run) error { return nil })

// With a one-minute safety poll, only the NOTIFY of the insert trigger can explain a claim
// within a couple of seconds. Three jobs in a row: a stale wake-up left over from start-up
// could explain one quick claim, not three.
func TestNotifyWakesWorkerLongBeforeThePoll(t *testing.T) {
	e := newEnv(t)
	h := e.startWorker(t, jobs.Config{Handlers: handlers(noop), ListenConnect: listenConnect(e.db.URL),
		PollInterval: time.Minute})
	require.Eventually(t, h.W.Ready, 10*time.Second, tick, "listener never connected")
	require.False(t, h.W.PollingOnly())

	for i := 0; i < 3; i++ {
		inserted := time.Now()
		id := e.insertJob(t, e.unit)
		h.waitClaimed(t, id, 2*time.Second)
		t.Logf("job %d claimed %s after its insert", i, time.Since(inserted))
		require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, id, 5*time.Second))
	}
}

// Without a LISTEN connection the poll alone finds work. The job becomes runnable only
// 500 ms after its insert (run_after), when the worker is idle and nothing else can wake it:
// it must be claimed by the first poll tick after that.
func TestPollFindsJobWithoutNotify(t *testing.T) {
	e := newEnv(t)
	poll := 300 * time.Millisecond
	h := e.startWorker(t, jobs.Config{Handlers: handlers(noop), FallbackPollInterval: poll})
	require.Eventually(t, h.W.Ready, 5*time.Second, tick)
	require.True(t, h.W.PollingOnly(), "no ListenConnect: the worker must say it runs on polling")

	var id uuid.UUID
	var runnableAt time.Time
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), `insert into public.import_jobs
			(unit_id, created_by, type, input_csv, run_after)
		values ($1, $2, $3, 'x', clock_timestamp() + interval '500 milliseconds') returning id, run_after`,
		e.unit, e.leader.ProfileID, jobType).Scan(&id, &runnableAt))
	claimed := h.waitClaimed(t, id, 5*time.Second)
	var claimedAt time.Time
	require.NoError(t, e.db.Pool.QueryRow(context.Background(),
		`select started_at from public.import_jobs where id = $1`, claimed.ID).Scan(&claimedAt))
	t.Logf("claimed by the poll %s after it became runnable (poll interval %s)", claimedAt.Sub(runnableAt), poll)
	require.False(t, claimedAt.Before(runnableAt), "claimed before run_after")
	require.Less(t, claimedAt.Sub(runnableAt), poll+time.Second, "the poll should find the job within about one interval")
	require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, id, 5*time.Second))
}

// A job inserted while no worker runs (its NOTIFY went nowhere) is claimed by the start-up
// scan of a worker started later, long before its safety poll.
func TestJobInsertedWhileNoWorkerRanIsClaimedAtStartup(t *testing.T) {
	e := newEnv(t)
	id := e.insertJob(t, e.unit)
	h := e.startWorker(t, jobs.Config{Handlers: handlers(noop), ListenConnect: listenConnect(e.db.URL),
		PollInterval: time.Minute})
	h.waitClaimed(t, id, 5*time.Second)
	require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, id, 5*time.Second))
}

// When the LISTEN connection is killed, the listener reconnects and its backlog scan picks up
// a job inserted while it was gone, long before the one-minute poll.
func TestListenerConnectionKilledBacklogScanFindsJob(t *testing.T) {
	if pgtest.Cluster().Server() == nil {
		t.Skip("TEST_DATABASE_URL: every session logs in as the superuser, which the postgres role may not terminate")
	}
	e := newEnv(t)
	h := e.startWorker(t, jobs.Config{Handlers: handlers(noop), ListenConnect: listenConnect(e.db.URL + "&application_name=test-listener"),
		PollInterval: time.Minute})
	require.Eventually(t, h.W.Ready, 10*time.Second, tick)

	ctx := context.Background()
	var killed int
	require.NoError(t, e.db.Pool.QueryRow(ctx, `select count(*) from (
			select pg_terminate_backend(pid) from pg_stat_activity
			where datname = current_database() and application_name = 'test-listener') k`).Scan(&killed))
	require.Equal(t, 1, killed, "exactly one LISTEN connection expected")
	require.Eventually(t, func() bool { return !h.W.Ready() }, 5*time.Second, tick, "worker should notice its listener is gone")

	id := e.insertJob(t, e.unit) // its NOTIFY reaches nobody
	require.Eventually(t, h.W.Ready, 10*time.Second, tick, "listener never came back")
	h.waitClaimed(t, id, 5*time.Second)
	require.Equal(t, 1.0, h.metric(t, "import_listener_reconnects_total"))
}

// The NOTIFY self-probe: a LISTEN connection that reaches another database (NOTIFY is per
// database, like a transaction pooler that swallows notifications) never hears the probe, so
// the worker reports PollingOnly and still runs jobs by polling.
func TestSelfProbeFallsBackToPolling(t *testing.T) {
	e := newEnv(t)
	elsewhere := newEnv(t) // a second database on the same cluster
	h := e.startWorker(t, jobs.Config{Handlers: handlers(noop), ListenConnect: listenConnect(elsewhere.db.URL),
		PollInterval: time.Minute, FallbackPollInterval: 200 * time.Millisecond})
	// The probe waits 3 s for its notification.
	require.Eventually(t, h.W.Ready, 10*time.Second, tick)
	require.True(t, h.W.PollingOnly(), "the probe should have failed")
	require.Equal(t, 1.0, h.metric(t, "import_polling_only"))

	ids := []uuid.UUID{e.insertJob(t, e.unit), e.insertJob(t, e.unit)}
	for _, id := range ids {
		require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, id, 5*time.Second))
	}
}
