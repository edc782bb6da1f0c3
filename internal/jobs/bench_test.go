package jobs_test

// Benchmarks: go test -run='^$' -bench=. ./internal/jobs
//
// They run against the package's throwaway local cluster (fsync off), so the figures measure
// the queue's own overhead, not disk latency.

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chuckbox/importworker/internal/jobs"
)

// benchWorker makes a quiet worker with its own pool for a benchmark.
func benchWorker(b *testing.B, e *env, cfg jobs.Config) *jobs.Worker {
	b.Helper()
	cfg.Pool = newPool(b, e.db.WorkerURL, int32(max(cfg.Concurrency, 2))+4)
	cfg.WorkerID = fmt.Sprintf("bench-%d", workerSeq.Add(1))
	cfg.Logger = slog.New(slog.DiscardHandler)
	w, err := jobs.NewWorker(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// runWorker runs w until the benchmark ends.
func runWorker(b *testing.B, w *jobs.Worker) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	b.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("worker: %v", err)
		}
	})
}

// BenchmarkPickupLatency measures insert -> claim through LISTEN/NOTIFY: one listening worker,
// one job at a time, from just before the insert statement (so it includes the insert's own
// round trip and commit) to the worker's OnClaimed hook. Reports p50 and p99 in milliseconds.
func BenchmarkPickupLatency(b *testing.B) {
	e := newEnv(b)
	claimed := make(chan time.Time, 1)
	ended := make(chan struct{}, 1)
	w := benchWorker(b, e, jobs.Config{Handlers: handlers(noop), ListenConnect: listenConnect(e.db.URL),
		PollInterval: time.Minute})
	w.OnClaimed = func(jobs.Job) { claimed <- time.Now() }
	w.OnEnded = func(jobs.Job, jobs.Outcome) { ended <- struct{}{} }
	runWorker(b, w)
	waitUntil(b, w.Ready, 10*time.Second, "worker not ready")

	ctx := context.Background()
	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := e.db.Pool.Exec(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv)
			values ($1, $2, $3, 'x')`, e.unit, e.leader.ProfileID, jobType); err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-claimed:
			latencies = append(latencies, at.Sub(start))
		case <-time.After(10 * time.Second):
			b.Fatal("job not claimed within 10s")
		}
		<-ended // one job at a time: the next insert finds the worker idle
	}
	b.StopTimer()
	slices.Sort(latencies)
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkClaimThroughput measures claim + complete of b.N no-op jobs that are already
// queued when the workers start, spread over as many units as jobs (one running job per unit
// is enforced, so fewer units would measure that rule rather than the claim path). Each
// worker runs 4 jobs at once; they poll (no LISTEN connection is needed: after the start-up
// claim every finished job makes its worker claim again). Reports jobs/s.
func BenchmarkClaimThroughput(b *testing.B) {
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			const concurrency = 4
			e := newEnv(b)
			units := e.createUnits(b, max(b.N, 4*concurrency*workers))
			e.insertJobsRoundRobin(b, units[:b.N], b.N)
			// Fresh statistics, as autovacuum would gather after a bulk insert: without them the
			// planner, which believes the table empty, sorts every pending job on each claim.
			if _, err := e.db.Pool.Exec(context.Background(), `analyze public.import_jobs`); err != nil {
				b.Fatal(err)
			}

			var completed atomic.Int64
			all := make(chan struct{})
			ws := make([]*jobs.Worker, workers)
			for i := range ws {
				ws[i] = benchWorker(b, e, jobs.Config{Handlers: handlers(noop), Concurrency: concurrency,
					FallbackPollInterval: 100 * time.Millisecond})
				ws[i].OnEnded = func(_ jobs.Job, o jobs.Outcome) {
					if o == jobs.OutcomeCompleted && completed.Add(1) == int64(b.N) {
						close(all)
					}
				}
			}
			b.ResetTimer()
			start := time.Now()
			for _, w := range ws {
				runWorker(b, w)
			}
			select {
			case <-all:
			case <-time.After(5 * time.Minute):
				b.Fatalf("only %d of %d jobs completed", completed.Load(), b.N)
			}
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "jobs/s")
		})
	}
}

// waitUntil polls cond every millisecond until it holds or within has passed.
func waitUntil(b *testing.B, cond func() bool, within time.Duration, msg string) {
	b.Helper()
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	deadline := time.After(within)
	for !cond() {
		select {
		case <-t.C:
		case <-deadline:
			b.Fatal(msg)
		}
	}
}
