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

// existingProgress returns the ranks (badges=false) or badges the scout already has a
// progress row for, with its status.
func existingProgress(ctx context.Context, q queryer, scoutID uuid.UUID, badges bool) (map[uuid.UUID]string, error) {
	rows, err := q.Query(ctx, sqlfiles.Query("advancement_existing_progress"), []uuid.UUID{scoutID})
	if err != nil {
		return nil, fmt.Errorf("load existing progress: %w", err)
	}
	defer rows.Close()
	out := map[uuid.UUID]string{}
	for rows.Next() {
		var kind, status string
		var scout, ref uuid.UUID
		var version *int32
		if err := rows.Scan(&kind, &scout, &ref, &status, &version); err != nil {
			return nil, fmt.Errorf("load existing progress: %w", err)
		}
		if (kind == "badge") == badges {
			out[ref] = status
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load existing progress: %w", err)
	}
	return out, nil
}

// newParents counts the distinct refs of items that have no progress row in existing.
func newParents(existing map[uuid.UUID]string, refs []uuid.UUID) int {
	seen := map[uuid.UUID]bool{}
	n := 0
	for _, r := range refs {
		if seen[r] {
			continue
		}
		seen[r] = true
		if _, ok := existing[r]; !ok {
			n++
		}
	}
	return n
}

// writePartialBadges makes sure every started badge of the report has a progress row
// (in_progress, started on the report's start date, with the version the scout works under),
// with the troop import's statement: an existing row is never changed, except that a NULL
// version is filled. It returns how many rows it created.
func writePartialBadges(ctx context.Context, tx pgx.Tx, h *historyStaged) (int, error) {
	if len(h.partials) == 0 {
		return 0, nil
	}
	existing, err := existingProgress(ctx, tx, h.target.ID, true)
	if err != nil {
		return 0, err
	}
	n := len(h.partials)
	scouts, refs := make([]uuid.UUID, n), make([]uuid.UUID, n)
	versions, started := make([]*int32, n), make([]*time.Time, n)
	for i, p := range h.partials {
		scouts[i], refs[i] = h.target.ID, p.ref
		versions[i], started[i] = sqlVersion(p.version), sqlDate(p.started)
	}
	if _, err := tx.Exec(ctx, sqlfiles.Query("advancement_ensure_badge_parents"), scouts, refs, versions, started); err != nil {
		return 0, fmt.Errorf("record started merit badges: %w", err)
	}
	return newParents(existing, refs), nil
}

// writeHistoryLeadership records the positions of responsibility. It returns inserted and
// updated counts; the rest were already recorded.
func writeHistoryLeadership(ctx context.Context, tx pgx.Tx, h *historyStaged) (inserted, updated int, err error) {
	if len(h.leadership) == 0 {
		return 0, 0, nil
	}
	n := len(h.leadership)
	ids, names := make([]uuid.UUID, n), make([]string, n)
	starts, ends := make([]*time.Time, n), make([]*time.Time, n)
	for i, l := range h.leadership {
		ids[i], names[i] = l.positionID, l.name
		starts[i], ends[i] = sqlDate(l.start), sqlDate(l.end)
	}
	err = tx.QueryRow(ctx, sqlfiles.Query("history_upsert_leadership"), h.target.ID, ids, names, starts, ends).Scan(&inserted, &updated)
	if err != nil {
		return 0, 0, fmt.Errorf("write leadership history: %w", err)
	}
	return inserted, updated, nil
}

// writeHistoryActivities records the activity totals (one entry per type, upserted). It
// returns inserted, updated and unchanged counts.
func writeHistoryActivities(ctx context.Context, tx pgx.Tx, h *historyStaged) (inserted, updated, unchanged int, err error) {
	if len(h.activities) == 0 {
		return 0, 0, 0, nil
	}
	n := len(h.activities)
	kinds, quantities, descriptions := make([]string, n), make([]string, n), make([]string, n)
	for i, a := range h.activities {
		kinds[i], quantities[i] = a.kind, formatQuantity(a.quantity)
		descriptions[i] = historyActivityDescription(a, h.asOf)
	}
	err = tx.QueryRow(ctx, sqlfiles.Query("history_upsert_activities"), h.target.ID, kinds, quantities, sqlDate(h.asOf), descriptions).
		Scan(&inserted, &updated, &unchanged)
	if err != nil {
		return 0, 0, 0, fmt.Errorf("write activity totals: %w", err)
	}
	return inserted, updated, unchanged, nil
}

// historyActivityDescription describes an imported total.
func historyActivityDescription(a historyActivity, asOf scoutbook.Date) string {
	return fmt.Sprintf("%s: %s, as of %s (Scoutbook history report)", a.label, formatQuantity(a.quantity), asOf)
}
