package advancement_test

// Hostile and careless uploads (issue: shared reference data was writable through an upload,
// and nothing bounded what one file could cost). Each test replays one input through the
// leader's browser path and a real worker, and checks the outcome, the leader-readable
// warnings or error, that the shared bsa_* tables are unchanged and that nothing else was
// written.

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
)

const troopHeader = "bsamemberid,firstname,nickname,middlename,lastname,advancementtype,advancement,version,awarded,datecompleted,approved," +
	"markedcompleteddate,markedcompleteduserid,markedcompletedby,counselorapprovedby,counselorapproveddate,leaderapprovedby," +
	"leaderapproveddate,awardedby,awardeddate,id,unitnumber,unittypeid\n"

// exportBuilder writes a Troop Advancement export row by row; line numbers start at 2.
type exportBuilder struct {
	b    strings.Builder
	line int
}

func newExport() *exportBuilder {
	e := &exportBuilder{line: 1}
	e.b.WriteString(troopHeader)
	return e
}

// csvQuote quotes a field as Scoutbook does.
func csvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// requirement adds a completed requirement row (done on date, approved) and returns its line.
func (e *exportBuilder) requirement(bsaID, typ, id, version, date string) int {
	e.line++
	fmt.Fprintf(&e.b, "%s,\"Avery\",\"\",\"\",\"Testwood\",%s,%s,%s,0,%s,1,%s,0,\"\",\"\",/  /,\"\",/  /,\"\",/  /,0,0,0\n",
		csvQuote(bsaID), csvQuote(typ), csvQuote(id), csvQuote(version), date, date)
	return e.line
}

// award adds an awarded rank or merit badge row and returns its line.
func (e *exportBuilder) award(bsaID, typ, name, version, date string) int {
	e.line++
	fmt.Fprintf(&e.b, "%s,\"Avery\",\"\",\"\",\"Testwood\",%s,%s,%s,1,%s,1,%s,0,\"\",\"\",/  /,\"\",/  /,\"\",%s,0,0,0\n",
		csvQuote(bsaID), csvQuote(typ), csvQuote(name), csvQuote(version), date, date, date)
	return e.line
}

func (e *exportBuilder) String() string { return e.b.String() }

// sharedDigest is a digest of every row of the shared reference tables.
func (f *troopFixture) sharedDigest(t testing.TB) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range []string{"bsa_ranks", "bsa_rank_requirements", "bsa_merit_badges", "bsa_merit_badge_requirements"} {
		var d string
		require.NoError(t, f.db.Pool.QueryRow(context.Background(), fmt.Sprintf(
			`select count(*)::text || ' ' || coalesce(md5(string_agg(t::text, E'\n' order by t::text)), '-') from public.%s t`, table)).Scan(&d))
		out[table] = d
	}
	return out
}

// issuesWithCode returns the job's issues of one code.
func issuesWithCode(issues []issueRow, code string) []issueRow {
	var out []issueRow
	for _, is := range issues {
		if is.Code == code {
			out = append(out, is)
		}
	}
	return out
}

