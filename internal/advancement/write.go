package advancement

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chuckbox/importworker/internal/scoutbook"
	sqlfiles "github.com/chuckbox/importworker/sql"
)

// counts accumulate what the write steps did. They travel in the checkpoint, so a resumed
// job reports the work of every attempt.
type counts struct {
	ScoutsCreated         int              `json:"scoutsCreated"`
	RanksInserted         int              `json:"ranksInserted"`
	RanksUpdated          int              `json:"ranksUpdated"`
	BadgesInserted        int              `json:"badgesInserted"`
	BadgesUpdated         int              `json:"badgesUpdated"`
	RankReqsInserted      int              `json:"rankReqsInserted"`
	RankReqsUpdated       int              `json:"rankReqsUpdated"`
	BadgeReqsInserted     int              `json:"badgeReqsInserted"`
	BadgeReqsUpdated      int              `json:"badgeReqsUpdated"`
	Duplicates            int              `json:"duplicates"`
	Unresolved            int              `json:"unresolved"`
	DefinitionsRegistered int              `json:"definitionsRegistered"`
	PhaseMillis           map[string]int64 `json:"phaseMillis,omitempty"`
}

// sqlDate is a date parameter: nil for "unknown".
func sqlDate(d scoutbook.Date) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := d.Time()
	return &t
}

// sqlVersion is a version parameter: nil for "unknown".
func sqlVersion(v int32) *int32 {
	if v == 0 {
		return nil
	}
	return &v
}

// UUID array parameters are passed as [][16]byte, not []uuid.UUID: pgx encodes raw 16-byte
// values directly, while uuid.UUID goes through driver.Valuer and text parsing per element
// (about a quarter of the worker's CPU in a troop import, measured with -cpuprofile).

// writeAwards upserts awarded ranks (badges=false) or badges. It returns inserted and
// updated counts; the rest of items were already awarded.
func writeAwards(ctx context.Context, tx pgx.Tx, st *staged, items []awardItem, badges bool) (inserted, updated int, err error) {
	n := len(items)
	scouts, refs := make([][16]byte, n), make([][16]byte, n)
	awarded, completed := make([]*time.Time, n), make([]*time.Time, n)
	versions := make([]*int32, n)
	for i, it := range items {
		scouts[i], refs[i] = st.scouts[it.scout].ScoutID, it.ref
		awarded[i], completed[i] = sqlDate(it.awarded), sqlDate(it.completed)
		versions[i] = sqlVersion(it.version)
	}
	if badges {
		err = tx.QueryRow(ctx, sqlfiles.Query("advancement_upsert_awarded_badges"), scouts, refs, awarded, completed, versions).Scan(&inserted, &updated)
	} else {
		err = tx.QueryRow(ctx, sqlfiles.Query("advancement_upsert_awarded_ranks"), scouts, refs, awarded, completed).Scan(&inserted, &updated)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("write awarded %s: %w", kindName(badges), err)
	}
	return inserted, updated, nil
}

