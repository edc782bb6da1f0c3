package advancement_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
)

// craftedLines returns the crafted export split into lines (index 0 is line 1, the header).
func craftedLines(t *testing.T) []string {
	t.Helper()
	return strings.Split(strings.TrimSuffix(testdata(t, "crafted_troop.csv"), "\n"), "\n")
}

// replaceOnLine replaces old by new on line n (1-based), which must contain old.
func replaceOnLine(t *testing.T, lines []string, n int, old, new string) {
	t.Helper()
	require.Contains(t, lines[n-1], old, "line %d", n)
	lines[n-1] = strings.Replace(lines[n-1], old, new, 1)
}

// TestInvalidRowsFailTheJobAndWriteNothing corrupts three rows of the crafted export: the job
// fails at once (no retry), its message names the lines, the invalid rows are stored as
// issues, and nothing else is written.
func TestInvalidRowsFailTheJobAndWriteNothing(t *testing.T) {
	f := newTroop(t)
	f.seedCraftedRoster(t)
	lines := craftedLines(t)
	replaceOnLine(t, lines, 17, `"7a","2024",0,/  /,`, `"7a","2024",0,13/45/2024,`)                   // bad date
	replaceOnLine(t, lines, 19, `"Example Service Award","",1,`, `"Example Service Award","",maybe,`) // bad flag
	replaceOnLine(t, lines, 20, `"900000102"`, `"ABC123"`)                                            // non-numeric member id

	id := f.submit(t, strings.Join(lines, "\n")+"\n", nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Equal(t, 1, j.Attempt, "a bad file is not retried")
	msg := j.errorMessage()
	require.Contains(t, msg, "3 invalid row(s)")
	require.Contains(t, msg, "nothing was imported")
	require.Contains(t, msg, `line 17, field "datecompleted": "13/45/2024" is not a real calendar date`)
	require.Contains(t, msg, `line 19, field "awarded": "maybe"`)
	require.Contains(t, msg, `line 20, field "bsamemberid": "ABC123"`)

	issues := f.issues(t, id)
	require.Equal(t, []string{
		"error | invalid_row | 17 |  |  | ",
		"error | invalid_row | 19 |  |  | ",
		"error | invalid_row | 20 |  |  | ",
	}, issueSummary(issues))
	require.Contains(t, issues[0].Message, "datecompleted")
	require.Contains(t, issues[1].Message, "awarded")
	require.Contains(t, issues[2].Message, "bsamemberid")

	f.requireNothingImported(t, 2)
	require.Zero(t, f.count(t, `select count(*) from import_job_checkpoints`))
}

// TestManyInvalidRowsAreSummarised: the message lists the first three and counts the rest.
func TestManyInvalidRowsAreSummarised(t *testing.T) {
	f := newTroop(t)
	lines := craftedLines(t)
	for n := 2; n <= 11; n++ {
		lines[n-1] = strings.Replace(lines[n-1], `"900000101"`, `"X1"`, 1)
	}
	id := f.submit(t, strings.Join(lines, "\n"), nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Contains(t, j.errorMessage(), "10 invalid row(s)")
	require.Contains(t, j.errorMessage(), "line 2,")
	require.Contains(t, j.errorMessage(), "line 4,")
	require.NotContains(t, j.errorMessage(), "line 5,")
	require.Contains(t, j.errorMessage(), "(and 7 more; the full list is in the job's issues)")
	require.Len(t, f.issues(t, id), 10)
	f.requireNothingImported(t, 0)
}

// TestUnreadableFilesFailWithAClearMessage: files that are not a Troop Advancement export at
// all fail permanently, with a message a leader can act on, and write nothing.
func TestUnreadableFilesFailWithAClearMessage(t *testing.T) {
	header := craftedLines(t)[0]
	row := craftedLines(t)[1]
	cases := []struct {
		name  string
		file  string
		wants []string
	}{
		{
			name: "unterminated quote",
			file: header + "\n" + row + "\n" + row + "\n" + strings.TrimSuffix(row, ",0") + `,"0` + "\n",
			wants: []string{"the file cannot be read", "line 4", "not closed before the end of the file",
				"nothing was imported"},
		},
		{
			name:  "unbalanced quote",
			file:  header + "\n" + row + "\n" + row + "\n" + strings.Replace(row, `"Tenderfoot Rank"`, `"Tenderfoot Rank`, 1) + "\n" + row + "\n",
			wants: []string{"the file cannot be read", "line 4", `a stray " inside a quoted field`, "nothing was imported"},
		},
		{
			name:  "stray quote in an unquoted field",
			file:  header + "\n" + row + "\n" + strings.Replace(row, `,03/10/2024,`, `,03/1"0/2024,`, 1) + "\n",
			wants: []string{"the file cannot be read", "line 3", `a " appears inside a field that is not quoted`},
		},
		{
			name:  "header only",
			file:  header + "\n\n\n",
			wants: []string{"no scouts found in the file", "Troop Advancement export"},
		},
		{
			name:  "empty file",
			file:  "",
			wants: []string{"the file cannot be read", "the file is empty"},
		},
		{
			name: "PDF",
			file: "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n" +
				"2 0 obj\n<< /Length 44 /Filter /FlateDecode >>\nstream\nx\u009c\u00cb\u00c9\u00f7\u00ff\ufffd\u0007\u0001\nendstream\nendobj\n%%EOF\n",
			wants: []string{"the file cannot be read", "line 1", "missing required column(s) bsamemberid",
				"does not look like the header of a Scoutbook Troop Advancement export"},
		},
		{
			name:  "semicolon separated",
			file:  strings.ReplaceAll(header, ",", ";") + "\n" + strings.ReplaceAll(row, ",", ";") + "\n",
			wants: []string{"semicolons or tabs", "comma-separated"},
		},
		{
			name:  "no advancement rows",
			file:  header + "\n" + strings.Replace(strings.Replace(row, `"Rank"`, `"Awards"`, 1), `"Tenderfoot Rank"`, `"Some Award"`, 1) + "\n",
			wants: []string{"no advancement data found in the file", "1 rows"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newTroop(t)
			id := f.submit(t, tc.file, nil)
			f.runWorker(t, advancement.TroopHandler{})
			j := f.job(t, id)
			require.Equal(t, "failed", j.Status)
			require.Equal(t, 1, j.Attempt, "not retried")
			for _, want := range tc.wants {
				require.Contains(t, j.errorMessage(), want)
			}
			require.NotContains(t, j.errorMessage(), "panic")
			require.Empty(t, f.issues(t, id))
			f.requireNothingImported(t, 0)
		})
	}
}
