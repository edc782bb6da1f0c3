package advancement_test

// Helpers of the scout_history database tests. They are prefixed "hist" so that they never
// clash with the troop import's test helpers in the same package.

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
)

// histFixture is a unit with an active leader, ready for history imports: the troop
// import's fixture with history-specific helpers.
type histFixture struct {
	*troopFixture
}

func newHistFixture(t testing.TB) *histFixture {
	t.Helper()
	return &histFixture{newTroop(t)}
}

// submit inserts a scout_history job as the leader's browser would (RLS, JWT claims).
func (f *histFixture) submit(t testing.TB, report string, options map[string]any) uuid.UUID {
	t.Helper()
	return f.insertJob(t, `insert into import_jobs (unit_id, type, input_csv, options)
		values ($1, 'scout_history', $2, $3) returning id`, report, options)
}

// run runs a worker with the history handler until no job is left.
func (f *histFixture) run(t testing.TB) {
	t.Helper()
	w, err := jobs.NewWorker(jobs.Config{Pool: f.workerPool(t),
		Handlers: map[string]jobs.Handler{advancement.HistoryJobType: advancement.HistoryHandler{}},
		WorkerID: "history-test-worker", ExitWhenIdle: true, PollInterval: time.Second, Logger: quietLogger})
	require.NoError(t, err)
	require.NoError(t, w.Run(context.Background()))
}

// importReport submits a report, runs the worker and returns the finished job.
func (f *histFixture) importReport(t testing.TB, report string, options map[string]any) histJob {
	t.Helper()
	id := f.submit(t, report, options)
	f.run(t)
	return f.job(t, id)
}

// histJob is the finished job row.
type histJob struct {
	Status                       string
	Error                        string
	Result                       advancement.HistoryResult
	Raw                          map[string]any
	TotalItems, ProcessedItems   int
	TotalScouts, ProcessedScouts int
}

