package advancement

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/scoutbook/history"
	sqlfiles "github.com/chuckbox/importworker/sql"
)

// historyRowQuerier runs single-row and multi-row reads (a pool or a transaction).
type historyRowQuerier interface {
	queryer
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// findHistoryScout picks the scout a history report is imported into: the scout named by
// options.scoutId, which must belong to the job's unit; otherwise the unit's only scout with
// the report's BSA member id (inactive scouts included). Every way this can fail is a
// permanent error telling the leader what to do.
func findHistoryScout(ctx context.Context, q historyRowQuerier, unitID uuid.UUID, scoutID string, rep *history.Report) (historyTarget, error) {
	reportID := strings.TrimSpace(rep.Header.BSAMemberID)
	reportName := rep.Header.Name
	if scoutID = strings.TrimSpace(scoutID); scoutID != "" {
		id, err := uuid.Parse(scoutID)
		if err != nil {
			return historyTarget{}, jobs.Permanentf("options.scoutId %q is not a scout id (a UUID)", scoutID)
		}
		t := historyTarget{ID: id, MatchedBy: "scoutId"}
		err = q.QueryRow(ctx, sqlfiles.Query("history_scout_by_id"), id, unitID).
			Scan(&t.ID, &t.FirstName, &t.LastName, &t.BSAMemberID, &t.Active)
		if errors.Is(err, pgx.ErrNoRows) {
			return historyTarget{}, jobs.Permanentf("scout %s is not in this unit; choose one of the unit's scouts", id)
		}
		if err != nil {
			return historyTarget{}, fmt.Errorf("load scout %s: %w", id, err)
		}
		// A report of another scout would write someone else's history into this one.
		if reportID != "" && t.BSAMemberID != "" && reportID != t.BSAMemberID {
			return historyTarget{}, jobs.Permanentf(
				"the report is for BSA id %s (%s), but the chosen scout %s %s has BSA id %s; nothing was imported. Choose the matching scout or upload that scout's report",
				reportID, nonEmpty(reportName, "no name"), t.FirstName, t.LastName, t.BSAMemberID)
		}
		return t, nil
	}

	if reportID == "" {
		return historyTarget{}, jobs.Permanentf("the report has no BSA ID, so its scout cannot be found; choose the scout (options.scoutId) and run the import again")
	}
	rows, err := q.Query(ctx, sqlfiles.Query("history_scouts_by_bsa_id"), unitID, reportID)
	if err != nil {
		return historyTarget{}, fmt.Errorf("find scout by BSA id: %w", err)
	}
	var found []historyTarget
	for rows.Next() {
		t := historyTarget{BSAMemberID: reportID, MatchedBy: "bsaMemberId"}
		if err := rows.Scan(&t.ID, &t.FirstName, &t.LastName, &t.Active); err != nil {
			rows.Close()
			return historyTarget{}, fmt.Errorf("find scout by BSA id: %w", err)
		}
		found = append(found, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return historyTarget{}, fmt.Errorf("find scout by BSA id: %w", err)
	}
	switch len(found) {
	case 0:
		return historyTarget{}, jobs.Permanentf(
			"no scout in this unit has BSA id %s (%s); create the scout in the app first, or choose the scout (options.scoutId), and run the import again",
			reportID, nonEmpty(reportName, "name not in the report"))
	case 1:
		return found[0], nil
	default:
		return historyTarget{}, jobs.Permanentf(
			"ambiguous: %d scouts have BSA id %s in this unit; choose the scout (options.scoutId) or merge the duplicates, and run the import again",
			len(found), reportID)
	}
}
