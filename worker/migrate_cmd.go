package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/localpg"
	"github.com/chuckbox/importworker/internal/migrate"
	sqlfiles "github.com/chuckbox/importworker/sql"
	"github.com/chuckbox/importworker/supabase"
)

// migrateCommand applies the embedded migrations.
func migrateCommand(ctx context.Context, args []string) error {
	fs := newFlags("migrate", "[--database-url URL] [--with-local-stand-in [--stand-in-url URL]]",
		"Apply the database migrations that are not applied yet (safe to run again: the second run applies nothing).\n"+
			"On Supabase, connect as postgres (direct or session mode, port 5432). On a local PostgreSQL, add\n"+
			"--with-local-stand-in to create what Supabase provides first (roles, auth, realtime).")
	databaseURL := fs.String("database-url", os.Getenv("DATABASE_URL"), "`URL` of the database to migrate, as the postgres role (env DATABASE_URL)")
	withStandIn := fs.Bool("with-local-stand-in", false, "first apply the local Supabase stand-in (roles, auth, realtime); LOCAL DATABASES ONLY")
	standInURL := fs.String("stand-in-url", os.Getenv("STAND_IN_DATABASE_URL"), "superuser `URL` used for the stand-in (env STAND_IN_DATABASE_URL; default: --database-url)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *databaseURL == "" {
		return fmt.Errorf("no database: set DATABASE_URL or --database-url (direct connection or Supavisor session mode, port 5432)")
	}
	if *withStandIn {
		url := *standInURL
		if url == "" {
			url = *databaseURL
		}
		if err := localpg.ApplyStandIn(ctx, url, sqlfiles.StandIn); err != nil {
			return explainConnectError(url, err)
		}
		fmt.Fprintln(stdout, "applied the local Supabase stand-in")
		if postgresIsSuperuser(ctx, url) {
			fmt.Fprintln(stdout, "note: postgres is this cluster's superuser and stays one (on Supabase it is not); "+
				"for a faithful stand-in, apply it with another superuser's --stand-in-url")
		}
	}
	res, err := migrate.Up(ctx, *databaseURL, supabase.Migrations())
	if err != nil {
		return explainConnectError(*databaseURL, err)
	}
	if len(res.Applied) == 0 {
		fmt.Fprintf(stdout, "nothing to do: schema is at version %d\n", res.Version)
		return nil
	}
	for _, m := range res.Applied {
		fmt.Fprintf(stdout, "applied %s\n", m.Name)
	}
	fmt.Fprintf(stdout, "schema is at version %d\n", res.Version)
	return nil
}

// explainConnectError puts what to fix first when err is a connection mistake that trying
// again cannot fix (wrong password, unknown database or host, TLS refused).
func explainConnectError(url string, err error) error {
	if fix, permanent := jobs.PermanentConnectError(err); permanent {
		return fmt.Errorf("cannot connect to %s: %s\n(%w)", redactURL(url), fix, err)
	}
	return err
}

// postgresIsSuperuser reports whether the postgres role of the cluster at url is a superuser
// (false when that cannot be read).
func postgresIsSuperuser(ctx context.Context, url string) bool {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return false
	}
	defer conn.Close(ctx)
	var super bool
	_ = conn.QueryRow(ctx, `select rolsuper from pg_roles where rolname = 'postgres'`).Scan(&super)
	return super
}

// fsGlobMigrations lists the embedded migration files.
func fsGlobMigrations() ([]migrate.Migration, error) {
	return migrate.List(supabase.Migrations())
}
