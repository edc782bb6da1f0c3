package migrate_test

import (
	"context"
	"os"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/localpg"
	"github.com/chuckbox/importworker/internal/migrate"
	"github.com/chuckbox/importworker/internal/pgtest"
	sqlfiles "github.com/chuckbox/importworker/sql"
	"github.com/chuckbox/importworker/supabase"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// emptyStandInDB creates a database with only the stand-in applied (no migrations).
func emptyStandInDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	c := pgtest.Cluster()
	name := "mig_" + t.Name()
	require.NoError(t, c.CreateDatabase(ctx, name, "template0"))
	t.Cleanup(func() { _ = c.DropDatabase(context.Background(), name) })
	require.NoError(t, localpg.ApplyStandIn(ctx, c.AdminURL(name), sqlfiles.StandIn))
	return name
}

func TestUpAppliesAllThenNothing(t *testing.T) {
	ctx := context.Background()
	name := emptyStandInDB(t)
	url := pgtest.Cluster().URL(name, "postgres")

	all, err := migrate.List(supabase.Migrations())
	require.NoError(t, err)
	require.NotEmpty(t, all)

	first, err := migrate.Up(ctx, url, supabase.Migrations())
	require.NoError(t, err)
	require.Equal(t, all, first.Applied, "the first run applies every migration in order")
	require.Equal(t, all[len(all)-1].Version, first.Version)

	second, err := migrate.Up(ctx, url, supabase.Migrations())
	require.NoError(t, err)
	require.Empty(t, second.Applied, "the second run has nothing to do")
	require.Equal(t, first.Version, second.Version)

	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)

	// The history table lives in the private schema, never in public.
	var schema string
	require.NoError(t, conn.QueryRow(ctx,
		`select table_schema from information_schema.tables where table_name = 'schema_migrations'`).Scan(&schema))
	require.Equal(t, migrate.HistorySchema, schema)

	v, dirty, err := migrate.CurrentVersion(ctx, conn)
	require.NoError(t, err)
	require.False(t, dirty)
	require.Equal(t, first.Version, v)
}

func TestStandInIsIdempotentAndMigrationsRunAsPostgres(t *testing.T) {
	ctx := context.Background()
	name := emptyStandInDB(t)
	// A second application changes nothing and does not fail.
	require.NoError(t, localpg.ApplyStandIn(ctx, pgtest.Cluster().AdminURL(name), sqlfiles.StandIn))

	conn, err := pgx.Connect(ctx, pgtest.Cluster().URL(name, "postgres"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	var super, bypass bool
	require.NoError(t, conn.QueryRow(ctx, `select rolsuper, rolbypassrls from pg_roles where rolname = current_user`).Scan(&super, &bypass))
	require.False(t, super, "postgres must not be a superuser, as on Supabase")
	require.True(t, bypass)
}

func TestStandInRefusesRealSupabase(t *testing.T) {
	ctx := context.Background()
	name := emptyStandInDB(t)
	admin, err := pgx.Connect(ctx, pgtest.Cluster().AdminURL(name))
	require.NoError(t, err)
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, `create schema supabase_migrations`)
	require.NoError(t, err)
	err = localpg.ApplyStandIn(ctx, pgtest.Cluster().AdminURL(name), sqlfiles.StandIn)
	require.ErrorContains(t, err, "looks like a real Supabase database")
}

func TestMigrationsLeaveExistingHostTablesAlone(t *testing.T) {
	ctx := context.Background()
	name := emptyStandInDB(t)
	url := pgtest.Cluster().URL(name, "postgres")
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)

	// A host app that already has a scouts table with its own policy and data.
	_, err = conn.Exec(ctx, `
		create type public.unit_type as enum ('troop', 'pack', 'crew', 'ship');
		create table public.units (id uuid primary key default gen_random_uuid(), name text not null,
			unit_number text, unit_type public.unit_type not null default 'troop', unit_gender text,
			parent_unit_id uuid, is_section boolean default false, app_only_column text);
		alter table public.units enable row level security;
		create policy app_units_policy on public.units for select to authenticated using (false);
		insert into public.units (name, app_only_column) values ('Existing', 'kept');`)
	require.NoError(t, err)

	_, err = migrate.Up(ctx, url, supabase.Migrations())
	require.NoError(t, err)

	var policies []string
	rows, err := conn.Query(ctx, `select policyname from pg_policies where tablename = 'units' order by 1`)
	require.NoError(t, err)
	policies, err = pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(t, err)
	require.Equal(t, []string{"app_units_policy"}, policies, "the app's own policies are untouched")
	var kept string
	require.NoError(t, conn.QueryRow(ctx, `select app_only_column from public.units`).Scan(&kept))
	require.Equal(t, "kept", kept)
}

