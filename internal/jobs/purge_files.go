package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	sqlfiles "github.com/chuckbox/importworker/sql"
)

// InputFiles deletes uploaded input files (import_jobs.input_path, in Supabase Storage) once
// the retention purge has marked their jobs purged.
type InputFiles interface {
	// RemoveInputFiles deletes the files at paths. A path that is already gone is not an
	// error.
	RemoveInputFiles(ctx context.Context, paths []string) error
}

var (
	sqlPurgeInputFiles     = sqlfiles.Query("purge_input_files")
	sqlPurgeInputFilesDone = sqlfiles.Query("purge_input_files_done")
	sqlPurgeOrphanUploads  = sqlfiles.Query("purge_orphan_uploads")
)

// purgeFilesBatch is how many files one Storage delete request names.
const purgeFilesBatch = 100

// purgeInputFiles deletes the Storage files of purged jobs, a batch at a time, and clears
// their input_path once Storage confirmed. It returns how many jobs' files were deleted.
// Without files (no Supabase API access) it only counts what waits.
func (s *store) purgeInputFiles(ctx context.Context, files InputFiles, logger *slog.Logger) (int, error) {
	total := 0
	for {
		rows, err := s.pool.Query(ctx, sqlPurgeInputFiles, purgeFilesBatch)
		if err != nil {
			return total, fmt.Errorf("list files of purged jobs: %w", err)
		}
		type pending struct {
			ID   uuid.UUID
			Path string
		}
		batch, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pending])
		if err != nil {
			return total, fmt.Errorf("list files of purged jobs: %w", err)
		}
		if len(batch) == 0 {
			return total, nil
		}
		if files == nil {
			logger.Warn("uploaded files of purged jobs wait in Supabase Storage: set SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY so the worker can delete them",
				slog.Int("files", len(batch)))
			return total, nil
		}
		ids := make([]uuid.UUID, len(batch))
		paths := make([]string, len(batch))
		for i, p := range batch {
			ids[i], paths[i] = p.ID, p.Path
		}
		if err := files.RemoveInputFiles(ctx, paths); err != nil {
			return total, fmt.Errorf("delete files of purged jobs: %w", err)
		}
		if _, err := s.pool.Exec(ctx, sqlPurgeInputFilesDone, ids); err != nil {
			return total, fmt.Errorf("forget deleted files: %w", err)
		}
		total += len(batch)
		if len(batch) < purgeFilesBatch {
			return total, nil
		}
	}
}

// purgeOrphanUploads deletes uploads older than age that no job names (the job was never
// created), a batch per call. It returns how many it deleted.
func (s *store) purgeOrphanUploads(ctx context.Context, files InputFiles, age time.Duration) (int, error) {
	if files == nil {
		return 0, nil
	}
	rows, err := s.pool.Query(ctx, sqlPurgeOrphanUploads, age.Seconds(), purgeFilesBatch)
	if err != nil {
		return 0, fmt.Errorf("list orphaned uploads: %w", err)
	}
	paths, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, fmt.Errorf("list orphaned uploads: %w", err)
	}
	if len(paths) == 0 {
		return 0, nil
	}
	if err := files.RemoveInputFiles(ctx, paths); err != nil {
		return 0, fmt.Errorf("delete orphaned uploads: %w", err)
	}
	return len(paths), nil
}
