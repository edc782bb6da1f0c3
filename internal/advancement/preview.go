package advancement

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/chuckbox/importworker/internal/jobs"
	sqlfiles "github.com/chuckbox/importworker/sql"
)

// preview classifies every staged item as new, update (exists at a lower status) or
// duplicate (already there) without writing anything: the dry-run result, from which the
// app's preview screen can be drawn.
func preview(ctx context.Context, run *jobs.Run, st *staged, limits Limits) (*Result, error) {
	var scoutIDs []uuid.UUID
	for _, s := range st.scouts {
		if s.Matched {
			scoutIDs = append(scoutIDs, s.ScoutID)
		}
	}
	type progressKey struct {
		scout uuid.UUID
		ref   uuid.UUID
	}
	type reqProgressKey struct {
		scout   uuid.UUID
		ref     uuid.UUID
		version int32
		id      string
	}
	awards := map[progressKey]string{}
	reqs := map[reqProgressKey]string{}
	if len(scoutIDs) > 0 {
		rows, err := run.Pool().Query(ctx, sqlfiles.Query("advancement_existing_progress"), scoutIDs)
		if err != nil {
			return nil, fmt.Errorf("load existing progress: %w", err)
		}
		for rows.Next() {
			var kind, status string
			var k progressKey
			var version *int32
			if err := rows.Scan(&kind, &k.scout, &k.ref, &status, &version); err != nil {
				rows.Close()
				return nil, fmt.Errorf("load existing progress: %w", err)
			}
			awards[k] = status
		}
		rows.Close()
		// An interrupted read (a restart, a terminated backend) ends the loop like the last
		// row does: without this check the preview would be drawn from part of the rows.
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load existing progress: %w", err)
		}
		rows, err = run.Pool().Query(ctx, sqlfiles.Query("advancement_existing_requirements"), scoutIDs)
		if err != nil {
			return nil, fmt.Errorf("load existing requirement progress: %w", err)
		}
		for rows.Next() {
			var kind, sbID, number, status string
			var k reqProgressKey
			if err := rows.Scan(&kind, &k.scout, &k.ref, &k.version, &sbID, &number, &status); err != nil {
				rows.Close()
				return nil, fmt.Errorf("load existing requirement progress: %w", err)
			}
			if kind == "rank" {
				k.version = 0 // one completion per rank id, whatever the version
			}
			for _, id := range []string{sbID, number} {
				k.id = id
				if old, ok := reqs[k]; !ok || statusRank(status) > statusRank(old) {
					reqs[k] = status
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load existing requirement progress: %w", err)
		}
	}

	// What the import would do with the requirement ids the reference data lacks (record them
	// for the unit, or refuse them), read-only. The rows of a refused id would not be imported:
	// they are counted in no column of the preview (the warnings name them), as the import
	// writes none of them.
	lim := limits.withDefaults()
	budget := &unknownBudget{left: lim.MaxUnknownIDs, limit: lim.MaxUnknownIDs}
	refused := map[definitionKey]bool{} // rank and badge ids are distinct uuids
	for _, badges := range []bool{false, true} {
		defs := st.rankDefs
		if badges {
			defs = st.badgeDefs
		}
		_, keys, issues, err := recordDefinitions(ctx, run.Pool(), run.Job.UnitID, run.Job.ID, defs, badges, st.refNames, budget, true)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			refused[k] = true
		}
		st.issues = append(st.issues, issues...)
	}

	res := buildResult(st, counts{})
	res.setWarnings(st.issues, nil) // a dry run stores no issues: they are all in memory
	res.DryRun = true
	pv := &Preview{Scouts: make([]PreviewScout, len(st.scouts))}
	for i, s := range st.scouts {
		ps := PreviewScout{BSAMemberID: s.BSAMemberID, FullName: s.Name(), MatchStatus: "unmatched"}
		if s.Matched {
			ps.MatchStatus, ps.ScoutID = "matched", s.ScoutID.String()
			pv.Summary.MatchedScouts++
		} else {
			pv.Summary.UnmatchedScouts++
		}
		pv.Scouts[i] = ps
	}
	pv.Summary.TotalScouts = len(st.scouts)

	classifyAward := func(it awardItem, newCounter *int) {
		ps := &pv.Scouts[it.scout]
		status, exists := awards[progressKey{st.scouts[it.scout].ScoutID, it.ref}]
		switch {
		case !st.scouts[it.scout].Matched || !exists:
			ps.NewItems++
			*newCounter++
		case status == "awarded":
			ps.Duplicates++
			pv.Summary.Duplicates++
		default:
			ps.Updates++
			pv.Summary.Updates++
		}
	}
	classifyReq := func(it reqItem, newCounter *int) {
		if refused[definitionKey{ref: it.ref, version: it.version, reqID: it.reqID}] {
			return
		}
		ps := &pv.Scouts[it.scout]
		version := it.version
		if newCounter == &pv.Summary.NewRankRequirements {
			version = 0 // rank progress has no version
		}
		status, exists := reqs[reqProgressKey{st.scouts[it.scout].ScoutID, it.ref, version, it.reqID}]
		switch {
		case !st.scouts[it.scout].Matched || !exists:
			ps.NewItems++
			*newCounter++
		case status == "completed" || status == "approved" || status == "awarded":
			ps.Duplicates++
			pv.Summary.Duplicates++
		default:
			ps.Updates++
			pv.Summary.Updates++
		}
	}
	for _, it := range st.ranks {
		classifyAward(it, &pv.Summary.NewRanks)
	}
	for _, it := range st.badges {
		classifyAward(it, &pv.Summary.NewMeritBadges)
	}
	for _, it := range st.rankReqs {
		classifyReq(it, &pv.Summary.NewRankRequirements)
	}
	for _, it := range st.badgeReqs {
		classifyReq(it, &pv.Summary.NewMeritBadgeRequirements)
	}
	res.Preview = pv
	res.DuplicatesSkipped = pv.Summary.Duplicates
	return res, nil
}

// statusRank orders advancement statuses from not_started (0) to awarded (5).
func statusRank(status string) int {
	switch status {
	case "in_progress":
		return 1
	case "pending_approval":
		return 2
	case "completed":
		return 3
	case "approved":
		return 4
	case "awarded":
		return 5
	}
	return 0
}
