package jobs_test

// Shared helpers of the queue tests.
//
// Every test here gets its own database (pgtest.NewDB) but all of them share one PostgreSQL
// cluster, and TestRestartPostgresWhileListening stops and restarts that cluster. So no test in
// this package may call t.Parallel: a parallel test would see its connections die.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
)

// jobType is the job type the tests enqueue (the schema allows troop_advancement and scout_history).
const jobType = "troop_advancement"

// tick is the polling period of require.Eventually in these tests.
const tick = 10 * time.Millisecond

// env is a fresh database with one unit and one of its leaders.
type env struct {
	db     *pgtest.DB
	unit   uuid.UUID
	leader pgtest.Person
}

func newEnv(t testing.TB) *env {
	t.Helper()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 1")
	return &env{db: db, unit: unit, leader: db.Leader(t, unit, "leader@example.org")}
}

// insertJob enqueues a pending job for unit as the postgres role (a trusted enqueuer) and
// returns its id. The env's leader is made a leader of unit when not yet one: the worker runs
// only jobs whose creator may still import for the unit.
func (e *env) insertJob(t testing.TB, unit uuid.UUID) uuid.UUID {
	t.Helper()
	e.makeLeaderOf(t, unit)
	var id uuid.UUID
	err := e.db.Pool.QueryRow(context.Background(), `insert into public.import_jobs (unit_id, created_by, type, input_csv)
		values ($1, $2, $3, 'x') returning id`, unit, e.leader.ProfileID, jobType).Scan(&id)
	require.NoError(t, err, "insert job")
	return id
}

// createUnits adds n units and returns their ids.
func (e *env) createUnits(t testing.TB, n int) []uuid.UUID {
	t.Helper()
	rows, err := e.db.Pool.Query(context.Background(), `insert into public.units (name, unit_number, unit_type)
		select 'Troop ' || i, i::text, 'troop' from generate_series(1, $1) i returning id`, n)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	require.NoError(t, err)
	require.Len(t, ids, n)
	_, err = e.db.Pool.Exec(context.Background(), `insert into public.unit_memberships (unit_id, profile_id, role, status)
		select u, $2, 'leader', 'active' from unnest($1::uuid[]) u`, ids, e.leader.ProfileID)
	require.NoError(t, err, "make the env's leader a leader of the new units")
	return ids
}

// makeLeaderOf gives the env's leader an active leader membership of unit, if it has none.
func (e *env) makeLeaderOf(t testing.TB, unit uuid.UUID) {
	t.Helper()
	_, err := e.db.Pool.Exec(context.Background(), `insert into public.unit_memberships (unit_id, profile_id, role, status)
		select $1, $2, 'leader', 'active'
		where not exists (select 1 from public.unit_memberships where unit_id = $1 and profile_id = $2)`, unit, e.leader.ProfileID)
	require.NoError(t, err)
}

// insertJobsRoundRobin enqueues n jobs spread over units in one statement (one NOTIFY).
func (e *env) insertJobsRoundRobin(t testing.TB, units []uuid.UUID, n int) []uuid.UUID {
	t.Helper()
	rows, err := e.db.Pool.Query(context.Background(), `insert into public.import_jobs (unit_id, created_by, type, input_csv)
		select ($1::uuid[])[1 + (i % cardinality($1::uuid[]))], $2, $3, 'x'
		from generate_series(0, $4 - 1) i
		returning id`, units, e.leader.ProfileID, jobType, n)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	require.NoError(t, err)
	require.Len(t, ids, n)
	return ids
}

// createChunkLog creates the scratch table the chunk handlers write into. Its primary key
// makes a chunk written twice fail loudly.
func (e *env) createChunkLog(t testing.TB) {
	t.Helper()
	_, err := e.db.Pool.Exec(context.Background(), `create table public.chunk_log (
		job_id uuid not null, chunk int not null, attempt int not null, primary key (job_id, chunk));
		grant select, insert on public.chunk_log to import_worker`)
	require.NoError(t, err)
}

// chunkLog returns the chunks written for job, in order, with the attempt that wrote each.
func (e *env) chunkLog(t testing.TB, job uuid.UUID) (chunks, attempts []int) {
	t.Helper()
	rows, err := e.db.Pool.Query(context.Background(),
		`select chunk, attempt from public.chunk_log where job_id = $1 order by chunk`, job)
	require.NoError(t, err)
	defer rows.Close()
	for rows.Next() {
		var c, a int
		require.NoError(t, rows.Scan(&c, &a))
		chunks = append(chunks, c)
		attempts = append(attempts, a)
	}
	require.NoError(t, rows.Err())
	return chunks, attempts
}

