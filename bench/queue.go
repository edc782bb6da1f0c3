package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/localpg"
	sqlfiles "github.com/chuckbox/importworker/sql"
)

// The queue comparisons use the same concurrency for both queues, and enough units that
// every job has its own (one running import per unit is a rule of ours, not a cost to measure).
const (
	queueConcurrency = 64
	// riverBenchWorkers is the number of workers `river bench` runs River with.
	riverBenchWorkers = 2000
	throughputJobs    = 5000
	warmupJobs        = 200
	queueUnits        = 12000
)

// prepareQueue makes the queue database (units and a leader) and River's (its own migrations
// in the schema river of another database of the same cluster).
func (b *bench) prepareQueue(ctx context.Context) error {
	if err := b.cluster.CreateDatabase(ctx, "queue", "bench_ref"); err != nil {
		return err
	}
	pool, err := b.adminPool(ctx, "queue")
	if err != nil {
		return err
	}
	defer pool.Close()
	rows, err := pool.Query(ctx, `insert into public.units (name, unit_number, unit_type)
		select 'Troop ' || i, i::text, 'troop' from generate_series(1, $1) i returning id`, queueUnits)
	if err != nil {
		return err
	}
	if b.queueUnits, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID]); err != nil {
		return err
	}
	user := uuid.New()
	if _, err := pool.Exec(ctx, `insert into auth.users (id, email, role, aud) values ($1, 'q@bench.example', 'authenticated', 'authenticated')`, user); err != nil {
		return err
	}
	if err := pool.QueryRow(ctx, `insert into public.profiles (user_id, email, first_name, last_name, full_name)
		values ($1, 'q@bench.example', 'Q', 'Leader', 'Q Leader') returning id`, user).Scan(&b.queueBy); err != nil {
		return err
	}
	// The worker runs a job only while its creator is an active leader of the unit.
	if _, err := pool.Exec(ctx, `insert into public.unit_memberships (unit_id, profile_id, role, status)
		select u, $1, 'leader', 'active' from unnest($2::uuid[]) u`, b.queueBy, b.queueUnits); err != nil {
		return err
	}
	if err := b.cluster.CreateDatabase(ctx, "river", "bench_ref"); err != nil {
		return err
	}
	if _, err := b.riverBench(ctx, "-mode", "migrate"); err != nil {
		return err
	}
	step("queue databases ready (%d units; River migrated into schema river)", queueUnits)
	return nil
}

// riverBench runs the River benchmark and returns the JSON object it prints. In throughput
// mode it also samples the CPU time of its process and of the cluster when River marks the
// measured part's start and end on stderr (windowMark), and adds them as cpu_process_s and
// cpu_postgres_s.
func (b *bench) riverBench(ctx context.Context, args ...string) (map[string]float64, error) {
	args = append([]string{"-url", b.cluster.AdminURL("river"), "-schema", "river", "-workers", fmt.Sprint(queueConcurrency)}, args...)
	cmd := exec.CommandContext(ctx, b.riverBin, args...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("riverbench: %w", err)
	}
	var samples []cpuSample
	var errText strings.Builder
	var sampleErr error
	lines := bufio.NewScanner(stderr)
	for lines.Scan() {
		if lines.Text() != windowMark {
			errText.WriteString(lines.Text() + "\n")
			continue
		}
		s, err := b.sampleCPU(func() (float64, error) { return processCPU(cmd.Process.Pid) })
		samples = append(samples, s)
		sampleErr = errors.Join(sampleErr, err)
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("riverbench: %v: %s", err, errText.String())
	}
	if sampleErr != nil {
		return nil, sampleErr
	}
	var m map[string]float64
	if err := json.Unmarshal(stdout.Bytes(), &m); err != nil {
		return nil, fmt.Errorf("riverbench output %q: %w", stdout.Bytes(), err)
	}
	if len(samples) == 2 {
		m["cpu_process_s"], m["cpu_postgres_s"] = samples[1].process-samples[0].process, samples[1].postgres-samples[0].postgres
	}
	return m, nil
}

