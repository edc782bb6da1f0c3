// The producer is the claim loop: it claims runnable jobs into the worker's free slots, one
// statement per batch, and hands each to the executor. It wakes on a NOTIFY (through the
// listener), on a freed slot and on the safety poll; the poll also runs the reaper and samples
// the queue depth for the metrics. With ExitWhenIdle it ends the worker once nothing is left.

package jobs

import (
	"context"
	"log/slog"
	"time"
)

// claimSettle bounds how long a claim waits for more free slots while a backlog is worked.
const claimSettle = 5 * time.Millisecond

// dispatch is the claim loop.
func (w *Worker) dispatch(ctx context.Context, pollInterval time.Duration) error {
	poll := time.NewTicker(pollInterval)
	defer poll.Stop()
	w.reap(ctx, false) // the turns are repaired from the first poll on: the first claim goes out at once
	// While a backlog is worked (the last claim filled every free slot), a claim waits until a
	// quarter of the slots are free or claimSettle has passed, so that one statement claims a
	// batch instead of one job per finished job (each claim is a statement and a commit). A worker
	// with fewer than 8 slots claims as soon as one is free.
	batchMin := max(1, w.cfg.Concurrency/4)
	backlog, settled := false, false
	// confirmed: with ExitWhenIdle, the reaper's pass after an idle claim did nothing; the worker
	// exits if the claim that follows finds nothing either.
	confirmed := false
	var settle <-chan time.Time
	for {
		if ctx.Err() != nil {
			return nil
		}
		// idle: a claim made while nothing ran here found nothing. A claim that finds nothing
		// while a job runs proves nothing: the running job may be what blocks its unit's other
		// jobs (one running import per unit), and they become runnable when it ends. Only
		// dispatch adds to the running set, so a count of zero before the claim still holds
		// after it, and the jobs that ended had recorded their outcome before leaving the set.
		idle := false
		// One statement claims as many jobs as there are free slots; a short batch means the
		// queue has nothing more runnable for now (the next wake-up, freed slot or poll looks
		// again).
		for free := w.freeSlots(); free > 0 && ctx.Err() == nil; free = w.freeSlots() {
			if backlog && free < batchMin && !settled {
				if settle == nil {
					settle = time.After(claimSettle)
				}
				break
			}
			settle, settled = nil, false
			nothingRunning := w.idle()
			claimed, err := w.store.claim(ctx, w.cfg.WorkerID, w.cfg.LeaseDuration, w.types, free)
			if err != nil {
				if ctx.Err() == nil {
					w.logger.Error("claim failed", slog.Any("error", err))
				}
				break
			}
			backlog = len(claimed) == free
			if len(claimed) == 0 {
				idle = nothingRunning
				break
			}
			for _, c := range claimed {
				w.start(c)
			}
			if len(claimed) < free {
				break
			}
		}
		if !idle {
			confirmed = false
		} else if w.cfg.ExitWhenIdle {
			// Exit only once a claim made after the reaper's pass (which may have rescued a
			// job or given a unit back its turn) still finds nothing.
			if confirmed {
				w.logger.Info("no runnable job left; exiting (--exit-when-idle)")
				return nil
			}
			confirmed = w.reap(ctx, true) == 0
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wakeCh:
			settled = true // a new job: claim now
		case <-settle:
			settled = true
		case <-w.slotFreed:
		case <-poll.C:
			settled = true
			w.reap(ctx, true)
			w.sampleQueueDepth(ctx)
		}
	}
}

// sampleQueueDepth sets the queue-depth gauge from the job counts by type and status.
func (w *Worker) sampleQueueDepth(ctx context.Context) {
	depth, err := w.store.queueDepth(ctx)
	if err != nil {
		return
	}
	w.metrics.queueDepth.Reset()
	for k, n := range depth {
		w.metrics.queueDepth.WithLabelValues(k[0], k[1]).Set(float64(n))
	}
}
