package advancement_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// histMinimalReport is a small valid report for BSA id 900000555 with one awarded rank.
const histMinimalReport = `Generated: 02/03/2026 09:15:00
Scouts BSA History Report
"Morgan Exampleton Troop 123 BOYS"
"BSA ID:","900000555","Position:","",

Scout,,"10/15/2023"
"1a","Scout Oath & Law","09/20/2023"
`

// histScoutRanks lists the rank codes a scout has progress for.
func (f *histFixture) histScoutRanks(t *testing.T, scout uuid.UUID) []string {
	t.Helper()
	return f.texts(t, `select r.code from scout_rank_progress p join bsa_ranks r on r.id = p.rank_id where p.scout_id = $1`, scout)
}

func TestHistoryTargetByScoutID(t *testing.T) {
	f := newHistFixture(t)
	// Two scouts share the BSA id (the reference importer created such duplicates): the
	// leader names the right one.
	first := f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
	second := f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)

	j := f.importReport(t, histMinimalReport, map[string]any{"scoutId": second.String()})
	j.requireCompleted(t)
	require.Equal(t, second.String(), j.Result.ScoutID)
	require.Equal(t, "scoutId", j.Result.MatchedBy)
	require.Equal(t, []string{"scout"}, f.histScoutRanks(t, second))
	require.Empty(t, f.histScoutRanks(t, first))

	// A scout without a BSA id in the app can be named too.
	third := f.addScout(t, uuid.Nil, "", "Riley", "Sampleford", true)
	f.importReport(t, histMinimalReport, map[string]any{"scoutId": third.String()}).requireCompleted(t)
	require.Equal(t, []string{"scout"}, f.histScoutRanks(t, third))
}

func TestHistoryTargetByBSAIDIncludesInactiveScouts(t *testing.T) {
	f := newHistFixture(t)
	f.addScout(t, uuid.Nil, "900000999", "Other", "Scout", true)
	inactive := f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", false)

	j := f.importReport(t, histMinimalReport, nil)
	j.requireCompleted(t)
	require.Equal(t, inactive.String(), j.Result.ScoutID)
	require.Equal(t, "bsaMemberId", j.Result.MatchedBy)
	require.Equal(t, []string{"scout"}, f.histScoutRanks(t, inactive))
}

func TestHistoryTargetFailures(t *testing.T) {
	f := newHistFixture(t)
	otherUnit := f.db.CreateUnit(t, "Troop 7")
	foreign := f.addScout(t, otherUnit, "900000555", "Morgan", "Exampleton", true)
	wrongID := f.addScout(t, uuid.Nil, "900000777", "Casey", "Testwood", true)

	cases := []struct {
		name    string
		setup   func()
		options map[string]any
		want    []string
	}{
		{name: "absent", want: []string{"no scout in this unit has BSA id 900000555", "create the scout", "scoutId"}},
		{name: "scout of another unit", options: map[string]any{"scoutId": foreign.String()},
			want: []string{"scout " + foreign.String() + " is not in this unit"}},
		{name: "unknown scout id", options: map[string]any{"scoutId": uuid.NewString()}, want: []string{"is not in this unit"}},
		{name: "report of another scout", options: map[string]any{"scoutId": wrongID.String()},
			want: []string{"the report is for BSA id 900000555", "has BSA id 900000777", "nothing was imported"}},
		{name: "ambiguous", setup: func() {
			f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
			f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", false)
		}, want: []string{"ambiguous: 2 scouts have BSA id 900000555"}},
	}
	// Not a UUID: refused by the database when the job is submitted.
	requireRefused(t, f.browserInsert(t, "scout_history", histMinimalReport, `{"scoutId": "morgan"}`),
		`options.scoutId must be a scout id (a UUID such as 3f1c2a9e-0b6d-4c8e-9a51-2d7e4b6f8c10), not "morgan"`,
		"Choose the scout in the app")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.setup != nil {
				c.setup()
			}
			j := f.importReport(t, histMinimalReport, c.options)
			require.Equal(t, "failed", j.Status)
			for _, w := range c.want {
				require.Contains(t, j.Error, w)
			}
			require.Zero(t, f.count(t, `select count(*) from scout_rank_progress`), "nothing is written")
		})
	}
}

func TestHistoryRejectsBadReports(t *testing.T) {
	f := newHistFixture(t)
	f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
	cases := map[string]struct {
		report string
		want   string
	}{
		"troop export": {report: "bsamemberid,firstname,middlename,lastname,advancementtype,advancement,version,awarded,datecompleted\n1,A,,B,Rank,Scout,,1,1/1/2024\n",
			want: "this is a Scoutbook Troop Advancement export"},
		"empty":       {report: "\n\n", want: "the file is empty"},
		"not history": {report: "hello,world\n", want: "line 1"},
		"two scouts": {report: histMinimalReport + "\n\"BSA ID:\",\"900000556\",\n",
			want: "more than one scout"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			j := f.importReport(t, c.report, nil)
			require.Equal(t, "failed", j.Status)
			require.Contains(t, j.Error, "the file cannot be read")
			require.Contains(t, j.Error, c.want)
			require.Contains(t, j.Error, "nothing was imported")
		})
	}
	require.Zero(t, f.count(t, `select count(*) from scout_rank_progress`))
}

func TestHistoryVersionUnknownKeepsBadgeStartedWithoutRequirements(t *testing.T) {
	f := newHistFixture(t)
	scout := f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
	// The seed gives badges no current version; the report gives none either.
	report := strings.Replace(histMinimalReport, "Scout,,", `"Partial Merit Badges","Start Date"
"Chess","11/01/2025"
"Completed Requirements: 1, 2a"

Scout,,`, 1)
	j := f.importReport(t, report, nil)
	j.requireCompleted(t)
	rows := f.rows(t, scout)
	require.Equal(t, []string{"chess | in_progress | v- | 2025-11-01 | - | -"}, rows["badges"])
	require.Empty(t, rows["badge requirements"])
	w := histWarning(t, j.Result, "version_unknown")
	require.Equal(t, "Chess", w.Badge)
	require.Contains(t, w.Message, "2 completed requirement(s) were not imported")
	require.Equal(t, 2, j.Result.UnknownItems)
}