// windowMark is the line riverbench writes on stderr at the start and at the end of the
// measured part of a throughput run.
const windowMark = "riverbench: window"

// cpuSample is the CPU seconds used so far by a queue's process and by the cluster.
type cpuSample struct{ process, postgres float64 }

func (b *bench) sampleCPU(process func() (float64, error)) (cpuSample, error) {
	var s cpuSample
	var err error
	if s.process, err = process(); err != nil {
		return s, err
	}
	s.postgres, err = serverCPU(b.server.PID())
	return s, err
}

// resetQueue empties our queue between rounds, as River's rounds start from an empty table.
func resetQueue(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := pool.Exec(ctx, `truncate public.import_jobs cascade; truncate import_private.unit_claims`)
	return err
}

type noop struct{}

func (noop) Handle(context.Context, *jobs.Run) error { return nil }

// startOurs runs a worker of our queue in this process with a no-op handler, connected as the
// CLI connects: as import_worker, with a pool of concurrency + 3 connections and the default
// session limits.
func (b *bench) startOurs(ctx context.Context, onClaimed func(jobs.Job), onEnded func(jobs.Job, jobs.Outcome)) (stop func(), err error) {
	poolCfg, err := pgxpool.ParseConfig(b.cluster.URL("queue", localpg.WorkerRole))
	if err != nil {
		return nil, err
	}
	poolCfg.MaxConns = queueConcurrency + 3
	jobs.DefaultSessionLimits.Apply(&poolCfg.ConnConfig.Config)
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	if err != nil {
		return nil, err
	}
	listenCfg := poolCfg.ConnConfig.Copy()
	w, err := jobs.NewWorker(jobs.Config{
		Pool:          pool,
		ListenConnect: func(ctx context.Context) (*pgx.Conn, error) { return pgx.ConnectConfig(ctx, listenCfg) },
		Handlers:      map[string]jobs.Handler{"troop_advancement": noop{}},
		WorkerID:      "bench",
		Concurrency:   queueConcurrency,
		Logger:        slog.New(slog.DiscardHandler),
	})
	if err != nil {
		pool.Close()
		return nil, err
	}
	w.OnClaimed, w.OnEnded = onClaimed, onEnded
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	for deadline := time.Now().Add(10 * time.Second); !w.Ready(); {
		if time.Now().After(deadline) {
			cancel()
			pool.Close()
			return nil, fmt.Errorf("our worker did not become ready")
		}
		time.Sleep(5 * time.Millisecond) // polling a condition with a deadline
	}
	return func() { cancel(); <-done; pool.Close() }, nil
}

// throughputRun is one throughput run of a queue: its jobs per second, and the CPU time per job
// of the measured part (from the insert's commit to the last completion) in the queue's process
// and in PostgreSQL.
type throughputRun struct {
	jobsPerSec            float64
	processUS, postgresUS float64 // CPU microseconds per job
}

func (r throughputRun) cpuUS() float64 { return r.processUS + r.postgresUS }

// riverThroughput runs River's throughput mode with workers workers.
func (b *bench) riverThroughput(ctx context.Context, workers int) (throughputRun, error) {
	m, err := b.riverBench(ctx, "-mode", "throughput", "-jobs", fmt.Sprint(throughputJobs), "-warmup", fmt.Sprint(warmupJobs),
		"-throughput-workers", fmt.Sprint(workers))
	if err != nil {
		return throughputRun{}, err
	}
	if _, ok := m["cpu_process_s"]; !ok {
		return throughputRun{}, fmt.Errorf("riverbench marked no measured window")
	}
	return throughputRun{jobsPerSec: m["jobs_per_sec"], processUS: 1e6 * m["cpu_process_s"] / throughputJobs, postgresUS: 1e6 * m["cpu_postgres_s"] / throughputJobs}, nil
}

