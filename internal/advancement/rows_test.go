package advancement_test

import (
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
)

// The crafted export (testdata/crafted_troop.csv) has three scouts:
//
//	900000101 Avery Testwood    on the roster, active      (lines 2-19 and 37)
//	900000102 Jordan Samplesen  on the roster, inactive    (lines 20-28)
//	900000103 Riley M Fakename  not on the roster: created (lines 29-36)
//
// and one row for each quirk the importer must handle; the line comments in the expected
// rows below say which line produced what.
const (
	avery  = "900000101"
	jordan = "900000102"
	riley  = "900000103"
)

// seedCraftedRoster puts Avery (active) and Jordan (inactive) on the roster.
func (f *troopFixture) seedCraftedRoster(t *testing.T) (averyID, jordanID uuid.UUID) {
	t.Helper()
	return f.seedScout(t, avery, "Avery", "Testwood", true), f.seedScout(t, jordan, "Jordan", "Samplesen", false)
}

// craftedRows is what importing the crafted export into an empty unit (with Avery and Jordan
// on its roster) must write, row for row.
var craftedRows = map[string][]string{
	"scouts": {
		"900000101 | Avery | - | Testwood | active",     // seeded, matched
		"900000102 | Jordan | - | Samplesen | inactive", // seeded inactive, matched (not duplicated, not reactivated)
		"900000103 | Riley | M | Fakename | active",     // created with first, middle and last name
	},
	"scout_rank_progress": {
		// line 2: awarded, both dates.
		"900000101 | tenderfoot | awarded | started 2024-03-10T00:00:00Z | completed 2024-03-10T00:00:00Z | awarded 2024-03-14T00:00:00Z",
		// line 3 (Second Class, not awarded) is skipped; lines 8 and 10 create the in-progress
		// rank, started at the earliest requirement date (line 10).
		"900000101 | second_class | in_progress | started 2024-03-30T00:00:00Z | completed - | awarded -",
		// line 4: awarded flag 0 but awardeddate set: kept; no datecompleted.
		"900000101 | first_class | awarded | started 2024-05-20T00:00:00Z | completed - | awarded 2024-05-20T00:00:00Z",
		// line 5: "Star Scout Rank", awardeddate with a time suffix.
		"900000101 | star | awarded | started 2025-09-01T00:00:00Z | completed 2025-09-01T00:00:00Z | awarded 2025-09-15T00:00:00Z",
		// line 20: "Star Rank".
		"900000102 | star | awarded | started 2025-10-01T00:00:00Z | completed 2025-10-01T00:00:00Z | awarded 2025-10-05T00:00:00Z",
		// line 29.
		"900000103 | scout | awarded | started 2024-01-05T00:00:00Z | completed 2024-01-05T00:00:00Z | awarded 2024-01-05T00:00:00Z",
		// line 30 (Life, not awarded) is skipped; lines 35-36 create the in-progress rank.
		"900000103 | life | in_progress | started 2025-11-11T00:00:00Z | completed - | awarded -",
	},
	"scout_rank_requirement_progress": {
		// line 6: empty version -> the rank's current version (2024).
		"900000101 | tenderfoot | 2024 | 1a | reference | completed | 2024-02-01T00:00:00Z | leader | Imported from Scoutbook",
		// line 7: Tenderfoot 12, an id the reference data lacks in a version it defines: refused,
		// not written.
		// line 8 (and its duplicate, line 11): datecompleted with a time suffix.
		"900000101 | second_class | 2024 | 5b | reference | completed | 2024-04-02T00:00:00Z | leader | Imported from Scoutbook",
		// line 10: approved only: the date comes from markedcompleteddate. Line 9 (incomplete) is skipped.
		"900000101 | second_class | 2024 | 2a | reference | completed | 2024-03-30T00:00:00Z | leader | Imported from Scoutbook",
		// line 37: Avery's rows need not be contiguous.
		"900000101 | star | 2024 | 1 | reference | completed | 2025-06-01T00:00:00Z | leader | Imported from Scoutbook",
		// line 21: "Star Rank Requirements", approved only.
		"900000102 | star | 2024 | 3 | reference | completed | 2025-09-02T00:00:00Z | leader | Imported from Scoutbook",
		// line 35: "Life Scout Rank Requirements", empty version -> Life's current version 2016.
		"900000103 | life | 2016 | 1 | reference | completed | 2025-11-11T00:00:00Z | leader | Imported from Scoutbook",
		// line 36: "Life Rank Requirements", approved only.
		"900000103 | life | 2016 | 2 | reference | completed | 2025-11-12T00:00:00Z | leader | Imported from Scoutbook",
	},
	"scout_merit_badge_progress": {
		// line 12: "Camping MB", awarded.
		"900000101 | camping | awarded | v2024 | started 2025-08-01T00:00:00Z | completed 2025-08-01T00:00:00Z | awarded 2025-08-03T00:00:00Z",
		// lines 15-17: requirement-only badge: in progress, version of its first row (2024).
		"900000101 | cooking | in_progress | v2024 | started 2019-03-03T00:00:00Z | completed - | awarded -",
		// line 18: quoted type with commas; requirement-only.
		"900000101 | signs_signals_and_codes | in_progress | v2026 | started 2026-01-05T00:00:00Z | completed - | awarded -",
		// line 22: quoted "Signs, Signals, and Codes MB", awarded.
		"900000102 | signs_signals_and_codes | awarded | v2026 | started 2026-01-20T00:00:00Z | completed 2026-01-20T00:00:00Z | awarded 2026-01-22T00:00:00Z",
		// line 23: "Fish & Wildlife Management MB" (alias), awarded flag 0 with awardeddate:
		// kept; completed_at is datecompleted, which is empty.
		"900000102 | fish_wildlife_management | awarded | v2025 | started 2025-06-30T00:00:00Z | completed - | awarded 2025-06-30T00:00:00Z",
		// lines 25-26: header row skipped, requirement-only badge.
		"900000102 | environmental_science | in_progress | v2023 | started 2025-02-11T00:00:00Z | completed - | awarded -",
		// line 33: "World Brotherhood MB" -> its successor, with a warning.
		"900000103 | citizenship_in_the_world | awarded | v1990 | started 1995-05-05T00:00:00Z | completed 1995-05-05T00:00:00Z | awarded 1995-05-06T00:00:00Z",
		// line 31 (line 32 is incomplete). Line 34 (Camping completed, not awarded) is skipped.
		"900000103 | multisport | in_progress | v2025 | started 2025-07-15T00:00:00Z | completed - | awarded -",
	},
	"scout_merit_badge_requirement_progress": {
		"900000101 | camping | 2024 | 3a[1] | 3a[1] | unit | completed | 2025-07-10T00:00:00Z | leader | Imported from Scoutbook",
		// lines 15 and 16: the same id under two versions: both kept, each with its own definition.
		"900000101 | cooking | 2019 | 5g. | 5g. | unit | completed | 2019-03-03T00:00:00Z | leader | Imported from Scoutbook",
		"900000101 | cooking | 2024 | 5g. | 5g. | unit | completed | 2024-11-09T00:00:00Z | leader | Imported from Scoutbook",
		"900000101 | signs_signals_and_codes | 2026 | 2b | 2b | unit | completed | 2026-01-05T00:00:00Z | leader | Imported from Scoutbook",
		// line 24: "Fish and Wildlife Management" requirement rows reach the aliased badge.
		"900000102 | fish_wildlife_management | 2025 | 6A(a)(1) | 6A(a)(1) | unit | completed | 2025-06-01T00:00:00Z | leader | Imported from Scoutbook",
		"900000102 | environmental_science | 2023 | 3a[1] | 3a[1] | unit | completed | 2025-02-11T00:00:00Z | leader | Imported from Scoutbook",
		"900000103 | multisport | 2025 | 4a1 Triathlon Option | 4a1 Triathlon Option | unit | completed | 2025-07-15T00:00:00Z | leader | Imported from Scoutbook",
	},
	// Every requirement id of the file that the reference data lacks, for a version it does not
	// define (no merit badge requirement is in the seeded reference data), completed or not,
	// numbered in order of first appearance within (badge, version) in the file; recorded for
	// this unit only, with the job. Tenderfoot 12 is not: the reference data defines Tenderfoot
	// 2024.
	"registered definitions": {
		"unit badge | camping | 2024 | 3a[1] | 1 | this unit | job",
		"unit badge | cooking | 2024 | 5g. | 1 | this unit | job",
		"unit badge | cooking | 2019 | 5g. | 1 | this unit | job",
		"unit badge | cooking | 2024 | 7a | 2 | this unit | job",
		"unit badge | signs_signals_and_codes | 2026 | 2b | 1 | this unit | job",
		"unit badge | fish_wildlife_management | 2025 | 6A(a)(1) | 1 | this unit | job",
		"unit badge | environmental_science | 2023 | 3a[1] | 1 | this unit | job",
		"unit badge | multisport | 2025 | 4a1 Triathlon Option | 1 | this unit | job",
		"unit badge | multisport | 2025 | 4a2 Triathlon Option | 2 | this unit | job",
	},
}

