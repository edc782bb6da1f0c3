package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"
)

// run measures everything in interleaved rounds and returns the table.
func (b *bench) run(ctx context.Context, r55, r550, r2000, rq int) (*results, error) {
	res := &results{}
	var imp, reimp, bulk, guarded []float64
	var wrote string
	for i := 0; i < r55; i++ {
		first, again, bk, gd, w, err := b.importRound(ctx, 55, i, true)
		if err != nil {
			return nil, fmt.Errorf("55-scout round %d: %w", i+1, err)
		}
		imp, reimp, bulk, guarded = append(imp, first.seconds), append(reimp, again.seconds), append(bulk, bk), append(guarded, gd)
		wrote = w.summary()
		step("55 scouts, round %d: import %.2fs (bulk upsert %.2fs), re-import %.2fs (guarded upsert %.3fs), RSS %.0f MB",
			i+1, first.seconds, bk, again.seconds, gd, first.rssMB)
	}
	if r55 > 0 {
		res.add(row{what: "55-scout import, claimed -> completed", unit: "s", ours: median(imp), anchor: median(bulk),
			anchorName: "one-statement bulk upsert of the same rows", target: "<= 1.3x", ok: median(imp) <= 1.3*median(bulk)})
		res.add(row{what: "re-import of the same file", unit: "s", ours: median(reimp), anchor: median(guarded),
			anchorName: "guarded upsert (skips unchanged rows)", target: "<= 1.5x", ok: median(reimp) <= 1.5*median(guarded)})
		res.notes = append(res.notes, "Rows the 55-scout import writes (and the anchor upserts): "+wrote+
			". A bsa_* table in this list means the import registered requirement definitions the reference data lacked.")
	}

	var oursTP, riverTP, river64TP, o4p50, o4p99, r4p50, r4p99, o200p50, o200p99, r200p50, r200p99 []float64
	// CPU microseconds per job (queue process + PostgreSQL), and the two parts, ours and River's
	// as `river bench` runs.
	var oursCPU, oursProc, oursPG, riverCPU, riverProc, riverPG []float64
	for i := 0; i < rq; i++ {
		contenders := []func() error{
			func() error {
				r, err := b.oursThroughput(ctx)
				oursTP, oursCPU, oursProc, oursPG = append(oursTP, r.jobsPerSec), append(oursCPU, r.cpuUS()), append(oursProc, r.processUS), append(oursPG, r.postgresUS)
				return err
			},
			func() error {
				r, err := b.riverThroughput(ctx, riverBenchWorkers)
				riverTP, riverCPU, riverProc, riverPG = append(riverTP, r.jobsPerSec), append(riverCPU, r.cpuUS()), append(riverProc, r.processUS), append(riverPG, r.postgresUS)
				return err
			},
			func() error {
				r, err := b.riverThroughput(ctx, queueConcurrency)
				river64TP = append(river64TP, r.jobsPerSec)
				return err
			},
		}
		// Rotate which goes first, so none always gets the warmer cache.
		contenders = slices.Concat(contenders[i%len(contenders):], contenders[:i%len(contenders)])
		for _, f := range contenders {
			if err := f(); err != nil {
				return nil, fmt.Errorf("throughput round %d: %w", i+1, err)
			}
		}
		step("no-op throughput, round %d: ours %.0f jobs/s, River %.0f jobs/s (%.0f with %d workers); CPU per job ours %.0f us (process %.0f, PostgreSQL %.0f), River %.0f us (process %.0f, PostgreSQL %.0f)",
			i+1, oursTP[i], riverTP[i], river64TP[i], queueConcurrency, oursCPU[i], oursProc[i], oursPG[i], riverCPU[i], riverProc[i], riverPG[i])
		for _, rate := range []struct {
			perSec float64
			d      time.Duration
		}{{4, 15 * time.Second}, {200, 5 * time.Second}} {
			p50, p99, err := b.oursLatency(ctx, rate.perSec, rate.d)
			if err != nil {
				return nil, fmt.Errorf("pickup latency at %v/s: %w", rate.perSec, err)
			}
			m, err := b.riverBench(ctx, "-mode", "latency", "-rate", fmt.Sprint(rate.perSec), "-duration", rate.d.String())
			if err != nil {
				return nil, err
			}
			if rate.perSec == 4 {
				o4p50, o4p99, r4p50, r4p99 = append(o4p50, p50), append(o4p99, p99), append(r4p50, m["p50_ms"]), append(r4p99, m["p99_ms"])
			} else {
				o200p50, o200p99, r200p50, r200p99 = append(o200p50, p50), append(o200p99, p99), append(r200p50, m["p50_ms"]), append(r200p99, m["p99_ms"])
			}
			step("pickup at %v jobs/s, round %d: ours p50 %.2f ms p99 %.2f ms; River p50 %.2f ms p99 %.2f ms",
				rate.perSec, i+1, p50, p99, m["p50_ms"], m["p99_ms"])
		}
	}
	if rq > 0 {
		res.add(row{what: "no-op jobs per second, one process", unit: "jobs/s", ours: median(oursTP), anchor: median(riverTP),
			anchorName: "River v0.51.2", target: ">= 1.0x", ok: median(oursTP) >= median(riverTP)})
		res.add(row{what: "no-op jobs per second, both at concurrency 64", unit: "jobs/s", ours: median(oursTP), anchor: median(river64TP),
			anchorName: "River v0.51.2 with 64 workers", target: "none", context: true})
		res.add(row{what: "CPU per no-op job, queue process + PostgreSQL", unit: "us", ours: median(oursCPU), anchor: median(riverCPU),
			anchorName: "River v0.51.2 (`river bench` settings)", target: "none", context: true})
		cores := float64(runtime.NumCPU())
		res.notes = append(res.notes, fmt.Sprintf("CPU per no-op job: the CPU time of the queue's process and of every process of the PostgreSQL cluster "+
			"over the measured part of each throughput run (from the commit of the %d jobs' insert to the last completion), divided by the jobs; medians of the rounds. "+
			"Ours: process %.0f us, PostgreSQL %.0f us; River: process %.0f us, PostgreSQL %.0f us. "+
			"With %.0f cores this bounds the jobs per second at %.0f for ours and %.0f for River (cores / CPU per job); "+
			"the measured medians are %.0f%% and %.0f%% of those bounds: both queues keep the cores busy, and the throughput ratio follows the CPU each spends per job.",
			throughputJobs, median(oursProc), median(oursPG), median(riverProc), median(riverPG),
			cores, cores*1e6/median(oursCPU), cores*1e6/median(riverCPU),
			100*median(oursTP)/(cores*1e6/median(oursCPU)), 100*median(riverTP)/(cores*1e6/median(riverCPU))))
		for _, l := range []struct {
			what        string
			ours, river []float64
			limit       float64
			targetText  string
		}{
			{"pickup p50 at ~4 jobs/s", o4p50, r4p50, 3, "<= 3 ms"},
			{"pickup p99 at ~4 jobs/s", o4p99, r4p99, 10, "<= 10 ms"},
			{"pickup p50 at ~200 jobs/s", o200p50, r200p50, 3, "<= 3 ms"},
			{"pickup p99 at ~200 jobs/s", o200p99, r200p99, 10, "<= 10 ms"},
		} {
			res.add(row{what: l.what, unit: "ms", ours: median(l.ours), anchor: median(l.river), anchorName: "River defaults",
				target: l.targetText, ok: median(l.ours) <= l.limit})
		}
		res.notes = append(res.notes, fmt.Sprintf("Queue throughput is that of a running worker, for both: it starts on an empty queue and works %d no-op jobs (warm-up); "+
			"then %d no-op jobs (each its own unit) are enqueued in one statement, and the time runs from that statement's commit to the last completion recorded. "+
			"Ours with concurrency %d (the CLI's maximum), "+
			"connected as the CLI connects (role import_worker, a pool of concurrency + 3, the default session limits); "+
			"River configured as `river bench` does (2,000 workers, fetch cooldown 2 ms, poll 20 ms) for throughput and with its defaults "+
			"(the same concurrency) for latency. Throughput counts a job when its completion is recorded, for both (River: its completion events, as `river bench` counts). "+
			"Pickup is from just before the insert to the handler's start, one insert at a time at the given rate (15 s at 4/s, 5 s at 200/s); "+
			"it includes the insert's own round trip, fsynced commit and triggers.",
			warmupJobs, throughputJobs, queueConcurrency))
	}

	var per550, per2000, rss550, rss2000 []float64
	for i := 0; i < max(r550, r2000); i++ {
		if i < r550 {
			r, _, _, _, _, err := b.importRound(ctx, 550, i, false)
			if err != nil {
				return nil, fmt.Errorf("550-scout round %d: %w", i+1, err)
			}
			per550, rss550 = append(per550, 1000*r.seconds/float64(r.items)), append(rss550, r.rssMB)
			step("550 scouts, round %d: %.1fs for %d items, RSS %.0f MB", i+1, r.seconds, r.items, r.rssMB)
		}
		if i < r2000 {
			r, _, _, _, _, err := b.importRound(ctx, 2000, i, false)
			if err != nil {
				return nil, fmt.Errorf("2,000-scout round %d: %w", i+1, err)
			}
			per2000, rss2000 = append(per2000, 1000*r.seconds/float64(r.items)), append(rss2000, r.rssMB)
			step("2,000 scouts, round %d: %.1fs for %d items, RSS %.0f MB", i+1, r.seconds, r.items, r.rssMB)
		}
	}
	if r550 > 0 && r2000 > 0 {
		res.add(row{what: "time per item, 2,000 scouts", unit: "ms", ours: median(per2000), anchor: median(per550),
			anchorName: "550 scouts", target: "<= 1.15x", ok: median(per2000) <= 1.15*median(per550)})
		res.add(row{what: "worker peak RSS, 2,000 scouts", unit: "MB", ours: median(rss2000), anchor: 200,
			anchorName: "limit", target: "<= 1.0x", ok: median(rss2000) <= 200})
	}
	if r550 > 0 {
		res.add(row{what: "worker peak RSS, 550 scouts", unit: "MB", ours: median(rss550), anchor: 200,
			anchorName: "limit", target: "<= 1.0x", ok: median(rss550) <= 200})
	}

	hb, pr, fpi, published, err := b.walPerWrite(ctx)
	if err != nil {
		return nil, fmt.Errorf("WAL per write: %w", err)
	}
	res.add(row{what: "WAL per heartbeat", unit: "B", ours: hb, anchor: 500, anchorName: "limit", target: "<= 1.0x", ok: hb <= 500})
	res.add(row{what: "WAL per progress write", unit: "B", ours: pr, anchor: 500, anchorName: "limit", target: "<= 1.0x", ok: pr <= 500})
	res.notes = append(res.notes, fmt.Sprintf("WAL: wal_level=logical, import_jobs in the supabase_realtime publication: %v; each write its own transaction "+
		"(commit record included), between checkpoints. The first write of the row's page after a checkpoint logs the whole page (%.0f B), "+
		"once per checkpoint interval, not per write.", published, fpi))
	res.notes = append(res.notes, b.refNote)
	res.notes = append(res.notes, fmt.Sprintf("Imports run the real worker binary (`worker run --exit-when-idle`, GOMEMLIMIT=%s as in the Dockerfile), "+
		"one process per import; peak RSS is the process's VmHWM. The generated 2,000-scout export (about 380 MB) is over "+
		"the worker's 128 MB limit per troop file, so it is imported as files of at most 120 MB split at scout boundaries, queued together "+
		"and run one after the other by the same process (the unit's waiting-input quota raised for it); its time is the sum over the files. Rounds: %d (55 scouts), %d (550), %d (2,000), %d (queue); medians.",
		b.gomemlimit, r55, r550, r2000, rq))
	res.notes = append(res.notes, fmt.Sprintf("Measured %s on a shared 2-core machine under load (load average %s at the end): compare ratios, not absolute times.",
		time.Now().UTC().Format("2006-01-02 15:04 UTC"), loadavg()))
	return res, nil
}
