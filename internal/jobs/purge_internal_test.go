package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
)

// The retention purge drops the inputs of old finished jobs only: completed ones after the
// completed retention, failed and cancelled ones (which a leader may still retry) after the
// longer one; pending and running jobs, and recent finished ones, keep theirs.
func TestPurgeInputsKeepsWhatMayStillBeNeeded(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 1")
	leader := db.Leader(t, unit, "leader@example.org")

	insert := func(status string, finishedAgo time.Duration) uuid.UUID {
		t.Helper()
		var id uuid.UUID
		var completed any
		if finishedAgo > 0 {
			completed = time.Now().Add(-finishedAgo)
		}
		var lease any
		var owner any
		if status == "processing" {
			lease, owner = time.Now().Add(time.Hour), "w"
		}
		require.NoError(t, db.Pool.QueryRow(ctx, `insert into import_jobs
			(unit_id, created_by, type, input_csv, status, completed_at, lease_owner, lease_token, lease_expires_at)
			values ($1, $2, 'troop_advancement', 'csv', $3, $4, $5, case when $5::text is null then null else gen_random_uuid() end, $6)
			returning id`, unit, leader.ProfileID, status, completed, owner, lease).Scan(&id))
		return id
	}
	day := 24 * time.Hour
	oldCompleted := insert("completed", 8*day)
	newCompleted := insert("completed", 6*day)
	oldFailed := insert("failed", 31*day)
	recentFailed := insert("failed", 8*day)
	oldCancelled := insert("cancelled", 31*day)
	pending := insert("pending", 0)
	running := insert("processing", 0)

	s := &store{pool: db.WorkerPool(t)}
	n, err := s.purgeInputs(ctx, 7*day, 30*day)
	require.NoError(t, err)
	require.Equal(t, 3, n)

	purged := func(id uuid.UUID) bool {
		var gone bool
		require.NoError(t, db.Pool.QueryRow(ctx, `select input_csv is null and input_purged_at is not null from import_jobs where id = $1`, id).Scan(&gone))
		return gone
	}
	for _, id := range []uuid.UUID{oldCompleted, oldFailed, oldCancelled} {
		require.True(t, purged(id))
	}
	for _, id := range []uuid.UUID{newCompleted, recentFailed, pending, running} {
		require.False(t, purged(id))
	}

	// Purged jobs can no longer be retried, and say why.
	err = db.AsClient(ctx, leader.Claims(), func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `select public.retry_import_job($1)`, oldFailed)
		return err
	})
	require.ErrorContains(t, err, "purged")

	// A second sweep has nothing left to do.
	n, err = s.purgeInputs(ctx, 7*day, 30*day)
	require.NoError(t, err)
	require.Zero(t, n)
}
