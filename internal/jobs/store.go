package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	sqlfiles "github.com/chuckbox/importworker/sql"
)

// The worker's SQL, one statement per file in sql/queries.
var (
	sqlClaimJob       = sqlfiles.Query("claim_job")
	sqlHeartbeat      = sqlfiles.Query("heartbeat")
	sqlFenceCheck     = sqlfiles.Query("fence_check")
	sqlWriteProgress  = sqlfiles.Query("write_progress")
	sqlSaveCheckpoint = sqlfiles.Query("save_checkpoint")
	sqlCompleteJobs   = sqlfiles.Query("complete_jobs")
	sqlFinishJob      = sqlfiles.Query("finish_job")
	sqlRetryLater     = sqlfiles.Query("retry_later")
	sqlReleaseJob     = sqlfiles.Query("release_job")
	sqlReapExpired    = sqlfiles.Query("reap_expired")
	sqlTurnsMark      = sqlfiles.Query("repair_unit_turns_mark")
	sqlTurnsLockStale = sqlfiles.Query("repair_unit_turns_lock_stale")
	sqlTurnsClear     = sqlfiles.Query("repair_unit_turns_clear")
	// Transaction settings sent in the same round trip as the claim and the completion.
	sqlQueueStateSettings = sqlfiles.Query("queue_state_settings")
	sqlPurgeInputs        = sqlfiles.Query("purge_inputs")
	sqlQueueDepth         = sqlfiles.Query("queue_depth")
	sqlCancelRequest      = sqlfiles.Query("cancel_requested")
)

// store wraps the queue's SQL.
type store struct {
	pool *pgxpool.Pool
}

// claimedJob is what a claim returns.
type claimedJob struct {
	Job
	Progress Progress
	// Checkpoint is the job's resume cursor as JSON, nil when it has none.
	Checkpoint []byte
	// CreatorAuthorized is whether the job's creator may still import for its unit.
	CreatorAuthorized bool
}

// claim takes up to limit runnable jobs of the given types in one statement (at most one per
// unit, units in turn), and returns none when nothing is runnable. A unique violation means
// another worker started a job of the same unit at the same moment; the claim is retried, and
// that unit is then skipped.
//
// Its commit does not wait for its WAL flush (see queue_state_settings.sql): after a crash
// that lost it, the job is pending again, and this worker's writes fail their lease fence.
func (s *store) claim(ctx context.Context, workerID string, lease time.Duration, types []string, limit int) ([]*claimedJob, error) {
	for try := 0; ; try++ {
		out, err := s.claimOnce(ctx, workerID, lease, types, limit)
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23505" && try < 5 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("claim jobs: %w", err)
		}
		return out, nil
	}
}

// claimOnce sends the claim after its settings, in one round trip.
func (s *store) claimOnce(ctx context.Context, workerID string, lease time.Duration, types []string, limit int) ([]*claimedJob, error) {
	return queryAfterSettings(ctx, s.pool, sqlQueueStateSettings, sqlClaimJob, []any{workerID, lease.Seconds(), types, limit},
		func(r pgx.CollectableRow) (*claimedJob, error) {
			var c claimedJob
			// uuids scanned as [16]byte: binary, without the text round trip of uuid.UUID's Scan.
			// JSON as bytes: the database has validated it already.
			var id, unit, createdBy, token [16]byte
			var options, selected []byte
			err := r.Scan(&id, &unit, &createdBy, &c.Type, &c.Attempt, &c.MaxAttempts, &token,
				&options, &selected, &c.CreatedAt, &c.Progress.TotalItems, &c.Progress.ProcessedItems,
				&c.Progress.TotalScouts, &c.Progress.ProcessedScouts, &c.Checkpoint, &c.CreatorAuthorized)
			c.ID, c.UnitID, c.CreatedBy, c.leaseToken = id, unit, createdBy, token
			c.Options, c.SelectedScoutIDs = options, selected
			return &c, err
		})
}

