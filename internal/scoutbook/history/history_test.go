package history

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// historyParseFile parses testdata/<name>.csv and fails the test on
// any error.
func historyParseFile(t *testing.T, name string) *Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".csv"))
	require.NoError(t, err)
	rep, err := Parse(bytes.NewReader(data))
	require.NoError(t, err)
	return rep
}

// historyDate builds a Date for assertions.
func historyDate(t *testing.T, year int, month time.Month, day int) scoutbook.Date {
	t.Helper()
	d, err := scoutbook.NewDate(year, month, day)
	require.NoError(t, err)
	return d
}

func TestParseHistoryDomainExample(t *testing.T) {
	t.Parallel()
	rep := historyParseFile(t, "domain_example")

	h := rep.Header
	require.Equal(t, time.Date(2026, 2, 3, 9, 15, 0, 0, time.UTC), h.GeneratedAt)
	require.Equal(t, "Morgan Exampleton", h.Name)
	require.Equal(t, "Morgan", h.FirstName)
	require.Equal(t, "Exampleton", h.LastName)
	require.Equal(t, "Troop", h.UnitType)
	require.Equal(t, "123", h.UnitNumber)
	require.Equal(t, "BOYS", h.UnitGender)
	require.Equal(t, "900000555", h.BSAMemberID)
	require.Equal(t, historyDate(t, 2012, 6, 7), h.BirthDate)
	require.Equal(t, historyDate(t, 2023, 9, 1), h.DateJoined)
	require.Equal(t, "first_class", h.CurrentRankCode)
	require.Equal(t, historyDate(t, 2025, 11, 20), h.CurrentRankDate)
	require.Equal(t, []Position{
		{Name: "Patrol Leader", StartDate: historyDate(t, 2025, 9, 1), Line: 5},
		{Name: "Librarian", StartDate: historyDate(t, 2025, 3, 1), Line: 5},
	}, h.Positions)

	require.Len(t, rep.Ranks, 3)
	scout := rep.Ranks[0]
	require.Equal(t, "scout", scout.Code)
	require.Equal(t, historyDate(t, 2023, 10, 15), scout.AwardedDate)
	require.Equal(t, 7, scout.Line)
	require.Equal(t, []Requirement{
		{ID: "1a", Text: "Scout Oath & Law", Date: historyDate(t, 2023, 9, 20), Line: 8},
		{ID: "7", Text: "Scoutmaster conference", Date: historyDate(t, 2023, 10, 15), Line: 9},
	}, scout.Requirements)

	second := rep.Ranks[1]
	require.Equal(t, "second_class", second.Code)
	require.True(t, second.AwardedDate.IsZero(), "an empty award date means not awarded")
	require.True(t, second.Requirements[0].Date.IsZero(), "__________ means not done")

	star := rep.Ranks[2]
	require.Equal(t, "star", star.Code)
	require.Equal(t, []BadgeSlot{
		{BadgeName: "First Aid", BadgeCode: "first_aid", EagleRequired: true, Date: historyDate(t, 2025, 5, 5), Line: 17},
	}, star.MeritBadgeSlots, "the empty slot is skipped")

	require.Equal(t, []CompletedBadge{
		{Name: "First Aid", Code: "first_aid", EagleMarked: true, Date: historyDate(t, 2025, 5, 5), Line: 21},
	}, rep.CompletedBadges)
	require.Equal(t, []Leadership{
		{Position: "Patrol Leader", Detail: "Example Patrol", StartDate: historyDate(t, 2025, 9, 1), Line: 24},
	}, rep.Leadership)

	require.InDelta(t, 6.5, rep.Activities.ServiceHours, 1e-9)
	require.InDelta(t, 12, rep.Activities.HikingMiles, 1e-9)
	require.InDelta(t, 9, rep.Activities.CampingNights, 1e-9)
	require.Len(t, rep.Activities.Totals, 3)

	require.Equal(t, []PartialBadge{{
		Name: "Cooking", Code: "cooking", EagleMarked: true,
		StartDate: historyDate(t, 2026, 1, 15), Version: 2025,
		CompletedRequirementIDs: []string{"1a", "1b", "6A(a)(1)", "6A(a)(2)"},
		Line:                    32, RequirementsLine: 33,
	}}, rep.PartialBadges)

	require.Empty(t, rep.SkippedSections)
	require.Empty(t, rep.Warnings)
}

func TestParseHistoryCRLFAndBOMReadLikeLF(t *testing.T) {
	t.Parallel()
	lf := historyParseFile(t, "domain_example")
	crlf := historyParseFile(t, "crlf_bom")
	require.Equal(t, lf, crlf)

	// Lone CR line endings (old Mac tools) read the same too.
	data, err := os.ReadFile(filepath.Join("testdata", "domain_example.csv"))
	require.NoError(t, err)
	cr, err := Parse(bytes.NewReader(bytes.ReplaceAll(data, []byte("\n"), []byte("\r"))))
	require.NoError(t, err)
	require.Equal(t, lf, cr)
}

