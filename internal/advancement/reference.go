package advancement

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/chuckbox/importworker/internal/scoutbook"
	sqlfiles "github.com/chuckbox/importworker/sql"
)

// refItem is a rank or merit badge of the reference tables.
type refItem struct {
	ID      uuid.UUID
	Code    string
	Name    string
	Version int // current requirement version year, 0 when unknown
	Active  bool
}

// reference maps export names onto bsa_ranks and bsa_merit_badges rows.
type reference struct {
	ranks        map[string]refItem // by code
	badgesByKey  map[string]refItem // by scoutbook.NormalizeBadgeName(name)
	badgesByCode map[string]refItem
}

// loadReference reads the ranks and badges.
func loadReference(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}) (*reference, error) {
	rows, err := q.Query(ctx, sqlfiles.Query("advancement_load_reference"))
	if err != nil {
		return nil, fmt.Errorf("load reference data: %w", err)
	}
	defer rows.Close()
	ref := &reference{ranks: map[string]refItem{}, badgesByKey: map[string]refItem{}, badgesByCode: map[string]refItem{}}
	for rows.Next() {
		var kind string
		var it refItem
		var version *int
		if err := rows.Scan(&kind, &it.ID, &it.Code, &it.Name, &version, &it.Active); err != nil {
			return nil, fmt.Errorf("load reference data: %w", err)
		}
		if version != nil {
			it.Version = *version
		}
		if kind == "rank" {
			ref.ranks[it.Code] = it
			continue
		}
		ref.badgesByCode[it.Code] = it
		key := scoutbook.NormalizeBadgeName(it.Name)
		// An active badge wins a name clash with an inactive one.
		if old, ok := ref.badgesByKey[key]; !ok || (!old.Active && it.Active) {
			ref.badgesByKey[key] = it
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load reference data: %w", err)
	}
	if len(ref.ranks) == 0 {
		return nil, fmt.Errorf("the bsa_ranks table is empty: run `worker migrate` (it seeds the reference data)")
	}
	return ref, nil
}

// badge resolves a normalised badge name (scoutbook.NormalizeBadgeName): by name, then by
// code, then through the alias table once. alias is the alias key used, if any.
func (r *reference) badge(key string) (it refItem, alias string, ok bool) {
	if it, ok := r.badgesByKey[key]; ok {
		return it, "", true
	}
	if it, ok := r.badgesByCode[key]; ok {
		return it, "", true
	}
	if target, found := scoutbook.BadgeAliases[key]; found {
		if it, ok := r.badgesByCode[target]; ok {
			return it, key, true
		}
		if it, ok := r.badgesByKey[target]; ok {
			return it, key, true
		}
	}
	return refItem{}, "", false
}
