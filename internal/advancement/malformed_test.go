package advancement_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
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

// craftedWithout returns craftedRows with the rows of table that equal drop removed and, for
// each pair of replace, the first string replaced by the second.
func craftedWithout(table string, drop []string, replace ...[2]string) map[string][]string {
	out := map[string][]string{}
	for tb, rows := range craftedRows {
		var kept []string
		for _, r := range rows {
			if tb == table && slices.Contains(drop, r) {
				continue
			}
			for _, rp := range replace {
				if tb == table && r == rp[0] {
					r = rp[1]
				}
			}
			kept = append(kept, r)
		}
		out[tb] = kept
	}
	return out
}

// averyStar1 is what line 37 of the crafted export writes.
const averyStar1 = "900000101 | star | 2024 | 1 | reference | completed | 2025-06-01T00:00:00Z | leader | Imported from Scoutbook"

// TestRowProblemsAreSkippedAndReported corrupts one row of the crafted export per case. A row
// that cannot be used at all is skipped; a value that cannot be read is taken as empty and the
// rest of its row imported. Each problem is reported with its line, field and value (in
// import_job_issues and in the result's warnings), and everything else is imported exactly.
func TestRowProblemsAreSkippedAndReported(t *testing.T) {
	line37 := craftedLines(t)[36]
	fields := strings.Split(line37, ",")
	cases := []struct {
		name    string
		line    int
		old     string
		new     string
		want    map[string][]string
		issues  []string // added to craftedIssues
		message string   // in the issue's message
		skipped int
	}{
		{
			name: "member id not digits", line: 37, old: `"900000101"`, new: `"X12345"`,
			want:    craftedWithout("scout_rank_requirement_progress", []string{averyStar1}),
			issues:  []string{"warning | invalid_row | 37 |  | bsamemberid | "},
			message: `Line 37, field "bsamemberid": "X12345" is not a BSA member ID (expected digits only); the row was skipped.`,
			skipped: 1,
		},
		{
			name: "member id blank", line: 37, old: `"900000101"`, new: `""`,
			want:    craftedWithout("scout_rank_requirement_progress", []string{averyStar1}),
			issues:  []string{"warning | invalid_row | 37 |  | bsamemberid | "},
			message: `Line 37, field "bsamemberid": the BSA member ID is empty`,
			skipped: 1,
		},
		{
			name: "member id too long", line: 37, old: `"900000101"`, new: `"9000001019000001019000"`,
			want:    craftedWithout("scout_rank_requirement_progress", []string{averyStar1}),
			issues:  []string{"warning | invalid_row | 37 |  | bsamemberid | "},
			message: `"9000001019000001019000" is not a BSA member ID (22 digits; at most 20)`,
			skipped: 1,
		},
		{
			name: "too few fields", line: 37, old: line37, new: strings.Join(fields[:11], ","),
			want:    craftedWithout("scout_rank_requirement_progress", []string{averyStar1}),
			issues:  []string{"warning | invalid_row | 37 | 900000101 | markedcompleteddate | "},
			message: "Line 37, field \"markedcompleteddate\": the row has 11 field(s) but needs 12",
			skipped: 1,
		},
		{
			name: "too many fields", line: 37, old: line37, new: line37 + `,"extra"`,
			want:    craftedWithout("scout_rank_requirement_progress", []string{averyStar1}),
			issues:  []string{"warning | invalid_row | 37 | 900000101 |  | "},
			message: "Line 37: the row has 24 fields but the export has 23 columns",
			skipped: 1,
		},
		{
			// A quote inside a field that is not quoted: the row cannot be split into fields.
			name: "quote inside an unquoted field", line: 37, old: `,06/01/2025,1,`, new: `,06/0"1/2025,1,`,
			want:    craftedWithout("scout_rank_requirement_progress", []string{averyStar1}),
			issues:  []string{"warning | invalid_row | 37 |  |  | "},
			message: `Line 37: a " appears inside a field that is not quoted, at line 37, column`,
			skipped: 1,
		},
		{
			// Both dates unreadable, approved 1: done, without a date.
			name: "dates not dates, approved", line: 14, old: `0,07/10/2025,1,07/10/2025,`, new: `0,07/45/2025,1,7/10/25,`,
			want: craftedWithout("scout_merit_badge_requirement_progress", nil, [2]string{
				"900000101 | camping | 2024 | 3a[1] | 3a[1] | unit | completed | 2025-07-10T00:00:00Z | leader | Imported from Scoutbook",
				"900000101 | camping | 2024 | 3a[1] | 3a[1] | unit | completed | - | leader | Imported from Scoutbook"}),
			issues: []string{"warning | invalid_value | 14 | 900000101 | datecompleted | ",
				"warning | invalid_value | 14 | 900000101 | markedcompleteddate | "},
			message: `Line 14, field "datecompleted": "07/45/2025" is not a real calendar date`,
		},
		{
			// The date unreadable and approved 0: not done. Multisport loses its only
			// completed requirement, so its in-progress row is not created either.
			name: "date not a date, not approved", line: 31, old: `0,07/15/2025,1,07/15/2025,`, new: `0,07/15/20x5,0,/  /,`,
			want: func() map[string][]string {
				w := craftedWithout("scout_merit_badge_requirement_progress", []string{
					"900000103 | multisport | 2025 | 4a1 Triathlon Option | 4a1 Triathlon Option | unit | completed | 2025-07-15T00:00:00Z | leader | Imported from Scoutbook"})
				w["scout_merit_badge_progress"] = slices.DeleteFunc(slices.Clone(w["scout_merit_badge_progress"]), func(r string) bool {
					return strings.HasPrefix(r, "900000103 | multisport |")
				})
				return w
			}(),
			issues:  []string{"warning | invalid_value | 31 | 900000103 | datecompleted | "},
			message: `Line 31, field "datecompleted": "07/15/20x5" is not a date`,
		},
		{
			// approved "yes" is not 1: not done (the row has no date).
			name: "flag other than 0 or 1", line: 21, old: `0,/  /,1,09/02/2025,`, new: `0,/  /,yes,09/02/2025,`,
			want: craftedWithout("scout_rank_requirement_progress", []string{
				"900000102 | star | 2024 | 3 | reference | completed | 2025-09-02T00:00:00Z | leader | Imported from Scoutbook"}),
			issues:  []string{"warning | invalid_value | 21 | 900000102 | approved | "},
			message: `Line 21, field "approved": "yes" is not 1 or 0; it was read as 0 (no).`,
		},
		{
			// No version: the rank's current version (2024) applies, as for an empty one.
			name: "version not a year", line: 7, old: `"12","2024"`, new: `"12","2024.0"`,
			want:    craftedRows,
			issues:  []string{"warning | invalid_value | 7 | 900000101 | version | "},
			message: `Line 7, field "version": "2024.0" is not a version year`,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newTroop(t)
			f.seedCraftedRoster(t)
			lines := craftedLines(t)
			replaceOnLine(t, lines, tc.line, tc.old, tc.new)
			id := f.submit(t, strings.Join(lines, "\n")+"\n", nil)
			f.runWorker(t, advancement.TroopHandler{})
			j := f.job(t, id)
			require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())

			got := f.naturalDump(t)
			for table, want := range tc.want {
				require.Equal(t, sorted(want), got[table], table)
			}
			wantIssues := append(slices.Clone(craftedIssues), tc.issues...)
			slices.Sort(wantIssues)
			issues := f.issues(t, id)
			require.Equal(t, wantIssues, issueSummary(issues))
			var found bool
			for _, is := range issues {
				found = found || strings.Contains(is.Message, tc.message)
			}
			require.True(t, found, "an issue says %q", tc.message)

			r := j.Result
			require.Equal(t, tc.skipped, r.SkippedRows)
			require.Equal(t, len(wantIssues), r.WarningCount)
			require.Equal(t, float64(tc.skipped), j.RawResult["rows"].(map[string]any)["invalidRows"])
			require.Equal(t, float64(len(tc.issues)-tc.skipped), j.RawResult["rows"].(map[string]any)["invalidValues"])
			var warned bool
			for _, w := range r.Warnings {
				if w.Line == tc.line && strings.Contains(w.Message, tc.message) {
					warned = true
					require.Contains(t, tc.issues[0], " | "+w.Field+" | ", "the warning names the field")
					require.Contains(t, tc.new, w.Value, "the warning shows the value")
				}
			}
			require.True(t, warned, "the result's warnings show line %d", tc.line)
		})
	}
}

