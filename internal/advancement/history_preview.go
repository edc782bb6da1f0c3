package advancement

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	sqlfiles "github.com/chuckbox/importworker/sql"
)

// historyReqKey identifies a requirement of a rank or badge version.
type historyReqKey struct {
	ref     uuid.UUID
	version int32
	id      string
}

// historyPreview classifies every item of a staged report as new, update (exists at a lower
// status or with other values) or duplicate (already recorded) without writing anything: the
// dry-run result.
func historyPreview(ctx context.Context, q queryer, unitID uuid.UUID, hs *historyStaged) (*HistoryResult, error) {
	st := hs.st
	scoutID := hs.target.ID
	ranks, err := existingProgress(ctx, q, scoutID, false)
	if err != nil {
		return nil, err
	}
	badges, err := existingProgress(ctx, q, scoutID, true)
	if err != nil {
		return nil, err
	}
	reqs, err := historyExistingRequirements(ctx, q, scoutID)
	if err != nil {
		return nil, err
	}
	defs := make([]historyDefinitionQuery, len(st.badgeDefs))
	for i, d := range st.badgeDefs {
		defs[i] = historyDefinitionQuery{kind: "badge", ref: d.ref, version: d.version, reqID: d.reqID}
	}
	missing, err := missingDefinitions(ctx, q, unitID, defs)
	if err != nil {
		return nil, err
	}

	pv := &HistoryPreview{Ranks: []HistoryPreviewItem{}, MeritBadges: []HistoryPreviewItem{},
		Leadership: []HistoryPreviewItem{}, Activities: []HistoryPreviewItem{}}
	sum := &pv.Summary
	for _, m := range missing {
		if m {
			sum.RequirementDefinitionsToRegister++
		}
	}
	classify := func(action string) {
		switch action {
		case "update":
			sum.Updates++
		case "duplicate":
			sum.Duplicates++
		}
	}

	// Requirements, counted per rank or badge.
	type reqCount struct{ all, fresh int }
	countReqs := func(items []reqItem, newCounter *int) map[uuid.UUID]*reqCount {
		out := map[uuid.UUID]*reqCount{}
		for _, it := range items {
			c := out[it.ref]
			if c == nil {
				c = &reqCount{}
				out[it.ref] = c
			}
			c.all++
			status, ok := reqs[historyReqKey{it.ref, it.version, it.reqID}]
			switch {
			case !ok:
				c.fresh++
				*newCounter++
			case status == "completed" || status == "approved" || status == "awarded":
				sum.Duplicates++
			default:
				c.fresh++
				sum.Updates++
			}
		}
		return out
	}
	rankReqs := countReqs(st.rankReqs, &sum.NewRankRequirements)
	badgeReqs := countReqs(st.badgeReqs, &sum.NewMeritBadgeRequirements)

	// Ranks: awarded ones, then ranks only started (requirements without an award), by line.
	awarded := map[uuid.UUID]awardItem{}
	var rankRefs []uuid.UUID
	for _, it := range st.ranks {
		awarded[it.ref] = it
		rankRefs = append(rankRefs, it.ref)
	}
	for ref := range rankReqs {
		if _, ok := awarded[ref]; !ok {
			rankRefs = append(rankRefs, ref)
		}
	}
	slices.SortFunc(rankRefs, func(a, b uuid.UUID) int { return cmp.Compare(hs.rankLines[a], hs.rankLines[b]) })
	for _, ref := range rankRefs {
		item := HistoryPreviewItem{Name: st.refNames[ref], Line: int(hs.rankLines[ref])}
		if c := rankReqs[ref]; c != nil {
			item.Requirements, item.NewRequirements = c.all, c.fresh
		}
		status, exists := ranks[ref]
		if a, ok := awarded[ref]; ok {
			item.Status, item.Date = "awarded", a.awarded.String()
			item.Action = awardAction(status, exists)
		} else {
			item.Status = "in_progress"
			item.Action = startAction(exists)
		}
		if item.Action == "new" {
			sum.NewRanks++
		}
		classify(item.Action)
		pv.Ranks = append(pv.Ranks, item)
	}

	// Merit badges: earned ones, then started ones.
	for _, it := range st.badges {
		status, exists := badges[it.ref]
		item := HistoryPreviewItem{Name: st.refNames[it.ref], Status: "awarded", Date: it.awarded.String(),
			Version: int(it.version), Action: awardAction(status, exists), Line: int(it.line)}
		if c := badgeReqs[it.ref]; c != nil {
			item.Requirements, item.NewRequirements = c.all, c.fresh
		}
		if item.Action == "new" {
			sum.NewMeritBadges++
		}
		classify(item.Action)
		pv.MeritBadges = append(pv.MeritBadges, item)
	}
	for _, p := range hs.partials {
		_, exists := badges[p.ref]
		item := HistoryPreviewItem{Name: st.refNames[p.ref], Status: "in_progress", Date: p.started.String(),
			Version: int(p.version), Action: startAction(exists), Line: int(p.line)}
		if c := badgeReqs[p.ref]; c != nil {
			item.Requirements, item.NewRequirements = c.all, c.fresh
		}
		if item.Action == "new" {
			sum.NewMeritBadges++
		}
		classify(item.Action)
		pv.MeritBadges = append(pv.MeritBadges, item)
	}

	if err := historyPreviewLeadership(ctx, q, hs, pv); err != nil {
		return nil, err
	}
	if err := historyPreviewActivities(ctx, q, hs, pv); err != nil {
		return nil, err
	}

	res := &HistoryResult{DryRun: true, Preview: pv, DuplicatesSkipped: sum.Duplicates, UnknownItems: st.stats.UnknownItems}
	historyIdentify(res, hs)
	res.Warnings, res.WarningCount, res.WarningsTruncated = historyWarnings(st.issues)
	return res, nil
}