func (e *env) chunkCount(t testing.TB, job uuid.UUID) int {
	t.Helper()
	var n int
	require.NoError(t, e.db.Pool.QueryRow(context.Background(),
		`select count(*) from public.chunk_log where job_id = $1`, job).Scan(&n))
	return n
}

// checkpoint returns the job's saved cursor (found false when there is none).
func (e *env) checkpoint(t testing.TB, job uuid.UUID) (cur chunkCursor, found bool) {
	t.Helper()
	var raw []byte
	err := e.db.Pool.QueryRow(context.Background(),
		`select cursor from public.import_job_checkpoints where job_id = $1`, job).Scan(&raw)
	if err == pgx.ErrNoRows {
		return chunkCursor{}, false
	}
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &cur))
	return cur, true
}

// jobRow is the part of an import_jobs row the tests look at.
type jobRow struct {
	Status         string
	Attempt        int
	MaxAttempts    int
	ErrorMessage   string // empty when null
	LeaseOwner     string // empty when null
	LeaseToken     uuid.NullUUID
	LeaseExpires   *time.Time
	ProcessedItems int
	TotalItems     int
	Phase          string
	Result         string // JSON text, empty when null
	CompletedAt    *time.Time
	CancelAt       *time.Time
}

func (e *env) job(t testing.TB, id uuid.UUID) jobRow {
	t.Helper()
	var r jobRow
	err := e.db.Pool.QueryRow(context.Background(), `select status, attempt, max_attempts,
			coalesce(error_message, ''), coalesce(lease_owner, ''), lease_token, lease_expires_at,
			processed_items, total_items, coalesce(current_phase, ''), coalesce(result::text, ''),
			completed_at, cancel_requested_at
		from public.import_jobs where id = $1`, id).Scan(
		&r.Status, &r.Attempt, &r.MaxAttempts, &r.ErrorMessage, &r.LeaseOwner, &r.LeaseToken, &r.LeaseExpires,
		&r.ProcessedItems, &r.TotalItems, &r.Phase, &r.Result, &r.CompletedAt, &r.CancelAt)
	require.NoError(t, err, "read job %s", id)
	return r
}

// asLeader runs sql through PostgREST's path as the env's leader.
func (e *env) asLeader(t testing.TB, sql string, args ...any) {
	t.Helper()
	err := e.db.AsClient(context.Background(), e.leader.Claims(), func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), sql, args...)
		return err
	})
	require.NoError(t, err, "as leader: %s", sql)
}

// listenConnect opens LISTEN connections to url.
func listenConnect(url string) func(ctx context.Context) (*pgx.Conn, error) {
	return func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, url) }
}

// newPool opens a pool of its own for one worker, closed when the test ends.
func newPool(t testing.TB, url string, maxConns int32) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// endedJob is one OnEnded call.
type endedJob struct {
	Job     jobs.Job
	Outcome jobs.Outcome
}

// harness is a jobs.Worker running on a goroutine, with its hooks turned into channels.
type harness struct {
	W       *jobs.Worker
	Metrics *jobs.Metrics
	Claimed chan jobs.Job
	Ended   chan endedJob

	cancel  context.CancelFunc
	done    chan error
	stopped atomic.Bool
	result  error
}

var workerSeq atomic.Int64

// startWorker runs a worker until the test ends (or stop is called). Unset fields of cfg get
// test values: its own pool on the env's database connected as the worker's role
// (import_worker, no BYPASSRLS), a unique WorkerID, a logger writing to
// t.Log, fresh metrics.
func (e *env) startWorker(t testing.TB, cfg jobs.Config) *harness {
	t.Helper()
	if cfg.Pool == nil {
		cfg.Pool = newPool(t, e.db.WorkerURL, int32(max(cfg.Concurrency, 2))+4)
	}
	if cfg.WorkerID == "" {
		cfg.WorkerID = fmt.Sprintf("test-worker-%d", workerSeq.Add(1))
	}
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = jobs.NewMetrics()
	}
	w, err := jobs.NewWorker(cfg)
	require.NoError(t, err)
	h := &harness{W: w, Metrics: cfg.Metrics, Claimed: make(chan jobs.Job, 4096), Ended: make(chan endedJob, 4096),
		done: make(chan error, 1)}
	w.OnClaimed = func(j jobs.Job) {
		select {
		case h.Claimed <- j:
		default:
		}
	}
	w.OnEnded = func(j jobs.Job, o jobs.Outcome) {
		select {
		case h.Ended <- endedJob{j, o}:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- w.Run(ctx) }()
	t.Cleanup(func() { h.stop(t) })
	return h
}