// queryAfterSettings sends a transaction's settings (a select of set_config calls) and then
// query as one batch: one round trip, one implicit transaction. It returns query's rows, and
// the error of any step, the commit included.
func queryAfterSettings[T any](ctx context.Context, pool *pgxpool.Pool, settings, query string, args []any,
	collect pgx.RowToFunc[T]) ([]T, error) {
	var b pgx.Batch
	b.Queue(settings)
	b.Queue(query, args...)
	res := pool.SendBatch(ctx, &b)
	out, err := func() ([]T, error) {
		if _, err := res.Exec(); err != nil {
			return nil, err
		}
		rows, err := res.Query()
		if err != nil {
			return nil, err
		}
		return pgx.CollectRows(rows, collect)
	}()
	if cerr := res.Close(); err == nil {
		err = cerr
	}
	return out, err
}

// heartbeat extends the lease. ok is false when the lease was lost.
func (s *store) heartbeat(ctx context.Context, id, token uuid.UUID, lease time.Duration) (ok, cancelRequested bool, err error) {
	err = s.pool.QueryRow(ctx, sqlHeartbeat, id, token, lease.Seconds()).Scan(&cancelRequested)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("heartbeat job %s: %w", id, err)
	}
	return true, cancelRequested, nil
}

// cancelRequested reads whether a cancel was requested for a job this worker holds; ok is false
// when the lease was lost.
func (s *store) cancelRequested(ctx context.Context, id, token uuid.UUID) (requested, ok bool, err error) {
	err = s.pool.QueryRow(ctx, sqlCancelRequest, id, token).Scan(&requested)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, fmt.Errorf("read cancel request of job %s: %w", id, err)
	}
	return requested, true, nil
}

// fenceCheck runs inside a transaction: ok is false when the lease was lost; intact is false
// when the job's checkpoint is not lastCursor (the JSON this worker last committed or loaded).
func fenceCheck(ctx context.Context, tx pgx.Tx, id, token uuid.UUID, lastCursor []byte) (ok, cancelRequested, intact bool, err error) {
	err = tx.QueryRow(ctx, sqlFenceCheck, id, token, lastCursor).Scan(&cancelRequested, &intact)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, false, false, nil
	}
	if err != nil {
		return false, false, false, fmt.Errorf("check lease of job %s: %w", id, err)
	}
	return true, cancelRequested, intact, nil
}

// querier is a pool, connection or transaction.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// writeProgress stores p, fenced. ok is false when the lease was lost.
func writeProgress(ctx context.Context, q querier, id, token uuid.UUID, p Progress) (bool, error) {
	tag, err := q.Exec(ctx, sqlWriteProgress, id, token, p.Phase, p.TotalScouts, p.ProcessedScouts, p.TotalItems, p.ProcessedItems)
	if err != nil {
		return false, fmt.Errorf("write progress of job %s: %w", id, err)
	}
	return tag.RowsAffected() == 1, nil
}

// saveCheckpoint stores the cursor inside the chunk's transaction and returns its JSON.
func saveCheckpoint(ctx context.Context, tx pgx.Tx, id uuid.UUID, attempt int, cursor any) ([]byte, error) {
	raw, err := json.Marshal(cursor)
	if err != nil {
		return nil, fmt.Errorf("encode checkpoint of job %s: %w", id, err)
	}
	if _, err := tx.Exec(ctx, sqlSaveCheckpoint, id, raw, attempt); err != nil {
		return nil, fmt.Errorf("save checkpoint of job %s: %w", id, err)
	}
	return raw, nil
}

