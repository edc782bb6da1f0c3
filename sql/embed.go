// Package sqlfiles exposes the SQL of this directory that is not a migration: the local
// Supabase stand-in and the worker's queries (queries/*.sql, one statement per file, each
// commented with its parameters).
package sqlfiles

import (
	"embed"
	"fmt"
)

// StandIn is the local Supabase stand-in (supabase_stand_in.sql): the roles, auth and
// realtime schemas and publication that a Supabase database has and plain PostgreSQL lacks.
// For local databases and tests only; it refuses to run against real Supabase.
//
//go:embed supabase_stand_in.sql
var StandIn string

//go:embed queries/*.sql
var queries embed.FS

// Query returns the SQL of queries/<name>.sql. It panics when the file does not exist: query
// names are constants, so that is a programming error caught by any test.
func Query(name string) string {
	b, err := queries.ReadFile("queries/" + name + ".sql")
	if err != nil {
		panic(fmt.Sprintf("sqlfiles: no query %q: %v", name, err))
	}
	return string(b)
}