// TestHostileRequirementIDsAreRefused uploads the ids of the issue: a sentence with a link,
// markup, a 5,000-character id, 2,000 "junk-NNNNN" ids, an id the reference data lacks in a
// version it defines (a 28th Tenderfoot requirement), and 200 well-formed ids for one badge
// version (more than any real badge has). Good rows around them are imported; every refused
// row is reported with its line; the shared tables do not change.
func TestHostileRequirementIDsAreRefused(t *testing.T) {
	f := newTroop(t)
	const scout = "900000301"
	e := newExport()
	e.requirement(scout, "Tenderfoot Rank Requirements", "1a", "2024", "02/01/2024")
	link := e.requirement(scout, "Camping Merit Badge Requirements", "Visit http://evil.example to finish this badge", "2019", "03/01/2019")
	script := e.requirement(scout, "Camping Merit Badge Requirements", `<script>alert("x")</script>`, "2019", "03/01/2019")
	long := e.requirement(scout, "Camping Merit Badge Requirements", "1"+strings.Repeat("a", 4999), "2019", "03/01/2019")
	e.requirement(scout, "Camping Merit Badge Requirements", "3a[1]", "2019", "03/02/2019")
	extra := e.requirement(scout, "Tenderfoot Rank Requirements", "28", "2024", "02/02/2024")
	firstJunk := e.line + 1
	for i := range 2000 {
		e.requirement(scout, "Camping Merit Badge Requirements", fmt.Sprintf("junk-%05d", i), "2019", "03/03/2019")
	}
	firstCooking := e.line + 1
	for i := range 200 {
		e.requirement(scout, "Cooking Merit Badge Requirements", fmt.Sprintf("9-%04d", i), "2019", "03/04/2019")
	}
	shared := f.sharedDigest(t)

	id := f.submit(t, e.String(), nil)
	f.runWorker(t, advancement.TroopHandler{Limits: advancement.Limits{MaxWarningsPerKind: 5000}})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	require.Equal(t, shared, f.sharedDigest(t), "the shared reference data is unchanged")

	// What was written: the scout, the good rank requirement, the badge ids recorded for this
	// unit only (3a[1] and the first 150 Cooking ids), nothing else.
	got := f.naturalDump(t)
	require.Equal(t, []string{"900000301 | Avery | - | Testwood | active"}, got["scouts"])
	require.Equal(t, []string{"900000301 | tenderfoot | 2024 | 1a | reference | completed | 2024-02-01T00:00:00Z | leader | Imported from Scoutbook"},
		got["scout_rank_requirement_progress"])
	require.Len(t, got["registered definitions"], 151)
	require.Contains(t, got["registered definitions"], "unit badge | camping | 2019 | 3a[1] | 1 | this unit | job")
	require.Contains(t, got["registered definitions"], "unit badge | cooking | 2019 | 9-0149 | 150 | this unit | job")
	require.NotContains(t, got["registered definitions"], "unit badge | cooking | 2019 | 9-0150 | 151 | this unit | job")
	require.Len(t, got["scout_merit_badge_requirement_progress"], 151, "all under the unit's own definitions")
	for _, row := range got["scout_merit_badge_requirement_progress"] {
		require.Contains(t, row, " | unit | completed | ")
	}
	require.Equal(t, 151, f.count(t, `select count(*) from unit_requirement_definitions where requirement_number !~ '[<>:/"]'`))
	require.Zero(t, f.count(t, `select count(*) from unit_requirement_definitions where unit_id <> $1`, f.unit))
	require.Zero(t, f.count(t, `select count(*) from scout_rank_progress p join bsa_ranks r on r.id = p.rank_id where r.code <> 'tenderfoot'`))

	r := j.Result
	require.Equal(t, 3+2000+50, r.Rows.RefusedIDs)
	require.Equal(t, 1, r.RankRequirementsImported)
	require.Equal(t, 151, r.BadgeRequirementsImported)
	require.Equal(t, 151, r.RequirementDefinitionsRegistered)
	require.Equal(t, 1, r.UnknownItems, "Tenderfoot 28: staged, then refused")

	issues := f.issues(t, id)
	refused := issuesWithCode(issues, "requirement_refused")
	require.Len(t, refused, 3+2000+50+1)
	byLine := map[int]string{}
	for _, is := range refused {
		byLine[is.Line] = is.Message
	}
	require.Equal(t, fmt.Sprintf(`Line %d: the requirement id "Visit http://evil.example to finish this"… is 46 characters long; a requirement id has at most 40; the row was not imported.`, link),
		byLine[link])
	require.Equal(t, fmt.Sprintf(`Line %d: the requirement id "<script>alert(\"x\")</script>" does not start with a digit, as every requirement id does (1a, 3a[1], 6A(a)(1)); the row was not imported.`, script),
		byLine[script])
	require.Equal(t, fmt.Sprintf(`Line %d: the requirement id "1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"… is 5000 characters long; a requirement id has at most 40; the row was not imported.`, long),
		byLine[long])
	for i := range 2000 {
		require.Contains(t, byLine[firstJunk+i], fmt.Sprintf("Line %d: the requirement id \"junk-%05d\" does not start with a digit", firstJunk+i, i))
	}
	for i := 150; i < 200; i++ {
		require.Equal(t, fmt.Sprintf(`Line %d: Cooking (version 2019) already has 150 different requirement ids in this file, more than any real one has; requirement id "9-%04d"; the row was not imported.`,
			firstCooking+i, i), byLine[firstCooking+i])
	}
	require.Equal(t, fmt.Sprintf("Tenderfoot (version 2024): 1 requirement id(s) from the file are not requirements of this version in the reference data, so their rows were not imported: 28 (line %d).", extra),
		issueMessage(issues, "requirement_refused", "Tenderfoot"))
	recorded := issuesWithCode(issues, "requirement_recorded_for_unit")
	require.Len(t, recorded, 2)
	for _, is := range issues {
		require.NotContains(t, is.Message, strings.Repeat("a", 41), "a leader never reads a 5,000-character value")
	}
}

