// The heartbeat runs beside each job's handler: it extends the job's lease every third of
// the lease duration, and it notices a lost lease (the job is stopped, nothing more is
// written) or a cancel request whose NOTIFY was missed.

package jobs

import (
	"context"
	"log/slog"
	"time"
)

// heartbeat extends the lease every third of its duration, and notices a lost lease or a
// cancel request whose NOTIFY was missed.
func (w *Worker) heartbeat(ctx context.Context, rj *runningJob) {
	run := rj.run
	t := time.NewTicker(w.cfg.LeaseDuration / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, cancelRequested, err := w.store.heartbeat(ctx, run.Job.ID, run.Job.leaseToken, w.cfg.LeaseDuration)
		if err != nil {
			if ctx.Err() == nil {
				run.logger.Warn("heartbeat failed", slog.Any("error", err))
			}
			continue
		}
		if !ok {
			run.onLost()
			return
		}
		if cancelRequested {
			rj.cancelSoft(ErrCancelRequested)
		}
	}
}
