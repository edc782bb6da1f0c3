package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// 1,000 SetProgress calls over about a second with a 200 ms progress interval produce at most
// one write per interval (plus the phase change and the trailing write), and the last value
// reaches the row. Every UPDATE naming processed_items is logged by a trigger the test adds.
func TestProgressWritesAreThrottled(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.db.Pool.Exec(ctx, `
		create table public.progress_log (seq bigint generated always as identity, processed int not null, status text not null);
		create function public.log_progress() returns trigger language plpgsql security definer as $$
		begin
			insert into public.progress_log (processed, status) values (new.processed_items, new.status);
			return null;
		end $$;
		create trigger log_progress after update of processed_items on public.import_jobs
			for each row execute function public.log_progress();`)
	require.NoError(t, err)
	id := e.insertJob(t, e.unit)

	const calls = 1000
	interval := 200 * time.Millisecond
	var loopTook time.Duration
	h := jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		start := time.Now()
		pace := time.NewTicker(time.Millisecond) // spreads the calls over about a second
		defer pace.Stop()
		for i := 1; i <= calls; i++ {
			<-pace.C
			run.SetProgress(jobs.Progress{Phase: "work", TotalItems: calls, ProcessedItems: i})
		}
		loopTook = time.Since(start)
		// The trailing value is written within one interval; wait for it before completing
		// (completion would set processed_items = total_items anyway).
		deadline := time.Now().Add(5 * time.Second)
		for {
			var n int
			if err := run.Pool().QueryRow(ctx, `select processed_items from public.import_jobs where id = $1`, run.Job.ID).Scan(&n); err != nil {
				return err
			}
			if n == calls {
				return nil
			}
			if time.Now().After(deadline) {
				return jobs.Permanent(errors.New("the last progress value was never written"))
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(tick):
			}
		}
	})
	w := e.startWorker(t, jobs.Config{Handlers: handlers(h), ProgressInterval: interval})
	require.Equal(t, jobs.OutcomeCompleted, w.waitEnded(t, id, 15*time.Second))

	rows, err := e.db.Pool.Query(ctx, `select processed from public.progress_log where status = 'processing' order by seq`)
	require.NoError(t, err)
	var written []int
	for rows.Next() {
		var n int
		require.NoError(t, rows.Scan(&n))
		written = append(written, n)
	}
	require.NoError(t, rows.Err())
	allowed := int(loopTook/interval) + 1 + 2 // one per interval, the phase change, the trailing write and one of slack
	t.Logf("%d calls in %s gave %d progress writes %v (allowed %d)", calls, loopTook.Round(time.Millisecond), len(written), written, allowed)
	require.LessOrEqual(t, len(written), allowed)
	require.GreaterOrEqual(t, len(written), 3, "progress should still be written during the loop")
	require.Equal(t, calls, written[len(written)-1], "the last value is written")
	for i := 1; i < len(written); i++ {
		require.Greater(t, written[i], written[i-1], "progress writes must move forward")
	}
	require.Equal(t, calls, e.job(t, id).ProcessedItems)
}