// TestUnknownIDsPerFileAreBounded: past Limits.MaxUnknownIDs, ids the reference data lacks are
// not recorded; a re-import records nothing more and reports the same.
func TestUnknownIDsPerFileAreBounded(t *testing.T) {
	f := newTroop(t)
	e := newExport()
	for i := range 8 {
		e.requirement("900000302", "Camping Merit Badge Requirements", fmt.Sprintf("%da", i+1), "2019", "03/01/2019")
	}
	shared := f.sharedDigest(t)
	handler := advancement.TroopHandler{Limits: advancement.Limits{MaxUnknownIDs: 5}}
	for attempt := range 2 {
		id := f.submit(t, e.String(), nil)
		f.runWorker(t, handler)
		j := f.job(t, id)
		require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
		require.Equal(t, []string{"1a", "2a", "3a", "4a", "5a"}, f.strings(t, `select requirement_number from unit_requirement_definitions`))
		require.Equal(t, 5, f.count(t, `select count(*) from unit_requirement_progress`))
		require.Equal(t, "Camping (version 2019): 3 requirement id(s) the reference data lacks were not imported: the file names more than 5 such ids, "+
			"the most one import records: 6a (line 7), 7a (line 8), 8a (line 9).", issueMessage(f.issues(t, id), "requirement_refused", "Camping"))
		require.Equal(t, 3, j.Result.UnknownItems)
		if attempt == 1 {
			require.Zero(t, j.Result.RequirementDefinitionsRegistered)
			require.Equal(t, 5, j.Result.DuplicatesSkipped)
		}
	}
	require.Equal(t, shared, f.sharedDigest(t))
}

// TestUnknownBadgeWarningsAreBounded: a file with thousands of unknown badges keeps the first
// warnings one by one and counts the rest in one summary, so its warnings take bounded memory.
func TestUnknownBadgeWarningsAreBounded(t *testing.T) {
	f := newTroop(t)
	e := newExport()
	first := e.line + 1
	for i := range 3000 {
		e.award("900000303", "Merit Badges", fmt.Sprintf("Basket Weaving %04d MB", i), "2020", "04/04/2024")
	}
	shared := f.sharedDigest(t)
	id := f.submit(t, e.String(), nil)
	f.runWorker(t, advancement.TroopHandler{Limits: advancement.Limits{MaxWarningsPerKind: 100}})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	require.Equal(t, 3000, j.Result.UnknownItems)
	unknown := issuesWithCode(f.issues(t, id), "unknown_merit_badge")
	require.Len(t, unknown, 101)
	require.Equal(t, fmt.Sprintf("2900 more warning(s) of this kind (unknown_merit_badge), from line %d to line %d, are not listed one by one; the first 100 are.",
		first+100, first+2999), issueMessage(unknown, "unknown_merit_badge", ""))
	require.Equal(t, shared, f.sharedDigest(t))
	f.requireNothingImported(t, 1) // the scout was created; no progress
}

