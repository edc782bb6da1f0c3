// Package advancement imports Scoutbook advancement exports into the troop app's tables. It
// plugs into package jobs as the handlers of two job types: troop_advancement (the unit-wide
// Troop Advancement CSV, TroopHandler) and scout_history (one scout's Scouts BSA History
// Report, HistoryHandler, which stages a single scout and reuses the same writes plus
// leadership history and activity totals).
//
// An import has two halves:
//
//   - Staging (read-only): the export is parsed (package scoutbook; a history report by
//     package scoutbook/history), each row is resolved against the reference data (rank
//     codes, badge names and aliases, requirement ids kept verbatim within (badge or rank,
//     version)), de-duplicated, and attached to the unit's
//     scouts by BSA member id. Bad rows stop the job before anything is written. Staging
//     is deterministic, so a resumed job stages exactly the same items again.
//   - Writing, in steps and chunks: scouts, requirement definitions first seen in the file,
//     awarded ranks, awarded badges, rank requirements, badge requirements. Every chunk is
//     one transaction of set-based statements (unnest arrays + INSERT ... ON CONFLICT)
//     committed together with the job's checkpoint and progress. Every statement is
//     idempotent and never downgrades a row (approved and awarded rows stay as they are), so
//     a repeated or resumed job changes nothing it already did.
//
// # Where each job type lives
//
// troop_advancement: handler.go (TroopHandler, Options, the write steps), stage.go (the CSV
// read into the staged model), stage_json.go (the app's staged JSON instead of a CSV),
// input.go (input_csv streamed from the database), rowissues.go and warnings.go (row problems
// and the grouping of warnings), preview.go (dry run) and result.go (Result, Preview).
//
// scout_history: the history_*.go files. history_handler.go (HistoryHandler, HistoryOptions,
// the steps), history_scout.go (which scout the report is for), history_stage.go (the report
// turned into the staged model), history_positions.go and history_definitions.go (lookups),
// history_preview.go (dry run), history_write.go (partial badges, leadership, activities) and
// history_result.go (HistoryResult).
//
// Shared by both: the staged model (stage.go), the set-based writes of awards, requirements
// and requirement definitions (write.go), the reference data (reference.go), scout matching
// (match.go), issues and their codes (issues.go), limits (limits.go, input_limits.go) and
// input from Storage (storage_input.go). The scout_history handler stays in this package
// because it reuses those unexported parts directly; a package of its own would have to
// export some forty of them.
package advancement
