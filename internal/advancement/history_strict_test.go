package advancement_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// histUnreadableBody has two lines whose closing quote is missing (lines 7 and 9) around one
// readable requirement.
const histUnreadableBody = `"1a","Scout Oath & Law","09/20/2023` + "\n" +
	`"1b","Scout spirit","09/21/2023"` + "\n" +
	`"7","Scoutmaster conference","10/15/2023`

// TestHistoryStrictRefusesUnreadableLines: with strict, a report with lines that cannot be read
// is refused whole: nothing is written, the lines are the job's issues (as errors) and the
// message names them.
func TestHistoryStrictRefusesUnreadableLines(t *testing.T) {
	f := newHistFixture(t)
	f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
	before := f.snapshot(t)
	id := f.submit(t, histQuotesReport(histUnreadableBody), map[string]any{"strict": true})
	f.run(t)
	j := f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Contains(t, j.Error, "the report has 2 line(s) that cannot be read and strict mode is on, so nothing was imported")
	require.Contains(t, j.Error, "Line 7:")
	require.Contains(t, j.Error, "Line 9:")
	require.Equal(t, before, f.snapshot(t), "a refused report writes nothing")
	require.Equal(t, 2, f.count(t, `select count(*) from import_job_issues where job_id = $1 and severity = 'error' and code = 'report_line_ignored'`, id))
	require.Equal(t, 0, f.count(t, `select count(*) from import_job_issues where job_id = $1 and severity <> 'error'`, id))
}

// TestHistoryStrictImportsAReadableReport: strict changes nothing for a report whose lines all
// read.
func TestHistoryStrictImportsAReadableReport(t *testing.T) {
	f := newHistFixture(t)
	scout := f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
	j := f.importReport(t, histQuotesReport(`"1a","Scout Oath & Law","09/20/2023"`+"\n"+`"1b","Scout spirit","09/21/2023"`),
		map[string]any{"strict": true})
	j.requireCompleted(t)
	require.Equal(t, []string{
		"scout | 2024 | 1a | completed | 2023-09-20 | leader",
		"scout | 2024 | 1b | completed | 2023-09-21 | leader",
	}, f.rows(t, scout)["rank requirements"])
}

// TestHistoryStrictDryRunStoresNothing: a strict dry run of such a report fails with the same
// message and stores no issue (a dry run writes nothing).
func TestHistoryStrictDryRunStoresNothing(t *testing.T) {
	f := newHistFixture(t)
	f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
	id := f.submit(t, histQuotesReport(histUnreadableBody), map[string]any{"strict": true, "dryRun": true})
	f.run(t)
	j := f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Contains(t, j.Error, "the report has 2 line(s) that cannot be read and strict mode is on")
	require.Equal(t, 0, f.count(t, `select count(*) from import_job_issues where job_id = $1`, id))
}
