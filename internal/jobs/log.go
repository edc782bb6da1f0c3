package jobs

import (
	"context"
	"log/slog"

	"github.com/google/uuid"
)

// Every log line about a job carries job_id, unit_id, type and attempt, so that an operator
// can follow one job (or one troop's jobs) through the logs of every replica.

// jobLogger returns base with the job's fields.
func jobLogger(base *slog.Logger, id, unitID uuid.UUID, jobType string, attempt int) *slog.Logger {
	return base.With(slog.String("job_id", id.String()), slog.String("unit_id", unitID.String()),
		slog.String("type", jobType), slog.Int("attempt", attempt))
}

type loggerKey struct{}

// withLogger returns ctx carrying the job's logger.
func withLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

// Logger returns the logger of the job whose handler ctx was given to (with job_id, unit_id,
// type and attempt), or slog.Default() outside a job. Code called by a handler logs through
// it without having the Run at hand.
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