// awardAction classifies an awarded rank or badge against its existing progress row.
func awardAction(status string, exists bool) string {
	switch {
	case !exists:
		return "new"
	case status == "awarded":
		return "duplicate"
	default:
		return "update"
	}
}

// startAction classifies a started rank or badge: an existing row is never changed.
func startAction(exists bool) string {
	if exists {
		return "duplicate"
	}
	return "new"
}

// historyExistingRequirements loads the scout's requirement progress, keyed by (rank or
// badge, version, id); badge requirements under both their Scoutbook id and number.
func historyExistingRequirements(ctx context.Context, q queryer, scoutID uuid.UUID) (map[historyReqKey]string, error) {
	rows, err := q.Query(ctx, sqlfiles.Query("advancement_existing_requirements"), []uuid.UUID{scoutID})
	if err != nil {
		return nil, fmt.Errorf("load existing requirement progress: %w", err)
	}
	defer rows.Close()
	out := map[historyReqKey]string{}
	for rows.Next() {
		var kind, sbID, number, status string
		var scout uuid.UUID
		var k historyReqKey
		if err := rows.Scan(&kind, &scout, &k.ref, &k.version, &sbID, &number, &status); err != nil {
			return nil, fmt.Errorf("load existing requirement progress: %w", err)
		}
		k.id = sbID
		out[k] = status
		k.id = number
		if _, ok := out[k]; !ok {
			out[k] = status
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load existing requirement progress: %w", err)
	}
	return out, nil
}

// historyPreviewLeadership classifies the positions of responsibility.
func historyPreviewLeadership(ctx context.Context, q queryer, hs *historyStaged, pv *HistoryPreview) error {
	type key struct {
		id    uuid.UUID
		start string // YYYY-MM-DD
	}
	rows, err := q.Query(ctx, sqlfiles.Query("history_existing_leadership"), hs.target.ID)
	if err != nil {
		return fmt.Errorf("load leadership history: %w", err)
	}
	existing := map[key]*time.Time{}
	for rows.Next() {
		var id uuid.UUID
		var start time.Time
		var end *time.Time
		if err := rows.Scan(&id, &start, &end); err != nil {
			rows.Close()
			return fmt.Errorf("load leadership history: %w", err)
		}
		existing[key{id, start.Format(time.DateOnly)}] = end
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load leadership history: %w", err)
	}
	for _, l := range hs.leadership {
		item := HistoryPreviewItem{Code: l.code, Name: l.name, Date: l.start.String(), EndDate: l.end.String(), Line: int(l.line)}
		end, ok := existing[key{l.positionID, l.start.String()}]
		switch {
		case !ok:
			item.Action = "new"
			pv.Summary.NewLeadership++
		case !l.end.IsZero() && (end == nil || end.Format(time.DateOnly) != l.end.String()):
			item.Action = "update"
			pv.Summary.Updates++
		default:
			item.Action = "duplicate"
			pv.Summary.Duplicates++
		}
		pv.Leadership = append(pv.Leadership, item)
	}
	return nil
}

// historyPreviewActivities classifies the activity totals.
func historyPreviewActivities(ctx context.Context, q queryer, hs *historyStaged, pv *HistoryPreview) error {
	rows, err := q.Query(ctx, sqlfiles.Query("history_existing_activities"), hs.target.ID)
	if err != nil {
		return fmt.Errorf("load activity totals: %w", err)
	}
	existing := map[string]float64{}
	for rows.Next() {
		var kind, quantity string
		if err := rows.Scan(&kind, &quantity); err != nil {
			rows.Close()
			return fmt.Errorf("load activity totals: %w", err)
		}
		v, err := strconv.ParseFloat(quantity, 64)
		if err != nil {
			rows.Close()
			return fmt.Errorf("load activity totals: quantity %q: %w", quantity, err)
		}
		existing[kind] = v
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load activity totals: %w", err)
	}
	for _, a := range hs.activities {
		item := HistoryPreviewItem{Code: a.kind, Name: a.label, Quantity: formatQuantity(a.quantity), Date: hs.asOf.String()}
		old, ok := existing[a.kind]
		switch {
		case !ok && a.quantity <= 0:
			continue // nothing to record
		case !ok:
			item.Action = "new"
			pv.Summary.NewActivities++
		case old == a.quantity:
			item.Action = "duplicate"
			pv.Summary.Duplicates++
		default:
			item.Action = "update"
			pv.Summary.Updates++
		}
		pv.Activities = append(pv.Activities, item)
	}
	return nil
}
