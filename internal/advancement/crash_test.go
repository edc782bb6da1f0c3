package advancement_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

// TestImportSurvivesDatabaseCrash crashes PostgreSQL (SIGQUIT: immediate shutdown, as a crash)
// in the middle of a troop import and starts it again. The same worker process keeps going:
// the chunk in flight fails, the job is handed back without using an attempt (or rescued
// after its lease), resumes from its checkpoint, and the tables end up exactly as after an
// uninterrupted import.
//
// No test of this package runs in parallel, so stopping the shared cluster is safe here.
func TestImportSurvivesDatabaseCrash(t *testing.T) {
	server := pgtest.Cluster().Server()
	if server == nil {
		t.Skip("TEST_DATABASE_URL points at an external server, which this test cannot restart")
	}
	opts := scoutgen.DefaultTroopOptions()
	csv := generate(t, opts)
	roster := scoutgen.Roster(opts)

	// The reference: an uninterrupted import.
	ref := newTroop(t)
	ref.seedRoster(t, roster)
	refID := ref.submit(t, csv, nil)
	ref.runWorker(t, advancement.TroopHandler{})
	want := ref.naturalDump(t)
	wantJob := ref.job(t, refID)
	require.Equal(t, "completed", wantJob.Status)

	f := newTroop(t)
	f.seedRoster(t, roster)
	id := f.submit(t, csv, nil)

	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	w, err := jobs.NewWorker(jobs.Config{
		Pool:          f.db.WorkerPool(t),
		ListenConnect: func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, f.db.WorkerURL) },
		Handlers:      map[string]jobs.Handler{advancement.JobType: advancement.TroopHandler{ChunkSize: 500}},
		WorkerID:      "crash-test", LeaseDuration: 3 * time.Second, PollInterval: 500 * time.Millisecond,
		Logger: quietLogger,
	})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	// Crash in the middle of the requirement steps.
	require.Eventually(t, func() bool {
		var processed int
		err := f.db.Pool.QueryRow(ctx, `select processed_items from import_jobs where id = $1`, id).Scan(&processed)
		return err == nil && processed >= 8000
	}, 60*time.Second, 5*time.Millisecond, "the import got under way")
	require.NoError(t, server.Kill(syscall.SIGQUIT))
	require.NoError(t, server.Restart(context.Background()))

	var status string
	require.Eventually(t, func() bool {
		err := f.db.Pool.QueryRow(ctx, `select status from import_jobs where id = $1`, id).Scan(&status)
		return err == nil && (status == "completed" || status == "failed" || status == "cancelled")
	}, 90*time.Second, 50*time.Millisecond, "the job ended after the restart")
	stop()
	require.NoError(t, <-done)

	got := f.job(t, id)
	require.Equal(t, "completed", got.Status, "error: %v", got.Error)
	require.Equal(t, want, f.naturalDump(t), "same rows as the uninterrupted import")
	require.Equal(t, wantJob.TotalItems, got.ProcessedItems)
	require.Equal(t, wantJob.Result.ScoutsCreated, got.Result.ScoutsCreated)
	require.Equal(t, wantJob.Result.RanksImported+wantJob.Result.BadgesImported+wantJob.Result.RankRequirementsImported+
		wantJob.Result.BadgeRequirementsImported, got.Result.RanksImported+got.Result.BadgesImported+
		got.Result.RankRequirementsImported+got.Result.BadgeRequirementsImported, "every item counted once, whatever the attempt")
}
