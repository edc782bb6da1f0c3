package jobs_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// The runbook (docs/operations.md) fixes jobs from Supabase Studio, whose SQL editor runs as
// postgres: its queries and the cancel/retry RPCs must work for that role.
func TestRunbookQueriesAndRPCsWorkAsPostgres(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.insertJob(t, e.unit)

	for _, q := range []string{
		`select id, unit_name, type, status, current_phase, percent_done, attempt, max_attempts,
		        lease_owner, lease_expires_at, heartbeat_at, created_at, wait_time, duration,
		        warning_count, error_count, error_message
		 from import_job_overview
		 where status in ('pending', 'processing') or completed_at > now() - interval '1 day'
		 order by created_at desc limit 50`,
		`select j.id, j.run_after, j.attempt, j.max_attempts, j.error_message,
		        (select r.id from import_jobs r where r.unit_id = j.unit_id and r.status = 'processing') as running_job_of_unit
		 from import_jobs j where j.id = '` + id.String() + `'`,
		`select waiting, waiting_since, last_claimed_at from import_private.unit_claims where unit_id = '` + e.unit.String() + `'`,
		`select pid, state, wait_event_type, wait_event, now() - query_start as running_for,
		        pg_blocking_pids(pid) as blocked_by, left(query, 120) as query
		 from pg_stat_activity where application_name like 'import-worker%'`,
		`select severity, code, line, scout_name, item, message
		 from import_job_issues where job_id = '` + id.String() + `' order by severity, line limit 100`,
		`select result -> 'timingsMs' from import_jobs where id = '` + id.String() + `'`,
	} {
		rows, err := e.db.Pool.Query(ctx, q)
		require.NoError(t, err, q)
		rows.Close()
		require.NoError(t, rows.Err(), q)
	}

	var gotID uuid.UUID
	var status string
	require.NoError(t, e.db.Pool.QueryRow(ctx, `select id, status from cancel_import_job($1)`, id).Scan(&gotID, &status))
	require.Equal(t, id, gotID)
	require.Equal(t, "cancelled", status, "a pending job is cancelled at once")
	require.NoError(t, e.db.Pool.QueryRow(ctx, `select status from retry_import_job($1)`, id).Scan(&status))
	require.Equal(t, "pending", status, "a cancelled job runs again")
}