// corruptThreeRows corrupts three rows of the crafted export: a date, a flag and a member id.
func corruptThreeRows(t *testing.T) string {
	lines := craftedLines(t)
	replaceOnLine(t, lines, 17, `"7a","2024",0,/  /,`, `"7a","2024",0,13/45/2024,`)                   // bad date
	replaceOnLine(t, lines, 19, `"Example Service Award","",1,`, `"Example Service Award","",maybe,`) // bad flag
	replaceOnLine(t, lines, 20, `"900000102"`, `"ABC123"`)                                            // non-numeric member id
	return strings.Join(lines, "\n") + "\n"
}

// TestStrictRefusesRowProblemsAndWritesNothing: with options.strict, the same problems fail the
// job at once (no retry); its message names the lines, the problems are stored as errors, and
// nothing else is written.
func TestStrictRefusesRowProblemsAndWritesNothing(t *testing.T) {
	f := newTroop(t)
	f.seedCraftedRoster(t)
	id := f.submit(t, corruptThreeRows(t), map[string]any{"strict": true})
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Equal(t, 1, j.Attempt, "a bad file is not retried")
	msg := j.errorMessage()
	require.Contains(t, msg, "3 invalid row(s) and strict mode is on")
	require.Contains(t, msg, "nothing was imported")
	require.Contains(t, msg, `Line 17, field "datecompleted": "13/45/2024" is not a real calendar date`)
	require.Contains(t, msg, `Line 19, field "awarded": "maybe"`)
	require.Contains(t, msg, `Line 20, field "bsamemberid": "ABC123"`)

	require.Equal(t, []string{
		"error | invalid_row | 20 |  | bsamemberid | ",
		"error | invalid_value | 17 | 900000101 | datecompleted | ",
		"error | invalid_value | 19 | 900000101 | awarded | ",
	}, issueSummary(f.issues(t, id)))
	f.requireNothingImported(t, 2)
	require.Zero(t, f.count(t, `select count(*) from import_job_checkpoints`))
}

