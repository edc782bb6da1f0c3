package advancement_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
)

// TestHistoryResumesFromCheckpoint breaks the leadership step of the first attempt (a test
// trigger raises an error on the first leadership row), so the job is retried; the second
// attempt goes on from the checkpoint. The rows, the counts and the warnings must be those of
// an uninterrupted import.
func TestHistoryResumesFromCheckpoint(t *testing.T) {
	f := newHistFixture(t)
	scout := histCraftedSetup(t, f)
	f.exec(t, `create sequence test_history_failures; grant usage on sequence test_history_failures to import_worker`)
	f.exec(t, `create function test_fail_leadership() returns trigger language plpgsql as $$
		begin
			if nextval('test_history_failures') = 1 then
				raise exception 'injected failure';
			end if;
			return new;
		end $$`)
	f.exec(t, `create trigger test_fail_leadership before insert on scout_leadership_history
		for each row execute function test_fail_leadership()`)

	id := f.submit(t, histTestdata(t, "history_crafted.csv"), nil)
	run := func() {
		w, err := jobs.NewWorker(jobs.Config{Pool: f.workerPool(t),
			Handlers: map[string]jobs.Handler{advancement.HistoryJobType: advancement.HistoryHandler{}},
			WorkerID: "history-test-worker", ExitWhenIdle: true, PollInterval: time.Second, Logger: quietLogger,
			Backoff: jobs.Backoff{Base: time.Hour, Max: time.Hour}})
		require.NoError(t, err)
		require.NoError(t, w.Run(context.Background()))
	}
	run()
	j := f.job(t, id)
	require.Equal(t, "pending", j.Status, "the failed chunk ends the attempt with a retry")
	require.Contains(t, j.Error, "injected failure")
	rows := f.rows(t, scout)
	require.Equal(t, histCraftedRows["badge requirements"], rows["badge requirements"], "steps before the failure are committed")
	require.Empty(t, rows["leadership"])

	f.exec(t, `update import_jobs set run_after = now() where id = $1`, id)
	run()
	j = f.job(t, id)
	j.requireCompleted(t)
	require.Equal(t, histCraftedRows, f.rows(t, scout))
	r := j.Result
	require.Equal(t, 4, r.RanksImported)
	require.Equal(t, 13, r.RequirementsImported)
	require.Equal(t, 8, r.BadgesImported)
	require.Equal(t, 3, r.LeadershipImported)
	require.Equal(t, 3, r.ActivitiesImported)
	require.Equal(t, 4, r.RequirementDefinitionsRegistered, "counted by the first attempt, kept in the checkpoint")
	// The registration warning was recorded by the first attempt only.
	require.Equal(t, []string{"leadership_without_start_date", "requirement_not_found", "requirement_recorded_for_unit",
		"unknown_leadership_position", "unknown_merit_badge", "version_fallback"}, histWarningTypes(r))
	require.Equal(t, j.TotalItems, j.ProcessedItems)
}
