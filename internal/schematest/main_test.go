package schematest_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// notificationWait bounds every wait for a NOTIFY: long enough for a loaded machine, short
// enough that a missing notification fails the test quickly.
const notificationWait = 5 * time.Second

// troop is a unit with one active leader, in a fresh database.
type troop struct {
	db     *pgtest.DB
	unit   uuid.UUID
	leader pgtest.Person
}

// newTroop creates a fresh database holding one unit and its leader.
func newTroop(t *testing.T) troop {
	t.Helper()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 101")
	return troop{db: db, unit: unit, leader: db.Leader(t, unit, "leader@example.org")}
}

// insertJobAsClient inserts a job as the leader would through the Data API (column list of
// supabase-js, return=representation) and returns its id.
func (tr troop) insertJobAsClient(t *testing.T, csv string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	var id uuid.UUID
	err := tr.db.AsClient(ctx, tr.leader.Claims(), func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `insert into public.import_jobs (unit_id, type, input_csv)
			values ($1, 'troop_advancement', $2) returning id`, tr.unit, csv).Scan(&id)
	})
	require.NoError(t, err, "leader inserts a job")
	return id
}

// insertJobAsWorker inserts a job directly as postgres in the given status. A processing job
// gets a lease (the lease CHECK requires one); a finished job gets completed_at.
func (tr troop) insertJobAsWorker(t *testing.T, status string) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	err := tr.db.Pool.QueryRow(context.Background(), `
		insert into public.import_jobs (unit_id, created_by, type, input_csv, status,
		                                lease_owner, lease_token, lease_expires_at, started_at, completed_at, attempt)
		values ($1, $2, 'troop_advancement', 'csv', $3,
		        case when $3 = 'processing' then 'worker-1' end,
		        case when $3 = 'processing' then gen_random_uuid() end,
		        case when $3 = 'processing' then now() + interval '5 minutes' end,
		        case when $3 <> 'pending' then now() end,
		        case when $3 in ('completed', 'failed', 'cancelled') then now() end,
		        case when $3 = 'pending' then 0 else 1 end)
		returning id`, tr.unit, tr.leader.ProfileID, status).Scan(&id)
	require.NoError(t, err, "insert a %s job as postgres", status)
	return id
}

// listen opens a dedicated connection as postgres (the worker's role) that LISTENs on the
// channels. It is closed when the test ends.
func listen(t *testing.T, db *pgtest.DB, channels ...string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.URL)
	require.NoError(t, err, "connect the listener")
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	for _, ch := range channels {
		_, err := conn.Exec(ctx, "listen "+pgx.Identifier{ch}.Sanitize())
		require.NoError(t, err, "listen %s", ch)
	}
	return conn
}

// nextNotification waits (without sleeping) for the listener's next notification and fails
// the test when none arrives within notificationWait.
func nextNotification(t *testing.T, conn *pgx.Conn, what string) *pgconn.Notification {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), notificationWait)
	defer cancel()
	n, err := conn.WaitForNotification(ctx)
	if errors.Is(err, context.DeadlineExceeded) || (err != nil && ctx.Err() != nil) {
		t.Fatalf("no notification within %s: expected %s", notificationWait, what)
	}
	require.NoError(t, err, "wait for %s", what)
	return n
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}
