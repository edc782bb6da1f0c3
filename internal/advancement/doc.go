// Package advancement imports Scoutbook advancement exports into the troop app's tables. It
// plugs into package jobs as the handlers of two job types: troop_advancement (the unit-wide
// Troop Advancement CSV, TroopHandler) and scout_history (one scout's Scouts BSA History
// Report, HistoryHandler, which stages a single scout and reuses the same writes plus
// leadership history and activity totals).
//
// An import has two halves:
//
//   - Staging (read-only): the export is parsed (package scoutbook), each row is resolved
//     against the reference data (rank codes, badge names and aliases, requirement ids kept
//     verbatim within (badge or rank, version)), de-duplicated, and attached to the unit's
//     scouts by BSA member id. Bad rows stop the job before anything is written. Staging
//     is deterministic, so a resumed job stages exactly the same items again.
//   - Writing, in steps and chunks: scouts, requirement definitions first seen in the file,
//     awarded ranks, awarded badges, rank requirements, badge requirements. Every chunk is
//     one transaction of set-based statements (unnest arrays + INSERT ... ON CONFLICT)
//     committed together with the job's checkpoint and progress. Every statement is
//     idempotent and never downgrades a row (approved and awarded rows stay as they are), so
//     a repeated or resumed job changes nothing it already did.
package advancement