// fencedUpdate runs one of the fenced end-of-job statements; ok is false when the lease was
// lost (nothing was written).
func (s *store) fencedUpdate(ctx context.Context, sql string, args ...any) (bool, error) {
	var id uuid.UUID
	err := s.pool.QueryRow(ctx, sql, args...).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

// completion is one finished job waiting for its completed write.
type completion struct {
	id, token uuid.UUID
	result    *string // JSON, nil for none
}

// completeBatch marks the jobs completed in one statement, each fenced by its own lease, and
// returns the ids that were completed (a missing id had lost its lease). Like the claim, it
// commits without waiting for its WAL flush (see queue_state_settings.sql).
func (s *store) completeBatch(ctx context.Context, batch []completion) (map[uuid.UUID]bool, error) {
	// Ids travel as [16]byte, which pgx encodes and decodes as binary uuids directly (a
	// uuid.UUID goes through its text form).
	ids := make([][16]byte, len(batch))
	tokens := make([][16]byte, len(batch))
	results := make([]*string, len(batch))
	for i, c := range batch {
		ids[i], tokens[i], results[i] = c.id, c.token, c.result
	}
	done, err := queryAfterSettings(ctx, s.pool, sqlQueueStateSettings, sqlCompleteJobs, []any{ids, tokens, results},
		pgx.RowTo[[16]byte])
	if err != nil {
		return nil, fmt.Errorf("complete %d jobs: %w", len(batch), err)
	}
	out := make(map[uuid.UUID]bool, len(done))
	for _, id := range done {
		out[id] = true
	}
	return out, nil
}

// finish ends the job as failed or cancelled.
func (s *store) finish(ctx context.Context, id, token uuid.UUID, status, message string, result any) (bool, error) {
	raw, err := marshalResult(result)
	if err != nil {
		return false, err
	}
	ok, err := s.fencedUpdate(ctx, sqlFinishJob, id, token, status, message, raw)
	if err != nil {
		return false, fmt.Errorf("mark job %s %s: %w", id, status, err)
	}
	return ok, nil
}

func (s *store) retryLater(ctx context.Context, id, token uuid.UUID, message string, delay time.Duration) (bool, error) {
	ok, err := s.fencedUpdate(ctx, sqlRetryLater, id, token, message, delay.Seconds())
	if err != nil {
		return false, fmt.Errorf("schedule retry of job %s: %w", id, err)
	}
	return ok, nil
}

func (s *store) release(ctx context.Context, id, token uuid.UUID) (bool, error) {
	ok, err := s.fencedUpdate(ctx, sqlReleaseJob, id, token)
	if err != nil {
		return false, fmt.Errorf("release job %s: %w", id, err)
	}
	return ok, nil
}

// reapedJob is one job the reaper moved.
type reapedJob struct {
	ID      uuid.UUID
	Type    string
	Status  string
	UnitID  uuid.UUID
	Attempt int
}

func (s *store) reapExpired(ctx context.Context) ([]reapedJob, error) {
	rows, err := s.pool.Query(ctx, sqlReapExpired)
	if err != nil {
		return nil, fmt.Errorf("reap expired leases: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (reapedJob, error) {
		var j reapedJob
		return j, r.Scan(&j.ID, &j.Type, &j.Status, &j.UnitID, &j.Attempt)
	})
	if err != nil {
		return nil, fmt.Errorf("reap expired leases: %w", err)
	}
	return out, nil
}

// repairUnitTurns fixes the units' waiting flags the claim walks (see
// repair_unit_turns_mark.sql): it marks units with a runnable backlog and no flag, and clears
// flags no pending job backs. It returns how many units it marked.
func (s *store) repairUnitTurns(ctx context.Context) (marked int, err error) {
	tag, err := s.pool.Exec(ctx, sqlTurnsMark)
	if err != nil {
		return 0, fmt.Errorf("repair unit turns: mark waiting units: %w", err)
	}
	marked = int(tag.RowsAffected())
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlTurnsLockStale)
		if err != nil {
			return err
		}
		stale, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
		if err != nil || len(stale) == 0 {
			return err
		}
		_, err = tx.Exec(ctx, sqlTurnsClear, stale)
		return err
	})
	if err != nil {
		return marked, fmt.Errorf("repair unit turns: clear stale flags: %w", err)
	}
	return marked, nil
}

func (s *store) purgeInputs(ctx context.Context, completed, failed time.Duration) (int, error) {
	tag, err := s.pool.Exec(ctx, sqlPurgeInputs, completed.Seconds(), failed.Seconds())
	if err != nil {
		return 0, fmt.Errorf("purge old inputs: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// queueDepth returns job counts by type and status (pending and processing).
func (s *store) queueDepth(ctx context.Context) (map[[2]string]int, error) {
	rows, err := s.pool.Query(ctx, sqlQueueDepth)
	if err != nil {
		return nil, fmt.Errorf("queue depth: %w", err)
	}
	defer rows.Close()
	out := map[[2]string]int{}
	for rows.Next() {
		var typ, status string
		var n int
		if err := rows.Scan(&typ, &status, &n); err != nil {
			return nil, fmt.Errorf("queue depth: %w", err)
		}
		out[[2]string{typ, status}] = n
	}
	return out, rows.Err()
}

func marshalResult(result any) ([]byte, error) {
	if result == nil {
		return nil, nil
	}
	raw, err := json.Marshal(result)
	if err != nil {
		return nil, fmt.Errorf("encode job result: %w", err)
	}
	return raw, nil
}
