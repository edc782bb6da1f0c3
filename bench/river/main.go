// Command riverbench measures River (github.com/riverqueue/river) on the same PostgreSQL as
// the import worker's queue, for `make bench`: like `river bench`, the throughput of no-op
// jobs completed by one running client (counted when their completion is recorded), and the latency
// from just before an insert to the job's start.
// It lives in its own Go module so the product does not depend on River.
//
//	riverbench -url URL -schema river -mode migrate
//	riverbench -url URL -schema river -mode throughput -jobs 5000 -warmup 200 [-throughput-workers 2000]
//	riverbench -url URL -schema river -mode latency -rate 200 -duration 5s
//
// It prints one JSON object on stdout. In throughput mode it also writes the line
// "riverbench: window" on stderr when the measured part starts and when it ends.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// markWindow writes the line that marks the start and the end of the measured part of a
// throughput run on stderr: make bench samples the CPU time of this process and of the
// PostgreSQL cluster when it reads it.
func markWindow() { fmt.Fprintln(os.Stderr, "riverbench: window") }

// noopArgs is the benchmark's job; Start is the insert time (Unix nanoseconds) for latency.
type noopArgs struct {
	Start int64 `json:"start"`
}

func (noopArgs) Kind() string { return "bench_noop" }

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
	onWork func(*river.Job[noopArgs])
}

func (w *noopWorker) Work(_ context.Context, j *river.Job[noopArgs]) error {
	w.onWork(j)
	return nil
}

func main() {
	url := flag.String("url", os.Getenv("DATABASE_URL"), "PostgreSQL URL")
	schema := flag.String("schema", "river", "schema holding River's tables")
	mode := flag.String("mode", "throughput", "migrate, throughput or latency")
	jobs := flag.Int("jobs", 5000, "throughput: jobs to work")
	warmup := flag.Int("warmup", 200, "throughput: jobs worked before the measured ones")
	workers := flag.Int("workers", 100, "MaxWorkers of the default queue in latency mode")
	throughputWorkers := flag.Int("throughput-workers", 2000, "MaxWorkers in throughput mode (river bench's 2,000)")
	rate := flag.Float64("rate", 200, "latency: inserts per second")
	duration := flag.Duration("duration", 5*time.Second, "latency: how long to insert")
	flag.Parse()
	if *mode == "throughput" {
		*workers = *throughputWorkers
	}
	out, err := run(context.Background(), *url, *schema, *mode, *jobs, *warmup, *workers, *rate, *duration)
	if err != nil {
		fmt.Fprintln(os.Stderr, "riverbench:", err)
		os.Exit(1)
	}
	_ = json.NewEncoder(os.Stdout).Encode(out)
}

func run(ctx context.Context, url, schema, mode string, jobs, warmup, workers int, rate float64, duration time.Duration) (map[string]float64, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	driver := riverpgxv5.New(pool)
	if mode == "migrate" {
		if _, err := pool.Exec(ctx, "create schema if not exists "+pgx.Identifier{schema}.Sanitize()); err != nil {
			return nil, err
		}
		m, err := rivermigrate.New(driver, &rivermigrate.Config{Schema: schema})
		if err != nil {
			return nil, err
		}
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		return map[string]float64{}, err
	}
	// Every round starts from an empty job table, as ours does from a fresh queue.
	if _, err := pool.Exec(ctx, "truncate "+pgx.Identifier{schema, "river_job"}.Sanitize()); err != nil {
		return nil, err
	}

	var mu sync.Mutex
	var latencies []time.Duration
	var done atomic.Int64
	all := make(chan struct{})
	target := int64(jobs)
	w := &noopWorker{onWork: func(j *river.Job[noopArgs]) {
		if j.Args.Start != 0 {
			l := time.Since(time.Unix(0, j.Args.Start))
			mu.Lock()
			latencies = append(latencies, l)
			mu.Unlock()
		}
		if mode == "latency" && done.Add(1) == target {
			close(all)
		}
	}}
	ws := river.NewWorkers()
	river.AddWorker(ws, w)
	cfg := &river.Config{
		Queues:  map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: workers}},
		Workers: ws,
		Schema:  schema,
		Logger:  slog.New(slog.DiscardHandler),
	}
	if mode == "throughput" {
		// As `river bench` configures its client for throughput: a short fetch cooldown and
		// poll interval (and, by default, 2,000 workers). Latency is measured with River's
		// defaults.
		cfg.FetchCooldown, cfg.FetchPollInterval = 2*time.Millisecond, 20*time.Millisecond
	}
	client, err := river.NewClient(driver, cfg)
	if err != nil {
		return nil, err
	}

	switch mode {
	case "throughput":
		// A running client is measured, as ours is: it starts on an empty queue and works a
		// warm-up; then the jobs are inserted in one call, and the time runs from that insert's
		// commit to the last completion recorded. A job counts when its completion is recorded,
		// as `river bench` counts them (from the client's completion events) and as our queue's
		// figure is taken: a worked job whose completion is still in the completer's buffer is
		// not done yet. The channel holds every event, so none is dropped.
		events, cancelEvents := client.SubscribeConfig(&river.SubscribeConfig{
			Kinds: []river.EventKind{river.EventKindJobCompleted}, ChanSize: 2 * (jobs + warmup)})
		defer cancelEvents()
		if err := client.Start(ctx); err != nil {
			return nil, err
		}
		insert := func(n int) error {
			params := make([]river.InsertManyParams, n)
			for i := range params {
				params[i] = river.InsertManyParams{Args: noopArgs{}}
			}
			_, err := client.InsertManyFast(ctx, params)
			return err
		}
		waitFor := func(n int) error {
			deadline := time.After(5 * time.Minute)
			for i := 0; i < n; i++ {
				select {
				case <-events:
				case <-deadline:
					return fmt.Errorf("only %d of %d jobs completed", i, n)
				}
			}
			return nil
		}
		if err := insert(warmup); err != nil {
			return nil, err
		}
		if err := waitFor(warmup); err != nil {
			return nil, err
		}
		if err := insert(jobs); err != nil {
			return nil, err
		}
		start := time.Now()
		markWindow()
		if err := waitFor(jobs); err != nil {
			return nil, err
		}
		elapsed := time.Since(start)
		markWindow()
		_ = client.Stop(ctx)
		return map[string]float64{"jobs_per_sec": float64(jobs) / elapsed.Seconds()}, nil

	case "latency":
		if err := client.Start(ctx); err != nil {
			return nil, err
		}
		time.Sleep(time.Second) // let the client's leader election and listeners settle
		n := int(rate * duration.Seconds())
		target = int64(n)
		tick := time.NewTicker(time.Duration(float64(time.Second) / rate))
		for i := 0; i < n; i++ {
			<-tick.C
			if _, err := client.Insert(ctx, noopArgs{Start: time.Now().UnixNano()}, nil); err != nil {
				return nil, err
			}
		}
		tick.Stop()
		select {
		case <-all:
		case <-time.After(time.Minute):
			return nil, fmt.Errorf("only %d of %d jobs started", done.Load(), n)
		}
		_ = client.Stop(ctx)
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(latencies)
		pct := func(p float64) float64 {
			return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
		}
		return map[string]float64{"p50_ms": pct(0.5), "p99_ms": pct(0.99), "n": float64(len(latencies))}, nil
	}
	return nil, fmt.Errorf("unknown mode %q", mode)
}
