package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	sqlfiles "github.com/chuckbox/importworker/sql"
)

// claimedRow is the part of a claim_job row these tests look at.
type claimedRow struct {
	id, unit, token uuid.UUID
	cursor          []byte
}

func claimBatch(t *testing.T, e *env, limit int) []claimedRow {
	t.Helper()
	rows, err := e.db.Pool.Query(context.Background(), sqlfiles.Query("claim_job"), "test-worker", 30.0, []string{jobType}, limit)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (claimedRow, error) {
		var c claimedRow
		var skip [12]any
		err := r.Scan(&c.id, &c.unit, &skip[0], &skip[1], &skip[2], &skip[3], &c.token, &skip[4], &skip[5], &skip[6],
			&skip[7], &skip[8], &skip[9], &skip[10], &c.cursor, &skip[11])
		return c, err
	})
	require.NoError(t, err)
	return out
}

// One claim statement takes several jobs, never two of one unit, each unit's oldest first,
// and hands back each job's checkpoint; one completion statement ends several jobs, each
// fenced by its own lease token.
func TestClaimBatchOnePerUnitAndBatchCompletionFenced(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	units := append([]uuid.UUID{e.unit}, e.createUnits(t, 2)...)
	first := map[uuid.UUID]uuid.UUID{}
	for round := 0; round < 2; round++ {
		for _, u := range units {
			id := e.insertJob(t, u)
			if round == 0 {
				first[u] = id
			}
		}
	}
	_, err := e.db.Pool.Exec(ctx, `insert into public.import_job_checkpoints (job_id, cursor, attempt) values ($1, '{"chunk": 7}', 1)`,
		first[units[1]])
	require.NoError(t, err)

	got := claimBatch(t, e, 10)
	require.Len(t, got, 3, "one job per unit, although 6 are pending and 10 were asked for")
	for _, c := range got {
		require.Equal(t, first[c.unit], c.id, "each unit's oldest job comes first")
		if c.unit == units[1] {
			require.JSONEq(t, `{"chunk": 7}`, string(c.cursor), "the checkpoint comes with the claim")
		} else {
			require.Nil(t, c.cursor)
		}
	}
	require.Empty(t, claimBatch(t, e, 10), "every unit has a running job")

	// Two right tokens and one stale token: only the two are completed.
	ids := []uuid.UUID{got[0].id, got[1].id, got[2].id}
	tokens := []uuid.UUID{got[0].token, got[1].token, uuid.New()}
	result := `{"ok": true}`
	rows, err := e.db.Pool.Query(ctx, sqlfiles.Query("complete_jobs"), ids, tokens, []*string{&result, nil, &result})
	require.NoError(t, err)
	done, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	require.NoError(t, err)
	require.ElementsMatch(t, ids[:2], done)
	require.Equal(t, "completed", e.job(t, got[0].id).Status)
	require.Equal(t, "processing", e.job(t, got[2].id).Status, "the stale token wrote nothing")

	again := claimBatch(t, e, 10)
	require.Len(t, again, 2, "the two units whose job ended offer their next job")
	for _, c := range again {
		require.NotEqual(t, got[2].unit, c.unit)
	}
	require.Len(t, claimBatch(t, e, 1), 0)
}

// A heartbeat and a progress write are HOT updates (no index entry is written), because no
// index names the columns they change.
func TestHeartbeatAndProgressAreHOTUpdates(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.insertJob(t, e.unit)
	conn, err := e.db.Pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()

	// Statistics reach pg_stat_user_tables when a session flushes them; flush this session's
	// and wait until the view counts want updates of import_jobs.
	flushAndWait := func(want int64) (upd, hot int64) {
		t.Helper()
		_, err := conn.Exec(ctx, `select pg_stat_force_next_flush()`)
		require.NoError(t, err)
		_, err = conn.Exec(ctx, `select 1`)
		require.NoError(t, err)
		require.Eventually(t, func() bool {
			require.NoError(t, e.db.Pool.QueryRow(ctx, `select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables
				where relid = 'public.import_jobs'::regclass`).Scan(&upd, &hot))
			return upd >= want
		}, 10*time.Second, tick, "statistics not flushed")
		return upd, hot
	}

	var id, token uuid.UUID
	rows, err := conn.Query(ctx, sqlfiles.Query("claim_job"), "test-worker", 30.0, []string{jobType}, 1)
	require.NoError(t, err)
	for rows.Next() {
		v, err := rows.Values()
		require.NoError(t, err)
		id, token = uuid.UUID(v[0].([16]byte)), uuid.UUID(v[6].([16]byte))
	}
	require.NoError(t, rows.Err())
	upd0, hot0 := flushAndWait(1) // the claim
	require.EqualValues(t, 1, upd0)

	const n = 20
	for i := 0; i < n; i++ {
		var cancel bool
		require.NoError(t, conn.QueryRow(ctx, sqlfiles.Query("heartbeat"), id, token, 30.0).Scan(&cancel))
		tag, err := conn.Exec(ctx, sqlfiles.Query("write_progress"), id, token, "matching", 10, i, 100, i)
		require.NoError(t, err)
		require.EqualValues(t, 1, tag.RowsAffected())
	}
	upd, hot := flushAndWait(upd0 + 2*n)
	require.EqualValues(t, 2*n, upd-upd0, "updates counted")
	require.EqualValues(t, 2*n, hot-hot0, "every heartbeat and progress write was a HOT update")
}
