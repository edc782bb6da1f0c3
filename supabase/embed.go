// Package supabase exposes the project's Supabase migrations to Go programs.
//
// The SQL files in migrations/ are the single source of truth for the schema: the Supabase CLI
// applies them in a Supabase project (`supabase db push`), and `worker migrate` applies the
// same files everywhere else (see package migrate).
package supabase

import (
	"embed"
	"io/fs"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the migration files, named `<14 digits>_<name>.sql`, at the root of the
// returned file system.
func Migrations() fs.FS {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		// fs.Sub only fails for an invalid path, which is a constant here.
		panic(err)
	}
	return sub
}