// writeRequirements makes sure every (scout, rank or badge) of items has a progress row, then
// upserts the completions. It returns resolved, inserted and updated counts.
//
// unitID and jobID scope the requirement ids the reference data lacks: they resolve to the
// unit's own definitions (recordDefinitions), and their completions record the job.
func writeRequirements(ctx context.Context, tx pgx.Tx, st *staged, items []reqItem, badges bool, completedBy, unitID, jobID uuid.UUID) (resolved, inserted, updated int, err error) {
	// Parent progress rows, one per (scout, ref), started at the earliest completion of the
	// whole file (st.reqStart). Bug fix: the earliest date used to be taken within this
	// chunk only, so started_at depended on where chunks began.
	type parent struct {
		version int32
		started scoutbook.Date
	}
	parents := map[scoutRef]*parent{}
	var order []scoutRef
	for _, it := range items {
		k := scoutRef{it.scout, it.ref}
		if _, ok := parents[k]; !ok {
			parents[k] = &parent{version: st.badgeVersion[k], started: st.reqStart[k]}
			order = append(order, k)
		}
	}
	pScouts, pRefs := make([][16]byte, len(order)), make([][16]byte, len(order))
	pStarted, pVersions := make([]*time.Time, len(order)), make([]*int32, len(order))
	for i, k := range order {
		pScouts[i], pRefs[i] = st.scouts[k.scout].ScoutID, k.ref
		pStarted[i], pVersions[i] = sqlDate(parents[k].started), sqlVersion(parents[k].version)
	}
	if badges {
		_, err = tx.Exec(ctx, sqlfiles.Query("advancement_ensure_badge_parents"), pScouts, pRefs, pVersions, pStarted)
	} else {
		_, err = tx.Exec(ctx, sqlfiles.Query("advancement_ensure_rank_parents"), pScouts, pRefs, pStarted)
	}
	if err != nil {
		return 0, 0, 0, fmt.Errorf("create %s progress rows: %w", kindName(badges), err)
	}

	n := len(items)
	scouts, refs := make([][16]byte, n), make([][16]byte, n)
	versions, reqIDs := make([]int32, n), make([]string, n)
	dates, statuses := make([]*time.Time, n), make([]string, n)
	for i, it := range items {
		scouts[i], refs[i] = st.scouts[it.scout].ScoutID, it.ref
		versions[i], reqIDs[i] = it.version, it.reqID
		dates[i], statuses[i] = sqlDate(it.date), "completed"
	}
	query := sqlfiles.Query("advancement_upsert_rank_requirements")
	if badges {
		query = sqlfiles.Query("advancement_upsert_badge_requirements")
	}
	if err := noJIT(ctx, tx); err != nil {
		return 0, 0, 0, err
	}
	if err := tx.QueryRow(ctx, query, scouts, refs, versions, reqIDs, dates, statuses, completedBy, unitID, jobID).Scan(&resolved, &inserted, &updated); err != nil {
		return 0, 0, 0, fmt.Errorf("write %s requirements: %w", kindName(badges), err)
	}
	return resolved, inserted, updated, nil
}

// noJIT turns JIT compilation off for the rest of the transaction. The write statements are
// a few thousand index probes; on tables without statistics yet (definitions or progress rows
// just loaded) the planner's cost estimate runs into millions and PostgreSQL spent 1.3 s
// compiling each statement that then ran in 0.4 s.
func noJIT(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, "set local jit = off"); err != nil {
		return fmt.Errorf("turn off JIT for the import's statements: %w", err)
	}
	return nil
}

// definitionsDB is what recordDefinitions needs: a transaction, or the pool for a dry run.
type definitionsDB interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// unknownBudget is how many more requirement ids the reference data lacks a file may still
// record for its unit (Limits.MaxUnknownIDs), shared by its ranks and badges.
type unknownBudget struct {
	left, limit int
}

