// Package chaos holds the chaos run of the import worker (`make chaos`): several worker
// processes import several units' Troop Advancement exports into one database while the run
// kills workers (SIGKILL), freezes them past their lease (SIGSTOP, then SIGCONT), and restarts
// or crashes PostgreSQL; then every unit's tables are compared with an uninterrupted run of
// the same jobs. Everything runs on loopback against a throwaway PostgreSQL.
//
// It runs only when asked for (CHAOS=1), so `make test` stays fast:
//
//	CHAOS=1 go test -count=1 -v -run '^TestChaos$' ./internal/chaos
//
// Knobs (environment): CHAOS_SEED (random seed, default: the time), CHAOS_FAULTS (faults to
// inject, default 10), CHAOS_DURATION (time budget of the fault phase, default 90s),
// CHAOS_WORKERS (worker processes, default 3), CHAOS_UNITS (units, default 4).
package chaos
