package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Progress is what the browser's progress bar shows. It is written to the job row.
type Progress struct {
	Phase           string
	TotalScouts     int
	ProcessedScouts int
	TotalItems      int
	ProcessedItems  int
}

// Run is one execution of a job, handed to its Handler. Its methods are safe for concurrent use.
type Run struct {
	// Job is the claimed job.
	Job Job

	store   *store
	logger  *slog.Logger
	hardCtx context.Context // for database writes: cancelled only on lease loss or at the end of the grace period
	onLost  func()          // called when a fenced write finds the lease gone
	// onCancel is called when a chunk's fence check finds a cancel request, so the whole
	// handler (not only this chunk) sees it, as with the NOTIFY and heartbeat paths.
	onCancel func()

	progressInterval time.Duration

	// writeMu serialises progress writes (a chunk's transaction or the flusher) so that a
	// later snapshot is never overwritten by an earlier one.
	writeMu sync.Mutex

	// lastCursor is the checkpoint JSON this run last committed (or found at its start);
	// guarded by writeMu.
	lastCursor []byte

	mu        sync.Mutex // guards the fields below
	progress  Progress
	written   Progress
	lastWrite time.Time
	result    any
	kick      chan struct{} // wakes the flusher on a phase change
}

// Pool is the worker's connection pool, for the handler's reads. Writes belong in Chunk.
func (r *Run) Pool() *pgxpool.Pool { return r.store.pool }

// Logger returns a logger carrying the job's id, unit, type and attempt (the same as
// Logger(ctx) for the handler's context).
func (r *Run) Logger() *slog.Logger { return r.logger }

// SetResult records the result stored with the job when it completes (or ends failed or
// cancelled, so a leader sees what was done). It must marshal to JSON.
func (r *Run) SetResult(v any) {
	r.mu.Lock()
	r.result = v
	r.mu.Unlock()
}

func (r *Run) resultValue() any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.result
}

// Progress returns the progress last set.
func (r *Run) Progress() Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.progress
}

// SetProgress records progress. It is written to the job row at most once per progress
// interval, at once on a phase change, in the transaction of the next Chunk or by a
// background flusher, whichever comes first, and always at the end of the job.
func (r *Run) SetProgress(p Progress) {
	r.mu.Lock()
	phaseChanged := p.Phase != r.progress.Phase
	r.progress = p
	r.mu.Unlock()
	if phaseChanged {
		select {
		case r.kick <- struct{}{}:
		default:
		}
	}
}

// progressDue returns the snapshot to write, if a write is due now.
func (r *Run) progressDue(force bool) (Progress, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.progress == r.written {
		return Progress{}, false
	}
	if force || r.progress.Phase != r.written.Phase || time.Since(r.lastWrite) >= r.progressInterval {
		return r.progress, true
	}
	return Progress{}, false
}

func (r *Run) markWritten(p Progress) {
	r.mu.Lock()
	r.written = p
	r.lastWrite = time.Now()
	r.mu.Unlock()
}

// flushProgress writes pending progress outside a chunk when due (or when force is set).
func (r *Run) flushProgress(force bool) error {
	r.writeMu.Lock()
	defer r.writeMu.Unlock()
	p, due := r.progressDue(force)
	if !due {
		return nil
	}
	ok, err := writeProgress(r.hardCtx, r.store.pool, r.Job.ID, r.Job.leaseToken, p)
	if err != nil {
		return err
	}
	if !ok {
		r.onLost()
		return ErrLeaseLost
	}
	r.markWritten(p)
	return nil
}

// runFlusher writes due progress until ctx ends.
func (r *Run) runFlusher(ctx context.Context) {
	t := time.NewTicker(r.progressInterval / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.kick:
		}
		if err := r.flushProgress(false); err != nil && ctx.Err() == nil {
			r.logger.Warn("progress write failed", slog.Any("error", err))
		}
	}
}

// LoadCheckpoint decodes the job's saved cursor into dst: the one the database had when the
// run started, or the one its last chunk committed. found is false on a first run. ctx is
// not used (the cursor is already in memory); it is kept for callers' symmetry with Chunk.
func (r *Run) LoadCheckpoint(_ context.Context, dst any) (found bool, err error) {
	r.writeMu.Lock()
	raw := r.lastCursor
	r.writeMu.Unlock()
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return false, fmt.Errorf("decode checkpoint of job %s: %w", r.Job.ID, err)
	}
	return true, nil
}

// Chunk runs fn in one transaction together with the checkpoint cursor and, when due, the
// progress, fenced by the lease: either all of them commit or none. Use it for every write of
// the job's data, with a cursor that says where the next chunk starts.
//
// Chunk does not start when ctx is done (cancel request, lost lease, shutdown); it returns
// context.Cause(ctx) then. A chunk that has started runs to its end even when ctx is
// cancelled meanwhile (unless the lease is lost or the shutdown grace period ends), so a
// cancel or a shutdown always stops at a chunk boundary. cursor may be nil (no checkpoint).
func (r *Run) Chunk(ctx context.Context, cursor any, fn func(ctx context.Context, tx pgx.Tx) error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	r.writeMu.Lock()
	defer r.writeMu.Unlock()

	tx, err := r.store.pool.Begin(r.hardCtx)
	if err != nil {
		return fmt.Errorf("begin chunk: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(r.hardCtx)) //nolint:errcheck // after Commit this is a no-op

	ok, cancelRequested, intact, err := fenceCheck(r.hardCtx, tx, r.Job.ID, r.Job.leaseToken, r.lastCursor)
	if err != nil {
		return err
	}
	if !ok {
		r.onLost()
		return ErrLeaseLost
	}
	if !intact {
		return ErrCheckpointLost
	}
	if cancelRequested {
		r.onCancel()
		return ErrCancelRequested
	}
	if err := fn(r.hardCtx, tx); err != nil {
		return err
	}
	var saved []byte
	if cursor != nil {
		if saved, err = saveCheckpoint(r.hardCtx, tx, r.Job.ID, r.Job.Attempt, cursor); err != nil {
			return err
		}
	}
	p, due := r.progressDue(false)
	if due {
		if _, err := writeProgress(r.hardCtx, tx, r.Job.ID, r.Job.leaseToken, p); err != nil {
			return err
		}
	}
	if err := tx.Commit(r.hardCtx); err != nil {
		return fmt.Errorf("commit chunk: %w", err)
	}
	if saved != nil {
		r.lastCursor = saved
	}
	if due {
		r.markWritten(p)
	}
	return nil
}
