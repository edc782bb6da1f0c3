package schematest_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
)

// uiColumns are the import_jobs columns the app's progress screen reads from Realtime's
// payload.new and from its refetch.
var uiColumns = []string{
	"id", "unit_id", "type", "status", "current_phase",
	"total_scouts", "processed_scouts", "total_items", "processed_items",
	"result", "error_message", "created_at", "started_at", "completed_at", "updated_at",
	"attempt", "max_attempts", "cancel_requested_at",
}

// TestRealtimeContract reproduces the database side of Supabase Realtime's Postgres Changes
// (docs/architecture.md, "Realtime"): a temporary wal2json slot read with exactly the options
// Realtime passes, and the per-subscriber RLS check of realtime.apply_rls.
func TestRealtimeContract(t *testing.T) {
	ctx := context.Background()
	tr := newTroop(t)
	db := tr.db
	otherUnit := db.CreateUnit(t, "Troop 202")
	otherLeader := db.Leader(t, otherUnit, "other-leader@example.org")

	// What Realtime checks before it lets a client subscribe.
	var published, pubUpdate bool
	require.NoError(t, db.Pool.QueryRow(ctx, `
		select exists (select 1 from pg_publication_tables
		               where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'import_jobs'),
		       (select pubupdate from pg_publication where pubname = 'supabase_realtime')`).Scan(&published, &pubUpdate))
	require.True(t, published, "import_jobs is in the supabase_realtime publication")
	require.True(t, pubUpdate, "supabase_realtime publishes updates")
	for _, col := range uiColumns {
		var ok bool
		require.NoError(t, db.Pool.QueryRow(ctx,
			`select has_column_privilege('authenticated', 'public.import_jobs', $1, 'SELECT')`, col).Scan(&ok))
		require.True(t, ok, "authenticated may select import_jobs.%s (Realtime drops unreadable columns)", col)
	}

	slot := openSlot(t, db)
	worker := syncConn(t, db)

	// A job with a multi-megabyte input: TOASTed out of line, as a real troop export is.
	var job uuid.UUID
	require.NoError(t, worker.QueryRow(ctx, `
		insert into public.import_jobs (unit_id, created_by, type, input_csv, total_items)
		values ($1, $2, 'troop_advancement', $3, 1000) returning id`,
		tr.unit, tr.leader.ProfileID, bigCSV(5<<20)).Scan(&job))
	inserts := slot.changes(t)
	insert := only(t, inserts, "I", job)
	t.Logf("the INSERT change carries the whole input: %d bytes", insert.size)

	// The worker's first progress write: claim (status, lease) and progress in one UPDATE.
	var leaseToken uuid.UUID
	require.NoError(t, worker.QueryRow(ctx, `
		update public.import_jobs
		set status = 'processing', lease_owner = 'worker-1', lease_token = gen_random_uuid(),
		    lease_expires_at = now() + interval '5 minutes', started_at = now(), attempt = 1,
		    processed_items = 100, current_phase = 'ranks'
		where id = $1 returning lease_token`, job).Scan(&leaseToken))

	update := only(t, slot.changes(t), "U", job)
	require.Less(t, update.size, 8*1024, "a progress event stays a few kilobytes, far below Realtime's 1 MiB limit")
	require.Equal(t, job.String(), update.column(t, "id"))
	require.Equal(t, "processing", update.column(t, "status"))
	require.EqualValues(t, 100, update.column(t, "processed_items"))
	require.EqualValues(t, 1000, update.column(t, "total_items"))
	require.Equal(t, "ranks", update.column(t, "current_phase"))
	require.False(t, update.has("input_csv"), "the unchanged TOASTed input is not shipped with progress")
	require.Equal(t, []string{"id"}, update.identityNames(), "identity holds only the primary key (replica identity default)")
	require.Equal(t, []string{"id"}, update.pkNames(), "Realtime finds the primary key")
	require.NotEmpty(t, update.Timestamp, "the commit timestamp Realtime forwards")

	// apply_rls: the subscriber's RLS decides whether the event is delivered.
	require.True(t, visibleTo(t, db, tr.leader.Claims(), job), "the unit's leader receives the event")
	require.False(t, visibleTo(t, db, otherLeader.Claims(), job), "a leader of another unit does not")
	parent := db.CreatePerson(t, "parent@example.org")
	db.AddMember(t, tr.unit, parent, "parent", "active")
	require.False(t, visibleTo(t, db, parent.Claims(), job), "a parent of the unit does not")

	// Progress at the throttle (one write a second) and faster: every committed write is one
	// event, none is coalesced; a rolled-back write is none.
	for i := 1; i <= 10; i++ {
		tag, err := worker.Exec(ctx, `update public.import_jobs set processed_items = $2, heartbeat_at = now()
			where id = $1 and lease_token = $3`, job, 100+10*i, leaseToken)
		require.NoError(t, err)
		require.EqualValues(t, 1, tag.RowsAffected())
		if i == 5 {
			err := pgx.BeginFunc(ctx, worker, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `update public.import_jobs set processed_items = 9999 where id = $1`, job); err != nil {
					return err
				}
				return errRollback
			})
			require.ErrorIs(t, err, errRollback)
		}
	}
	var got []float64
	for _, c := range slot.changes(t) {
		if c.Table != "import_jobs" {
			continue
		}
		require.Equal(t, "U", c.Action)
		require.Less(t, c.size, 8*1024)
		require.False(t, c.has("input_csv"))
		got = append(got, c.column(t, "processed_items").(float64))
	}
	require.Equal(t, []float64{110, 120, 130, 140, 150, 160, 170, 180, 190, 200}, got,
		"exactly one U event per committed progress write, in order; none for the rolled-back one")
}

