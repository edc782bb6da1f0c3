package advancement_test

import (
	"context"
	"sync"
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

// Faults while the input is read: whatever interrupts the read (a terminated backend, a
// database restart, a cancel, a shutdown), staging stops at once and the job takes the
// matching way out; the worker goes on.

// stagingWorker runs an in-process worker on f and records every attempt's outcome.
type stagingWorker struct {
	w        *jobs.Worker
	stop     context.CancelFunc
	done     chan error
	mu       sync.Mutex
	outcomes []jobs.Outcome
	ended    chan jobs.Outcome
	claimed  chan jobs.Job
}

func startStagingWorker(t *testing.T, f *troopFixture, lease time.Duration) *stagingWorker {
	t.Helper()
	sw := &stagingWorker{done: make(chan error, 1), ended: make(chan jobs.Outcome, 16), claimed: make(chan jobs.Job, 16)}
	w, err := jobs.NewWorker(jobs.Config{
		Pool:          f.db.Pool,
		ListenConnect: func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, f.db.URL) },
		Handlers:      map[string]jobs.Handler{advancement.JobType: advancement.TroopHandler{ChunkSize: 2000}},
		WorkerID:      "staging-fault-test", LeaseDuration: lease, PollInterval: 200 * time.Millisecond,
		FallbackPollInterval: 200 * time.Millisecond, ShutdownGrace: 5 * time.Second,
		Backoff: jobs.Backoff{Base: 100 * time.Millisecond, Max: 200 * time.Millisecond},
		Logger:  quietLogger,
	})
	require.NoError(t, err)
	w.OnClaimed = func(j jobs.Job) { sw.claimed <- j }
	w.OnEnded = func(_ jobs.Job, o jobs.Outcome) {
		sw.mu.Lock()
		sw.outcomes = append(sw.outcomes, o)
		sw.mu.Unlock()
		sw.ended <- o
	}
	sw.w = w
	ctx, stop := context.WithCancel(context.Background())
	sw.stop = stop
	go func() { sw.done <- w.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		select {
		case <-sw.done:
		case <-time.After(30 * time.Second):
			t.Error("worker did not stop")
		}
	})
	return sw
}

// waitEnded waits for the next attempt to end.
func (sw *stagingWorker) waitEnded(t *testing.T, within time.Duration) jobs.Outcome {
	t.Helper()
	select {
	case o := <-sw.ended:
		return o
	case <-time.After(within):
		t.Fatalf("no attempt ended within %s", within)
		return ""
	}
}

// waitClaimed waits for the next claim.
func (sw *stagingWorker) waitClaimed(t *testing.T, within time.Duration) jobs.Job {
	t.Helper()
	select {
	case j := <-sw.claimed:
		return j
	case <-time.After(within):
		t.Fatalf("no job claimed within %s", within)
		return jobs.Job{}
	}
}

// streamingBackend waits until a backend of f's database is in the middle of sending the
// result of query (matched on the leading comment of its .sql file): it waits for the worker
// to read on (ClientWrite), so rows have been sent and more are coming, or has been running
// the query for 20 ms (a worker that reads as fast as the rows come may never leave the
// backend waiting: the input is a few hundred milliseconds of rows). It returns its pid.
func streamingBackend(t *testing.T, f *troopFixture, queryName string) int {
	t.Helper()
	var pid int
	require.Eventually(t, func() bool {
		err := f.db.Pool.QueryRow(context.Background(), `select pid from pg_stat_activity
			where datname = current_database() and state = 'active'
			  and (wait_event = 'ClientWrite' or clock_timestamp() - query_start > interval '20 milliseconds')
			  and query like '-- ' || $1 || '%'
			limit 1`, queryName).Scan(&pid)
		return err == nil
	}, 60*time.Second, 2*time.Millisecond, "no backend ran %s", queryName)
	return pid
}