// craftedIssues are the warnings the crafted import stores (severity | code | line | BSA id |
// item | version).
var craftedIssues = []string{
	"warning | historical_badge_mapped | 33 | 900000103 | World Brotherhood | ",
	"warning | inactive_scout | 20 | 900000102 |  | ",
	"warning | requirement_recorded_for_unit | 0 |  | Camping | 2024",
	"warning | requirement_recorded_for_unit | 0 |  | Cooking | 2019",
	"warning | requirement_recorded_for_unit | 0 |  | Cooking | 2024",
	"warning | requirement_recorded_for_unit | 0 |  | Environmental Science | 2023",
	"warning | requirement_recorded_for_unit | 0 |  | Fish & Wildlife Management | 2025",
	"warning | requirement_recorded_for_unit | 0 |  | Multisport | 2025",
	"warning | requirement_recorded_for_unit | 0 |  | Signs, Signals, and Codes | 2026",
	"warning | requirement_refused | 0 |  | Tenderfoot | 2024",
	"warning | unknown_merit_badge | 27 | 900000102 | Underwater Basket Weaving | 2020",
	"warning | version_mismatch | 16 | 900000101 | Cooking | 2019",
}

func TestCraftedTroopWritesExactRows(t *testing.T) {
	f := newTroop(t)
	f.seedCraftedRoster(t)

	id := f.submit(t, testdata(t, "crafted_troop.csv"), nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())

	got := f.naturalDump(t)
	for table, want := range craftedRows {
		require.Equal(t, sorted(want), got[table], table)
	}

	r := j.Result
	require.Equal(t, 1, r.ScoutsCreated)
	require.Equal(t, 5, r.RanksImported)             // lines 2, 4, 5, 20, 29
	require.Equal(t, 4, r.BadgesImported)            // lines 12, 22, 23, 33
	require.Equal(t, 7, r.RankRequirementsImported)  // lines 6, 8, 10, 21, 35, 36, 37 (7 refused)
	require.Equal(t, 7, r.BadgeRequirementsImported) // lines 14, 15, 16, 18, 24, 26, 31
	require.Zero(t, r.DuplicatesSkipped)
	require.Zero(t, r.ItemsUpdated)
	require.Equal(t, 3, r.UnknownItems) // lines 27, 28, and line 7 (refused)
	require.Equal(t, 9, r.RequirementDefinitionsRegistered)
	require.Equal(t, 3, r.ScoutsInFile)
	require.Equal(t, 2, r.ScoutsMatched)
	require.Zero(t, r.ScoutsSkipped)
	require.False(t, r.DryRun)
	require.Nil(t, r.Preview)
	require.Equal(t, 12, r.WarningCount)
	require.Len(t, r.Warnings, 12)
	require.Equal(t, map[string]any{
		"rows": 36.0, "notSelected": 0.0, "notAwarded": 3.0 /* 3, 30, 34 */, "incompleteRequirements": 3.0, /* 9, 17, 32 */
		"headerRows": 2.0 /* 13, 25 */, "otherRows": 1.0 /* 19 */, "duplicateRows": 1.0 /* 11 */, "unknownItems": 2.0, "invalidRows": 0.0,
		"invalidValues": 0.0, "refusedRequirementIds": 0.0,
	}, j.RawResult["rows"])
	// The app's TroopAdvancementImportResult fields are all there, under their app names.
	for _, k := range []string{"scoutsCreated", "ranksImported", "rankRequirementsImported", "badgesImported",
		"badgeRequirementsImported", "duplicatesSkipped", "warnings"} {
		require.Contains(t, j.RawResult, k)
	}
	require.Equal(t, 24, j.TotalItems)
	require.Equal(t, 24, j.ProcessedItems)
	require.Equal(t, 3, j.TotalScouts)
	require.Equal(t, 3, j.ProcessedScouts)

	issues := f.issues(t, id)
	require.Equal(t, craftedIssues, issueSummary(issues))
	for _, is := range issues {
		switch is.Code {
		case "unknown_merit_badge":
			require.Contains(t, is.Message, `"Underwater Basket Weaving" is not a known merit badge`)
			require.Contains(t, is.Message, "line 27")
			require.Contains(t, is.Message, "Jordan Samplesen")
		case "inactive_scout":
			require.Contains(t, is.Message, "Jordan Samplesen (BSA id 900000102) is inactive")
		case "historical_badge_mapped":
			require.Contains(t, is.Message, `"Citizenship in the World"`)
		case "version_mismatch":
			require.Contains(t, is.Message, "Cooking: Avery Testwood has requirements completed under version 2019 while the badge is recorded under version 2024")
		case "requirement_recorded_for_unit":
			require.Contains(t, is.Message, "recorded for this unit only")
			require.Contains(t, is.Message, "(version "+is.Version+")")
		}
	}
	// The Tenderfoot warning names the id it refused and its line; Multisport names both of
	// the ids it recorded.
	require.Equal(t, "Tenderfoot (version 2024): 1 requirement id(s) from the file are not requirements of this version in the reference data, "+
		"so their rows were not imported: 12 (line 7).", issueMessage(issues, "requirement_refused", "Tenderfoot"))
	require.Contains(t, issueMessage(issues, "requirement_recorded_for_unit", "Multisport"), "4a1 Triathlon Option (line 31), 4a2 Triathlon Option (line 32)")
}