// A migration that fails is rolled back whole (each file runs as one transaction), so it
// leaves nothing to fix: the error is one sentence naming the file and the line, without the
// file's text, the dirty flag is cleared, the version stays at the previous migration, and
// the next run gives the same answer.
func TestFailedMigrationRollsBackAndLeavesNoDirtyFlag(t *testing.T) {
	ctx := context.Background()
	name := emptyStandInDB(t)
	url := pgtest.Cluster().URL(name, "postgres")
	files := fstest.MapFS{
		"1_first.sql":  {Data: []byte("create table public.mig_first (id int);\n")},
		"2_second.sql": {Data: []byte("create table public.mig_second (id int);\n\nselect * from no_such_table;\n")},
	}
	for run := range 2 {
		_, err := migrate.Up(ctx, url, files)
		require.Error(t, err)
		require.Equal(t, "migration 2_second.sql failed at line 3 and was rolled back, nothing of it is applied: "+
			`relation "no_such_table" does not exist (SQLSTATE 42P01)`, err.Error(), "run %d", run+1)

		conn, err := pgx.Connect(ctx, url)
		require.NoError(t, err)
		v, dirty, err := migrate.CurrentVersion(ctx, conn)
		require.NoError(t, err)
		require.False(t, dirty, "no dirty flag after a migration that rolled back")
		require.Equal(t, uint64(1), v)
		var first, second bool
		require.NoError(t, conn.QueryRow(ctx, `select to_regclass('public.mig_first') is not null,
			to_regclass('public.mig_second') is not null`).Scan(&first, &second))
		require.NoError(t, conn.Close(ctx))
		require.True(t, first)
		require.False(t, second, "the failed migration left nothing behind")
	}

	t.Run("first migration", func(t *testing.T) { // failing leaves no version at all
		url := pgtest.Cluster().URL(emptyStandInDB(t), "postgres")
		_, err := migrate.Up(ctx, url, fstest.MapFS{"1_broken.sql": {Data: []byte("create table public.mig_broken (id int);\nselect 1 / 0;")}})
		require.EqualError(t, err, "migration 1_broken.sql failed and was rolled back, nothing of it is applied: division by zero (SQLSTATE 22012)")
		conn, err := pgx.Connect(ctx, url)
		require.NoError(t, err)
		defer conn.Close(ctx)
		v, dirty, err := migrate.CurrentVersion(ctx, conn)
		require.NoError(t, err)
		require.False(t, dirty)
		require.Zero(t, v)
	})
}

// Plain PostgreSQL (no stand-in, not Supabase): one actionable sentence, nothing created.
func TestUpRefusesADatabaseWithoutSupabasesObjects(t *testing.T) {
	ctx := context.Background()
	c := pgtest.Cluster()
	name := "mig_plain_" + t.Name()
	require.NoError(t, c.CreateDatabase(ctx, name, "template0"))
	t.Cleanup(func() { _ = c.DropDatabase(context.Background(), name) })
	url := c.URL(name, "postgres")

	_, err := migrate.Up(ctx, url, supabase.Migrations())
	require.ErrorContains(t, err, "this database lacks what Supabase provides (")
	require.ErrorContains(t, err, "table auth.users, function auth.uid()): run against a Supabase project, "+
		"or on a local PostgreSQL add --with-local-stand-in; nothing was changed")
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var schema bool
	require.NoError(t, conn.QueryRow(ctx, `select exists (select from pg_namespace where nspname = $1)`, migrate.HistorySchema).Scan(&schema))
	require.False(t, schema, "nothing was changed")
}
