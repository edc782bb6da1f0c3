package advancement_test

// Shared helpers of the import's database tests and benchmarks.
//
// Every test gets its own database (pgtest.NewDB) with one unit and one active leader. Jobs
// are inserted exactly as the leader's browser would (RLS, JWT claims) and run by a real
// jobs.Worker that exits when no job is left, so each test goes through claim, chunks,
// checkpoints and the final status write.

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
	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

// troopFixture is a unit with a leader, ready for imports.
type troopFixture struct {
	db     *pgtest.DB
	unit   uuid.UUID
	leader pgtest.Person
	worker *pgxpool.Pool // connected as import_worker; see workerPool
}

// workerPool is the pool the fixture's workers use: connected as import_worker, the worker's
// least-privilege role (no BYPASSRLS), so every import here also proves its grants suffice.
// It lives as long as the fixture (subtests share it).
func (f *troopFixture) workerPool(testing.TB) *pgxpool.Pool { return f.worker }

func newTroop(t testing.TB) *troopFixture {
	t.Helper()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 42")
	return &troopFixture{db: db, unit: unit, leader: db.Leader(t, unit, "leader@example.org"), worker: db.WorkerPool(t)}
}

// submit inserts a CSV job as the leader's browser would (RLS, JWT claims).
func (f *troopFixture) submit(t testing.TB, csv string, options map[string]any) uuid.UUID {
	t.Helper()
	return f.insertJob(t, `insert into import_jobs (unit_id, type, input_csv, options)
		values ($1, 'troop_advancement', $2, $3) returning id`, csv, options)
}

// submitStaged inserts a job whose input is the app's StagedTroopAdvancement JSON, limited
// to the selected BSA member ids (empty: all).
func (f *troopFixture) submitStaged(t testing.TB, staged any, selected []string, options map[string]any) uuid.UUID {
	t.Helper()
	raw, err := json.Marshal(staged)
	require.NoError(t, err)
	if selected == nil {
		selected = []string{}
	}
	sel, err := json.Marshal(selected)
	require.NoError(t, err)
	return f.insertJob(t, `insert into import_jobs (unit_id, type, staged_data, options, selected_scout_ids)
		values ($1, 'troop_advancement', $2::jsonb, $3, $4::jsonb) returning id`, string(raw), options, string(sel))
}

func (f *troopFixture) insertJob(t testing.TB, sql string, input string, options map[string]any, extra ...any) uuid.UUID {
	t.Helper()
	if options == nil {
		options = map[string]any{}
	}
	opts, err := json.Marshal(options)
	require.NoError(t, err)
	var id uuid.UUID
	args := append([]any{f.unit, input, opts}, extra...)
	err = f.db.AsClient(context.Background(), f.leader.Claims(), func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), sql, args...).Scan(&id)
	})
	require.NoError(t, err)
	return id
}

// quietLogger drops the worker's logs (the benchmarks and the long tests would drown in them).
var quietLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// runWorker runs a worker until no job is left.
func (f *troopFixture) runWorker(t testing.TB, handler advancement.TroopHandler) {
	t.Helper()
	f.runWorkerWith(t, handler, nil)
}

// runWorkerWith runs a worker, with its configuration adjusted by tune, until no job is
// runnable (a job waiting for its retry time does not count).
func (f *troopFixture) runWorkerWith(t testing.TB, handler advancement.TroopHandler, tune func(*jobs.Config)) {
	t.Helper()
	cfg := jobs.Config{Pool: f.workerPool(t), Handlers: map[string]jobs.Handler{advancement.JobType: handler},
		WorkerID: "test-worker", ExitWhenIdle: true, PollInterval: time.Second, Logger: quietLogger}
	if tune != nil {
		tune(&cfg)
	}
	w, err := jobs.NewWorker(cfg)
	require.NoError(t, err)
	require.NoError(t, w.Run(context.Background()))
}

type jobRow struct {
	ID                           uuid.UUID
	Status                       string
	Error                        *string
	Result                       advancement.Result
	RawResult                    map[string]any
	TotalItems, ProcessedItems   int
	TotalScouts, ProcessedScouts int
	Attempt                      int
	Phase                        *string
}

