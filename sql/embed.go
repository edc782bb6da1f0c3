// Package sqlfiles exposes the SQL of this directory that is not a migration: the local
// Supabase stand-in and the worker's queries.
package sqlfiles

import (
	_ "embed"
)

// StandIn is the local Supabase stand-in (supabase_stand_in.sql): the roles, auth and
// realtime schemas and publication that a Supabase database has and plain PostgreSQL lacks.
// For local databases and tests only; it refuses to run against real Supabase.
//
//go:embed supabase_stand_in.sql
var StandIn string
