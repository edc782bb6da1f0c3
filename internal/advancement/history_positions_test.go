package advancement

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func TestHistoryPositionsMatch(t *testing.T) {
	var list []historyPosition
	for code, name := range map[string]string{
		"patrol_leader": "Patrol Leader", "scribe": "Scribe", "troop_guide": "Troop Guide",
		"order_of_the_arrow_troop_representative": "Order of the Arrow Troop Representative",
		"junior_assistant_scoutmaster":            "Junior Assistant Scoutmaster", "chaplain_aide": "Chaplain Aide",
		"senior_patrol_leader": "Senior Patrol Leader",
	} {
		list = append(list, historyPosition{ID: uuid.New(), Code: code, Name: name})
	}
	ps := newHistoryPositions(list)
	for in, want := range map[string]string{
		"Patrol Leader":                  "patrol_leader",
		"patrol leader":                  "patrol_leader",
		"PATROL  LEADER":                 "patrol_leader",
		"patrol_leader":                  "patrol_leader",
		"Patrol Leader (Example Patrol)": "patrol_leader",
		"Troop Guide":                    "troop_guide",
		"Troop Scribe":                   "scribe",
		"OA Troop Representative":        "order_of_the_arrow_troop_representative",
		"JASM":                           "junior_assistant_scoutmaster",
		"Chaplain's Aide":                "chaplain_aide",
		"SPL":                            "senior_patrol_leader",
	} {
		p, ok := ps.match(in)
		require.True(t, ok, in)
		require.Equal(t, want, p.Code, in)
	}
	for _, in := range []string{"", "Grand Poobah", "(Example Patrol)", "Troop", "Leader"} {
		_, ok := ps.match(in)
		require.False(t, ok, in)
	}
}

func TestHistoryActivityKind(t *testing.T) {
	for label, want := range map[string]string{
		"Total Service Hours":  "service",
		"Total Hiking Miles":   "hiking",
		"Total Camping Nights": "camping",
		"Camping Nights":       "camping",
		"Total Canoeing Miles": "",
		"Total Days of Camp":   "",
	} {
		require.Equal(t, want, historyActivityKind(label), label)
	}
}
