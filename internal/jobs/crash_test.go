package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
	sqlfiles "github.com/chuckbox/importworker/sql"
)

// helperEnv carries the helperSpec (JSON) of a worker child process.
const helperEnv = "JOBS_TEST_HELPER_WORKER"

// helperAppName is the application_name of the child's connections, to find them in
// pg_stat_activity.
const helperAppName = "jobs-test-helper"

// helperSpec tells the child process what to run.
type helperSpec struct {
	DBURL  string        `json:"db_url"`
	Chunks int           `json:"chunks"`
	Work   time.Duration `json:"work"`
	Lease  time.Duration `json:"lease"`
	Poll   time.Duration `json:"poll"`
	Grace  time.Duration `json:"grace"`
	// IdleInTx, when set, bounds the child's sessions with jobs.SessionLimits.
	IdleInTx time.Duration `json:"idle_in_tx"`
}

// TestHelperWorkerProcess is not a test: the crash tests re-execute the test binary with only
// this function selected and helperEnv set, to get a worker in a process they can SIGKILL or
// SIGTERM. It runs chunkHandler until SIGTERM and exits 0 after a graceful shutdown.
func TestHelperWorkerProcess(t *testing.T) {
	raw := os.Getenv(helperEnv)
	if raw == "" {
		t.Skip("worker child process of the crash tests; runs only when they start it")
	}
	var spec helperSpec
	require.NoError(t, json.Unmarshal([]byte(raw), &spec))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	poolCfg, err := pgxpool.ParseConfig(spec.DBURL)
	require.NoError(t, err)
	if spec.IdleInTx > 0 {
		jobs.SessionLimits{IdleInTransaction: spec.IdleInTx, KeepAlive: time.Second}.Apply(&poolCfg.ConnConfig.Config)
	}
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	require.NoError(t, err)
	defer pool.Close()
	w, err := jobs.NewWorker(jobs.Config{
		Pool:          pool,
		ListenConnect: listenConnect(spec.DBURL),
		Handlers:      handlers(chunkHandler(spec.Chunks, spec.Work, nil)),
		WorkerID:      fmt.Sprintf("child-%d", os.Getpid()),
		LeaseDuration: spec.Lease,
		PollInterval:  spec.Poll,
		ShutdownGrace: spec.Grace,
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	require.NoError(t, err)
	require.NoError(t, w.Run(ctx))
}

// child is a worker running in a child process.
type child struct {
	cmd    *exec.Cmd
	stdout *bufferWriter
	stderr *bufferWriter
	exited chan struct{}
	err    error // Wait's result, once exited is closed
}

// startChild starts TestHelperWorkerProcess in a child process. It reuses this process's
// PostgreSQL cluster through TEST_DATABASE_URL, so it starts no server of its own.
func startChild(t *testing.T, spec helperSpec) *child {
	t.Helper()
	raw, err := json.Marshal(spec)
	require.NoError(t, err)
	c := &child{stdout: &bufferWriter{}, stderr: &bufferWriter{}, exited: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestHelperWorkerProcess$", "-test.count=1", "-test.v")
	c.cmd.Env = append(os.Environ(), helperEnv+"="+string(raw), "TEST_DATABASE_URL="+pgtest.Cluster().AdminURL("postgres"))
	c.cmd.Stdout, c.cmd.Stderr = c.stdout, c.stderr
	require.NoError(t, c.cmd.Start())
	go func() { c.err = c.cmd.Wait(); close(c.exited) }()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
		if t.Failed() {
			t.Logf("child stdout:\n%s\nchild stderr:\n%s", c.stdout, c.stderr)
		}
	})
	return c
}

// waitExit waits for the child to exit and returns how long that took.
func (c *child) waitExit(t *testing.T, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	select {
	case <-c.exited:
		return time.Since(start)
	case <-time.After(within):
		t.Fatalf("child process did not exit within %s", within)
		return 0
	}
}

// helperSessions counts the child's open database sessions.
func (e *env) helperSessions(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, e.db.Pool.QueryRow(context.Background(), `select count(*) from pg_stat_activity
		where datname = current_database() and application_name = $1`, helperAppName).Scan(&n))
	return n
}

