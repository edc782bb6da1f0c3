// The purge is the maintenance service that keeps the queue table small: every PurgeInterval
// it drops the large inputs of jobs finished longer ago than RetainCompleted or RetainFailed,
// then deletes the Storage files of purged jobs and uploads no job names (purge_files.go).

package jobs

import (
	"context"
	"log/slog"
	"time"
)

// purgeLoop runs the purge now and then every PurgeInterval until ctx is cancelled.
func (w *Worker) purgeLoop(ctx context.Context) {
	t := time.NewTicker(w.cfg.PurgeInterval)
	defer t.Stop()
	for {
		n, err := w.store.purgeInputs(ctx, w.cfg.RetainCompleted, w.cfg.RetainFailed)
		if err != nil && ctx.Err() == nil {
			w.logger.Error("purge of old inputs failed", slog.Any("error", err))
		} else if n > 0 {
			w.logger.Info("purged inputs of old finished jobs", slog.Int("jobs", n))
		}
		if n, err := w.store.purgeInputFiles(ctx, w.cfg.InputFiles, w.logger); err != nil && ctx.Err() == nil {
			w.logger.Error("deleting uploaded files of purged jobs failed", slog.Any("error", err))
		} else if n > 0 {
			w.logger.Info("deleted uploaded files of purged jobs", slog.Int("files", n))
		}
		if n, err := w.store.purgeOrphanUploads(ctx, w.cfg.InputFiles, w.cfg.RetainCompleted); err != nil && ctx.Err() == nil {
			w.logger.Error("deleting orphaned uploads failed", slog.Any("error", err))
		} else if n > 0 {
			w.logger.Info("deleted uploads no job names", slog.Int("files", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
