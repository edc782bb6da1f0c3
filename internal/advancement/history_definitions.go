package advancement

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	sqlfiles "github.com/chuckbox/importworker/sql"
)

// historyDefinitionQuery is one requirement id to look up: kind is "rank" or "badge".
type historyDefinitionQuery struct {
	kind    string
	ref     uuid.UUID
	version int32
	reqID   string
}

// missingDefinitions returns, for each query, whether the reference data lacks a definition
// for it (exact id within (rank or badge, version), as the write statements match); a merit
// badge id the unit has recorded for itself counts as defined.
func missingDefinitions(ctx context.Context, q queryer, unitID uuid.UUID, list []historyDefinitionQuery) ([]bool, error) {
	missing := make([]bool, len(list))
	if len(list) == 0 {
		return missing, nil
	}
	n := len(list)
	kinds, refs, versions, ids := make([]string, n), make([]uuid.UUID, n), make([]int32, n), make([]string, n)
	for i, d := range list {
		kinds[i], refs[i], versions[i], ids[i] = d.kind, d.ref, d.version, d.reqID
	}
	rows, err := q.Query(ctx, sqlfiles.Query("history_missing_definitions"), kinds, refs, versions, ids, unitID)
	if err != nil {
		return nil, fmt.Errorf("look up requirement definitions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ord int64
		if err := rows.Scan(&ord); err != nil {
			return nil, fmt.Errorf("look up requirement definitions: %w", err)
		}
		if ord >= 1 && ord <= int64(n) {
			missing[ord-1] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up requirement definitions: %w", err)
	}
	return missing, nil
}

// dropUnknownRankRequirements removes the rank requirements whose id the rank's current
// version does not define, with one requirement_not_found warning per rank.
//
// Unlike merit badge ids (recorded for the unit when the reference data has nothing for
// their version, as the troop import does), rank ids are not recorded: the seven ranks'
// requirements are fully known, and the report prints no rank version, so an id missing from
// the current version almost always belongs to an older version.
func dropUnknownRankRequirements(ctx context.Context, q queryer, unitID uuid.UUID, h *historyStaged) error {
	st := h.st
	list := make([]historyDefinitionQuery, len(st.rankReqs))
	for i, it := range st.rankReqs {
		list[i] = historyDefinitionQuery{kind: "rank", ref: it.ref, version: it.version, reqID: it.reqID}
	}
	missing, err := missingDefinitions(ctx, q, unitID, list)
	if err != nil {
		return err
	}
	type group struct {
		ref     uuid.UUID
		version int32
	}
	dropped := map[group][]string{}
	var groups []group
	kept := st.rankReqs[:0]
	for i, it := range st.rankReqs {
		if !missing[i] {
			kept = append(kept, it)
			continue
		}
		g := group{it.ref, it.version}
		if _, ok := dropped[g]; !ok {
			groups = append(groups, g)
		}
		dropped[g] = append(dropped[g], it.reqID)
	}
	st.rankReqs = kept
	for _, g := range groups {
		ids := dropped[g]
		name := st.refNames[g.ref]
		st.stats.UnknownItems += len(ids)
		scout := &st.scouts[0]
		st.issues = append(st.issues, Issue{Severity: "warning", Code: codeRequirementNotFound, Line: int(h.rankLines[g.ref]),
			BSAMemberID: scout.BSAMemberID, ScoutName: scout.Name(), Item: name, Version: fmt.Sprint(g.version),
			Message: fmt.Sprintf("Rank requirement not found: %s %s (version %d); the report's rank may follow older requirements. %d completed requirement(s) were not imported.",
				name, joinLimited(ids, 12), g.version, len(ids)),
			Details:     map[string]any{"rank": name, "count": len(ids), "requirements": slices.Clone(ids)},
			Fingerprint: fmt.Sprintf("%s|%s|%d", codeRequirementNotFound, g.ref, g.version)})
	}
	return nil
}
