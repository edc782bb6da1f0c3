package jobs_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestSmokeCompletesAJob(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 1")
	leader := db.Leader(t, unit, "leader@example.org")
	var id uuid.UUID
	require.NoError(t, db.Pool.QueryRow(ctx, `insert into import_jobs (unit_id, created_by, type, input_csv)
		values ($1, $2, 'troop_advancement', 'x') returning id`, unit, leader.ProfileID).Scan(&id))

	h := jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		for i := 0; i < 3; i++ {
			run.SetProgress(jobs.Progress{Phase: "work", TotalItems: 3, ProcessedItems: i + 1})
			if err := run.Chunk(ctx, map[string]int{"done": i + 1}, func(ctx context.Context, tx pgx.Tx) error { return nil }); err != nil {
				return err
			}
		}
		run.SetResult(map[string]int{"n": 3})
		return nil
	})
	w, err := jobs.NewWorker(jobs.Config{Pool: db.WorkerPool(t), Handlers: map[string]jobs.Handler{"troop_advancement": h},
		WorkerID: "w1", ExitWhenIdle: true, PollInterval: time.Second})
	require.NoError(t, err)
	require.NoError(t, w.Run(ctx))

	var status string
	var processed int
	var result []byte
	require.NoError(t, db.Pool.QueryRow(ctx, `select status, processed_items, result from import_jobs where id = $1`, id).Scan(&status, &processed, &result))
	require.Equal(t, "completed", status)
	require.Equal(t, 3, processed)
	require.JSONEq(t, `{"n":3}`, string(result))
}