// bigExport is a 110-scout export (about 20 MB, 110,000 lines): long enough to read that the
// test finds the streaming query running.
func bigExport(t *testing.T) (string, []scoutgen.Scout) {
	t.Helper()
	opts := scoutgen.DefaultTroopOptions()
	opts.Scouts = 2 * scoutgen.DefaultScouts
	return generate(t, opts), scoutgen.Roster(opts)
}

// The input stream is cut twice while a large export is staged: first its backend is
// terminated, then PostgreSQL restarts. Each time the job is handed back at once (no attempt
// used); the same worker then completes it, with the same rows as an uninterrupted import.
func TestStagingStreamInterruptedHandsJobBack(t *testing.T) {
	server := pgtest.Cluster().Server()
	if server == nil {
		t.Skip("TEST_DATABASE_URL points at an external server, which this test cannot restart")
	}
	csv, roster := bigExport(t)

	ref := newTroop(t)
	ref.seedRoster(t, roster)
	refID := ref.submit(t, csv, nil)
	ref.runWorker(t, advancement.TroopHandler{ChunkSize: 2000})
	require.Equal(t, "completed", ref.job(t, refID).Status)
	want := ref.naturalDump(t)

	f := newTroop(t)
	f.seedRoster(t, roster)
	id := f.submit(t, csv, nil)
	sw := startStagingWorker(t, f, 3*time.Second)

	// 1. The streaming backend is terminated.
	pid := streamingBackend(t, f, "advancement_stream_input")
	var terminated bool
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select pg_terminate_backend($1)`, pid).Scan(&terminated))
	require.True(t, terminated)
	require.Equal(t, jobs.OutcomeReleased, sw.waitEnded(t, 30*time.Second), "a cut stream hands the job back")
	require.Equal(t, 1, sw.waitClaimed(t, 30*time.Second).Attempt)
	require.Equal(t, 1, sw.waitClaimed(t, 30*time.Second).Attempt, "a lost connection uses no attempt")

	// 2. PostgreSQL restarts while the next attempt streams the input.
	streamingBackend(t, f, "advancement_stream_input")
	require.NoError(t, server.Kill(syscall.SIGINT)) // fast shutdown: clients get admin_shutdown
	require.NoError(t, server.Restart(context.Background()))
	for {
		o := sw.waitEnded(t, 120*time.Second)
		if o == jobs.OutcomeCompleted {
			break
		}
		// The restart may also end the attempt as lease_lost (its release could not be
		// written in time; the reaper hands the job back), never as failed.
		require.Contains(t, []jobs.Outcome{jobs.OutcomeReleased, jobs.OutcomeLeaseLost, jobs.OutcomeRetry}, o)
	}
	got := f.job(t, id)
	require.Equal(t, "completed", got.Status, "error: %s", got.errorMessage())
	require.Equal(t, want, f.naturalDump(t), "same rows as the uninterrupted import")
	require.True(t, sw.w.Ready() || sw.w.PollingOnly(), "the worker is still running")
}

// A dry run whose input stream is cut in the middle of the file: the attempt is handed back
// instead of completing with a preview drawn from part of the rows, and the retried dry run
// gives the same preview as an uninterrupted one.
func TestDryRunInterruptedReadIsRetried(t *testing.T) {
	csv, roster := bigExport(t)
	f := newTroop(t)
	f.seedRoster(t, roster)

	// The preview of an uninterrupted dry run of the same file.
	refID := f.submit(t, csv, map[string]any{"dryRun": true})
	f.runWorker(t, advancement.TroopHandler{})
	wantPreview := f.job(t, refID).RawResult["preview"]
	require.NotNil(t, wantPreview)

	id := f.submit(t, csv, map[string]any{"dryRun": true})
	sw := startStagingWorker(t, f, 3*time.Second)
	pid := streamingBackend(t, f, "advancement_stream_input")
	var terminated bool
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select pg_terminate_backend($1)`, pid).Scan(&terminated))
	require.True(t, terminated)
	require.Equal(t, jobs.OutcomeReleased, sw.waitEnded(t, 30*time.Second), "an interrupted read is a transient failure")
	require.Equal(t, jobs.OutcomeCompleted, sw.waitEnded(t, 60*time.Second))
	got := f.job(t, id)
	require.Equal(t, "completed", got.Status)
	require.Equal(t, wantPreview, got.RawResult["preview"], "the retried dry run has the full preview")
}