func (f *histFixture) job(t testing.TB, id uuid.UUID) histJob {
	t.Helper()
	var j histJob
	var raw []byte
	var msg *string
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select status, error_message, result, total_items, processed_items,
		total_scouts, processed_scouts from import_jobs where id = $1`, id).Scan(&j.Status, &msg, &raw, &j.TotalItems,
		&j.ProcessedItems, &j.TotalScouts, &j.ProcessedScouts))
	if msg != nil {
		j.Error = *msg
	}
	if raw != nil {
		require.NoError(t, json.Unmarshal(raw, &j.Result))
		require.NoError(t, json.Unmarshal(raw, &j.Raw))
	}
	return j
}

// requireCompleted fails the test unless the job completed.
func (j histJob) requireCompleted(t testing.TB) {
	t.Helper()
	require.Equal(t, "completed", j.Status, "error: %s", j.Error)
}

// addScout creates a scout in unit (the fixture's unit when uuid.Nil).
func (f *histFixture) addScout(t testing.TB, unit uuid.UUID, bsaID, first, last string, active bool) uuid.UUID {
	t.Helper()
	if unit == uuid.Nil {
		unit = f.unit
	}
	var id uuid.UUID
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `insert into scouts (unit_id, bsa_member_id, first_name, last_name, is_active)
		values ($1, nullif($2, ''), $3, $4, $5) returning id`, unit, bsaID, first, last, active).Scan(&id))
	return id
}

// exec runs a statement as postgres.
func (f *histFixture) exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	_, err := f.db.Pool.Exec(context.Background(), sql, args...)
	require.NoError(t, err)
}

// texts runs a query returning one text column and returns its rows sorted.
func (f *histFixture) texts(t testing.TB, sql string, args ...any) []string {
	t.Helper()
	rows, err := f.db.Pool.Query(context.Background(), sql, args...)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// histDay renders a timestamptz or date column as YYYY-MM-DD (UTC), "-" for NULL.
func histDay(col string) string {
	return fmt.Sprintf(`coalesce(to_char(%s at time zone 'UTC', 'YYYY-MM-DD'), '-')`, col)
}

// rows describes, by natural keys, every row the history import writes for a scout.
// completed_by is "leader" when it is the fixture's leader.
func (f *histFixture) rows(t testing.TB, scout uuid.UUID) map[string][]string {
	t.Helper()
	return map[string][]string{
		"ranks": f.texts(t, `select concat_ws(' | ', r.code, p.status::text, `+histDay("p.started_at")+`, `+histDay("p.completed_at")+`, `+histDay("p.awarded_at")+`)
			from scout_rank_progress p join bsa_ranks r on r.id = p.rank_id where p.scout_id = $1`, scout),
		"rank requirements": f.texts(t, `select concat_ws(' | ', r.code, d.version_year::text, d.requirement_number, q.status::text,
				`+histDay("q.completed_at")+`, case when q.completed_by = $2 then 'leader' else coalesce(q.completed_by::text, '-') end)
			from scout_rank_requirement_progress q
			join scout_rank_progress p on p.id = q.scout_rank_progress_id
			join bsa_ranks r on r.id = p.rank_id
			join bsa_rank_requirements d on d.id = q.requirement_id
			where p.scout_id = $1`, scout, f.leader.ProfileID),
		"badges": f.texts(t, `select concat_ws(' | ', b.code, p.status::text, 'v' || coalesce(p.requirement_version_year::text, '-'),
				`+histDay("p.started_at")+`, `+histDay("p.completed_at")+`, `+histDay("p.awarded_at")+`)
			from scout_merit_badge_progress p join bsa_merit_badges b on b.id = p.merit_badge_id where p.scout_id = $1`, scout),
		"badge requirements": f.texts(t, `select concat_ws(' | ', b.code, d.version_year::text, coalesce(d.scoutbook_requirement_number, d.requirement_number),
				d.source, q.status::text, `+histDay("q.completed_at")+`)
			from scout_merit_badge_requirement_progress q
			join scout_merit_badge_progress p on p.id = q.scout_merit_badge_progress_id
			join bsa_merit_badges b on b.id = p.merit_badge_id
			join bsa_merit_badge_requirements d on d.id = q.requirement_id
			where p.scout_id = $1
			union all
			select concat_ws(' | ', b.code, d.version_year::text, d.requirement_number, 'unit', q.status::text, `+histDay("q.completed_at")+`)
			from unit_requirement_progress q
			join unit_requirement_definitions d on d.id = q.definition_id
			join bsa_merit_badges b on b.id = d.merit_badge_id
			where q.scout_id = $1`, scout),
		"leadership": f.texts(t, `select concat_ws(' | ', p.code, h.position_name, h.start_date::text, coalesce(h.end_date::text, '-'))
			from scout_leadership_history h join bsa_leadership_positions p on p.id = h.position_id where h.scout_id = $1`, scout),
		"activities": f.texts(t, `select concat_ws(' | ', e.activity_type, e.quantity::text, e.activity_date::text, e.source, e.source_key)
			from scout_activity_entries e where e.scout_id = $1`, scout),
	}
}

// histTables are the tables a history import may write.
var histTables = []string{"scout_rank_progress", "scout_rank_requirement_progress", "scout_merit_badge_progress",
	"scout_merit_badge_requirement_progress", "scout_leadership_history", "scout_activity_entries",
	"bsa_rank_requirements", "bsa_merit_badge_requirements", "unit_requirement_definitions", "unit_requirement_progress", "scouts"}

// snapshot dumps every row of the tables a history import may write, every column (ids,
// created_at, updated_at) plus the row's xmin: equal snapshots mean no row was inserted,
// deleted or rewritten in between (even an UPDATE that changes nothing gives a new xmin).
func (f *histFixture) snapshot(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range histTables {
		var dump string
		require.NoError(t, f.db.Pool.QueryRow(context.Background(), fmt.Sprintf(
			`select coalesce(string_agg(x, E'\n' order by x), '') from (select t.xmin::text || ' ' || t::text as x from public.%s t) s`,
			table)).Scan(&dump))
		out[table] = dump
	}
	return out
}

// count runs a count query.
func (f *histFixture) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n))
	return n
}

// histWarningTypes lists the types of a result's warnings, sorted.
func histWarningTypes(r advancement.HistoryResult) []string {
	var out []string
	for _, w := range r.Warnings {
		out = append(out, w.Type)
	}
	slices.Sort(out)
	return out
}

// histWarning returns the first warning of a type.
func histWarning(t testing.TB, r advancement.HistoryResult, typ string) advancement.ImportWarning {
	t.Helper()
	for _, w := range r.Warnings {
		if w.Type == typ {
			return w
		}
	}
	require.Failf(t, "warning not found", "no %s warning in %+v", typ, r.Warnings)
	return advancement.ImportWarning{}
}

// histTestdata reads a file of testdata/.
func histTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}
