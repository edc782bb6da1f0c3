package schematest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

// realtimeFixture is what the web kit's tests replay: the job row the browser reads right
// after its insert, every Realtime UPDATE payload of the run in commit order, and the row it
// reads once the job has ended.
type realtimeFixture struct {
	Scenario string           `json:"scenario"`
	Initial  map[string]any   `json:"initial"`
	Updates  []map[string]any `json:"updates"`
	Final    map[string]any   `json:"final"`
}

// fixtureColumns are the columns the kit selects (getImportJobStatus): the progress screen's
// columns, never the input.
const fixtureColumns = `id, unit_id, type, status, current_phase, total_scouts, processed_scouts,
	total_items, processed_items, result, error_message, created_at, started_at, completed_at,
	updated_at, attempt, max_attempts, cancel_requested_at, options`

// TestRecordRealtimeFixtures runs real imports (a completed troop import with warnings, a dry
// run with its preview, a file that fails) through a real worker against the real schema,
// reads the change stream from a wal2json slot with Realtime's options, and turns every
// UPDATE of the job into the payload supabase-js hands to a postgres_changes callback. The
// web kit's component and hook tests replay these files.
//
// With UPDATE_FIXTURES=1 the files under web/test/fixtures/realtime are rewritten; otherwise
// the test checks that the committed files still have the shape a run produces now (same
// statuses and phases in the same order, same payload and result keys), so a change to the
// worker's writes or to the result shape fails here until the fixtures are re-recorded.
func TestRecordRealtimeFixtures(t *testing.T) {
	big := func() string {
		var b bytes.Buffer
		_, err := scoutgen.WriteTroop(&b, scoutgen.TroopOptions{Scouts: 12, Seed: 7, Noise: true})
		require.NoError(t, err)
		return b.String()
	}()
	cases := []struct {
		name    string
		csv     string
		options map[string]any
		status  string
	}{
		{"completed", big, nil, "completed"},
		{"dry-run", big, map[string]any{"dryRun": true}, "completed"},
		// Not a Troop Advancement export (a file problem): the job fails with nothing written.
		// The random tail keeps the input out of line, as a real upload is.
		{"failed", "Name,Rank\nAlex,Scout\n" + bigCSV(64<<10), nil, "failed"},
	}
	dir := filepath.Join(repoRoot(t), "web", "test", "fixtures", "realtime")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := recordImport(t, tc.name, tc.csv, tc.options)
			require.Equal(t, tc.status, got.Final["status"])
			require.NotEmpty(t, got.Updates, "the run produced Realtime UPDATE events")
			for _, u := range got.Updates {
				rec := u["new"].(map[string]any)
				require.NotContains(t, rec, "input_csv", "an unchanged TOASTed input is absent from the payload")
			}
			path := filepath.Join(dir, tc.name+".json")
			if updateFixtures {
				raw, err := json.MarshalIndent(got, "", "  ")
				require.NoError(t, err)
				require.NoError(t, os.MkdirAll(dir, 0o755))
				require.NoError(t, os.WriteFile(path, append(raw, '\n'), 0o644))
				t.Logf("wrote %s (%d updates)", path, len(got.Updates))
				return
			}
			raw, err := os.ReadFile(path)
			require.NoError(t, err, "read %s (record it with UPDATE_FIXTURES=1)", path)
			var committed realtimeFixture
			require.NoError(t, json.Unmarshal(raw, &committed))
			fresh, old := shape(got), shape(committed)
			// A result field or table column added since the recording leaves the fixture
			// valid; one the recording has and a run no longer produces does not.
			for _, k := range old["resultKeys"].([]string) {
				require.Contains(t, fresh["resultKeys"], k, "%s: result.%s is no longer written: re-record with `make fixtures`", path, k)
			}
			delete(fresh, "resultKeys")
			delete(old, "resultKeys")
			require.Equal(t, fresh, old, "%s no longer matches a real run: re-record with `make fixtures`", path)
		})
	}
}