// A worker process killed with SIGKILL in the middle of a job: its lease expires, another
// worker's reaper returns the job, and the new worker resumes at the checkpoint (no chunk
// written twice, none missing) and completes it as attempt 2. A zombie still holding the
// dead worker's lease token can change nothing.
func TestCrashSigkillMidJobResumesFromCheckpoint(t *testing.T) {
	e := newEnv(t)
	e.createChunkLog(t)
	id := e.insertJob(t, e.unit)
	const total = 20
	c := startChild(t, helperSpec{DBURL: e.db.WorkerURL + "&application_name=" + helperAppName, Chunks: total,
		Work: 100 * time.Millisecond, Lease: 2 * time.Second, Poll: 200 * time.Millisecond, Grace: 5 * time.Second})

	require.Eventually(t, func() bool { return e.chunkCount(t, id) >= 3 }, 30*time.Second, tick,
		"the child never committed 3 chunks")
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
	killedAt := time.Now()
	c.waitExit(t, 10*time.Second)
	ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "child should have died of SIGKILL: %v", c.err)
	// The server ends the dead client's sessions (rolling back its chunk in flight) once it
	// notices; after that the database state is final.
	require.Eventually(t, func() bool { return e.helperSessions(t) == 0 }, 10*time.Second, tick)

	dead := e.job(t, id)
	require.Equal(t, "processing", dead.Status, "nobody has reaped the job yet")
	require.Equal(t, 1, dead.Attempt)
	require.True(t, dead.LeaseToken.Valid)
	oldToken := dead.LeaseToken.UUID
	cp, found := e.checkpoint(t, id)
	require.True(t, found)
	done := e.chunkCount(t, id)
	require.Equal(t, done, cp.Next, "the checkpoint commits with its chunk's data")
	require.GreaterOrEqual(t, done, 3)
	require.Less(t, done, total)

	starts := make(chan chunkStart, 1)
	proceed := make(chan struct{})
	h := e.startWorker(t, jobs.Config{Handlers: handlers(chunkHandler(total, 0, func(s chunkStart) {
		starts <- s
		<-proceed
	})), ListenConnect: listenConnect(e.db.URL), LeaseDuration: 2 * time.Second, PollInterval: 200 * time.Millisecond})
	closeOnce := func() {
		select {
		case <-proceed:
		default:
			close(proceed)
		}
	}
	t.Cleanup(closeOnce) // runs before the worker's stop

	var s chunkStart
	select {
	case s = <-starts:
	case <-time.After(15 * time.Second):
		t.Fatal("the job was not resumed within 15s of the kill")
	}
	t.Logf("resumed %s after the SIGKILL, at chunk %d of %d", time.Since(killedAt).Round(time.Millisecond), s.From, total)
	require.Equal(t, 2, s.Job.Attempt)
	require.True(t, s.Found, "the new attempt must find the checkpoint")
	require.Equal(t, done, s.From, "resume at the first chunk not committed")
	require.Equal(t, 1.0, h.metric(t, "import_jobs_rescued_total"), "the new worker's reaper rescued the job")

	// The zombie: every fenced statement with the old token affects nothing.
	before := e.job(t, id)
	require.Equal(t, "processing", before.Status)
	require.NotEqual(t, oldToken, before.LeaseToken.UUID, "a re-claim takes a new fencing token")
	zombieWrites(t, e, id, oldToken)
	after := e.job(t, id)
	before.LeaseExpires, after.LeaseExpires = nil, nil // the live heartbeat may extend the lease
	require.Equal(t, before, after, "zombie writes changed the job")
	cpAfter, _ := e.checkpoint(t, id)
	require.Equal(t, cp, cpAfter)

	closeOnce()
	require.Equal(t, jobs.OutcomeCompleted, h.waitEnded(t, id, 20*time.Second))
	chunks, attempts := e.chunkLog(t, id)
	require.Len(t, chunks, total)
	for i := range chunks {
		require.Equal(t, i, chunks[i])
		want := 1
		if i >= done {
			want = 2
		}
		require.Equal(t, want, attempts[i], "attempt that wrote chunk %d", i)
	}
	final := e.job(t, id)
	require.Equal(t, "completed", final.Status)
	require.Equal(t, 2, final.Attempt)
	require.False(t, final.LeaseToken.Valid)
	require.Equal(t, total, final.ProcessedItems)
}

// zombieWrites runs every fenced statement of the worker with a lease token that is no longer
// the job's, and checks that none of them matches the row.
func zombieWrites(t *testing.T, e *env, id, token uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	tag, err := e.db.Pool.Exec(ctx, sqlfiles.Query("write_progress"), id, token, "zombie", 99, 99, 9999, 9999)
	require.NoError(t, err)
	require.Zero(t, tag.RowsAffected(), "write_progress with a stale token")

	for _, q := range []struct {
		name string
		args []any
	}{
		{"heartbeat", []any{id, token, 3600.0}},
		{"complete_jobs", []any{[]uuid.UUID{id}, []uuid.UUID{token}, []string{`{"zombie": true}`}}},
		{"finish_job", []any{id, token, "failed", "zombie", nil}},
		{"retry_later", []any{id, token, "zombie", 0.0}},
		{"release_job", []any{id, token}},
	} {
		rows, err := e.db.Pool.Query(ctx, sqlfiles.Query(q.name), q.args...)
		require.NoError(t, err, q.name)
		n := 0
		for rows.Next() {
			n++
		}
		require.NoError(t, rows.Err(), q.name)
		require.Zero(t, n, "%s with a stale token matched the job", q.name)
	}

	tx, err := e.db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx) //nolint:errcheck
	rows, err := tx.Query(ctx, sqlfiles.Query("fence_check"), id, token, nil)
	require.NoError(t, err)
	n := 0
	for rows.Next() {
		n++
	}
	require.NoError(t, rows.Err())
	require.Zero(t, n, "fence_check with a stale token let a chunk through")
}

