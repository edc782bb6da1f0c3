package advancement_test

import (
	"context"
	"io/fs"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/supabase"
)

// histCountAs counts rows of a query as a browser of the given user would see them.
func (f *histFixture) histCountAs(t *testing.T, claims pgtest.Claims, sql string) (int, error) {
	t.Helper()
	var n int
	err := f.db.AsClient(context.Background(), claims, func(tx pgx.Tx) error {
		return tx.QueryRow(context.Background(), sql).Scan(&n)
	})
	return n, err
}

// TestHistoryTablesAccess checks the rules of the tables added for the history import: every
// signed-in user reads the positions; members of the scout's unit read the scout's leadership
// history and activity entries, members of other units see nothing, and anon is denied.
func TestHistoryTablesAccess(t *testing.T) {
	f := newHistFixture(t)
	histCraftedSetup(t, f)
	f.importReport(t, histTestdata(t, "history_crafted.csv"), nil).requireCompleted(t)

	parent := f.db.CreatePerson(t, "parent@example.org")
	f.db.AddMember(t, f.unit, parent, "parent", "active")
	otherUnit := f.db.CreateUnit(t, "Troop 7")
	outsider := f.db.Leader(t, otherUnit, "other-leader@example.org")

	for _, c := range []struct {
		who    string
		claims pgtest.Claims
		want   int
	}{
		{"leader", f.leader.Claims(), 3},
		{"parent (member)", parent.Claims(), 3},
		{"leader of another unit", outsider.Claims(), 0},
	} {
		for _, table := range []string{"scout_leadership_history", "scout_activity_entries"} {
			n, err := f.histCountAs(t, c.claims, `select count(*) from public.`+table)
			require.NoError(t, err)
			require.Equal(t, c.want, n, "%s reading %s", c.who, table)
		}
		n, err := f.histCountAs(t, c.claims, `select count(*) from public.bsa_leadership_positions`)
		require.NoError(t, err)
		require.Equal(t, 18, n)
	}

	// A member who is not a leader cannot change the entries; a leader can.
	err := f.db.AsClient(context.Background(), parent.Claims(), func(tx pgx.Tx) error {
		tag, err := tx.Exec(context.Background(), `update public.scout_activity_entries set quantity = 100`)
		require.Zero(t, tag.RowsAffected())
		return err
	})
	require.NoError(t, err)
	err = f.db.AsClient(context.Background(), f.leader.Claims(), func(tx pgx.Tx) error {
		tag, err := tx.Exec(context.Background(), `update public.scout_leadership_history set notes = 'checked'`)
		require.EqualValues(t, 3, tag.RowsAffected())
		return err
	})
	require.NoError(t, err)

	for _, table := range []string{"scout_leadership_history", "scout_activity_entries", "bsa_leadership_positions"} {
		_, err := f.histCountAs(t, pgtest.AnonClaims(), `select count(*) from public.`+table)
		require.True(t, pgtest.IsPermissionDenied(err), "anon reading %s: %v", table, err)
	}
}

// TestHistoryMigrationIsRepeatable applies the history tables migration a second time, as on a
// database that already has the tables: nothing fails and nothing changes.
func TestHistoryMigrationIsRepeatable(t *testing.T) {
	f := newHistFixture(t)
	sql, err := fs.ReadFile(supabase.Migrations(), "20261129000700_scout_history_tables.sql")
	require.NoError(t, err)
	policies := func() int {
		return f.count(t, `select count(*) from pg_policies where tablename in
			('bsa_leadership_positions', 'scout_leadership_history', 'scout_activity_entries')`)
	}
	before := policies()
	require.Equal(t, 5+3, before, "5 of this migration, 3 for the worker role (20261201000900)")
	f.exec(t, string(sql))
	require.Equal(t, before, policies())
	require.Equal(t, 18, f.count(t, `select count(*) from bsa_leadership_positions`))
}
