package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Job is a claimed job: the narrow columns of its import_jobs row (the large inputs are
// loaded by the handler when it needs them).
type Job struct {
	ID               uuid.UUID
	UnitID           uuid.UUID
	CreatedBy        uuid.UUID
	Type             string
	Attempt          int
	MaxAttempts      int
	Options          json.RawMessage
	SelectedScoutIDs json.RawMessage
	CreatedAt        time.Time
	leaseToken       uuid.UUID
}

// Handler does the work of one job type.
//
// Handle returns nil when the job is done (the result set with Run.SetResult is stored); an
// error wrapped with Permanent fails the job at once with its message; any other error is
// transient and retried with backoff up to the job's max_attempts. When ctx is cancelled
// (cancel request, lost lease, shutdown) the handler should return promptly, at the latest
// at its next chunk boundary: Run.Chunk refuses to start a chunk then.
type Handler interface {
	Handle(ctx context.Context, run *Run) error
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, run *Run) error

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, run *Run) error { return f(ctx, run) }

// Reasons a job's context is cancelled; context.Cause(ctx) returns one of them.
var (
	// ErrCancelRequested: a leader asked to cancel the job.
	ErrCancelRequested = errors.New("cancel requested")
	// ErrLeaseLost: the worker no longer holds the job's lease; it must not write anything.
	ErrLeaseLost = errors.New("lease lost")
	// ErrShutdown: the worker is shutting down; the job is released to another replica.
	ErrShutdown = errors.New("worker shutting down")
	// ErrCheckpointLost: the database no longer has the checkpoint this worker committed (it
	// lost acknowledged commits, e.g. a failover to a lagging replica). The job is handed back
	// and resumes from the checkpoint the database really has.
	ErrCheckpointLost = errors.New("the database lost the job's last committed checkpoint")
)

// PermanentError marks an error that retrying cannot fix (bad input, unknown unit...). Its
// message is shown to the leader.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent marks err as permanent: the job fails at once without retry.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &PermanentError{Err: err}
}

// Permanentf is Permanent(fmt.Errorf(format, args...)).
func Permanentf(format string, args ...any) error {
	return &PermanentError{Err: fmt.Errorf(format, args...)}
}

// IsPermanent reports whether err (or an error it wraps) is permanent.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}