// TestDryRunListsWhatWouldBeSkipped: the preview shows the problems before anything is written.
func TestDryRunListsWhatWouldBeSkipped(t *testing.T) {
	f := newTroop(t)
	f.seedCraftedRoster(t)
	id := f.submit(t, corruptThreeRows(t), map[string]any{"dryRun": true})
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	require.Empty(t, f.issues(t, id), "a dry run stores nothing")
	f.requireNothingImported(t, 2)
	r := j.Result
	require.True(t, r.DryRun)
	require.Equal(t, 1, r.SkippedRows)
	var lines []int
	for _, w := range r.Warnings {
		if w.Type == "invalid_row" || w.Type == "invalid_value" {
			lines = append(lines, w.Line)
		}
	}
	slices.Sort(lines)
	require.Equal(t, []int{17, 19, 20}, lines)
}

// TestManyInvalidRowsAreSummarised: in strict mode the message lists the first three and counts
// the rest.
func TestManyInvalidRowsAreSummarised(t *testing.T) {
	f := newTroop(t)
	lines := craftedLines(t)
	for n := 2; n <= 11; n++ {
		lines[n-1] = strings.Replace(lines[n-1], `"900000101"`, `"X1"`, 1)
	}
	id := f.submit(t, strings.Join(lines, "\n"), map[string]any{"strict": true})
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Contains(t, j.errorMessage(), "10 invalid row(s)")
	require.Contains(t, j.errorMessage(), "Line 2,")
	require.Contains(t, j.errorMessage(), "Line 4,")
	require.NotContains(t, j.errorMessage(), "Line 5,")
	require.Contains(t, j.errorMessage(), "(and 7 more; the full list is in the job's issues)")
	require.Len(t, f.issues(t, id), 10)
	f.requireNothingImported(t, 0)
}

// TestErrorBudgetRefusesTheWrongFile: more rows with problems than the budget allows stop the
// job with a clear message; the first rows' problems are stored, nothing else is written.
func TestErrorBudgetRefusesTheWrongFile(t *testing.T) {
	f := newTroop(t)
	lines := craftedLines(t)
	for n := 2; n <= 11; n++ {
		lines[n-1] = strings.Replace(lines[n-1], `"900000101"`, `"X1"`, 1)
	}
	id := f.submit(t, strings.Join(lines, "\n"), nil)
	f.runWorker(t, advancement.TroopHandler{MaxProblemRows: 5})
	j := f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Equal(t, 1, j.Attempt, "not retried")
	require.Contains(t, j.errorMessage(), "the export has more than 5 rows that cannot be read; is it the right file? Nothing was imported.")
	require.Contains(t, j.errorMessage(), "Line 2,")
	require.Len(t, f.issues(t, id), 5)
	f.requireNothingImported(t, 0)
}

