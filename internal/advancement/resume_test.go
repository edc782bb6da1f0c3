package advancement_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

// TestResumedImportEqualsUninterruptedImport interrupts an import of the generated 55-scout
// export twice and lets other workers resume it from its checkpoint. The final tables and the
// result must equal those of an uninterrupted import of the same file into a fresh database,
// run with a different chunk size (so nothing may depend on where chunks start).
//
// The interruption is a database failure inside a chunk: a test trigger on
// import_job_checkpoints raises an error on the 6th and 30th checkpoint write (a sequence
// counts them, and sequences are not rolled back), which aborts that chunk's transaction. The
// real jobs.Worker then schedules a retry; its backoff is an hour, so the worker exits and the
// test starts the next worker once it has looked at the half-done state.
func TestResumedImportEqualsUninterruptedImport(t *testing.T) {
	opts := scoutgen.DefaultTroopOptions()
	csv := generate(t, opts)
	roster := scoutgen.Roster(opts)

	// The reference: one uninterrupted run with the default chunk size.
	ref := newTroop(t)
	ref.seedRoster(t, roster)
	refID := ref.submit(t, csv, nil)
	ref.runWorker(t, advancement.TroopHandler{})
	refJob := ref.job(t, refID)
	require.Equal(t, "completed", refJob.Status, "error: %s", refJob.errorMessage())
	require.Equal(t, 1, refJob.Attempt)

	f := newTroop(t)
	f.seedRoster(t, roster)
	f.failCheckpointWrites(t, 6, 30)
	id := f.submit(t, csv, nil)
	handler := advancement.TroopHandler{ChunkSize: 500}
	run := func(workerID string) {
		f.runWorkerWith(t, handler, func(c *jobs.Config) {
			c.WorkerID = workerID
			c.Backoff = jobs.Backoff{Base: time.Hour, Max: time.Hour}
		})
	}

	run("worker-a")
	j := f.job(t, id)
	require.Equal(t, "pending", j.Status, "the failed chunk makes the attempt end with a retry")
	require.Equal(t, 1, j.Attempt)
	require.Contains(t, j.errorMessage(), "injected failure")
	step1, offset1 := f.checkpoint(t, id)
	partial := f.count(t, `select count(*) from scout_rank_progress`)
	require.Positive(t, partial, "chunks before the failure are committed")
	reqRows := func(f *troopFixture) int {
		return f.count(t, `select (select count(*) from scout_rank_requirement_progress) + (select count(*) from scout_merit_badge_requirement_progress)
			+ (select count(*) from unit_requirement_progress)`)
	}
	afterFirst := reqRows(f)
	require.Less(t, afterFirst, reqRows(ref), "the first attempt stopped early")

	f.exec(t, `update import_jobs set run_after = now() where id = $1`, id)
	run("worker-b")
	j = f.job(t, id)
	require.Equal(t, "pending", j.Status)
	require.Equal(t, 2, j.Attempt)
	step2, offset2 := f.checkpoint(t, id)
	require.True(t, step2 > step1 || (step2 == step1 && offset2 > offset1),
		"the second attempt went on from the first one's checkpoint (%d/%d -> %d/%d)", step1, offset1, step2, offset2)
	require.Greater(t, reqRows(f), afterFirst, "the second attempt wrote more")
	require.Less(t, reqRows(f), reqRows(ref), "and stopped early too")

	f.exec(t, `update import_jobs set run_after = now() where id = $1`, id)
	run("worker-c")
	j = f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	require.Equal(t, 3, j.Attempt)
	require.Greater(t, f.count(t, `select last_value from public.test_checkpoint_writes`), 30, "both injected failures happened")

	// Same rows, by natural keys.
	want, got := ref.naturalDump(t), f.naturalDump(t)
	for table := range want {
		require.Equal(t, len(want[table]), len(got[table]), "%s: row count", table)
		require.True(t, equalStrings(want[table], got[table]), "%s differs from the uninterrupted import: first difference %s",
			table, firstDifference(want[table], got[table]))
	}

	// Same result, apart from timings. (Compared field by field first, for readable failures.)
	require.Equal(t, refJob.Result.ScoutsCreated, j.Result.ScoutsCreated)
	require.Equal(t, refJob.Result.ScoutsMatched, j.Result.ScoutsMatched, "scouts created by an earlier attempt are not matched ones")
	require.Equal(t, refJob.Result.WarningCount, j.Result.WarningCount, "warnings recorded by earlier attempts are reported")
	require.Equal(t, refJob.TotalItems, j.TotalItems)
	require.Equal(t, j.TotalItems, j.ProcessedItems)
	require.Equal(t, j.TotalScouts, j.ProcessedScouts)
	wantRes, gotRes := refJob.Result, j.Result
	wantRes.TimingsMs, gotRes.TimingsMs = nil, nil
	require.Equal(t, wantRes, gotRes)
	require.Equal(t, issueSummary(ref.issues(t, refID)), issueSummary(f.issues(t, id)))
}