func TestParseHistoryRepeatedCompletedHeaders(t *testing.T) {
	t.Parallel()
	rep := historyParseFile(t, "repeated_completed_headers")

	var codes []string
	for _, b := range rep.CompletedBadges {
		codes = append(codes, b.Code)
	}
	require.Equal(t, []string{
		"first_aid", "citizenship_in_the_community", "signs_signals_and_codes",
		"fish_wildlife_management", "fish_wildlife_management", "american_indian_culture",
		"nuclear_science", "", "chess", "small_boat_sailing", "citizenship_in_the_nation",
		"environmental_science",
	}, codes)
	require.Equal(t, "Underwater Basket Weaving", rep.CompletedBadges[7].Name, "unknown badges are kept with an empty code")
	require.True(t, rep.CompletedBadges[1].EagleMarked)
	require.False(t, rep.CompletedBadges[2].EagleMarked)
	require.Equal(t, historyDate(t, 2025, 7, 4), rep.CompletedBadges[9].Date, "time suffix and unquoted cells")
	require.Len(t, rep.Warnings, 1, "Chess has no date")
	require.Equal(t, rep.CompletedBadges[8].Line, rep.Warnings[0].Line)
}

func TestParseHistoryPartialBadges(t *testing.T) {
	t.Parallel()
	rep := historyParseFile(t, "partial_badges")
	byName := map[string]PartialBadge{}
	for _, b := range rep.PartialBadges {
		byName[b.Name] = b
	}
	require.Len(t, byName, 8)

	require.Equal(t, 2025, byName["Cooking"].Version)
	require.Equal(t, 0, byName["Chess"].Version, "no (YYYY Version): version 0")
	require.Equal(t, []string{"1", "2", "3a", "3b", "5(a)", "5(b)"}, byName["Chess"].CompletedRequirementIDs)
	require.Equal(t, []string{"1a", "1b", "3a[1]", "4 Option A (3)(b)", "7c Nordic"}, byName["Camping"].CompletedRequirementIDs,
		"an unquoted list is rejoined; free-text options are kept")
	require.Empty(t, byName["Swimming"].CompletedRequirementIDs)
	require.Zero(t, byName["Swimming"].RequirementsLine)
	require.Equal(t, "citizenship_in_the_world", byName["Cit. in World"].Code)
	require.Equal(t, 2023, byName["Fishing"].Version, "version on the badge line")
	require.Equal(t, []string{"1", "2", "3", "4", "5g."}, byName["Fishing"].CompletedRequirementIDs, "two lines are joined")
	require.Equal(t, 2019, byName["Pottery"].Version, "version match ignores case")
	require.True(t, byName["Pottery"].StartDate.IsZero())
	require.Empty(t, byName["Not A Real Badge"].Code)

	require.Len(t, rep.Warnings, 1)
	require.Equal(t, 7, rep.Warnings[0].Line, "a requirements line before any badge is reported")
}

func TestParseHistorySkippedSections(t *testing.T) {
	t.Parallel()
	rep := historyParseFile(t, "skipped_sections")

	var names []string
	for _, s := range rep.SkippedSections {
		names = append(names, s.Name)
		require.NotEmpty(t, s.Note)
		require.Positive(t, s.Line)
	}
	require.Equal(t, []string{
		"Order of the Arrow", "Training", "Awards", "Cub Scout Rank History",
		"Swim Classification", "Camping Log", "Merit Badge Counselors",
	}, names)
	require.Equal(t, 2, rep.SkippedSections[0].Lines)

	// Lines of skipped sections never leak into imported ones.
	require.Len(t, rep.Ranks, 1)
	require.Len(t, rep.Ranks[0].Requirements, 1)
	require.Len(t, rep.CompletedBadges, 1)
	require.Len(t, rep.Leadership, 3, `"OA Troop Representative" inside Leadership is a position, not the OA section`)
	require.Empty(t, rep.Warnings)
}