// recordImport inserts one job as the leader's browser would, runs a worker until the queue
// is idle and returns what Realtime would have delivered for it.
func recordImport(t *testing.T, scenario, csv string, options map[string]any) realtimeFixture {
	ctx := context.Background()
	tr := newTroop(t)
	slot := openSlot(t, tr.db)

	// Half of the troop is already on the roster; the import creates the others.
	for i, s := range scoutgen.Roster(scoutgen.TroopOptions{Scouts: 12, Seed: 7, Noise: true}) {
		if i%2 == 0 {
			_, err := tr.db.Pool.Exec(ctx, `insert into scouts (unit_id, first_name, last_name, bsa_member_id, is_active)
				values ($1, $2, $3, $4, true)`, tr.unit, s.FirstName, s.LastName, s.BSAMemberID)
			require.NoError(t, err)
		}
	}
	if options == nil {
		options = map[string]any{}
	}
	opts, err := json.Marshal(options)
	require.NoError(t, err)
	var job uuid.UUID
	require.NoError(t, tr.db.AsClient(ctx, tr.leader.Claims(), func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `insert into public.import_jobs (unit_id, type, input_csv, options)
			values ($1, 'troop_advancement', $2, $3) returning id`, tr.unit, csv, opts).Scan(&job)
	}))
	initial := selectJob(t, tr.db.Pool, job)
	slot.changes(t) // the INSERT is not an UPDATE event: drop it

	// The worker's chunks and progress commit synchronously (as on Supabase); a short progress
	// interval gives the bar several steps.
	cfg, err := pgxpool.ParseConfig(tr.db.URL)
	require.NoError(t, err)
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	require.NoError(t, err)
	defer pool.Close()
	w, err := jobs.NewWorker(jobs.Config{Pool: pool,
		Handlers: map[string]jobs.Handler{advancement.JobType: advancement.TroopHandler{}},
		WorkerID: "fixture-worker", ExitWhenIdle: true, PollInterval: time.Second,
		ProgressInterval: time.Millisecond, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	require.NoError(t, w.Run(ctx))

	// Realtime decodes only WAL that reached the disk, and the worker's claim and completion
	// commit without waiting for their flush (queue_state_settings.sql): the completion reaches
	// the slot once the WAL writer has flushed it (within three wal_writer_delay periods), so
	// the slot is read until the job's last write is there.
	final := selectJob(t, tr.db.Pool, job)
	var updates []map[string]any
	for deadline := time.Now().Add(10 * time.Second); ; {
		for _, c := range slot.changes(t) {
			if c.Table != "import_jobs" || c.Action != "U" {
				continue
			}
			updates = append(updates, realtimePayload(t, c))
		}
		if n := len(updates); n > 0 && updates[n-1]["new"].(map[string]any)["status"] == final["status"] {
			break
		}
		require.False(t, time.Now().After(deadline), "the job's last write (%v) never reached the slot", final["status"])
		time.Sleep(20 * time.Millisecond) // polling the slot with a deadline
	}
	return realtimeFixture{Scenario: scenario, Initial: initial, Updates: updates, Final: final}
}

// selectJob reads the job's kit columns as PostgREST returns them (to_jsonb: ISO timestamps,
// JSON columns as JSON).
func selectJob(t *testing.T, pool *pgxpool.Pool, job uuid.UUID) map[string]any {
	t.Helper()
	var raw []byte
	require.NoError(t, pool.QueryRow(context.Background(),
		fmt.Sprintf(`select to_jsonb(j) from (select %s from public.import_jobs where id = $1) j`, fixtureColumns), job).Scan(&raw))
	var row map[string]any
	require.NoError(t, json.Unmarshal(raw, &row))
	return row
}

// realtimePayload converts a wal2json change the way Realtime does before it reaches
// supabase-js: columns become the record (jsonb parsed, timestamps in ISO form), the
// identity becomes old, and unchanged TOASTed columns stay absent.
func realtimePayload(t *testing.T, c walChange) map[string]any {
	t.Helper()
	record := map[string]any{}
	for _, col := range c.Columns {
		record[col.Name] = realtimeValue(t, col)
	}
	old := map[string]any{}
	for _, col := range c.Identity {
		old[col.Name] = realtimeValue(t, col)
	}
	return map[string]any{
		"schema":           c.Schema,
		"table":            c.Table,
		"commit_timestamp": isoTime(t, c.Timestamp),
		"eventType":        "UPDATE",
		"new":              record,
		"old":              old,
		"errors":           nil,
	}
}

// realtimeValue decodes one wal2json column value as Realtime's cast does.
func realtimeValue(t *testing.T, col walColumn) any {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(col.Value, &v), "decode %s", col.Name)
	s, isString := v.(string)
	switch {
	case !isString:
		return v
	case col.Type == "jsonb" || col.Type == "json":
		var j any
		require.NoError(t, json.Unmarshal([]byte(s), &j), "decode %s as JSON", col.Name)
		return j
	case strings.HasPrefix(col.Type, "timestamp"):
		return isoTime(t, s)
	}
	return v
}

// isoTime turns PostgreSQL's text form of a timestamptz into the ISO 8601 form of to_jsonb.
func isoTime(t *testing.T, s string) string {
	t.Helper()
	for _, layout := range []string{"2006-01-02 15:04:05.999999-07", "2006-01-02 15:04:05.999999-07:00"} {
		if ts, err := time.Parse(layout, s); err == nil {
			return ts.Format("2006-01-02T15:04:05.999999-07:00")
		}
	}
	t.Fatalf("unexpected timestamp %q", s)
	return ""
}

// shape is what must stay equal between a committed fixture and a fresh run: the first and
// last status/phase, the statuses in order, the kit's columns in the payloads, the row keys;
// resultKeys are compared by the caller (the fixture's must still be written). (The phases in between depend on timing: two quick phase changes can share one
// progress write.)
func shape(f realtimeFixture) map[string]any {
	var statuses []string
	keys := map[string]any{}
	step := func(rec map[string]any) string { return fmt.Sprintf("%v/%v", rec["status"], rec["current_phase"]) }
	for _, u := range f.Updates {
		rec := u["new"].(map[string]any)
		if s := fmt.Sprint(rec["status"]); len(statuses) == 0 || statuses[len(statuses)-1] != s {
			statuses = append(statuses, s)
		}
		for k := range rec {
			if slices.Contains(strings.Fields(strings.ReplaceAll(fixtureColumns, ",", " ")), k) {
				keys[k] = true // the kit's columns only: a new column elsewhere changes nothing
			}
		}
	}
	first, last := "", ""
	if n := len(f.Updates); n > 0 {
		first, last = step(f.Updates[0]["new"].(map[string]any)), step(f.Updates[n-1]["new"].(map[string]any))
	}
	result, _ := f.Final["result"].(map[string]any)
	return map[string]any{
		"first":       first,
		"last":        last,
		"statuses":    statuses,
		"payloadKeys": sortedKeys(keys),
		"rowKeys":     sortedKeys(f.Final),
		"resultKeys":  sortedKeys(result),
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