// A leader's cancel while the input is read ends the job as cancelled at once; the worker
// goes on and runs the unit's next job.
func TestCancelDuringStaging(t *testing.T) {
	csv, roster := bigExport(t)
	f := newTroop(t)
	f.seedRoster(t, roster)
	id := f.submit(t, csv, nil)
	sw := startStagingWorker(t, f, 3*time.Second)
	streamingBackend(t, f, "advancement_stream_input")
	err := f.db.AsClient(context.Background(), f.leader.Claims(), func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `select * from public.cancel_import_job($1)`, id)
		return err
	})
	require.NoError(t, err)
	require.Equal(t, jobs.OutcomeCancelled, sw.waitEnded(t, 30*time.Second))
	got := f.job(t, id)
	require.Equal(t, "cancelled", got.Status)
	require.Zero(t, got.TotalItems, "staging stopped before the end of the file")
	require.Zero(t, f.count(t, `select count(*) from scout_rank_progress`), "nothing was written")

	// The worker is alive: the unit's next job runs.
	next := f.submit(t, generate(t, scoutgen.TroopOptions{Scouts: 2, Seed: 3}), nil)
	require.Equal(t, jobs.OutcomeCompleted, sw.waitEnded(t, 60*time.Second))
	require.Equal(t, "completed", f.job(t, next).Status)
}

// A shutdown (SIGTERM) while the input is read: the worker hands the job back and stops
// within its grace period instead of reading on; another worker completes the job.
func TestShutdownDuringStaging(t *testing.T) {
	csv, roster := bigExport(t)
	f := newTroop(t)
	f.seedRoster(t, roster)
	id := f.submit(t, csv, nil)
	sw := startStagingWorker(t, f, 3*time.Second)
	streamingBackend(t, f, "advancement_stream_input")
	sw.stop()
	select {
	case err := <-sw.done:
		require.NoError(t, err)
		sw.done <- nil // for the cleanup
	case <-time.After(4 * time.Second):
		t.Fatal("the worker did not stop within its grace period")
	}
	require.Equal(t, jobs.OutcomeReleased, sw.waitEnded(t, time.Second))
	released := f.job(t, id)
	require.Equal(t, "pending", released.Status)
	require.Zero(t, released.Attempt)
	require.Zero(t, released.TotalItems, "staging stopped before the end of the file")

	f.runWorker(t, advancement.TroopHandler{ChunkSize: 2000})
	require.Equal(t, "completed", f.job(t, id).Status)
}

// A lease lost while the input is read (another worker took the job over): staging stops at
// once and writes nothing; the worker goes on, and the job, rescued after its lease, completes.
func TestLeaseLostDuringStaging(t *testing.T) {
	csv, roster := bigExport(t)
	f := newTroop(t)
	f.seedRoster(t, roster)
	id := f.submit(t, csv, nil)
	sw := startStagingWorker(t, f, 3*time.Second)
	streamingBackend(t, f, "advancement_stream_input")
	// What a takeover looks like to this worker: the lease token is no longer its own.
	f.exec(t, `update import_jobs set lease_token = gen_random_uuid() where id = $1`, id)
	require.Equal(t, jobs.OutcomeLeaseLost, sw.waitEnded(t, 30*time.Second), "the heartbeat notices the lost lease")
	require.Zero(t, f.job(t, id).TotalItems, "staging stopped before the end of the file")
	require.Zero(t, f.count(t, `select count(*) from scout_rank_progress`), "nothing was written")
	require.Equal(t, jobs.OutcomeCompleted, sw.waitEnded(t, 120*time.Second), "rescued after its lease and completed")
	require.Equal(t, "completed", f.job(t, id).Status)
}
