package advancement_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// histQuotesReport is a small history report for the crafted scout; body is its Scout section.
func histQuotesReport(body string) string {
	return "Generated: 02/03/2026 09:15:00\nScouts BSA History Report\n\"Morgan Exampleton Troop 123 BOYS\"\n" +
		"\"BSA ID:\",\"900000555\",\n\nScout,,\"10/15/2023\"\n" + body + "\n"
}

// TestHistoryQuotedLineBreak: a requirement whose text holds a line break (valid CSV) is
// imported with its date, and the lines after it keep their own.
func TestHistoryQuotedLineBreak(t *testing.T) {
	f := newHistFixture(t)
	scout := f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
	j := f.importReport(t, histQuotesReport(`"1a","Repeat the Scout Oath,`+"\n"+`Scout Law, motto and slogan","09/20/2023"`+"\n"+
		`"1b","Scout spirit","09/21/2023"`), nil)
	j.requireCompleted(t)
	require.Empty(t, j.Result.Warnings)
	require.Equal(t, []string{
		"scout | 2024 | 1a | completed | 2023-09-20 | leader",
		"scout | 2024 | 1b | completed | 2023-09-21 | leader",
	}, f.rows(t, scout)["rank requirements"])
}

// TestHistoryUnclosedQuote: a line whose quote never closes is not read; it is reported with
// its line number, and every other line is imported.
func TestHistoryUnclosedQuote(t *testing.T) {
	f := newHistFixture(t)
	scout := f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
	j := f.importReport(t, histQuotesReport(`"1a","Scout Oath & Law","09/20/2023`+"\n"+ // line 7: the closing quote is missing
		`"1b","Scout spirit","09/21/2023"`+"\n"+
		`"7","Scoutmaster conference","10/15/2023`), nil) // line 9: the last line, never closed
	j.requireCompleted(t)
	require.Equal(t, []string{
		"scout | 2024 | 1b | completed | 2023-09-21 | leader",
	}, f.rows(t, scout)["rank requirements"])
	var lines []int
	for _, w := range j.Result.Warnings {
		require.Equal(t, "report_line_ignored", w.Type)
		require.True(t, strings.Contains(w.Message, "closing \" is missing"), w.Message)
		lines = append(lines, w.Line)
	}
	require.Equal(t, []int{7, 9}, lines)
	require.Equal(t, 2, f.count(t, `select count(*) from import_job_issues where severity = 'warning' and code = 'report_line_ignored'`))
}
