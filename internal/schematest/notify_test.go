package schematest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// TestNotifyAfterClientInsertCommits checks the wake-ups the worker's listener relies on
// (docs/architecture.md, "Wake-up"): NOTIFY import_jobs with the job id once a client's insert
// commits, nothing for a rolled-back insert, one empty-payload NOTIFY for a multi-row insert,
// NOTIFY import_job_cancel when a running job is asked to cancel, and NOTIFY import_jobs when a
// failed job is retried.
func TestNotifyAfterClientInsertCommits(t *testing.T) {
	ctx := context.Background()

	t.Run("a committed client insert notifies import_jobs with the job id", func(t *testing.T) {
		tr := newTroop(t)
		listener := listen(t, tr.db, "import_jobs")

		id := tr.insertJobAsClient(t, "csv")

		n := nextNotification(t, listener, "NOTIFY import_jobs for the new job")
		require.Equal(t, "import_jobs", n.Channel)
		require.Equal(t, id.String(), n.Payload, "the payload is exactly the new job's id")
	})

	t.Run("a rolled-back client insert notifies nothing", func(t *testing.T) {
		tr := newTroop(t)
		listener := listen(t, tr.db, "import_jobs")

		errGaveUp := errors.New("the request failed after the insert")
		var rolledBack uuid.UUID
		err := tr.db.AsClient(ctx, tr.leader.Claims(), func(tx pgx.Tx) error {
			if err := tx.QueryRow(ctx, `insert into public.import_jobs (unit_id, type, input_csv)
				values ($1, 'troop_advancement', 'csv') returning id`, tr.unit).Scan(&rolledBack); err != nil {
				return err
			}
			return errGaveUp
		})
		require.ErrorIs(t, err, errGaveUp, "the insert itself succeeded; the transaction was rolled back")

		committed := tr.insertJobAsClient(t, "csv")

		n := nextNotification(t, listener, "NOTIFY import_jobs for the committed job")
		require.NotEqual(t, rolledBack.String(), n.Payload, "the rolled-back insert must not notify")
		require.Equal(t, committed.String(), n.Payload, "the first notification is the committed job's")

		var jobs int
		require.NoError(t, tr.db.Pool.QueryRow(ctx, `select count(*) from public.import_jobs`).Scan(&jobs))
		require.Equal(t, 1, jobs, "only the committed job exists")
	})

	t.Run("a multi-row insert notifies once with an empty payload", func(t *testing.T) {
		tr := newTroop(t)
		listener := listen(t, tr.db, "import_jobs")

		tag, err := tr.db.Pool.Exec(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv)
			select $1, $2, 'troop_advancement', 'csv ' || g from generate_series(1, 3) g`, tr.unit, tr.leader.ProfileID)
		require.NoError(t, err)
		require.EqualValues(t, 3, tag.RowsAffected())
		marker := tr.insertJobAsClient(t, "csv")

		first := nextNotification(t, listener, "NOTIFY import_jobs for the multi-row insert")
		require.Equal(t, "import_jobs", first.Channel)
		require.Equal(t, "", first.Payload, "a multi-row insert sends an empty payload (look at the queue)")
		second := nextNotification(t, listener, "NOTIFY import_jobs for the marker job")
		require.Equal(t, marker.String(), second.Payload, "the multi-row insert sent exactly one notification")
	})

	t.Run("a cancel request on a processing job notifies import_job_cancel", func(t *testing.T) {
		tr := newTroop(t)
		pending := tr.insertJobAsWorker(t, "pending")
		processing := tr.insertJobAsWorker(t, "processing")
		listener := listen(t, tr.db, "import_job_cancel")

		// A pending job is cancelled at once: there is no worker to tell.
		require.Equal(t, "cancelled", tr.cancelAsLeader(t, pending))
		// A running job is cancelled by its worker: the request must reach it.
		require.Equal(t, "processing", tr.cancelAsLeader(t, processing), "the worker, not the request, ends a running job")

		n := nextNotification(t, listener, "NOTIFY import_job_cancel for the processing job")
		require.Equal(t, "import_job_cancel", n.Channel)
		require.Equal(t, processing.String(), n.Payload,
			"the first cancel notification is the processing job's: cancelling a pending job sends none")
	})

	t.Run("a retry of a failed job notifies import_jobs", func(t *testing.T) {
		tr := newTroop(t)
		failed := tr.insertJobAsWorker(t, "failed")
		listener := listen(t, tr.db, "import_jobs")

		var status string
		err := tr.db.AsClient(ctx, tr.leader.Claims(), func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `select status from public.retry_import_job($1)`, failed).Scan(&status)
		})
		require.NoError(t, err, "leader retries the failed job")
		require.Equal(t, "pending", status)

		n := nextNotification(t, listener, "NOTIFY import_jobs for the retried job (it is pending again)")
		require.Equal(t, failed.String(), n.Payload)
	})
}

// cancelAsLeader calls public.cancel_import_job as the troop's leader and returns the job's
// status after the request.
func (tr troop) cancelAsLeader(t *testing.T, id uuid.UUID) string {
	t.Helper()
	ctx := context.Background()
	var status string
	var requested bool
	err := tr.db.AsClient(ctx, tr.leader.Claims(), func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `select status, cancel_requested_at is not null from public.cancel_import_job($1)`, id).
			Scan(&status, &requested)
	})
	require.NoError(t, err, "leader cancels job %s", id)
	require.True(t, requested, "cancel_requested_at is set")
	return status
}
