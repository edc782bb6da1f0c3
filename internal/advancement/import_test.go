package advancement_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// troopFixture is a unit with a leader, ready for imports.
type troopFixture struct {
	db     *pgtest.DB
	unit   uuid.UUID
	leader pgtest.Person
}

func newTroop(t *testing.T) *troopFixture {
	t.Helper()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 42")
	return &troopFixture{db: db, unit: unit, leader: db.Leader(t, unit, "leader@example.org")}
}

// submit inserts a job as the leader's browser would (RLS, JWT claims).
func (f *troopFixture) submit(t *testing.T, csv string, options map[string]any) uuid.UUID {
	t.Helper()
	if options == nil {
		options = map[string]any{}
	}
	opts, err := json.Marshal(options)
	require.NoError(t, err)
	var id uuid.UUID
	err = f.db.AsClient(context.Background(), f.leader.Claims(), func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), `insert into import_jobs (unit_id, type, input_csv, options)
			values ($1, 'troop_advancement', $2, $3) returning id`, f.unit, csv, opts).Scan(&id)
	})
	require.NoError(t, err)
	return id
}

// runWorker runs a worker until no job is left.
func (f *troopFixture) runWorker(t *testing.T, handler advancement.TroopHandler) {
	t.Helper()
	w, err := jobs.NewWorker(jobs.Config{Pool: f.db.Pool, Handlers: map[string]jobs.Handler{advancement.JobType: handler},
		WorkerID: "test-worker", ExitWhenIdle: true, PollInterval: time.Second})
	require.NoError(t, err)
	require.NoError(t, w.Run(context.Background()))
}

type jobRow struct {
	Status                       string
	Error                        *string
	Result                       advancement.Result
	TotalItems, ProcessedItems   int
	TotalScouts, ProcessedScouts int
}

func (f *troopFixture) job(t *testing.T, id uuid.UUID) jobRow {
	t.Helper()
	var j jobRow
	var raw []byte
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select status, error_message, result, total_items, processed_items,
		total_scouts, processed_scouts from import_jobs where id = $1`, id).Scan(&j.Status, &j.Error, &raw, &j.TotalItems,
		&j.ProcessedItems, &j.TotalScouts, &j.ProcessedScouts))
	if raw != nil {
		require.NoError(t, json.Unmarshal(raw, &j.Result))
	}
	return j
}

func generate(t *testing.T, opts scoutgen.TroopOptions) string {
	t.Helper()
	var buf bytes.Buffer
	_, err := scoutgen.WriteTroop(&buf, opts)
	require.NoError(t, err)
	return buf.String()
}

func TestGeneratedTroopImportsCompletelyAndReimportWritesNothing(t *testing.T) {
	f := newTroop(t)
	csv := generate(t, scoutgen.DefaultTroopOptions())

	id := f.submit(t, csv, nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %v", j.Error)
	require.Equal(t, j.TotalItems, j.ProcessedItems)
	require.Equal(t, j.TotalScouts, j.ProcessedScouts)
	require.Greater(t, j.Result.BadgeRequirementsImported+j.Result.RankRequirementsImported, 27000)
	t.Logf("first import: %d scouts created, %d requirements, timings %v", j.Result.ScoutsCreated, j.Result.BadgeRequirementsImported+j.Result.RankRequirementsImported, j.Result.TimingsMs)

	id2 := f.submit(t, csv, nil)
	f.runWorker(t, advancement.TroopHandler{})
	j2 := f.job(t, id2)
	require.Equal(t, "completed", j2.Status)
	require.Zero(t, j2.Result.ScoutsCreated)
	require.Zero(t, j2.Result.RanksImported+j2.Result.BadgesImported+j2.Result.RankRequirementsImported+j2.Result.BadgeRequirementsImported)
	require.Equal(t, j2.TotalItems, j2.Result.DuplicatesSkipped)
	t.Logf("re-import: timings %v", j2.Result.TimingsMs)
}