// issueMessage returns the message of the issue with code and item ("" when absent).
func issueMessage(issues []issueRow, code, item string) string {
	for _, is := range issues {
		if is.Code == code && is.Item == item {
			return is.Message
		}
	}
	return ""
}

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	slices.Sort(out)
	return out
}

// TestExistingRowsAreOnlyMovedUp imports the crafted export into a unit that already holds
// progress for some of its items: rows at or above the file's status (approved, awarded, a
// completed badge) are left exactly as they are, down to updated_at and xmin; rows below it
// (in progress, pending approval, not started) are moved up.
func TestExistingRowsAreOnlyMovedUp(t *testing.T) {
	f := newTroop(t)
	averyID, jordanID := f.seedCraftedRoster(t)
	other := f.db.CreatePerson(t, "other.leader@example.org")
	rankReq := func(rank string, version int, number string) uuid.UUID {
		return f.uuidOf(t, `select d.id from bsa_rank_requirements d join bsa_ranks r on r.id = d.rank_id
			where r.code = $1 and d.version_year = $2 and d.requirement_number = $3`, rank, version, number)
	}
	rankProgress := func(scout uuid.UUID, rank, status string, started, awarded any) uuid.UUID {
		return f.uuidOf(t, `insert into scout_rank_progress (scout_id, rank_id, status, started_at, awarded_at, updated_at)
			select $1, id, $3, $4::timestamptz, $5::timestamptz, '2020-01-01Z' from bsa_ranks where code = $2 returning id`,
			scout, rank, status, started, awarded)
	}
	rankReqProgress := func(progress, req uuid.UUID, status string, completed any, by any) {
		f.exec(t, `insert into scout_rank_requirement_progress
			(scout_rank_progress_id, requirement_id, status, completed_at, completed_by, updated_at)
			values ($1, $2, $3, $4::timestamptz, $5, '2020-01-01Z')`, progress, req, status, completed, by)
	}

	// Avery: Tenderfoot already awarded (on another date, without completed_at), with 1a
	// awarded; Star in progress; Second Class in progress with 5b approved, 2a not started and
	// 9a in progress.
	tenderfoot := rankProgress(averyID, "tenderfoot", "awarded", "2024-01-01Z", "2024-03-01Z")
	rankReqProgress(tenderfoot, rankReq("tenderfoot", 2024, "1a"), "awarded", "2024-01-31Z", other.ProfileID)
	rankProgress(averyID, "star", "in_progress", "2025-01-01Z", nil)
	secondClass := rankProgress(averyID, "second_class", "in_progress", "2024-01-15Z", nil)
	rankReqProgress(secondClass, rankReq("second_class", 2024, "5b"), "approved", "2024-01-20Z", other.ProfileID)
	rankReqProgress(secondClass, rankReq("second_class", 2024, "2a"), "not_started", nil, nil)
	rankReqProgress(secondClass, rankReq("second_class", 2024, "9a"), "in_progress", nil, nil)
	// Jordan: Star already awarded, requirement 3 waiting for a leader's approval.
	jordanStar := rankProgress(jordanID, "star", "awarded", nil, "2025-10-05Z")
	rankReqProgress(jordanStar, rankReq("star", 2024, "3"), "pending_approval", nil, nil)
	// Avery: Camping approved (not awarded yet, no version), with 3a[1] approved; the curated
	// definition numbers it 3a(1) and keeps Scoutbook's id in scoutbook_requirement_number.
	// Cooking already completed under version 2019.
	camping := f.uuidOf(t, `insert into scout_merit_badge_progress (scout_id, merit_badge_id, status, started_at, approved_at, updated_at)
		select $1, id, 'approved', '2025-06-01Z', '2025-07-30Z', '2020-01-01Z' from bsa_merit_badges where code = 'camping' returning id`, averyID)
	campingReq := f.uuidOf(t, `insert into bsa_merit_badge_requirements
		(version_year, merit_badge_id, requirement_number, scoutbook_requirement_number, description, display_order)
		select 2024, id, '3a(1)', '3a[1]', 'Camping requirement 3a(1)', 5 from bsa_merit_badges where code = 'camping' returning id`)
	f.exec(t, `insert into scout_merit_badge_requirement_progress
		(scout_merit_badge_progress_id, requirement_id, status, completed_at, completed_by, updated_at)
		values ($1, $2, 'approved', '2025-07-01Z', $3, '2020-01-01Z')`, camping, campingReq, other.ProfileID)
	f.exec(t, `insert into scout_merit_badge_progress (scout_id, merit_badge_id, status, started_at, requirement_version_year, updated_at)
		select $1, id, 'completed', '2019-01-01Z', 2019, '2020-01-01Z' from bsa_merit_badges where code = 'cooking'`, averyID)

	untouched := func() []string {
		return f.strings(t, `select concat_ws(' ', 'rank', id, xmin, updated_at) from scout_rank_progress
				where id in ($1, $2, $3)
			union all select concat_ws(' ', 'rank req', id, xmin, updated_at) from scout_rank_requirement_progress
				where status in ('awarded', 'approved') or (status = 'in_progress')
			union all select concat_ws(' ', 'badge', id, xmin, updated_at) from scout_merit_badge_progress where status = 'completed'
			union all select concat_ws(' ', 'badge req', id, xmin, updated_at) from scout_merit_badge_requirement_progress
				where status = 'approved'`,
			tenderfoot, secondClass, jordanStar)
	}
	before := untouched()
	require.Len(t, before, 8)

	id := f.submit(t, testdata(t, "crafted_troop.csv"), nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	require.Equal(t, before, untouched(), "approved/awarded/completed rows and unchanged parents must not be rewritten")

	otherBy := "profile:" + other.ProfileID.String()
	got := f.naturalDump(t)
	require.Equal(t, sorted([]string{
		"900000101 | tenderfoot | awarded | started 2024-01-01T00:00:00Z | completed - | awarded 2024-03-01T00:00:00Z", // untouched
		"900000101 | second_class | in_progress | started 2024-01-15T00:00:00Z | completed - | awarded -",              // untouched
		"900000101 | first_class | awarded | started 2024-05-20T00:00:00Z | completed - | awarded 2024-05-20T00:00:00Z",
		// in progress -> awarded; started_at kept, the missing dates filled.
		"900000101 | star | awarded | started 2025-01-01T00:00:00Z | completed 2025-09-01T00:00:00Z | awarded 2025-09-15T00:00:00Z",
		"900000102 | star | awarded | started - | completed - | awarded 2025-10-05T00:00:00Z", // untouched
		"900000103 | scout | awarded | started 2024-01-05T00:00:00Z | completed 2024-01-05T00:00:00Z | awarded 2024-01-05T00:00:00Z",
		"900000103 | life | in_progress | started 2025-11-11T00:00:00Z | completed - | awarded -",
	}), got["scout_rank_progress"])
	require.Equal(t, sorted([]string{
		"900000101 | tenderfoot | 2024 | 1a | reference | awarded | 2024-01-31T00:00:00Z | " + otherBy + " | -",    // untouched
		"900000101 | second_class | 2024 | 5b | reference | approved | 2024-01-20T00:00:00Z | " + otherBy + " | -", // untouched
		"900000101 | second_class | 2024 | 2a | reference | completed | 2024-03-30T00:00:00Z | leader | -",         // not_started -> completed
		"900000101 | second_class | 2024 | 9a | reference | in_progress | - | - | -",                               // not in the file as done
		"900000101 | star | 2024 | 1 | reference | completed | 2025-06-01T00:00:00Z | leader | Imported from Scoutbook",
		"900000102 | star | 2024 | 3 | reference | completed | 2025-09-02T00:00:00Z | leader | -", // pending_approval -> completed
		"900000103 | life | 2016 | 1 | reference | completed | 2025-11-11T00:00:00Z | leader | Imported from Scoutbook",
		"900000103 | life | 2016 | 2 | reference | completed | 2025-11-12T00:00:00Z | leader | Imported from Scoutbook",
	}), got["scout_rank_requirement_progress"])
	require.Equal(t, sorted([]string{
		// approved -> awarded; the NULL version and the missing dates filled, started_at kept.
		"900000101 | camping | awarded | v2024 | started 2025-06-01T00:00:00Z | completed 2025-08-01T00:00:00Z | awarded 2025-08-03T00:00:00Z",
		// completed stays completed (never back to in_progress) and keeps its version.
		"900000101 | cooking | completed | v2019 | started 2019-01-01T00:00:00Z | completed - | awarded -",
		"900000101 | signs_signals_and_codes | in_progress | v2026 | started 2026-01-05T00:00:00Z | completed - | awarded -",
		"900000102 | signs_signals_and_codes | awarded | v2026 | started 2026-01-20T00:00:00Z | completed 2026-01-20T00:00:00Z | awarded 2026-01-22T00:00:00Z",
		"900000102 | fish_wildlife_management | awarded | v2025 | started 2025-06-30T00:00:00Z | completed - | awarded 2025-06-30T00:00:00Z",
		"900000102 | environmental_science | in_progress | v2023 | started 2025-02-11T00:00:00Z | completed - | awarded -",
		"900000103 | citizenship_in_the_world | awarded | v1990 | started 1995-05-05T00:00:00Z | completed 1995-05-05T00:00:00Z | awarded 1995-05-06T00:00:00Z",
		"900000103 | multisport | in_progress | v2025 | started 2025-07-15T00:00:00Z | completed - | awarded -",
	}), got["scout_merit_badge_progress"])
	require.Equal(t, sorted([]string{
		"900000101 | camping | 2024 | 3a(1) | 3a[1] | reference | approved | 2025-07-01T00:00:00Z | " + otherBy + " | -", // untouched
		"900000101 | cooking | 2019 | 5g. | 5g. | unit | completed | 2019-03-03T00:00:00Z | leader | Imported from Scoutbook",
		"900000101 | cooking | 2024 | 5g. | 5g. | unit | completed | 2024-11-09T00:00:00Z | leader | Imported from Scoutbook",
		"900000101 | signs_signals_and_codes | 2026 | 2b | 2b | unit | completed | 2026-01-05T00:00:00Z | leader | Imported from Scoutbook",
		"900000102 | fish_wildlife_management | 2025 | 6A(a)(1) | 6A(a)(1) | unit | completed | 2025-06-01T00:00:00Z | leader | Imported from Scoutbook",
		"900000102 | environmental_science | 2023 | 3a[1] | 3a[1] | unit | completed | 2025-02-11T00:00:00Z | leader | Imported from Scoutbook",
		"900000103 | multisport | 2025 | 4a1 Triathlon Option | 4a1 Triathlon Option | unit | completed | 2025-07-15T00:00:00Z | leader | Imported from Scoutbook",
	}), got["scout_merit_badge_requirement_progress"])
	require.NotContains(t, got["registered definitions"], "unit badge | camping | 2024 | 3a[1] | 1 | this unit | job")
	require.Len(t, got["registered definitions"], 8)

	r := j.Result
	require.Equal(t, 1, r.ScoutsCreated)
	require.Equal(t, 3, r.RanksImported)             // first_class and Riley's scout inserted, Avery's star moved up
	require.Equal(t, 4, r.BadgesImported)            // three inserted, camping moved up
	require.Equal(t, 5, r.RankRequirementsImported)  // star 1, life 1, life 2 inserted; 2a and Jordan's star 3 moved up
	require.Equal(t, 6, r.BadgeRequirementsImported) // all but camping 3a[1]
	require.Equal(t, 5, r.DuplicatesSkipped)         // Avery's tenderfoot, 1a, 5b, camping 3a[1]; Jordan's star
	require.Equal(t, 4, r.ItemsUpdated)              // Avery's star and camping, 2a, Jordan's star 3
	require.Equal(t, 8, r.RequirementDefinitionsRegistered)
	require.NotContains(t, issueSummary(f.issues(t, id)), "warning | requirement_recorded_for_unit | 0 |  | Camping | 2024")
}
