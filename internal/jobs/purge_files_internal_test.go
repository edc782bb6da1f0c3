package jobs

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/internal/supabaseclient"
	"github.com/chuckbox/importworker/internal/supabasetest"
)

// storageFiles deletes files from the imports bucket of a fake Supabase Storage.
type storageFiles struct{ c *supabaseclient.Client }

func (f storageFiles) RemoveInputFiles(ctx context.Context, paths []string) error {
	_, err := f.c.Remove(ctx, "imports", paths)
	return err
}

// The retention purge deletes the uploaded files of the jobs it purges, through the Storage
// API, and only once no unpurged job names the same file; a failed deletion is tried again.
func TestPurgeDeletesUploadedFilesOfPurgedJobs(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 1")
	leader := db.Leader(t, unit, "leader@example.org")
	srv := supabasetest.New(t)
	client, err := supabaseclient.New(srv.URL, "service-role-key")
	require.NoError(t, err)
	files := storageFiles{client}

	insert := func(name, status string, finishedAgo time.Duration) (uuid.UUID, string) {
		t.Helper()
		path := unit.String() + "/" + name
		srv.Put("imports", path, []byte("csv"))
		var id uuid.UUID
		var completed any
		if status != "pending" {
			completed = time.Now().Add(-finishedAgo)
		}
		require.NoError(t, db.Pool.QueryRow(ctx, `insert into import_jobs (unit_id, created_by, type, input_path, status, completed_at)
			values ($1, $2, 'troop_advancement', $3, $4, $5) returning id`, unit, leader.ProfileID, path, status, completed).Scan(&id))
		return id, path
	}
	day := 24 * time.Hour
	oldID, oldPath := insert("old.csv", "completed", 8*day)
	_, newPath := insert("new.csv", "completed", 1*day)
	_, sharedPath := insert("shared.csv", "completed", 8*day)
	// A second job names the same file and is still pending: the file must stay.
	var sharedPending uuid.UUID
	require.NoError(t, db.Pool.QueryRow(ctx, `insert into import_jobs (unit_id, created_by, type, input_path)
		values ($1, $2, 'troop_advancement', $3) returning id`, unit, leader.ProfileID, sharedPath).Scan(&sharedPending))

	s := &store{pool: db.Pool}
	n, err := s.purgeInputs(ctx, 7*day, 30*day)
	require.NoError(t, err)
	require.Equal(t, 2, n, "the two old jobs are purged")

	// Storage refuses for now: nothing is forgotten, the next sweep tries again.
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
	_, err = s.purgeInputFiles(ctx, files, quietLogger())
	require.Error(t, err)
	var pathLeft *string
	require.NoError(t, db.Pool.QueryRow(ctx, `select input_path from import_jobs where id = $1`, oldID).Scan(&pathLeft))
	require.NotNil(t, pathLeft, "input_path is kept until Storage confirms the deletion")
	srv.Fault = nil

	deleted, err := s.purgeInputFiles(ctx, files, quietLogger())
	require.NoError(t, err)
	require.Equal(t, 1, deleted)
	_, ok := srv.Object("imports", oldPath)
	require.False(t, ok, "the old job's file is deleted")
	_, ok = srv.Object("imports", newPath)
	require.True(t, ok, "a recent job's file stays")
	_, ok = srv.Object("imports", sharedPath)
	require.True(t, ok, "a file another unpurged job names stays")
	require.NoError(t, db.Pool.QueryRow(ctx, `select input_path from import_jobs where id = $1`, oldID).Scan(&pathLeft))
	require.Nil(t, pathLeft, "a deleted file's path is forgotten")

	// The delete went to the documented endpoint with the service role key.
	last := srv.Requests()[len(srv.Requests())-1]
	require.Equal(t, http.MethodDelete, last.Method)
	require.Equal(t, "/storage/v1/object/imports", last.Path)
	require.Equal(t, "Bearer service-role-key", last.Header.Get("Authorization"))

	// Once the other job is finished and purged too, the shared file goes.
	_, err = db.Pool.Exec(ctx, `update import_jobs set status = 'cancelled', completed_at = now() - interval '40 days' where id = $1`, sharedPending)
	require.NoError(t, err)
	_, err = s.purgeInputs(ctx, 7*day, 30*day)
	require.NoError(t, err)
	deleted, err = s.purgeInputFiles(ctx, files, quietLogger())
	require.NoError(t, err)
	require.Equal(t, 2, deleted, "both jobs naming the shared file")
	_, ok = srv.Object("imports", sharedPath)
	require.False(t, ok)
	require.Zero(t, countWhere(t, db, `input_path is not null and input_purged_at is not null`))

	// Without Storage access the sweep leaves everything in place.
	insert("later.csv", "completed", 8*day)
	_, err = s.purgeInputs(ctx, 7*day, 30*day)
	require.NoError(t, err)
	deleted, err = s.purgeInputFiles(ctx, nil, quietLogger())
	require.NoError(t, err)
	require.Zero(t, deleted)
	require.Equal(t, 1, countWhere(t, db, `input_path is not null and input_purged_at is not null`))
}

func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func countWhere(t *testing.T, db *pgtest.DB, where string) int {
	t.Helper()
	var n int
	require.NoError(t, db.Pool.QueryRow(context.Background(), `select count(*) from import_jobs where `+where).Scan(&n))
	return n
}

// An upload whose job was never created is deleted once it is older than the retention
// period; a recent one, and one a job names, stay.
func TestPurgeDeletesOrphanedUploads(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 1")
	leader := db.Leader(t, unit, "leader@example.org")
	srv := supabasetest.New(t)
	client, err := supabaseclient.New(srv.URL, "service-role-key")
	require.NoError(t, err)

	upload := func(name string, age time.Duration) string {
		path := unit.String() + "/" + name
		srv.Put("imports", path, []byte("csv"))
		_, err := db.Pool.Exec(ctx, `insert into storage.objects (bucket_id, name, owner, created_at) values ('imports', $1, $2, now() - $3::interval)`,
			path, leader.UserID, age.String())
		require.NoError(t, err)
		return path
	}
	day := 24 * time.Hour
	orphan := upload("orphan.csv", 8*day)
	recent := upload("recent.csv", time.Hour)
	named := upload("named.csv", 8*day)
	_, err = db.Pool.Exec(ctx, `insert into import_jobs (unit_id, created_by, type, input_path) values ($1, $2, 'troop_advancement', $3)`,
		unit, leader.ProfileID, named)
	require.NoError(t, err)

	s := &store{pool: db.Pool}
	n, err := s.purgeOrphanUploads(ctx, storageFiles{client}, 7*day)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, ok := srv.Object("imports", orphan)
	require.False(t, ok, "the orphaned upload is deleted")
	for _, p := range []string{recent, named} {
		_, ok := srv.Object("imports", p)
		require.True(t, ok, p)
	}
	n, err = s.purgeOrphanUploads(ctx, nil, 7*day)
	require.NoError(t, err)
	require.Zero(t, n, "nothing without Storage access")
}
