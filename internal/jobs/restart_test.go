package jobs_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
)

// PostgreSQL crashes (SIGQUIT: immediate shutdown) and restarts under a listening worker: the
// worker reports not ready while its listener is down, reconnects by itself (Ready again, the
// reconnect metric counts it) and picks up a job inserted afterwards through NOTIFY or its
// backlog scan, long before its one-minute safety poll.
//
// This stops the cluster every test of the package uses: it relies on no test running in
// parallel (see helpers_test.go).
func TestRestartPostgresWhileListening(t *testing.T) {
	server := pgtest.Cluster().Server()
	if server == nil {
		t.Skip("TEST_DATABASE_URL points at an external server, which this test cannot restart")
	}
	e := newEnv(t)
	h := e.startWorker(t, jobs.Config{Handlers: handlers(noop), ListenConnect: listenConnect(e.db.URL),
		PollInterval: time.Minute})
	require.Eventually(t, h.W.Ready, 10*time.Second, tick)
	before := e.insertJob(t, e.unit)
	require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, before, 5*time.Second))

	// The test cluster runs with synchronous_commit and fsync off, so a crash loses the last
	// commits (the test's unit and leader among them) unless a checkpoint wrote them out.
	admin, err := pgx.Connect(context.Background(), pgtest.Cluster().AdminURL(e.db.Name))
	require.NoError(t, err)
	_, err = admin.Exec(context.Background(), `checkpoint`)
	require.NoError(t, err)
	require.NoError(t, admin.Close(context.Background()))

	require.NoError(t, server.Kill(syscall.SIGQUIT))
	up := false
	t.Cleanup(func() { // never leave the other tests without a server
		if !up {
			if err := server.Restart(context.Background()); err != nil {
				t.Errorf("restart PostgreSQL: %v", err)
			}
		}
	})
	require.Eventually(t, func() bool { return !h.W.Ready() }, 5*time.Second, tick,
		"the worker should report not ready while its LISTEN connection is down")
	require.Equal(t, 0.0, h.metric(t, "import_listener_connected"))

	restartedAt := time.Now()
	require.NoError(t, server.Restart(context.Background()))
	up = true
	require.Eventually(t, h.W.Ready, 15*time.Second, tick, "the listener never reconnected")
	t.Logf("listener back %s after the restart began", time.Since(restartedAt).Round(time.Millisecond))
	require.Equal(t, 1.0, h.metric(t, "import_listener_reconnects_total"))
	require.Equal(t, 1.0, h.metric(t, "import_listener_connected"))

	// The test's own pool may still hold connections to the dead server: retry the insert.
	var id uuid.UUID
	insertDeadline := time.Now().Add(10 * time.Second)
	for {
		err := e.db.Pool.QueryRow(context.Background(), `insert into public.import_jobs (unit_id, created_by, type, input_csv)
			values ($1, $2, $3, 'x') returning id`, e.unit, e.leader.ProfileID, jobType).Scan(&id)
		if err == nil {
			break
		}
		require.False(t, time.Now().After(insertDeadline), "insert after the restart: %v", err)
		t.Logf("insert after the restart failed (retrying): %v", err)
		<-time.After(tick)
	}
	inserted := time.Now()
	h.waitClaimed(t, id, 5*time.Second)
	t.Logf("job inserted after the restart claimed in %s", time.Since(inserted).Round(time.Millisecond))
	require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, id, 5*time.Second))
	require.Equal(t, "completed", e.job(t, id).Status)
}
