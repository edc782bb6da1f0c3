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
func preview(ctx context.Context, run *jobs.Run, st *staged) (*Result, error) {
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
			k.id = sbID
			reqs[k] = status
			k.id = number
			if _, ok := reqs[k]; !ok {
				reqs[k] = status
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load existing requirement progress: %w", err)
		}
	}

	res := buildResult(st, counts{})
	res.setWarnings(st.issues) // a dry run stores no issues: they are all in memory
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
		ps := &pv.Scouts[it.scout]
		status, exists := reqs[reqProgressKey{st.scouts[it.scout].ScoutID, it.ref, it.version, it.reqID}]
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