func TestParseHistoryPlaceholders(t *testing.T) {
	t.Parallel()
	rep := historyParseFile(t, "placeholders")
	require.True(t, rep.Header.BirthDate.IsZero())
	require.True(t, rep.Header.DateJoined.IsZero())
	require.Equal(t, "tenderfoot", rep.Header.CurrentRankCode)
	require.True(t, rep.Header.CurrentRankDate.IsZero())

	scout := rep.Ranks[0]
	require.Equal(t, historyDate(t, 2023, 9, 2), scout.Requirements[0].Date, "one-digit month and day")
	require.Equal(t, historyDate(t, 2023, 9, 2), scout.Requirements[1].Date, "time suffix")
	for _, r := range scout.Requirements[2:] {
		require.Truef(t, r.Date.IsZero(), "requirement %s should have no date", r.ID)
	}
	star := rep.Ranks[2]
	require.Len(t, star.MeritBadgeSlots, 1, "empty slots are skipped")
	require.True(t, star.MeritBadgeSlots[0].Date.IsZero())

	var warned []int
	for _, w := range rep.Warnings {
		warned = append(warned, w.Line)
	}
	require.Equal(t, []int{12, 19, 20, 31}, warned, "bad date, badge under Tenderfoot, blank ID, bad end date")
}

func TestParseHistoryHeaderVariants(t *testing.T) {
	t.Parallel()
	rep := historyParseFile(t, "header_variants")
	h := rep.Header
	require.Equal(t, time.Date(2026, 1, 5, 15, 4, 0, 0, time.UTC), h.GeneratedAt)
	require.Equal(t, "Morgan Lee Van Example", h.Name)
	require.Equal(t, "Crew", h.UnitType)
	require.Equal(t, "GIRLS", h.UnitGender)
	require.Equal(t, "star", h.CurrentRankCode)
	require.Equal(t, "Mo", h.Fields["Nickname"])
	require.Len(t, h.Positions, 3, "one position a cell")
	require.True(t, h.Positions[2].StartDate.IsZero())

	require.Len(t, rep.Ranks, 2, "a repeated rank section is merged into the first")
	require.Equal(t, []string{"1a", "1b"}, []string{rep.Ranks[0].Requirements[0].ID, rep.Ranks[0].Requirements[1].ID})
	require.Len(t, rep.Ranks[1].Requirements, 2, "the repeated name line is not a requirement")
}

func TestParseHistoryMissingSections(t *testing.T) {
	t.Parallel()
	rep := historyParseFile(t, "missing_sections")
	require.Len(t, rep.Ranks, 1)
	require.Empty(t, rep.CompletedBadges)
	require.Empty(t, rep.PartialBadges)
	require.Empty(t, rep.Leadership)
	require.Zero(t, rep.Activities.Line)
	require.Empty(t, rep.Activities.Totals)
	require.Empty(t, rep.Header.CurrentRankCode)
	require.Empty(t, rep.Warnings)
}

func TestParseHistoryRejectsUnusableFiles(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		line     int
		contains string
	}{
		{"empty", 0, "empty"},
		{"not_history", 1, "BSA ID"},
		{"troop_export", 1, "troop import"},
		{"two_scouts", 14, "more than one scout"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := os.Open(filepath.Join("testdata", tc.name+".csv"))
			require.NoError(t, err)
			defer f.Close()
			rep, err := Parse(f)
			require.Nil(t, rep)
			var perr *ParseError
			require.ErrorAs(t, err, &perr)
			require.Equal(t, tc.line, perr.Line)
			require.Contains(t, perr.Msg, tc.contains)
			require.Contains(t, err.Error(), "scoutbook history report")
		})
	}
}

func TestParseHistoryRejectsTooLargeInput(t *testing.T) {
	t.Parallel()
	// A valid report padded past the limit: the size alone rejects it.
	data, err := os.ReadFile(filepath.Join("testdata", "domain_example.csv"))
	require.NoError(t, err)
	big := io.MultiReader(bytes.NewReader(data), io.LimitReader(historyZeros{}, MaxBytes))
	_, err = Parse(big)
	var perr *ParseError
	require.ErrorAs(t, err, &perr)
	require.Contains(t, perr.Msg, "larger than 10 MB")

	// Exactly at the limit is accepted.
	atLimit := io.MultiReader(bytes.NewReader(data), io.LimitReader(historyNewlines{}, int64(MaxBytes-len(data))))
	rep, err := Parse(atLimit)
	require.NoError(t, err)
	require.Equal(t, "900000555", rep.Header.BSAMemberID)
}

// historyZeros is an endless reader of spaces.
type historyZeros struct{}

func (historyZeros) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// historyNewlines is an endless reader of blank lines.
type historyNewlines struct{}

func (historyNewlines) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '\n'
	}
	return len(p), nil
}

// historyFailingReader fails after returning part of a report.
type historyFailingReader struct{ sent bool }

var errHistoryTestRead = errors.New("connection reset")

func (r *historyFailingReader) Read(p []byte) (int, error) {
	if !r.sent {
		r.sent = true
		return copy(p, "Generated: 02/03/2026 09:15:00\n"), nil
	}
	return 0, errHistoryTestRead
}

