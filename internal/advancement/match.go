package advancement

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	sqlfiles "github.com/chuckbox/importworker/sql"
)

// queryer is a pool, connection or transaction.
type queryer interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// matchScouts attaches the unit's existing scouts to the staged scouts by BSA member id
// (inactive scouts included: one person, one row) and records warnings for inactive scouts
// and for ids the unit already holds more than once.
func matchScouts(ctx context.Context, q queryer, unitID uuid.UUID, st *staged) error {
	ids := make([]string, len(st.scouts))
	byID := make(map[string]*stagedScout, len(st.scouts))
	for i := range st.scouts {
		ids[i] = st.scouts[i].BSAMemberID
		byID[ids[i]] = &st.scouts[i]
	}
	rows, err := q.Query(ctx, sqlfiles.Query("advancement_match_scouts"), unitID, ids)
	if err != nil {
		return fmt.Errorf("match scouts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var bsaID string
		var id uuid.UUID
		var active bool
		var sameID int
		if err := rows.Scan(&bsaID, &id, &active, &sameID); err != nil {
			return fmt.Errorf("match scouts: %w", err)
		}
		s := byID[bsaID]
		if s == nil || s.Matched {
			continue // rows are ordered best first; the rest are duplicates
		}
		s.ScoutID, s.Matched, s.Inactive = id, true, !active
		if !active {
			st.issues = append(st.issues, Issue{Severity: "warning", Code: codeInactiveScout, Line: s.Line,
				BSAMemberID: s.BSAMemberID, ScoutName: s.Name(),
				Message:     fmt.Sprintf("%s (BSA id %s) is inactive in the unit; the records were imported into the existing scout.", s.Name(), s.BSAMemberID),
				Fingerprint: codeInactiveScout + "|" + s.BSAMemberID})
		}
		if sameID > 1 {
			st.issues = append(st.issues, Issue{Severity: "warning", Code: codeDuplicateScouts, Line: s.Line,
				BSAMemberID: s.BSAMemberID, ScoutName: s.Name(),
				Message: fmt.Sprintf("The unit has %d scout records with BSA id %s; the records were imported into the active, oldest one. Merge the duplicates in the app.",
					sameID, s.BSAMemberID),
				Fingerprint: codeDuplicateScouts + "|" + s.BSAMemberID})
		}
	}
	return rows.Err()
}

// createScouts creates the unmatched scouts inside tx and returns how many it created. It is
// idempotent (see advancement_create_scouts.sql); scouts created by an earlier attempt are
// found again by matchScouts.
func createScouts(ctx context.Context, tx pgx.Tx, unitID uuid.UUID, st *staged) (int, error) {
	if _, err := tx.Exec(ctx, `select pg_advisory_xact_lock(hashtext('import scouts ' || $1::text))`, unitID); err != nil {
		return 0, fmt.Errorf("lock unit scouts: %w", err)
	}
	var ids, first, middle, last []string
	for i := range st.scouts {
		s := &st.scouts[i]
		if s.Matched || s.Skipped {
			continue
		}
		ids = append(ids, s.BSAMemberID)
		first = append(first, nonEmpty(s.FirstName, "(unknown)"))
		middle = append(middle, s.MiddleName)
		last = append(last, nonEmpty(s.LastName, "(unknown)"))
	}
	if len(ids) == 0 {
		return 0, nil
	}
	rows, err := tx.Query(ctx, sqlfiles.Query("advancement_create_scouts"), unitID, ids, first, middle, last)
	if err != nil {
		return 0, fmt.Errorf("create scouts: %w", err)
	}
	created := map[string]uuid.UUID{}
	for rows.Next() {
		var bsaID string
		var id uuid.UUID
		if err := rows.Scan(&bsaID, &id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("create scouts: %w", err)
		}
		created[bsaID] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("create scouts: %w", err)
	}
	for i := range st.scouts {
		if id, ok := created[st.scouts[i].BSAMemberID]; ok {
			st.scouts[i].ScoutID = id
		}
	}
	// Scouts that an earlier attempt created are matched now.
	if len(created) < len(ids) {
		if err := matchScouts(ctx, tx, unitID, st); err != nil {
			return 0, err
		}
	}
	return len(created), nil
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
