package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/chuckbox/importworker/internal/localpg"
	"github.com/chuckbox/importworker/internal/migrate"
	sqlfiles "github.com/chuckbox/importworker/sql"
	"github.com/chuckbox/importworker/supabase"
)

// migrateCommand applies the embedded migrations.
func migrateCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	databaseURL := fs.String("database-url", os.Getenv("DATABASE_URL"), "database to migrate, as the postgres role (env DATABASE_URL)")
	withStandIn := fs.Bool("with-local-stand-in", false, "first apply the local Supabase stand-in (roles, auth, realtime); LOCAL DATABASES ONLY")
	standInURL := fs.String("stand-in-url", os.Getenv("STAND_IN_DATABASE_URL"), "superuser URL used for the stand-in (env STAND_IN_DATABASE_URL; default: --database-url)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: worker migrate [--with-local-stand-in] [--database-url URL]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return errUsage
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
			return err
		}
		fmt.Println("applied the local Supabase stand-in")
	}
	res, err := migrate.Up(ctx, *databaseURL, supabase.Migrations())
	if err != nil {
		return err
	}
	if len(res.Applied) == 0 {
		fmt.Printf("nothing to do: schema is at version %d\n", res.Version)
		return nil
	}
	for _, m := range res.Applied {
		fmt.Printf("applied %s\n", m.Name)
	}
	fmt.Printf("schema is at version %d\n", res.Version)
	return nil
}

// fsGlobMigrations lists the embedded migration files.
func fsGlobMigrations() ([]migrate.Migration, error) {
	return migrate.List(supabase.Migrations())
}