func TestParseHistoryWrapsReadErrors(t *testing.T) {
	t.Parallel()
	_, err := Parse(&historyFailingReader{})
	require.ErrorIs(t, err, errHistoryTestRead)
	var perr *ParseError
	require.False(t, errors.As(err, &perr), "a read failure is not the file's fault")
}

func TestParseHistoryStrayQuoteOnlyDamagesItsLine(t *testing.T) {
	t.Parallel()
	report := strings.Join([]string{
		`"Morgan Exampleton Troop 123 BOYS"`,
		`"BSA ID:","900000555",`,
		``,
		`Scout,,"10/15/2023"`,
		`"1a","Scout Oath "& Law,"09/20/2023"`,
		`"1b,"Scout spirit","09/21/2023"`,
		`"2a","Troop leaders","09/22/2023"`,
	}, "\n")
	rep, err := Parse(strings.NewReader(report))
	require.NoError(t, err)
	require.Len(t, rep.Ranks, 1)
	reqs := rep.Ranks[0].Requirements
	require.Equal(t, "2a", reqs[len(reqs)-1].ID, "the line after the broken ones is read normally")
	require.Equal(t, historyDate(t, 2023, 9, 22), reqs[len(reqs)-1].Date)
	require.Equal(t, 7, reqs[len(reqs)-1].Line)
}

func TestHistorySplitRequirementIDs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][]string{
		"1a, 1b, 6A(a)(1), 6A(a)(2)": {"1a", "1b", "6A(a)(1)", "6A(a)(2)"},
		"3a[1], 7a[1]b,1a[5c]":       {"3a[1]", "7a[1]b", "1a[5c]"},
		"2 Option A (3)(b), 5g.":     {"2 Option A (3)(b)", "5g."},
		"":                           nil,
		" , ,":                       nil,
		"(a, b), c":                  {"(a, b)", "c"},
		"1), 2":                      {"1)", "2"},
		"((1, 2":                     {"((1, 2"},
	} {
		require.Equal(t, want, historySplitRequirementIDs(in), "input %q", in)
	}
}

func TestHistorySplitDetail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string][2]string{
		"Patrol Leader (Example Patrol)":  {"Patrol Leader", "Example Patrol"},
		"Patrol Leader":                   {"Patrol Leader", ""},
		"Instructor (First Aid (Wilder))": {"Instructor", "First Aid (Wilder)"},
		"(Example Patrol)":                {"(Example Patrol)", ""},
		"Leader)":                         {"Leader)", ""},
	} {
		pos, detail := historySplitDetail(in)
		require.Equal(t, want, [2]string{pos, detail}, "input %q", in)
	}
}

func TestHistoryCutCompletedReqs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]struct {
		rest string
		ok   bool
	}{
		"Completed Requirements: 1a, 1b": {"1a, 1b", true},
		"completed requirement:1a":       {"1a", true},
		"  COMPLETED   REQUIREMENTS  2":  {"2", true},
		"Completed Requirements:":        {"", true},
		"Completed Requirementsxyz":      {"", false},
		"Completed Merit Badges":         {"", false},
		"Completed":                      {"", false},
		"Requirements: 1a":               {"", false},
	} {
		rest, ok := historyCutCompletedReqs(in)
		require.Equal(t, want.ok, ok, "input %q", in)
		require.Equal(t, want.rest, rest, "input %q", in)
	}
}

func TestHistoryCutVersion(t *testing.T) {
	t.Parallel()
	before, digits, ok := historyCutVersion("1a, 6A(a)(2)(2025 Version)  ")
	require.True(t, ok)
	require.Equal(t, "1a, 6A(a)(2)", before)
	require.Equal(t, "2025", digits)

	_, _, ok = historyCutVersion("1a, (2025 Version) 2b")
	require.False(t, ok, "the version must be at the end")

	long := strings.Repeat("(", 100000) + "(2019 version)"
	before, digits, ok = historyCutVersion(long)
	require.True(t, ok)
	require.Equal(t, "2019", digits)
	require.Len(t, before, 100000)
}

func TestParseHistoryIgnoresOverlongLines(t *testing.T) {
	t.Parallel()
	report := "\"Morgan Exampleton Troop 123 BOYS\"\n\"BSA ID:\",\"900000555\",\n\n" +
		"Scout,,\"10/15/2023\"\n" +
		"\"1a\",\"" + strings.Repeat("x", historyMaxLineBytes) + "\",\"09/20/2023\"\n" +
		"\"1b\",\"Scout spirit\",\"09/21/2023\"\n"
	rep, err := Parse(strings.NewReader(report))
	require.NoError(t, err)
	require.Len(t, rep.Ranks[0].Requirements, 1)
	require.Equal(t, "1b", rep.Ranks[0].Requirements[0].ID)
	require.Len(t, rep.Warnings, 1)
	require.Equal(t, 5, rep.Warnings[0].Line)
}