// TestChunkSizeDoesNotChangeRows imports the crafted export one item per chunk and compares
// with the default chunk size: chunk boundaries (and so a resume with another chunk size)
// must not change what is written.
func TestChunkSizeDoesNotChangeRows(t *testing.T) {
	dump := func(chunk int) (map[string][]string, advancement.Result) {
		f := newTroop(t)
		f.seedCraftedRoster(t)
		id := f.submit(t, testdata(t, "crafted_troop.csv"), nil)
		f.runWorker(t, advancement.TroopHandler{ChunkSize: chunk})
		j := f.job(t, id)
		require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
		j.Result.TimingsMs = nil
		return f.naturalDump(t), j.Result
	}
	wantRows, wantRes := dump(0)
	gotRows, gotRes := dump(1)
	require.Equal(t, sorted(craftedRows["scout_merit_badge_progress"]), wantRows["scout_merit_badge_progress"])
	require.Equal(t, wantRows, gotRows)
	require.Equal(t, wantRes, gotRes)
}

// failCheckpointWrites makes the n-th checkpoint writes of this database fail (counting from
// 1 over all jobs and attempts), with a trigger created as superuser.
func (f *troopFixture) failCheckpointWrites(t *testing.T, writes ...int) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.Cluster().AdminURL(f.db.Name))
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `
		create sequence public.test_checkpoint_writes;
		create table public.test_failing_writes (n bigint primary key);
		create function public.test_fail_checkpoint() returns trigger language plpgsql as $$
		declare
			write_number bigint := nextval('public.test_checkpoint_writes');
		begin
			if exists (select 1 from public.test_failing_writes where n = write_number) then
				raise exception 'injected failure (test): the database connection was lost';
			end if;
			return new;
		end $$;
		create trigger test_fail_checkpoint after insert or update on public.import_job_checkpoints
			for each row execute function public.test_fail_checkpoint();
		grant usage, select on sequence public.test_checkpoint_writes to postgres, import_worker;
		grant select on public.test_failing_writes to postgres, import_worker;`)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `insert into public.test_failing_writes select unnest($1::bigint[])`, writes)
	require.NoError(t, err)
}

// checkpoint returns the job's saved step and offset.
func (f *troopFixture) checkpoint(t *testing.T, job uuid.UUID) (step, offset int) {
	t.Helper()
	require.NoError(t, f.db.Pool.QueryRow(context.Background(),
		`select (cursor->>'step')::int, (cursor->>'offset')::int from import_job_checkpoints where job_id = $1`, job).Scan(&step, &offset))
	return step, offset
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// firstDifference describes the first line where two sorted dumps differ.
func firstDifference(want, got []string) string {
	for i := 0; i < len(want) && i < len(got); i++ {
		if want[i] != got[i] {
			return "want " + want[i] + "\n got " + got[i]
		}
	}
	return "(one is a prefix of the other)"
}
