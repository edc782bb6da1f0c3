package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// A job whose creator stopped being an active leader of the unit between the upload and the
// claim (membership ended, suspended, or role changed) fails with a message a leader can act
// on, and its handler never runs; a job of a current leader runs.
func TestJobOfFormerLeaderFailsWhenClaimed(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ name, change string }{
		{"membership inactive", `update public.unit_memberships set status = 'inactive' where unit_id = $1 and profile_id = $2`},
		{"role without import right", `update public.unit_memberships set role = 'parent' where unit_id = $1 and profile_id = $2`},
		{"membership removed", `delete from public.unit_memberships where unit_id = $1 and profile_id = $2`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			unit := e.createUnits(t, 1)[0]
			id := e.insertJob(t, unit)
			_, err := e.db.Pool.Exec(context.Background(), tc.change, unit, e.leader.ProfileID)
			require.NoError(t, err)
			ran := false
			h := e.startWorker(t, jobs.Config{ExitWhenIdle: true, Handlers: handlers(jobs.HandlerFunc(
				func(context.Context, *jobs.Run) error { ran = true; return nil }))})
			require.NoError(t, h.wait(t, 30*time.Second))
			require.False(t, ran, "the handler must not run")
			row := e.job(t, id)
			require.Equal(t, "failed", row.Status)
			require.Equal(t, 1, row.Attempt)
			require.Contains(t, row.ErrorMessage, "no longer an active leader of the unit, so the import was not run")
			require.Contains(t, row.ErrorMessage, "a current leader of the unit can upload the file again")
		})
	}

	// The unit's current leader: the job runs.
	id := e.insertJob(t, e.unit)
	h := e.startWorker(t, jobs.Config{ExitWhenIdle: true, Handlers: handlers(jobs.HandlerFunc(
		func(context.Context, *jobs.Run) error { return nil }))})
	require.NoError(t, h.wait(t, 30*time.Second))
	require.Equal(t, "completed", e.job(t, id).Status)
}

// A NOTIFY on the cancel channel is only a hint: sent by an unrelated session for a running
// job whose row holds no cancel request, it cancels nothing; a leader's real cancel request
// cancels the job it names.
func TestCancelNotificationWithoutRequestIsIgnored(t *testing.T) {
	e := newEnv(t)
	unitB := e.createUnits(t, 1)[0]
	target := e.insertJob(t, e.unit)
	other := e.insertJob(t, unitB)
	finish := make(chan struct{})
	h := e.startWorker(t, jobs.Config{Concurrency: 2, ListenConnect: listenConnect(e.db.URL),
		Handlers: handlers(jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-finish:
				return nil
			}
		}))})
	h.waitClaimed(t, target, 10*time.Second)
	require.Eventually(t, h.W.Ready, 10*time.Second, tick, "listener not connected")

	_, err := e.db.Pool.Exec(context.Background(), `select pg_notify('import_job_cancel', $1::text)`, target)
	require.NoError(t, err)
	require.Eventually(t, func() bool { return h.metric(t, "import_cancel_notifications_ignored_total") == 1 },
		10*time.Second, tick, "the worker never looked at the notification")
	row := e.job(t, target)
	require.Equal(t, "processing", row.Status, "a notification alone cancels nothing")
	require.Nil(t, row.CancelAt)

	// A real request, through the leader's RPC.
	e.asLeader(t, `select * from public.cancel_import_job($1)`, other)
	require.Equal(t, jobs.OutcomeCancelled, h.waitEnded(t, other, 10*time.Second))
	require.Equal(t, "cancelled", e.job(t, other).Status)

	close(finish)
	require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, target, 10*time.Second))
	require.Equal(t, 1.0, h.metric(t, "import_jobs_cancelled_total"), "only the requested job was cancelled")
}
