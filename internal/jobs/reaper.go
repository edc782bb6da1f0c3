// The reaper is the maintenance service that rescues jobs whose worker stopped heartbeating
// (crashed, frozen or cut off): every replica runs it at start-up and on each safety poll,
// and it returns expired leases to the queue (a job whose attempts are used up fails, one
// whose cancel was requested ends cancelled).

package jobs

import (
	"context"
	"log/slog"
)

// reap rescues expired leases and returns how many jobs it moved.
func (w *Worker) reap(ctx context.Context) int {
	reaped, err := w.store.reapExpired(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Error("reaper failed", slog.Any("error", err))
		}
		return 0
	}
	for _, j := range reaped {
		w.metrics.rescued.WithLabelValues(j.Type).Inc()
		jobLogger(w.logger, j.ID, j.UnitID, j.Type, j.Attempt).Warn("lease expired; job rescued", slog.String("new_status", j.Status))
	}
	return len(reaped)
}
