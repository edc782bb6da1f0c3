package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
)

// turnsEnv is a database with one unit and its leader, and a store connected as the worker.
type turnsEnv struct {
	db     *pgtest.DB
	store  *store
	unit   uuid.UUID
	leader pgtest.Person
}

func newTurnsEnv(t *testing.T) *turnsEnv {
	t.Helper()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 1")
	return &turnsEnv{db: db, store: &store{pool: db.WorkerPool(t)}, unit: unit, leader: db.Leader(t, unit, "leader@example.org")}
}

func (e *turnsEnv) insertJob(t *testing.T, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) uuid.UUID {
	t.Helper()
	var id uuid.UUID
	require.NoError(t, q.QueryRow(context.Background(), `insert into public.import_jobs (unit_id, created_by, type, input_csv)
		values ($1, $2, 'troop_advancement', 'x') returning id`, e.unit, e.leader.ProfileID).Scan(&id))
	return id
}

// waiting reads the unit's turn: whether it waits, and whether it has a row at all.
func (e *turnsEnv) waiting(t *testing.T) (waiting, found bool) {
	t.Helper()
	err := e.db.Pool.QueryRow(context.Background(), `select waiting from import_private.unit_claims where unit_id = $1`, e.unit).Scan(&waiting)
	if err == pgx.ErrNoRows {
		return false, false
	}
	require.NoError(t, err)
	return waiting, true
}

// cancelPending ends a pending job as cancelled, as the cancel trigger does for a leader.
func (e *turnsEnv) cancelPending(t *testing.T, id uuid.UUID) {
	t.Helper()
	_, err := e.db.Pool.Exec(context.Background(),
		`update public.import_jobs set status = 'cancelled', completed_at = now() where id = $1`, id)
	require.NoError(t, err)
}

func (e *turnsEnv) claim(t *testing.T) []*claimedJob {
	t.Helper()
	jobs, err := e.store.claim(context.Background(), "turns-test", 30*time.Second, []string{"troop_advancement"}, 4)
	require.NoError(t, err)
	return jobs
}

func (e *turnsEnv) complete(t *testing.T, c *claimedJob) {
	t.Helper()
	done, err := e.store.completeBatch(context.Background(), []completion{{id: c.ID, token: c.leaseToken}})
	require.NoError(t, err)
	require.True(t, done[c.ID], "completion fenced out")
}

// The unit's mark follows its jobs: an insert marks it, the claim clears it, the end of its
// running job marks it again only while it has a pending job.
func TestUnitTurnFollowsTheUnitsJobs(t *testing.T) {
	e := newTurnsEnv(t)
	_, found := e.waiting(t)
	require.False(t, found, "a unit that never had a job has no turn")

	first := e.insertJob(t, e.db.Pool)
	second := e.insertJob(t, e.db.Pool)
	w, _ := e.waiting(t)
	require.True(t, w, "a pending job marks its unit waiting")

	got := e.claim(t)
	require.Len(t, got, 1, "one job per unit")
	require.Equal(t, first, got[0].ID, "the unit's oldest job first")
	require.True(t, got[0].CreatorAuthorized, "the claim says the creator may still import")
	w, _ = e.waiting(t)
	require.False(t, w, "the claim clears the mark: the unit runs a job")
	require.Empty(t, e.claim(t), "nothing more while the unit's job runs")

	e.complete(t, got[0])
	w, _ = e.waiting(t)
	require.True(t, w, "the unit waits again: it still has a pending job")
	got = e.claim(t)
	require.Len(t, got, 1)
	require.Equal(t, second, got[0].ID)

	e.complete(t, got[0])
	w, _ = e.waiting(t)
	require.False(t, w, "nothing pending: the unit does not wait")
	require.Empty(t, e.claim(t))
}

// A claim passes over a unit whose new job is still being inserted (the insert holds the
// unit's turn), so it never clears the mark of a unit with a job it cannot see; once the insert
// commits, both jobs run in order.
func TestClaimPassesOverAUnitWhoseJobIsBeingInserted(t *testing.T) {
	e := newTurnsEnv(t)
	ctx := context.Background()
	first := e.insertJob(t, e.db.Pool)

	tx, err := e.db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	second := e.insertJob(t, tx)
	require.Empty(t, e.claim(t), "the unit's turn is held by the uncommitted insert: passed over, not cleared")
	require.NoError(t, tx.Commit(ctx))

	got := e.claim(t)
	require.Len(t, got, 1)
	require.Equal(t, first, got[0].ID)
	e.complete(t, got[0])
	got = e.claim(t)
	require.Len(t, got, 1, "the job inserted during the claim still gets its turn")
	require.Equal(t, second, got[0].ID)
}

// The reaper's repair clears a mark no pending job backs (the unit's last pending job was
// cancelled) and restores one the triggers could not set (the unit's running job was deleted
// by hand), so no job is stranded.
func TestRepairUnitTurns(t *testing.T) {
	e := newTurnsEnv(t)
	ctx := context.Background()

	cancelled := e.insertJob(t, e.db.Pool)
	e.cancelPending(t, cancelled)
	w, _ := e.waiting(t)
	require.True(t, w, "a cancelled pending job leaves a stale mark (the claim passes over it)")
	marked, err := e.store.repairUnitTurns(ctx)
	require.NoError(t, err)
	require.Zero(t, marked)
	w, _ = e.waiting(t)
	require.False(t, w, "the repair clears the stale mark")

	running := e.insertJob(t, e.db.Pool)
	pending := e.insertJob(t, e.db.Pool)
	got := e.claim(t)
	require.Len(t, got, 1)
	require.Equal(t, running, got[0].ID)
	_, err = e.db.Pool.Exec(ctx, `delete from public.import_jobs where id = $1`, running)
	require.NoError(t, err)
	require.Empty(t, e.claim(t), "the unit's mark was cleared by the claim and no trigger saw the delete")

	marked, err = e.store.repairUnitTurns(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, marked)
	got = e.claim(t)
	require.Len(t, got, 1, "the repaired unit is served")
	require.Equal(t, pending, got[0].ID)
}

// A stale mark the repair looks at while a new job of that unit is being inserted is left
// alone (the insert holds it): the repair never strands the new job.
func TestRepairLeavesAUnitWhoseJobIsBeingInserted(t *testing.T) {
	e := newTurnsEnv(t)
	ctx := context.Background()
	old := e.insertJob(t, e.db.Pool)
	e.cancelPending(t, old)

	tx, err := e.db.Pool.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	fresh := e.insertJob(t, tx)
	_, err = e.store.repairUnitTurns(ctx)
	require.NoError(t, err)
	require.NoError(t, tx.Commit(ctx))

	got := e.claim(t)
	require.Len(t, got, 1, "the new job kept its unit's turn")
	require.Equal(t, fresh, got[0].ID)
}

// The queue depth counts pending and running jobs by type, and nothing finished.
func TestQueueDepthCountsWaitingAndRunningJobs(t *testing.T) {
	e := newTurnsEnv(t)
	ctx := context.Background()
	e.insertJob(t, e.db.Pool)
	e.insertJob(t, e.db.Pool)
	done := e.insertJob(t, e.db.Pool)
	e.cancelPending(t, done)
	require.Len(t, e.claim(t), 1)

	depth, err := e.store.queueDepth(ctx)
	require.NoError(t, err)
	require.Equal(t, map[[2]string]int{
		{"troop_advancement", "pending"}:    1,
		{"troop_advancement", "processing"}: 1,
	}, depth)
}