// stop shuts the worker down gracefully and returns Run's error.
func (h *harness) stop(t testing.TB) error {
	t.Helper()
	if h.stopped.Swap(true) {
		return h.result
	}
	h.cancel()
	select {
	case h.result = <-h.done:
	case <-time.After(60 * time.Second):
		t.Fatalf("worker did not stop within 60s")
	}
	return h.result
}

// wait waits for a worker with ExitWhenIdle to return by itself.
func (h *harness) wait(t testing.TB, within time.Duration) error {
	t.Helper()
	select {
	case h.result = <-h.done:
		h.stopped.Store(true)
		return h.result
	case <-time.After(within):
		t.Fatalf("worker did not exit within %s", within)
		return nil
	}
}

// waitClaimed waits until job id is claimed and returns it (claims of other jobs are dropped).
func (h *harness) waitClaimed(t testing.TB, id uuid.UUID, within time.Duration) jobs.Job {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case j := <-h.Claimed:
			if j.ID == id {
				return j
			}
		case <-deadline:
			t.Fatalf("job %s was not claimed within %s", id, within)
		}
	}
}

// waitEnded waits until an attempt of job id ends and returns how.
func (h *harness) waitEnded(t testing.TB, id uuid.UUID, within time.Duration) jobs.Outcome {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case e := <-h.Ended:
			if e.Job.ID == id {
				return e.Outcome
			}
		case <-deadline:
			t.Fatalf("no attempt of job %s ended within %s", id, within)
		}
	}
}

// metric reads a counter or gauge (summed over its label values) from the worker's metrics.
func (h *harness) metric(t testing.TB, name string) float64 {
	t.Helper()
	families, err := h.Metrics.Registry.Gather()
	require.NoError(t, err)
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			sum += metricValue(m)
		}
	}
	return sum
}

func metricValue(m *dto.Metric) float64 {
	switch {
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	}
	return 0
}

// testLogger sends the worker's logs to t.Log (shown for failed tests and with -v).
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(&tWriter{t: t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct {
	mu sync.Mutex
	t  testing.TB
}

func (w *tWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// chunkCursor is the checkpoint of chunkHandler: the next chunk to process.
type chunkCursor struct {
	Next int `json:"next"`
}

// chunkStart is what chunkHandler reports before its first chunk.
type chunkStart struct {
	Job   jobs.Job
	From  int
	Found bool
}

// chunkHandler processes total chunks, resuming from its checkpoint. Each chunk inserts one
// row into chunk_log inside the chunk's transaction (a repeated chunk violates the primary
// key) and optionally spends work inside the transaction (pg_sleep, simulated import work).
// onStart, when set, is called before the first chunk (it may block, e.g. until the test has
// looked at the database).
func chunkHandler(total int, work time.Duration, onStart func(chunkStart)) jobs.Handler {
	return jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
		var cur chunkCursor
		found, err := run.LoadCheckpoint(ctx, &cur)
		if err != nil {
			return err
		}
		if onStart != nil {
			onStart(chunkStart{Job: run.Job, From: cur.Next, Found: found})
		}
		run.SetProgress(jobs.Progress{Phase: "chunks", TotalItems: total, ProcessedItems: cur.Next})
		for i := cur.Next; i < total; i++ {
			err := run.Chunk(ctx, chunkCursor{Next: i + 1}, func(ctx context.Context, tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `insert into public.chunk_log (job_id, chunk, attempt) values ($1, $2, $3)`,
					run.Job.ID, i, run.Job.Attempt); err != nil {
					return fmt.Errorf("write chunk %d: %w", i, err)
				}
				if work > 0 {
					if _, err := tx.Exec(ctx, `select pg_sleep($1)`, work.Seconds()); err != nil {
						return fmt.Errorf("work of chunk %d: %w", i, err)
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			run.SetProgress(jobs.Progress{Phase: "chunks", TotalItems: total, ProcessedItems: i + 1})
		}
		return nil
	})
}

// handlers maps the test job type to h.
func handlers(h jobs.Handler) map[string]jobs.Handler { return map[string]jobs.Handler{jobType: h} }

// bufferWriter is a goroutine-safe bytes.Buffer for a child process's output.
type bufferWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *bufferWriter) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *bufferWriter) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
