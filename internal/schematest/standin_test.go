package schematest_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
)

// TestStandInRolesLikeSupabase checks that the local Supabase stand-in gives the roles the
// attributes they have on Supabase (postgres: no superuser, BYPASSRLS; the API roles without
// login), so that what passes here does not pass only because a role is more powerful than in
// production, and that its auth functions behave like Supabase's (claims read from
// request.jwt.claims).
func TestStandInRolesLikeSupabase(t *testing.T) {
	db := pgtest.NewDB(t)
	t.Run("roles have the attributes they have on Supabase", func(t *testing.T) { checkRoles(t, db) })
	t.Run("auth functions read request.jwt.claims", func(t *testing.T) { checkAuthFunctions(t, db) })
}

// checkRoles checks the attributes, ownerships and memberships of the Supabase roles.
func checkRoles(t *testing.T, db *pgtest.DB) {
	ctx := context.Background()

	type role struct {
		super, inherit, login, bypassRLS, replication bool
	}
	roles := map[string]role{}
	rows, err := db.Pool.Query(ctx, `
		select rolname, rolsuper, rolinherit, rolcanlogin, rolbypassrls, rolreplication
		from pg_roles where rolname in ('postgres', 'authenticator', 'anon', 'authenticated', 'service_role')`)
	require.NoError(t, err)
	for rows.Next() {
		var name string
		var r role
		require.NoError(t, rows.Scan(&name, &r.super, &r.inherit, &r.login, &r.bypassRLS, &r.replication))
		roles[name] = r
	}
	require.NoError(t, rows.Err())
	require.Len(t, roles, 5, "the five Supabase roles exist")

	require.False(t, roles["postgres"].super, "postgres is not a superuser on Supabase")
	require.True(t, roles["postgres"].bypassRLS, "postgres bypasses RLS (the worker's role)")
	require.True(t, roles["postgres"].login)
	require.True(t, roles["postgres"].replication, "postgres may create logical slots")
	require.False(t, roles["authenticator"].inherit, "authenticator is NOINHERIT: it has no rights until it switches role")
	require.True(t, roles["authenticator"].login)
	require.True(t, roles["service_role"].bypassRLS, "service_role bypasses RLS")
	require.False(t, roles["service_role"].login)
	for _, name := range []string{"anon", "authenticated"} {
		require.False(t, roles[name].login, "%s is NOLOGIN", name)
		require.False(t, roles[name].bypassRLS, "%s is subject to RLS", name)
		require.False(t, roles[name].super)
	}

	var dbOwner, publicOwner string
	require.NoError(t, db.Pool.QueryRow(ctx, `
		select pg_get_userbyid(d.datdba), pg_get_userbyid(n.nspowner)
		from pg_database d, pg_namespace n
		where d.datname = current_database() and n.nspname = 'public'`).Scan(&dbOwner, &publicOwner))
	require.Equal(t, "postgres", dbOwner, "postgres owns the database")
	require.Equal(t, "postgres", publicOwner, "postgres owns schema public")

	var apiRolesGranted, authenticatorBare bool
	require.NoError(t, db.Pool.QueryRow(ctx, `
		select bool_and(pg_has_role('authenticator', r, 'MEMBER') and pg_has_role('postgres', r, 'MEMBER')),
		       not has_table_privilege('authenticator', 'public.import_jobs', 'SELECT')
		from unnest(array['anon', 'authenticated', 'service_role']) r`).Scan(&apiRolesGranted, &authenticatorBare))
	require.True(t, apiRolesGranted, "authenticator and postgres may switch to anon, authenticated and service_role")
	require.True(t, authenticatorBare, "authenticator itself cannot read import_jobs (NOINHERIT)")
}

// checkAuthFunctions checks auth.uid(), auth.role(), auth.email() and auth.jwt(): they read
// request.jwt.claims (set per transaction, as PostgREST does) and are NULL outside such a
// transaction.
func checkAuthFunctions(t *testing.T, db *pgtest.DB) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db.URL)
	require.NoError(t, err)
	defer conn.Close(ctx)

	type identity struct {
		uid   *uuid.UUID
		role  *string
		email *string
		aud   *string
	}
	read := func(q pgx.Row) identity {
		var id identity
		require.NoError(t, q.Scan(&id.uid, &id.role, &id.email, &id.aud))
		return id
	}
	const query = `select auth.uid(), auth.role(), auth.email(), auth.jwt() ->> 'aud'`

	none := read(conn.QueryRow(ctx, query))
	require.Nil(t, none.uid, "no claims were ever set: auth.uid() is NULL")
	require.Nil(t, none.role)
	require.Nil(t, none.email)
	require.Nil(t, none.aud)

	sub := uuid.New()
	claims := `{"sub":"` + sub.String() + `","role":"authenticated","aud":"authenticated","email":"leader@example.org"}`
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `select set_config('request.jwt.claims', $1, true)`, claims); err != nil {
			return err
		}
		in := read(tx.QueryRow(ctx, query))
		require.NotNil(t, in.uid)
		require.Equal(t, sub, *in.uid, "auth.uid() is the sub claim")
		require.Equal(t, "authenticated", *in.role, "auth.role() is the role claim")
		require.Equal(t, "leader@example.org", *in.email, "auth.email() is the email claim")
		require.Equal(t, "authenticated", *in.aud, "auth.jwt() holds all claims")
		return nil
	})
	require.NoError(t, err)

	after := read(conn.QueryRow(ctx, query))
	require.Nil(t, after.uid, "after the transaction the claims are gone: auth.uid() is NULL, not an error")
	require.Nil(t, after.role)
	require.Nil(t, after.email)
	require.Nil(t, after.aud)

	// Through the Data API emulation the functions are callable by authenticated.
	var uid uuid.UUID
	err = db.AsClient(ctx, pgtest.UserClaims(sub, "leader@example.org"), func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `select auth.uid()`).Scan(&uid)
	})
	require.NoError(t, err)
	require.Equal(t, sub, uid)
}