// recordDefinitions handles the requirement ids of the file that the reference data lacks.
// Nothing is ever written to the shared bsa_* tables:
//   - an id of a (rank or badge, version) that the reference data defines is refused: its
//     rows are not imported (a file cannot add a 28th Tenderfoot requirement);
//   - an id of a version the reference data does not define is recorded for the importing
//     unit only (unit_requirement_definitions, with the job), while the budget lasts; the
//     rest are refused.
//
// It returns how many ids it recorded, the ids it refused (their rows are not imported), and the
// warnings, one per (rank or badge, version) and outcome, each naming the ids and the line where
// each first appears. With dryRun nothing is written and the warnings say what an import would
// do (the preview).
func recordDefinitions(ctx context.Context, tx definitionsDB, unitID, jobID uuid.UUID, defs []definition, badges bool,
	names map[uuid.UUID]string, budget *unknownBudget, dryRun bool) (int, []definitionKey, []Issue, error) {
	if len(defs) == 0 {
		return 0, nil, nil, nil
	}
	kind := "rank"
	if badges {
		kind = "badge"
	}
	n := len(defs)
	refs, versions, ids := make([][16]byte, n), make([]int32, n), make([]string, n)
	for i, d := range defs {
		refs[i], versions[i], ids[i] = d.ref, d.version, d.reqID
	}
	if t, ok := tx.(pgx.Tx); ok {
		if err := noJIT(ctx, t); err != nil {
			return 0, nil, nil, err
		}
	}
	rows, err := tx.Query(ctx, sqlfiles.Query("advancement_classify_definitions"), kind, unitID, refs, versions, ids)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("look up %s requirement definitions: %w", kindName(badges), err)
	}
	classes := make([]string, n)
	for rows.Next() {
		var ord int64
		var class string
		if err := rows.Scan(&ord, &class); err != nil {
			rows.Close()
			return 0, nil, nil, fmt.Errorf("look up %s requirement definitions: %w", kindName(badges), err)
		}
		if ord >= 1 && ord <= int64(n) {
			classes[ord-1] = class
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, nil, fmt.Errorf("look up %s requirement definitions: %w", kindName(badges), err)
	}

	// Outcomes per (rank or badge, version), in order of first appearance.
	const (
		recorded      = "recorded"
		notInVersion  = "not_in_version"
		overTheBudget = "over_budget"
	)
	type group struct {
		ref     uuid.UUID
		version int32
		outcome string
	}
	listed := map[group][]string{}
	var groups []group
	note := func(g group, d definition) {
		if _, ok := listed[g]; !ok {
			groups = append(groups, g)
		}
		listed[g] = append(listed[g], fmt.Sprintf("%s (line %d)", d.reqID, d.line))
	}
	var rec []definition
	var refused []definitionKey
	for i, d := range defs {
		switch classes[i] {
		case "recorded":
			budget.left-- // the unit has it already: it counts, nothing to write
		case "version_defined":
			note(group{d.ref, d.version, notInVersion}, d)
			refused = append(refused, definitionKey{ref: d.ref, version: d.version, reqID: d.reqID})
		case "unknown":
			if budget.left <= 0 {
				note(group{d.ref, d.version, overTheBudget}, d)
				refused = append(refused, definitionKey{ref: d.ref, version: d.version, reqID: d.reqID})
				continue
			}
			budget.left--
			rec = append(rec, d)
			note(group{d.ref, d.version, recorded}, d)
		}
	}
	if len(rec) > 0 && !dryRun {
		m := len(rec)
		rRefs, rVersions, rIDs, rOrders := make([][16]byte, m), make([]int32, m), make([]string, m), make([]int32, m)
		for i, d := range rec {
			rRefs[i], rVersions[i], rIDs[i], rOrders[i] = d.ref, d.version, d.reqID, d.order
		}
		if _, err := tx.Exec(ctx, sqlfiles.Query("advancement_record_unit_definitions"), kind, unitID, jobID,
			rRefs, rVersions, rIDs, rOrders); err != nil {
			return 0, nil, nil, fmt.Errorf("record the unit's %s requirement definitions: %w", kindName(badges), err)
		}
	}

	were, wereNot := "were", "were not"
	if dryRun {
		were, wereNot = "would be", "would not be"
	}
	var issues []Issue
	for _, g := range groups {
		name, list := names[g.ref], listed[g]
		is := Issue{Severity: "warning", Item: name, Version: fmt.Sprint(g.version),
			Details:     map[string]any{"count": len(list), "requirements": list},
			Fingerprint: fmt.Sprintf("%s|%s|%d|%s", kind, g.ref, g.version, g.outcome)}
		switch g.outcome {
		case recorded:
			is.Code = codeRequirementUnitDefined
			is.Message = fmt.Sprintf("%s (version %d): %d requirement id(s) from the file are not in the shared reference data, which has nothing for this version; they %s recorded for this unit only: %s.",
				name, g.version, len(list), were, joinLimited(list, 12))
		case notInVersion:
			is.Code = codeRequirementRefused
			is.Message = fmt.Sprintf("%s (version %d): %d requirement id(s) from the file are not requirements of this version in the reference data, so their rows %s imported: %s.",
				name, g.version, len(list), wereNot, joinLimited(list, 12))
		case overTheBudget:
			is.Code = codeRequirementRefused
			is.Message = fmt.Sprintf("%s (version %d): %d requirement id(s) the reference data lacks %s imported: the file names more than %d such ids, the most one import records: %s.",
				name, g.version, len(list), wereNot, budget.limit, joinLimited(list, 12))
		}
		is.Fingerprint = is.Code + "|" + is.Fingerprint
		if badges {
			is.Details["badge"] = name
		} else {
			is.Details["rank"] = name
		}
		issues = append(issues, is)
	}
	return len(rec), refused, issues, nil
}

func kindName(badges bool) string {
	if badges {
		return "merit badge"
	}
	return "rank"
}

func joinLimited(list []string, max int) string {
	out := ""
	for i, s := range list {
		if i == max {
			return out + fmt.Sprintf(", ... (%d more)", len(list)-max)
		}
		if i > 0 {
			out += ", "
		}
		out += s
	}
	return out
}