var errRollback = fmt.Errorf("roll back on purpose")

// syncConn connects as postgres, like the worker, with synchronous_commit on as on Supabase.
// The test cluster turns it off for speed, but logical decoding only sees flushed WAL: with
// it on, a write is in the slot as soon as its COMMIT returns, so the test never has to wait.
func syncConn(t *testing.T, db *pgtest.DB) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(db.URL)
	require.NoError(t, err)
	cfg.RuntimeParams["synchronous_commit"] = "on"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err, "connect the worker")
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// visibleTo emulates realtime.apply_rls for one subscriber: as authenticated with the
// subscriber's claims, is the row visible by primary key?
func visibleTo(t *testing.T, db *pgtest.DB, claims pgtest.Claims, job uuid.UUID) bool {
	t.Helper()
	ctx := context.Background()
	var ok bool
	err := db.AsClient(ctx, claims, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `select exists (select 1 from public.import_jobs where id = $1)`, job).Scan(&ok)
	})
	require.NoError(t, err, "RLS check as %v", claims["sub"])
	return ok
}

// bigCSV returns about size bytes of CSV text with random values, so that TOAST compression
// cannot shrink it below the out-of-line threshold.
func bigCSV(size int) string {
	r := rand.New(rand.NewPCG(1, 2))
	var b strings.Builder
	b.Grow(size + 200)
	b.WriteString("bsamemberid,firstname,lastname,advancementtype,advancement,version,datecompleted,note\n")
	raw := make([]byte, 24)
	for i := 0; b.Len() < size; i++ {
		for j := range raw {
			raw[j] = byte(r.Uint32())
		}
		fmt.Fprintf(&b, "%d,Scout%d,Family%d,Rank Requirement,Scout #%d,2024,01/%02d/2025,%s\n",
			900000000+i%60, i%60, i%60, i%18, 1+i%28, hex.EncodeToString(raw))
	}
	return b.String()
}

// walSlot is a temporary wal2json slot on a connection held open for the test, read the way
// Realtime's poller reads it.
type walSlot struct {
	conn   *pgx.Conn
	name   string
	tables string
}

