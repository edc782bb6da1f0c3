package advancement

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

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
func writeRequirements(ctx context.Context, tx pgx.Tx, st *staged, items []reqItem, badges bool, completedBy uuid.UUID) (resolved, inserted, updated int, err error) {
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
	if err := tx.QueryRow(ctx, query, scouts, refs, versions, reqIDs, dates, statuses, completedBy).Scan(&resolved, &inserted, &updated); err != nil {
		return 0, 0, 0, fmt.Errorf("write %s requirements: %w", kindName(badges), err)
	}
	return resolved, inserted, updated, nil
}

// registerDefinitions registers the requirement ids of the file that the reference data lacks,
// and returns one warning per (rank or badge, version) that needed it.
func registerDefinitions(ctx context.Context, tx pgx.Tx, defs []definition, badges bool, names map[uuid.UUID]string) (int, []Issue, error) {
	if len(defs) == 0 {
		return 0, nil, nil
	}
	if _, err := tx.Exec(ctx, `select pg_advisory_xact_lock(hashtext('import requirement definitions'))`); err != nil {
		return 0, nil, fmt.Errorf("lock requirement definitions: %w", err)
	}
	n := len(defs)
	refs, versions, ids, orders := make([][16]byte, n), make([]int32, n), make([]string, n), make([]int32, n)
	for i, d := range defs {
		refs[i], versions[i], ids[i], orders[i] = d.ref, d.version, d.reqID, d.order
	}
	query := sqlfiles.Query("advancement_register_rank_requirements")
	if badges {
		query = sqlfiles.Query("advancement_register_badge_requirements")
	}
	rows, err := tx.Query(ctx, query, refs, versions, ids, orders)
	if err != nil {
		return 0, nil, fmt.Errorf("register %s requirement definitions: %w", kindName(badges), err)
	}
	type group struct {
		ref     uuid.UUID
		version int32
	}
	registered := map[group][]string{}
	var groups []group
	total := 0
	for rows.Next() {
		var g group
		var id string
		if err := rows.Scan(&g.ref, &g.version, &id); err != nil {
			rows.Close()
			return 0, nil, fmt.Errorf("register requirement definitions: %w", err)
		}
		if _, ok := registered[g]; !ok {
			groups = append(groups, g)
		}
		registered[g] = append(registered[g], id)
		total++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("register requirement definitions: %w", err)
	}
	var issues []Issue
	for _, g := range groups {
		name := names[g.ref]
		list := registered[g]
		is := Issue{Severity: "warning", Code: codeRequirementNotFound, Item: name, Version: fmt.Sprint(g.version),
			Message: fmt.Sprintf("%s (version %d): %d requirement id(s) from the file were not in the reference data and were registered as new definitions: %s.",
				name, g.version, len(list), joinLimited(list, 12)),
			Details:     map[string]any{"count": len(list), "requirements": list},
			Fingerprint: fmt.Sprintf("%s|%s|%d", codeRequirementNotFound, g.ref, g.version)}
		if badges {
			is.Details["badge"] = name
		} else {
			is.Details["rank"] = name
		}
		issues = append(issues, is)
	}
	return total, issues, nil
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
