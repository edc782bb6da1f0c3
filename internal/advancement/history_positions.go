package advancement

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	sqlfiles "github.com/chuckbox/importworker/sql"
)

// historyPosition is a row of bsa_leadership_positions.
type historyPosition struct {
	ID   uuid.UUID
	Code string
	Name string
}

// historyPositions finds positions of responsibility by the names a history report prints.
type historyPositions struct {
	byKey map[string]historyPosition // by historyPositionKey of the name, and by code
}

// historyPositionAliases maps keys (historyPositionKey) of short or older position names that
// Scoutbook and leaders use to position codes.
var historyPositionAliases = map[string]string{
	"spl":                               "senior_patrol_leader",
	"aspl":                              "assistant_senior_patrol_leader",
	"apl":                               "assistant_patrol_leader",
	"jasm":                              "junior_assistant_scoutmaster",
	"junior_asm":                        "junior_assistant_scoutmaster",
	"oa_troop_representative":           "order_of_the_arrow_troop_representative",
	"oa_troop_rep":                      "order_of_the_arrow_troop_representative",
	"oa_representative":                 "order_of_the_arrow_troop_representative",
	"oa_rep":                            "order_of_the_arrow_troop_representative",
	"order_of_the_arrow_representative": "order_of_the_arrow_troop_representative",
	"chaplain_s_aide":                   "chaplain_aide",
	"chaplains_aide":                    "chaplain_aide",
	"chaplain_aid":                      "chaplain_aide",
	"lnt_trainer":                       "leave_no_trace_trainer",
	"oeg":                               "outdoor_ethics_guide",
	"web_master":                        "webmaster",
	"quarter_master":                    "quartermaster",
}

// loadHistoryPositions reads bsa_leadership_positions.
func loadHistoryPositions(ctx context.Context, q queryer) (*historyPositions, error) {
	rows, err := q.Query(ctx, sqlfiles.Query("history_leadership_positions"))
	if err != nil {
		return nil, fmt.Errorf("load leadership positions: %w", err)
	}
	defer rows.Close()
	var list []historyPosition
	for rows.Next() {
		var p historyPosition
		if err := rows.Scan(&p.ID, &p.Code, &p.Name); err != nil {
			return nil, fmt.Errorf("load leadership positions: %w", err)
		}
		list = append(list, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load leadership positions: %w", err)
	}
	return newHistoryPositions(list), nil
}

// newHistoryPositions indexes positions by name and code.
func newHistoryPositions(list []historyPosition) *historyPositions {
	ps := &historyPositions{byKey: map[string]historyPosition{}}
	for _, p := range list {
		ps.byKey[historyPositionKey(p.Name)] = p
	}
	// Codes win over names: a code is the stable identity.
	for _, p := range list {
		ps.byKey[historyPositionKey(p.Code)] = p
	}
	return ps
}

// match finds the position a report names: "Patrol Leader", "patrol leader", "patrol_leader",
// "Patrol Leader (Hawk Patrol)" (the parenthesised detail is ignored), a known short form
// ("OA Troop Representative", "JASM") or the name with a leading "Troop " ("Troop Scribe").
func (ps *historyPositions) match(name string) (historyPosition, bool) {
	key := historyPositionKey(stripTrailingParenthesis(name))
	if key == "" {
		return historyPosition{}, false
	}
	if p, ok := ps.byKey[key]; ok {
		return p, true
	}
	if code, ok := historyPositionAliases[key]; ok {
		if p, ok := ps.byKey[code]; ok {
			return p, true
		}
	}
	if rest, ok := strings.CutPrefix(key, "troop_"); ok {
		if p, ok := ps.byKey[rest]; ok {
			return p, true
		}
	}
	return historyPosition{}, false
}

// historyPositionKey lower-cases a name or code, reads "&" as "and" and turns every run of
// other characters than a-z and 0-9 into one "_" (trimmed at both ends).
func historyPositionKey(s string) string {
	s = strings.ReplaceAll(strings.ToLower(s), "&", " and ")
	var b strings.Builder
	sep := false
	for _, c := range s {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(c)
			continue
		}
		sep = true
	}
	return b.String()
}

// stripTrailingParenthesis removes a trailing "(...)" detail: "Patrol Leader (Hawk Patrol)"
// gives "Patrol Leader". A name that is only a parenthesis is kept.
func stripTrailingParenthesis(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, ")") {
		return s
	}
	if i := strings.LastIndex(s, "("); i > 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}
