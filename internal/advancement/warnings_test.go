package advancement_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
)

// TestWarningsAreGroupedImportantFirst: an import with 120 routine requirement_recorded_for_unit
// warnings and a few that need a leader: the result counts each type, summarises them most
// important first, and its capped sample starts with the skipped row, the unknown badge and the
// inactive scout. import_job_issues keeps every warning.
func TestWarningsAreGroupedImportantFirst(t *testing.T) {
	f := newTroop(t)
	f.seedCraftedRoster(t)
	row := func(id, first, last, typ, adv, version, date string) string {
		return fmt.Sprintf(`"%s","%s","","","%s","%s","%s","%s",1,%s,1,%s,0,"","",/  /,"",/  /,"",%s,0,0,0`,
			id, first, last, typ, adv, version, date, date, date)
	}
	lines := []string{craftedLines(t)[0]}
	for v := 1901; v <= 2020; v++ { // 120 badge versions whose ids the reference data lacks
		lines = append(lines, row(avery, "Avery", "Testwood", "Camping Merit Badge Requirements", "9z", fmt.Sprint(v), "01/02/2024"))
	}
	lines = append(lines,
		row("X1", "Bad", "Row", "Rank", "Star Rank", "2024", "01/02/2024"),                                       // line 122: skipped
		row(jordan, "Jordan", "Samplesen", "Merit Badges", "Underwater Basket Weaving MB", "2020", "04/04/2024"), // line 123
	)
	id := f.submit(t, strings.Join(lines, "\n")+"\n", nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())

	r := j.Result
	require.Equal(t, map[string]int{"requirement_recorded_for_unit": 120, "invalid_row": 1, "unknown_merit_badge": 1,
		"inactive_scout": 1, "version_mismatch": 1}, r.WarningCounts)
	require.Equal(t, 124, r.WarningCount)
	require.True(t, r.WarningsTruncated)
	require.Len(t, r.Warnings, 100)
	var first []string
	for _, w := range r.Warnings[:4] {
		first = append(first, fmt.Sprintf("%s %d", w.Type, w.Line))
	}
	require.Equal(t, []string{"invalid_row 122", "unknown_merit_badge 123", "inactive_scout 123", "version_mismatch 3"}, first)
	require.Equal(t, "requirement_recorded_for_unit", r.Warnings[99].Type)

	summary, ok := j.RawResult["warningSummary"].([]any)
	require.True(t, ok, "warningSummary is a list")
	require.Len(t, summary, 5)
	require.Equal(t, map[string]any{"type": "invalid_row", "count": 1.0,
		"message": "1 row(s) of the file could not be read and were skipped."}, summary[0])
	require.Equal(t, "requirement_recorded_for_unit", summary[4].(map[string]any)["type"])
	require.Equal(t, 124, f.count(t, `select count(*) from import_job_issues where job_id = $1`, id), "every warning is stored")
}