// openSlot creates the temporary slot as postgres (REPLICATION, as on Supabase). It is
// dropped when its connection closes at the end of the test.
func openSlot(t *testing.T, db *pgtest.DB) *walSlot {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.URL)
	require.NoError(t, err, "connect the slot reader")
	t.Cleanup(func() { _ = conn.Close(context.Background()) })

	s := &walSlot{conn: conn, name: "t_rt_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]}
	_, err = conn.Exec(ctx, `select pg_create_logical_replication_slot($1, 'wal2json', true)`, s.name)
	require.NoError(t, err, "create the wal2json slot (Debian package postgresql-15-wal2json)")
	// add-tables as Realtime builds it: the publication's tables, schema.table, comma-separated.
	require.NoError(t, conn.QueryRow(ctx, `
		select coalesce(string_agg(format('%s.%s', schemaname, tablename), ',' order by schemaname, tablename), '')
		from pg_publication_tables where pubname = 'supabase_realtime'`).Scan(&s.tables))
	require.Contains(t, strings.Split(s.tables, ","), "public.import_jobs")
	return s
}

// walChange is one wal2json format-version 2 change.
type walChange struct {
	Action    string      `json:"action"`
	Timestamp string      `json:"timestamp"`
	Schema    string      `json:"schema"`
	Table     string      `json:"table"`
	Columns   []walColumn `json:"columns"`
	Identity  []walColumn `json:"identity"`
	PK        []walColumn `json:"pk"`
	size      int         // octet_length of the change's JSON
}

// walColumn is a column of a change.
type walColumn struct {
	Name  string          `json:"name"`
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
}

// changes consumes the slot with the options of realtime.list_changes.
func (s *walSlot) changes(t *testing.T) []walChange {
	t.Helper()
	ctx := context.Background()
	rows, err := s.conn.Query(ctx, `
		select data, octet_length(data) from pg_logical_slot_get_changes($1, NULL, NULL,
			'format-version', '2', 'include-pk', 'true', 'include-timestamp', 'true',
			'include-type-oids', 'true', 'include-transaction', 'false',
			'actions', 'insert,update,delete', 'add-tables', $2)`, s.name, s.tables)
	require.NoError(t, err, "read the slot")
	var out []walChange
	for rows.Next() {
		var data string
		var size int
		require.NoError(t, rows.Scan(&data, &size))
		var c walChange
		require.NoError(t, json.Unmarshal([]byte(data), &c), "decode wal2json change")
		c.size = size
		out = append(out, c)
	}
	require.NoError(t, rows.Err())
	return out
}

// only returns the single change of import_jobs in changes, which must have action and be
// about job.
func only(t *testing.T, changes []walChange, action string, job uuid.UUID) walChange {
	t.Helper()
	var mine []walChange
	for _, c := range changes {
		if c.Schema == "public" && c.Table == "import_jobs" {
			mine = append(mine, c)
		}
	}
	require.Len(t, mine, 1, "exactly one change of import_jobs")
	require.Equal(t, action, mine[0].Action)
	require.Equal(t, job.String(), mine[0].column(t, "id"))
	return mine[0]
}

// column returns the decoded value of the named column (JSON numbers as float64).
func (c walChange) column(t *testing.T, name string) any {
	t.Helper()
	for _, col := range c.Columns {
		if col.Name == name {
			var v any
			require.NoError(t, json.Unmarshal(col.Value, &v), "decode column %s", name)
			return v
		}
	}
	t.Fatalf("column %s is missing from the %s change", name, c.Action)
	return nil
}

// has reports whether the change carries the named column.
func (c walChange) has(name string) bool {
	for _, col := range c.Columns {
		if col.Name == name {
			return true
		}
	}
	return false
}

func (c walChange) identityNames() []string { return names(c.Identity) }
func (c walChange) pkNames() []string       { return names(c.PK) }

func names(cols []walColumn) []string {
	out := make([]string, 0, len(cols))
	for _, col := range cols {
		out = append(out, col.Name)
	}
	return out
}
