// The reaper is the maintenance service that rescues jobs whose worker stopped heartbeating
// (crashed, frozen or cut off): every replica runs it at start-up and on each safety poll,
// and it returns expired leases to the queue (a job whose attempts are used up fails, one
// whose cancel was requested ends cancelled). On each safety poll, not at start-up, it also
// repairs the units' turns the claim walks (a safety net behind the triggers that keep them,
// which reads every pending job: at start-up it would delay the first claim of a backlog).

package jobs

import (
	"context"
	"log/slog"
)

// reap rescues expired leases and, with repairTurns, repairs the units' turns. It returns how
// many jobs it moved plus how many units it found waiting without a turn: zero means it made
// nothing runnable.
func (w *Worker) reap(ctx context.Context, repairTurns bool) int {
	marked := 0
	if repairTurns {
		var err error
		marked, err = w.store.repairUnitTurns(ctx)
		if err != nil && ctx.Err() == nil {
			w.logger.Error("repair of unit turns failed", slog.Any("error", err))
		}
		if marked > 0 {
			w.logger.Warn("units with waiting jobs had no turn; repaired", slog.Int("units", marked))
		}
	}
	reaped, err := w.store.reapExpired(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Error("reaper failed", slog.Any("error", err))
		}
		return marked
	}
	for _, j := range reaped {
		w.metrics.rescued.WithLabelValues(j.Type).Inc()
		jobLogger(w.logger, j.ID, j.UnitID, j.Type, j.Attempt).Warn("lease expired; job rescued", slog.String("new_status", j.Status))
	}
	return len(reaped) + marked
}