// oursThroughput measures a running worker, as River's is measured: the worker starts on an
// empty queue and works warmupJobs no-op jobs; then throughputJobs no-op jobs are enqueued in
// one statement, and the time runs from that statement's commit to the last completion
// recorded. The CPU time is that of this process (the worker runs in it) and of the cluster, over
// the same part.
func (b *bench) oursThroughput(ctx context.Context) (run throughputRun, err error) {
	pool, err := pgxpool.New(ctx, b.cluster.AdminURL("queue"))
	if err != nil {
		return run, err
	}
	defer pool.Close()
	if err := resetQueue(ctx, pool); err != nil {
		return run, err
	}
	var done atomic.Int64
	completed := make(chan struct{}, 1)
	stop, err := b.startOurs(ctx, nil, func(_ jobs.Job, o jobs.Outcome) {
		if o == jobs.OutcomeCompleted {
			done.Add(1)
			select {
			case completed <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		return run, err
	}
	defer stop()
	// Each job has its own unit; the warm-up's units follow the measured ones.
	enqueue := func(units []uuid.UUID) error {
		_, err := pool.Exec(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv)
			select u, $2, 'troop_advancement', 'x' from unnest($1::uuid[]) u`, units, b.queueBy)
		return err
	}
	waitFor := func(n int64) error {
		deadline := time.After(5 * time.Minute)
		for done.Load() < n {
			select {
			case <-completed:
			case <-deadline:
				return fmt.Errorf("only %d of %d jobs completed", done.Load(), n)
			}
		}
		return nil
	}
	if err := enqueue(b.queueUnits[throughputJobs : throughputJobs+warmupJobs]); err != nil {
		return run, err
	}
	if err := waitFor(warmupJobs); err != nil {
		return run, err
	}
	if err := enqueue(b.queueUnits[:throughputJobs]); err != nil {
		return run, err
	}
	start := time.Now()
	self := func() (float64, error) { return selfCPU(), nil }
	cpu0, err := b.sampleCPU(self)
	if err != nil {
		return run, err
	}
	if err := waitFor(warmupJobs + throughputJobs); err != nil {
		return run, err
	}
	run.jobsPerSec = throughputJobs / time.Since(start).Seconds()
	cpu1, err := b.sampleCPU(self)
	if err != nil {
		return run, err
	}
	run.processUS, run.postgresUS = 1e6*(cpu1.process-cpu0.process)/throughputJobs, 1e6*(cpu1.postgres-cpu0.postgres)/throughputJobs
	return run, nil
}

// oursLatency inserts jobs one by one at rate for d (each its own unit, as browsers do) and
// measures from just before each insert to the worker's claim of it.
func (b *bench) oursLatency(ctx context.Context, rate float64, d time.Duration) (p50, p99 float64, err error) {
	pool, err := pgxpool.New(ctx, b.cluster.AdminURL("queue"))
	if err != nil {
		return 0, 0, err
	}
	defer pool.Close()
	if err := resetQueue(ctx, pool); err != nil {
		return 0, 0, err
	}
	var mu sync.Mutex
	claimed := map[uuid.UUID]time.Time{}
	stop, err := b.startOurs(ctx, func(j jobs.Job) {
		now := time.Now()
		mu.Lock()
		claimed[j.ID] = now
		mu.Unlock()
	}, nil)
	if err != nil {
		return 0, 0, err
	}
	defer stop()
	n := int(rate * d.Seconds())
	starts := make(map[uuid.UUID]time.Time, n)
	tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
	defer tick.Stop()
	for i := 0; i < n; i++ {
		<-tick.C
		t0 := time.Now()
		var id uuid.UUID
		if err := pool.QueryRow(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv)
			values ($1, $2, 'troop_advancement', 'x') returning id`, b.queueUnits[i%len(b.queueUnits)], b.queueBy).Scan(&id); err != nil {
			return 0, 0, err
		}
		starts[id] = t0
	}
	deadline := time.Now().Add(time.Minute)
	for {
		mu.Lock()
		got := len(claimed)
		mu.Unlock()
		if got >= n {
			break
		}
		if time.Now().After(deadline) {
			return 0, 0, fmt.Errorf("only %d of %d jobs claimed", got, n)
		}
		time.Sleep(5 * time.Millisecond) // polling a condition with a deadline
	}
	mu.Lock()
	defer mu.Unlock()
	lat := make([]float64, 0, n)
	for id, t0 := range starts {
		lat = append(lat, float64(claimed[id].Sub(t0).Microseconds())/1000)
	}
	slices.Sort(lat)
	return lat[int(0.5*float64(len(lat)-1))], lat[int(0.99*float64(len(lat)-1))], nil
}

// walPerWrite measures WAL bytes per heartbeat and per progress write of a claimed job, each
// its own transaction as in the worker, after a checkpoint and a warm-up (the first write of a
// page after a checkpoint logs the whole page; that cost is amortized over a checkpoint
// interval and reported apart).
func (b *bench) walPerWrite(ctx context.Context) (heartbeat, progress, fpi float64, published bool, err error) {
	pool, err := pgxpool.New(ctx, b.cluster.AdminURL("queue"))
	if err != nil {
		return
	}
	defer pool.Close()
	if err = resetQueue(ctx, pool); err != nil {
		return
	}
	if err = pool.QueryRow(ctx, `select exists (select from pg_publication_tables
		where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'import_jobs')`).Scan(&published); err != nil {
		return
	}
	if _, err = pool.Exec(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv, options)
		values ($1, $2, 'troop_advancement', 'x', '{}')`, b.queueUnits[0], b.queueBy); err != nil {
		return
	}
	rows, err := pool.Query(ctx, sqlfiles.Query("claim_job"), "bench", 30.0, []string{"troop_advancement"}, 1)
	if err != nil {
		return
	}
	var id, token uuid.UUID
	for rows.Next() {
		v, e := rows.Values()
		if e != nil {
			err = e
			return
		}
		id, token = uuid.UUID(v[0].([16]byte)), uuid.UUID(v[6].([16]byte))
	}
	if err = rows.Err(); err != nil {
		return
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return
	}
	defer conn.Release()
	const n = 200
	measure := func(write func(i int) error) (float64, error) {
		var before string
		if err := conn.QueryRow(ctx, `select pg_current_wal_insert_lsn()::text`).Scan(&before); err != nil {
			return 0, err
		}
		for i := 0; i < n; i++ {
			if err := write(i); err != nil {
				return 0, err
			}
		}
		var bytes float64
		err := conn.QueryRow(ctx, `select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)`, before).Scan(&bytes)
		return bytes / n, err
	}
	hb := func(int) error {
		_, err := conn.Exec(ctx, sqlfiles.Query("heartbeat"), id, token, 30.0)
		return err
	}
	pr := func(i int) error {
		_, err := conn.Exec(ctx, sqlfiles.Query("write_progress"), id, token, "writing", 55, i, 100000, i*10)
		return err
	}
	// A checkpoint now (none in flight while measuring), then a warm-up that takes the page's
	// full-page image.
	if _, err = conn.Exec(ctx, `checkpoint`); err != nil {
		return
	}
	for i := 0; i < 10; i++ {
		if err = hb(i); err != nil {
			return
		}
	}
	if heartbeat, err = measure(hb); err != nil {
		return
	}
	if progress, err = measure(pr); err != nil {
		return
	}
	// One write right after a checkpoint: the full-page image it carries.
	var afterCkpt float64
	if _, err = conn.Exec(ctx, `checkpoint`); err != nil {
		return
	}
	var before string
	if err = conn.QueryRow(ctx, `select pg_current_wal_insert_lsn()::text`).Scan(&before); err != nil {
		return
	}
	if err = hb(0); err != nil {
		return
	}
	if err = conn.QueryRow(ctx, `select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1::pg_lsn)`, before).Scan(&afterCkpt); err != nil {
		return
	}
	fpi = afterCkpt
	return
}