// TestEveryRowUnreadable: a file whose rows are all skipped fails rather than importing nothing.
func TestEveryRowUnreadable(t *testing.T) {
	f := newTroop(t)
	lines := craftedLines(t)
	for n := 2; n <= len(lines); n++ {
		lines[n-1] = lines[n-1][:strings.Index(lines[n-1], `,"`)] + `,"X"`
	}
	id := f.submit(t, strings.Join(lines, "\n"), nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Contains(t, j.errorMessage(), "none of the file's rows could be read (36 skipped), so nothing was imported")
	require.Contains(t, j.errorMessage(), `Line 2, field "lastname": the row has 2 field(s) but needs 12`)
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
			name:  "header only",
			file:  header + "\n\n\n",
			wants: []string{"the export has a header but no data rows"},
		},
		{
			name:  "bytes that are not text",
			file:  header + "\n" + row + "\n" + strings.Replace(row, "Avery", "Av\x01\x02ery", 1) + "\n",
			wants: []string{"the file cannot be read", "line 3", "bytes that are not text", "nothing was imported"},
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

// TestStagedDataSkipsAnUnreadableChange: in the app's staged JSON, a change whose date or
// version cannot be read is skipped and reported; the others are imported.
func TestStagedDataSkipsAnUnreadableChange(t *testing.T) {
	f := newTroop(t)
	f.seedCraftedRoster(t)
	staged := map[string]any{"scouts": []map[string]any{{
		"bsaMemberId": avery, "firstName": "Avery", "lastName": "Testwood",
		"ranks": []any{
			map[string]any{"type": "rank", "name": "Tenderfoot Rank", "code": "tenderfoot", "version": "2024", "date": "2024-03-14"},
			map[string]any{"type": "rank", "name": "Star Rank", "code": "star", "version": "2024", "date": "2024-13-45"},
		},
	}}}
	id := f.submitStaged(t, staged, nil, nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	require.Equal(t, []string{"900000101 | tenderfoot | awarded | started 2024-03-14T00:00:00Z | completed - | awarded 2024-03-14T00:00:00Z"},
		f.naturalDump(t)["scout_rank_progress"])
	require.Equal(t, 1, j.Result.SkippedRows)
	issues := f.issues(t, id)
	require.Len(t, issues, 1)
	require.Equal(t, "warning | invalid_row | 0 | 900000101 | Star Rank | ", issueSummary(issues)[0])
	require.Contains(t, issues[0].Message, `date "2024-13-45"`)
}

// TestRowProblemsResumeAndReimport: an import of a file with row problems, interrupted inside
// a chunk and resumed, ends with the rows and issues of an uninterrupted import; importing the
// same file again writes no row and reports the same problems.
func TestRowProblemsResumeAndReimport(t *testing.T) {
	file := corruptThreeRows(t)
	ref := newTroop(t)
	ref.seedCraftedRoster(t)
	refID := ref.submit(t, file, nil)
	ref.runWorker(t, advancement.TroopHandler{})
	require.Equal(t, "completed", ref.job(t, refID).Status)

	f := newTroop(t)
	f.seedCraftedRoster(t)
	f.failCheckpointWrites(t, 4)
	id := f.submit(t, file, nil)
	run := func() {
		f.runWorkerWith(t, advancement.TroopHandler{ChunkSize: 1}, func(c *jobs.Config) {
			c.Backoff = jobs.Backoff{Base: time.Hour, Max: time.Hour}
		})
	}
	run()
	require.Equal(t, "pending", f.job(t, id).Status, "the injected failure ends the first attempt")
	f.exec(t, `update import_jobs set run_after = now() where id = $1`, id)
	run()
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	require.Equal(t, 2, j.Attempt)
	require.Equal(t, ref.naturalDump(t), f.naturalDump(t))
	require.Equal(t, issueSummary(ref.issues(t, refID)), issueSummary(f.issues(t, id)))
	require.Equal(t, ref.job(t, refID).Result.WarningCount, j.Result.WarningCount)

	before := f.rawSnapshot(t)
	again := f.submit(t, file, nil)
	f.runWorker(t, advancement.TroopHandler{})
	require.Equal(t, "completed", f.job(t, again).Status)
	after := f.rawSnapshot(t)
	delete(before, "import_job_checkpoints rows")
	delete(after, "import_job_checkpoints rows")
	require.Equal(t, before, after, "a re-import writes nothing")
	rowIssues := func(job uuid.UUID) []string {
		return slices.DeleteFunc(issueSummary(f.issues(t, job)), func(s string) bool { return !strings.Contains(s, "| invalid_") })
	}
	require.Len(t, rowIssues(again), 3)
	require.Equal(t, rowIssues(id), rowIssues(again), "the same row problems are reported again")
}
