package jobs_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// --exit-when-idle means "nothing runnable and nothing running, checked after the last job
// ended". A unit's backlog is the hard case: only one of its imports runs at a time, so every
// claim made while one of them runs finds nothing, although the next one becomes runnable as
// soon as it ends. The worker must drain the whole backlog, then exit.
func TestExitWhenIdleDrainsOneUnitsBacklog(t *testing.T) {
	for _, n := range []int{50, 500} {
		t.Run(fmt.Sprintf("%d jobs", n), func(t *testing.T) {
			e := newEnv(t)
			// A backlog beyond the default per-unit quota of waiting jobs.
			_, err := e.db.Pool.Exec(context.Background(), `update import_private.import_limits set max_pending_jobs_per_unit = $1`, n)
			require.NoError(t, err)
			e.insertJobsRoundRobin(t, e.createUnits(t, 1), n)
			var calls atomic.Int32
			h := e.startWorker(t, jobs.Config{ExitWhenIdle: true, // default concurrency (2)
				Handlers: handlers(jobs.HandlerFunc(func(context.Context, *jobs.Run) error {
					calls.Add(1)
					return nil
				}))})
			require.NoError(t, h.wait(t, 120*time.Second))

			var completed, other int
			require.NoError(t, e.db.Pool.QueryRow(context.Background(), `select
				count(*) filter (where status = 'completed'), count(*) filter (where status <> 'completed')
				from public.import_jobs`).Scan(&completed, &other))
			require.Equal(t, n, completed, "the worker exited with jobs left")
			require.Zero(t, other)
			require.Equal(t, int32(n), calls.Load())
		})
	}
}