// TestOversizedFilesFailWhole: a file over the row or scout limit fails before anything is
// written, with a message a leader can act on.
func TestOversizedFilesFailWhole(t *testing.T) {
	for _, tc := range []struct {
		name   string
		limits advancement.Limits
		want   string
	}{
		{"rows", advancement.Limits{MaxRows: 10}, "the file has more than 10 rows, the most one import takes; nothing was imported. Export fewer scouts at a time"},
		{"scouts", advancement.Limits{MaxScouts: 3}, "the file lists more than 3 scouts, the most one import takes (line 11); nothing was imported. Export fewer scouts at a time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newTroop(t)
			e := newExport()
			for i := range 12 {
				e.award(fmt.Sprintf("90000040%d", i/3), "Rank", "Scout Rank", "2024", "01/05/2024")
			}
			shared := f.sharedDigest(t)
			id := f.submit(t, e.String(), nil)
			f.runWorker(t, advancement.TroopHandler{Limits: tc.limits})
			j := f.job(t, id)
			require.Equal(t, "failed", j.Status)
			require.Equal(t, tc.want, j.errorMessage())
			require.Equal(t, 1, j.Attempt, "not retried: the same file fails the same way")
			require.Equal(t, shared, f.sharedDigest(t))
			f.requireNothingImported(t, 0)
		})
	}
}

// TestDryRunShowsRefusedAndRecordedIDs: the preview says which ids would be refused or
// recorded for the unit, and writes nothing.
func TestDryRunShowsRefusedAndRecordedIDs(t *testing.T) {
	f := newTroop(t)
	e := newExport()
	e.requirement("900000304", "Tenderfoot Rank Requirements", "28", "2024", "02/02/2024")
	e.requirement("900000304", "Camping Merit Badge Requirements", "3a[1]", "2019", "03/02/2019")
	e.requirement("900000304", "Camping Merit Badge Requirements", "<b>1</b>", "2019", "03/02/2019")
	shared := f.sharedDigest(t)
	id := f.submit(t, e.String(), map[string]any{"dryRun": true})
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	byType := map[string]string{}
	for _, w := range j.Result.Warnings {
		byType[w.Type+" "+w.Rank+w.Badge] += w.Message
	}
	require.Equal(t, "Tenderfoot (version 2024): 1 requirement id(s) from the file are not requirements of this version in the reference data, "+
		"so their rows would not be imported: 28 (line 2).", byType["requirement_refused Tenderfoot"])
	require.Equal(t, "Camping (version 2019): 1 requirement id(s) from the file are not in the shared reference data, which has nothing for this version; "+
		"they would be recorded for this unit only: 3a[1] (line 3).", byType["requirement_recorded_for_unit Camping"])
	require.Contains(t, byType["requirement_refused "], `Line 4: the requirement id "<b>1</b>" does not start with a digit`)
	require.Equal(t, shared, f.sharedDigest(t))
	f.requireNothingImported(t, 0)

	// The preview counts as new what the import writes: not the refused Tenderfoot 28, but
	// Camping's 3a[1], which is recorded for the unit.
	require.NotNil(t, j.Result.Preview)
	require.Equal(t, 0, j.Result.Preview.Summary.NewRankRequirements)
	require.Equal(t, 1, j.Result.Preview.Summary.NewMeritBadgeRequirements)
	require.Equal(t, 1, j.Result.Preview.Scouts[0].NewItems)
	id = f.submit(t, e.String(), nil)
	f.runWorker(t, advancement.TroopHandler{})
	done := f.job(t, id)
	require.Equal(t, "completed", done.Status, "error: %s", done.errorMessage())
	require.Equal(t, j.Result.Preview.Summary.NewRankRequirements, done.Result.RankRequirementsImported)
	require.Equal(t, j.Result.Preview.Summary.NewMeritBadgeRequirements, done.Result.BadgeRequirementsImported)
}