func (f *troopFixture) job(t testing.TB, id uuid.UUID) jobRow {
	t.Helper()
	j := jobRow{ID: id}
	var raw []byte
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select status, error_message, result, total_items, processed_items,
		total_scouts, processed_scouts, attempt, current_phase from import_jobs where id = $1`, id).Scan(&j.Status, &j.Error, &raw, &j.TotalItems,
		&j.ProcessedItems, &j.TotalScouts, &j.ProcessedScouts, &j.Attempt, &j.Phase))
	if raw != nil {
		require.NoError(t, json.Unmarshal(raw, &j.Result))
		require.NoError(t, json.Unmarshal(raw, &j.RawResult))
	}
	return j
}

// errorMessage is the job's error_message, "" when none.
func (j jobRow) errorMessage() string {
	if j.Error == nil {
		return ""
	}
	return *j.Error
}

func generate(t testing.TB, opts scoutgen.TroopOptions) string {
	t.Helper()
	var buf bytes.Buffer
	_, err := scoutgen.WriteTroop(&buf, opts)
	require.NoError(t, err)
	return buf.String()
}

// testdata reads a file of testdata/.
func testdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return string(b)
}

// exec runs a statement as the worker's role (postgres, bypasses RLS).
func (f *troopFixture) exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	_, err := f.db.Pool.Exec(context.Background(), sql, args...)
	require.NoError(t, err, sql)
}

// uuidOf runs a query returning one uuid.
func (f *troopFixture) uuidOf(t testing.TB, sql string, args ...any) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&id), sql)
	return id
}

// count runs a count query.
func (f *troopFixture) count(t testing.TB, sql string, args ...any) int {
	t.Helper()
	var n int
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), sql, args...).Scan(&n), sql)
	return n
}

// strings runs a query returning one text column and returns its values sorted.
func (f *troopFixture) strings(t testing.TB, sql string, args ...any) []string {
	t.Helper()
	rows, err := f.db.Pool.Query(context.Background(), sql, args...)
	require.NoError(t, err, sql)
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err, sql)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// seedScout puts a scout on the unit's roster.
func (f *troopFixture) seedScout(t testing.TB, bsaID, first, last string, active bool) uuid.UUID {
	t.Helper()
	return f.uuidOf(t, `insert into scouts (unit_id, first_name, last_name, bsa_member_id, is_active)
		values ($1, $2, $3, $4, $5) returning id`, f.unit, first, last, bsaID, active)
}

// seedRoster puts the generated troop's on-roster scouts on the unit's roster (a few of them
// inactive), as a unit would look before its first import.
func (f *troopFixture) seedRoster(t testing.TB, roster []scoutgen.Scout) {
	t.Helper()
	var ids, first, last []string
	var active []bool
	for _, s := range roster {
		if !s.OnRoster {
			continue
		}
		ids, first, last = append(ids, s.BSAMemberID), append(first, s.FirstName), append(last, s.LastName)
		active = append(active, !s.InactiveOnRoster)
	}
	f.exec(t, `insert into scouts (unit_id, first_name, last_name, bsa_member_id, is_active)
		select $1, v.f, v.l, v.b, v.a from unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) as v(b, f, l, a)`,
		f.unit, ids, first, last, active)
}

// The tables an import may write, in dependency order.
var progressTables = []string{"scout_rank_progress", "scout_rank_requirement_progress",
	"scout_merit_badge_progress", "scout_merit_badge_requirement_progress", "unit_requirement_progress"}

var writtenTables = append([]string{"scouts", "bsa_rank_requirements", "bsa_merit_badge_requirements", "unit_requirement_definitions"},
	progressTables...)

// rawSnapshot dumps every table an import may write, every column including updated_at, plus
// each row's xmin: two equal snapshots mean not a single row was inserted, deleted or
// rewritten in between (an UPDATE that changes nothing still gives the row a new xmin).
func (f *troopFixture) rawSnapshot(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range writtenTables {
		var dump string
		require.NoError(t, f.db.Pool.QueryRow(context.Background(), fmt.Sprintf(
			`select coalesce(string_agg(x, E'\n' order by x), '') from (select t.xmin::text || ' ' || t::text as x from public.%s t) s`,
			table)).Scan(&dump))
		out[table] = dump
	}
	out["import_job_checkpoints rows"] = fmt.Sprint(f.count(t, `select count(*) from import_job_checkpoints`))
	return out
}

// sqlDay renders a timestamptz column as its UTC instant, "-" for NULL, so a test sees both
// the day and that it is midnight UTC.
func sqlDay(col string) string {
	return fmt.Sprintf(`coalesce(to_char(%s at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), '-')`, col)
}

// naturalDump describes every row the import writes by natural keys only (BSA member id, rank
// or badge code, definition version and number), never by uuid, so dumps of two databases
// compare. completed_by is "leader" when it is the profile given, "-" when NULL.
func (f *troopFixture) naturalDump(t testing.TB) map[string][]string {
	t.Helper()
	leader := f.leader.ProfileID
	by := func(col string) string {
		return fmt.Sprintf(`case when %[1]s is null then '-' when %[1]s = $1 then 'leader' else 'profile:' || %[1]s::text end`, col)
	}
	return map[string][]string{
		"scouts": f.strings(t, `select concat_ws(' | ', s.bsa_member_id, s.first_name, coalesce(s.middle_name, '-'), s.last_name,
				case when s.is_active then 'active' else 'inactive' end)
			from scouts s where s.unit_id = $1`, f.unit),
		"scout_rank_progress": f.strings(t, `select concat_ws(' | ', s.bsa_member_id, r.code, p.status::text,
				'started '||`+sqlDay("p.started_at")+`, 'completed '||`+sqlDay("p.completed_at")+`, 'awarded '||`+sqlDay("p.awarded_at")+`)
			from scout_rank_progress p join scouts s on s.id = p.scout_id join bsa_ranks r on r.id = p.rank_id
			where s.unit_id = $1`, f.unit),
		"scout_rank_requirement_progress": f.strings(t, `select concat_ws(' | ', s.bsa_member_id, r.code, d.version_year::text,
				d.requirement_number, d.source, q.status::text, `+sqlDay("q.completed_at")+`, `+by("q.completed_by")+`, coalesce(q.notes, '-'))
			from scout_rank_requirement_progress q
			join scout_rank_progress p on p.id = q.scout_rank_progress_id
			join scouts s on s.id = p.scout_id join bsa_ranks r on r.id = p.rank_id
			join bsa_rank_requirements d on d.id = q.requirement_id
			where s.unit_id = $2
			union all
			select concat_ws(' | ', s.bsa_member_id, r.code, d.version_year::text,
				d.requirement_number, 'unit', q.status::text, `+sqlDay("q.completed_at")+`, `+by("q.completed_by")+`, coalesce(q.notes, '-'))
			from unit_requirement_progress q
			join unit_requirement_definitions d on d.id = q.definition_id
			join scouts s on s.id = q.scout_id join bsa_ranks r on r.id = d.rank_id
			where s.unit_id = $2`, leader, f.unit),
		"scout_merit_badge_progress": f.strings(t, `select concat_ws(' | ', s.bsa_member_id, b.code, p.status::text,
				'v'||coalesce(p.requirement_version_year::text, '-'),
				'started '||`+sqlDay("p.started_at")+`, 'completed '||`+sqlDay("p.completed_at")+`, 'awarded '||`+sqlDay("p.awarded_at")+`)
			from scout_merit_badge_progress p join scouts s on s.id = p.scout_id join bsa_merit_badges b on b.id = p.merit_badge_id
			where s.unit_id = $1`, f.unit),
		"scout_merit_badge_requirement_progress": f.strings(t, `select concat_ws(' | ', s.bsa_member_id, b.code, d.version_year::text,
				d.requirement_number, coalesce(d.scoutbook_requirement_number, '-'), d.source, q.status::text,
				`+sqlDay("q.completed_at")+`, `+by("q.completed_by")+`, coalesce(q.notes, '-'))
			from scout_merit_badge_requirement_progress q
			join scout_merit_badge_progress p on p.id = q.scout_merit_badge_progress_id
			join scouts s on s.id = p.scout_id join bsa_merit_badges b on b.id = p.merit_badge_id
			join bsa_merit_badge_requirements d on d.id = q.requirement_id
			where s.unit_id = $2
			union all
			select concat_ws(' | ', s.bsa_member_id, b.code, d.version_year::text,
				d.requirement_number, d.requirement_number, 'unit', q.status::text,
				`+sqlDay("q.completed_at")+`, `+by("q.completed_by")+`, coalesce(q.notes, '-'))
			from unit_requirement_progress q
			join unit_requirement_definitions d on d.id = q.definition_id
			join scouts s on s.id = q.scout_id join bsa_merit_badges b on b.id = d.merit_badge_id
			where s.unit_id = $2`, leader, f.unit),
		"registered definitions": f.registeredDefinitions(t),
	}
}

// registeredDefinitions lists the requirement definitions the imports recorded: the unit's own
// (unit_requirement_definitions, "unit ..."), and any shared definition an import would have
// added to bsa_* ("shared ...", which must never happen).
func (f *troopFixture) registeredDefinitions(t testing.TB) []string {
	t.Helper()
	return f.strings(t, `select concat_ws(' | ', 'shared rank', r.code, d.version_year::text, d.requirement_number, '-',
			d.display_order::text, d.description)
		from bsa_rank_requirements d join bsa_ranks r on r.id = d.rank_id where d.source = 'import'
		union all
		select concat_ws(' | ', 'shared badge', b.code, d.version_year::text, d.requirement_number, coalesce(d.scoutbook_requirement_number, '-'),
			d.display_order::text, d.description)
		from bsa_merit_badge_requirements d join bsa_merit_badges b on b.id = d.merit_badge_id where d.source = 'import'
		union all
		select concat_ws(' | ', 'unit ' || case when d.rank_id is not null then 'rank' else 'badge' end,
			coalesce(r.code, b.code), d.version_year::text, d.requirement_number, d.display_order::text,
			case when d.unit_id = $1 then 'this unit' else 'unit ' || d.unit_id::text end,
			case when d.recorded_by_job_id is null then 'no job' else 'job' end)
		from unit_requirement_definitions d
		left join bsa_ranks r on r.id = d.rank_id left join bsa_merit_badges b on b.id = d.merit_badge_id`, f.unit)
}

// issueRow is one row of import_job_issues.
type issueRow struct {
	Severity, Code string
	Line           int
	BSAMemberID    string
	Item           string
	Version        string
	Message        string
}

func (f *troopFixture) issues(t testing.TB, job uuid.UUID) []issueRow {
	t.Helper()
	rows, err := f.db.Pool.Query(context.Background(), `select severity, code, coalesce(line, 0), coalesce(bsa_member_id, ''),
		coalesce(item, ''), coalesce(version, ''), message
		from import_job_issues where job_id = $1 order by code, line, item, version`, job)
	require.NoError(t, err)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (issueRow, error) {
		var is issueRow
		err := r.Scan(&is.Severity, &is.Code, &is.Line, &is.BSAMemberID, &is.Item, &is.Version, &is.Message)
		return is, err
	})
	require.NoError(t, err)
	return out
}

// issueSummary renders issues as "code line item version" lines for exact comparisons.
func issueSummary(issues []issueRow) []string {
	out := make([]string, 0, len(issues))
	for _, is := range issues {
		out = append(out, strings.Join([]string{is.Severity, is.Code, fmt.Sprint(is.Line), is.BSAMemberID, is.Item, is.Version}, " | "))
	}
	slices.Sort(out)
	return out
}

// requireNothingImported checks that no progress row, created scout or registered definition
// exists (scouts seeded by the test are expected in seeded).
func (f *troopFixture) requireNothingImported(t testing.TB, seededScouts int) {
	t.Helper()
	for _, table := range progressTables {
		require.Zero(t, f.count(t, "select count(*) from public."+table), table)
	}
	require.Equal(t, seededScouts, f.count(t, `select count(*) from scouts`), "scouts")
	require.Empty(t, f.registeredDefinitions(t), "registered requirement definitions")
}
