// Package schematest proves the database contract of the import job schema
// (supabase/migrations): row-level security and column grants as the Data API sees them, the
// NOTIFY wake-ups the worker relies on, what Supabase Realtime needs to stream progress, and
// that the local Supabase stand-in has the roles of a real Supabase database.
//
// It holds tests only. TestPgTAP runs the pgTAP files of supabase/tests (the same files
// `supabase test db` runs) with pg_prove against a fresh migrated database; the other tests
// exercise what pgTAP cannot see from inside one rolled-back transaction: committed
// notifications, logical decoding with wal2json, and the roles of the stand-in.
//
// Run with: go test ./internal/schematest/ -v -count=1
// Set PGTAP_REPORT=<file> to also keep pg_prove's output in a file (a relative path is
// relative to this package's directory).
package schematest