// SIGTERM while a worker process is in the middle of a job: the process finishes its current
// chunk, hands the job back (pending, lease cleared, checkpoint kept, attempt not consumed)
// and exits 0 within its grace period; another worker then finishes the job from the
// checkpoint.
func TestSigtermMidJobReleasesJobToAnotherWorker(t *testing.T) {
	e := newEnv(t)
	e.createChunkLog(t)
	id := e.insertJob(t, e.unit)
	const total = 30
	grace := 5 * time.Second
	c := startChild(t, helperSpec{DBURL: e.db.WorkerURL + "&application_name=" + helperAppName, Chunks: total,
		Work: 100 * time.Millisecond, Lease: 3 * time.Second, Poll: time.Second, Grace: grace})

	require.Eventually(t, func() bool { return e.chunkCount(t, id) >= 2 }, 30*time.Second, tick,
		"the child never committed 2 chunks")
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGTERM))
	took := c.waitExit(t, grace+10*time.Second)
	t.Logf("child exited %s after SIGTERM", took.Round(time.Millisecond))
	require.NoError(t, c.err, "exit status")
	require.Less(t, took, grace, "the child must exit within its grace period")
	require.Contains(t, c.stdout.String(), "--- PASS: TestHelperWorkerProcess")
	require.Contains(t, c.stderr.String(), "outcome=released")

	released := e.job(t, id)
	require.Equal(t, "pending", released.Status)
	require.Equal(t, 0, released.Attempt, "a graceful shutdown does not use up an attempt")
	require.False(t, released.LeaseToken.Valid)
	require.Empty(t, released.LeaseOwner)
	require.Nil(t, released.LeaseExpires)
	require.Equal(t, "queued", released.Phase)
	cp, found := e.checkpoint(t, id)
	require.True(t, found, "the checkpoint is kept")
	done := e.chunkCount(t, id)
	require.Equal(t, done, cp.Next)
	require.GreaterOrEqual(t, done, 2)
	require.Less(t, done, total)
	require.Equal(t, done, released.ProcessedItems, "progress up to the last chunk is flushed on release")

	var s chunkStart
	h := e.startWorker(t, jobs.Config{Handlers: handlers(chunkHandler(total, 0, func(st chunkStart) { s = st })),
		ExitWhenIdle: true, FallbackPollInterval: 100 * time.Millisecond})
	require.NoError(t, h.wait(t, 30*time.Second))
	require.Equal(t, 1, s.Job.Attempt)
	require.True(t, s.Found)
	require.Equal(t, done, s.From, "resume at the checkpoint")

	chunks, _ := e.chunkLog(t, id)
	require.Len(t, chunks, total)
	for i := range chunks {
		require.Equal(t, i, chunks[i])
	}
	final := e.job(t, id)
	require.Equal(t, "completed", final.Status)
	require.Equal(t, 1, final.Attempt)
}

// A shutdown whose grace period ends while a chunk is still running abandons that chunk (its
// transaction rolls back: no data, no checkpoint) and still hands the job back at once.
func TestSigtermGraceOverAbandonsChunkAndReleasesJob(t *testing.T) {
	e := newEnv(t)
	e.createChunkLog(t)
	id := e.insertJob(t, e.unit)
	inChunk := make(chan struct{})
	h := e.startWorker(t, jobs.Config{ShutdownGrace: time.Second, Handlers: handlers(jobs.HandlerFunc(
		func(ctx context.Context, run *jobs.Run) error {
			return run.Chunk(ctx, chunkCursor{Next: 1}, func(ctx context.Context, tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `insert into public.chunk_log (job_id, chunk, attempt) values ($1, 0, 1)`, run.Job.ID); err != nil {
					return err
				}
				close(inChunk)
				_, err := tx.Exec(ctx, `select pg_sleep(30)`) // far longer than the grace period
				return err
			})
		}))})
	select {
	case <-inChunk:
	case <-time.After(10 * time.Second):
		t.Fatal("chunk did not start")
	}
	start := time.Now()
	require.NoError(t, h.stop(t))
	took := time.Since(start)
	t.Logf("worker stopped %s after the shutdown began (grace 1s)", took.Round(time.Millisecond))
	require.GreaterOrEqual(t, took, time.Second, "the chunk gets the whole grace period")
	require.Less(t, took, 5*time.Second)

	row := e.job(t, id)
	require.Equal(t, "pending", row.Status)
	require.Equal(t, 0, row.Attempt)
	require.False(t, row.LeaseToken.Valid)
	require.Zero(t, e.chunkCount(t, id), "the abandoned chunk must roll back")
	_, found := e.checkpoint(t, id)
	require.False(t, found)
}
