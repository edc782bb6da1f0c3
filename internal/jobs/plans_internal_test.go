package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
)

// A worker's connection plans the claim and the completion once and keeps the plans (generic
// plans, queue_state_settings.sql), so a plan made while the table was empty must still read
// only the rows it needs once the queue holds thousands of jobs: every scan of import_jobs is
// a TID scan or an index scan with a condition, never a whole table or a whole partial index.
func TestQueuePlansMadeOnAnEmptyTableStayProbes(t *testing.T) {
	ctx := context.Background()
	db := pgtest.NewDB(t)
	pool := db.WorkerPool(t)
	conn, err := pool.Acquire(ctx)
	require.NoError(t, err)
	defer conn.Release()

	// inQueueTx runs fn in a transaction with the settings the worker sends before each statement.
	inQueueTx := func(fn func(tx pgx.Tx)) {
		tx, err := conn.Begin(ctx)
		require.NoError(t, err)
		defer func() { require.NoError(t, tx.Rollback(ctx)) }()
		_, err = tx.Exec(ctx, sqlQueueStateSettings)
		require.NoError(t, err)
		fn(tx)
	}
	// Plan both statements while the queue is empty (as after a fresh install or a truncate).
	_, err = conn.Exec(ctx, "prepare claim_plan(text, float8, text[], int) as "+sqlClaimJob)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, "prepare complete_plan(uuid[], uuid[], text[]) as "+sqlCompleteJobs)
	require.NoError(t, err)
	inQueueTx(func(tx pgx.Tx) {
		_, err := tx.Exec(ctx, "execute claim_plan('w', 60, '{troop_advancement}', 64)")
		require.NoError(t, err)
		_, err = tx.Exec(ctx, "execute complete_plan('{}', '{}', '{}')")
		require.NoError(t, err)
	})

	// Then a backlog arrives: 300 units with a job each (no analyze).
	leader := db.CreatePerson(t, "leader@example.org")
	for i := range 300 {
		unit := db.CreateUnit(t, fmt.Sprintf("Troop %d", i))
		db.AddMember(t, unit, leader, "leader", "active")
		_, err := db.Pool.Exec(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv)
			values ($1, $2, 'troop_advancement', 'x')`, unit, leader.ProfileID)
		require.NoError(t, err)
	}

	inQueueTx(func(tx pgx.Tx) {
		claimPlan := explainJSON(t, tx, "explain (analyze, format json) execute claim_plan('w', 60, '{troop_advancement}', 64)")
		requireProbesOnly(t, claimPlan)
		require.Contains(t, nodeTypes(claimPlan, "import_jobs"), "Tid Scan", "the claim's update fetches its rows by ctid")

		var ids, tokens []uuid.UUID
		rows, err := tx.Query(ctx, "select id, lease_token from public.import_jobs where status = 'processing'")
		require.NoError(t, err)
		for rows.Next() {
			var id, token uuid.UUID
			require.NoError(t, rows.Scan(&id, &token))
			ids, tokens = append(ids, id), append(tokens, token)
		}
		require.NoError(t, rows.Err())
		require.Len(t, ids, 64)
		completePlan := explainJSON(t, tx, fmt.Sprintf("explain (analyze, format json) execute complete_plan('{%s}', '{%s}', '{}')",
			joinUUIDs(ids), joinUUIDs(tokens)))
		requireProbesOnly(t, completePlan)
	})
}

func explainJSON(t *testing.T, tx pgx.Tx, query string) map[string]any {
	t.Helper()
	var raw []byte
	require.NoError(t, tx.QueryRow(context.Background(), query).Scan(&raw))
	var out []map[string]any
	require.NoError(t, json.Unmarshal(raw, &out))
	return out[0]["Plan"].(map[string]any)
}

// walkPlan calls fn for every node of the plan.
func walkPlan(node map[string]any, fn func(map[string]any)) {
	fn(node)
	children, _ := node["Plans"].([]any)
	for _, c := range children {
		walkPlan(c.(map[string]any), fn)
	}
}

// nodeTypes lists the node types that read relation.
func nodeTypes(plan map[string]any, relation string) []string {
	var types []string
	walkPlan(plan, func(n map[string]any) {
		if n["Relation Name"] == relation && !strings.HasPrefix(n["Node Type"].(string), "ModifyTable") {
			types = append(types, n["Node Type"].(string))
		}
	})
	return types
}

// requireProbesOnly fails on a sequential scan, or an index scan without a condition (a full
// scan of the index), anywhere in the plan. The claim's walk of unit_claims_waiting_idx is the
// one scan without a condition: it reads the waiting units in serving order and stops at the
// claim's limit.
func requireProbesOnly(t *testing.T, plan map[string]any) {
	t.Helper()
	walkPlan(plan, func(n map[string]any) {
		kind := n["Node Type"].(string)
		require.NotEqual(t, "Seq Scan", kind, "sequential scan of %v", n["Relation Name"])
		if strings.Contains(kind, "Index") && strings.Contains(kind, "Scan") && n["Index Name"] != "unit_claims_waiting_idx" {
			require.NotEmpty(t, n["Index Cond"], "%s on %v without a condition reads the whole index", kind, n["Index Name"])
		}
	})
}

func joinUUIDs(ids []uuid.UUID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return strings.Join(s, ",")
}
