package advancement_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
)

// seedSomeProgress gives Avery a Tenderfoot already awarded and Second Class requirement 5b
// approved (both duplicates of the crafted file), a Star in progress and Second Class 2a not
// started (both updates).
func (f *troopFixture) seedSomeProgress(t *testing.T, averyID uuid.UUID) {
	t.Helper()
	f.exec(t, `insert into scout_rank_progress (scout_id, rank_id, status, awarded_at)
		select $1, id, 'awarded', '2024-03-01Z' from bsa_ranks where code = 'tenderfoot'`, averyID)
	f.exec(t, `insert into scout_rank_progress (scout_id, rank_id, status) select $1, id, 'in_progress' from bsa_ranks where code = 'star'`, averyID)
	f.exec(t, `insert into scout_rank_progress (scout_id, rank_id, status) select $1, id, 'in_progress' from bsa_ranks where code = 'second_class'`, averyID)
	f.exec(t, `insert into scout_rank_requirement_progress (scout_rank_progress_id, requirement_id, status)
		select p.id, d.id, case d.requirement_number when '5b' then 'approved' else 'not_started' end::advancement_status
		from scout_rank_progress p join bsa_ranks r on r.id = p.rank_id join bsa_rank_requirements d on d.rank_id = r.id
		where p.scout_id = $1 and r.code = 'second_class' and d.version_year = 2024 and d.requirement_number in ('5b', '2a')`, averyID)
}

// TestDryRunPreviewsAndWritesNothing: a dry run classifies every item against the database and
// stores the preview in the result; it writes nothing at all (no scout, no progress, no
// requirement definition, no issue, no checkpoint).
func TestDryRunPreviewsAndWritesNothing(t *testing.T) {
	f := newTroop(t)
	averyID, jordanID := f.seedCraftedRoster(t)
	f.seedSomeProgress(t, averyID)
	before := f.rawSnapshot(t)

	id := f.submit(t, testdata(t, "crafted_troop.csv"), map[string]any{"dryRun": true})
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	require.Equal(t, before, f.rawSnapshot(t), "a dry run writes nothing")
	require.Empty(t, f.issues(t, id))

	r := j.Result
	require.True(t, r.DryRun)
	require.Zero(t, r.ScoutsCreated)
	require.Zero(t, r.RanksImported+r.BadgesImported+r.RankRequirementsImported+r.BadgeRequirementsImported)
	require.Zero(t, r.RequirementDefinitionsRegistered)
	require.Equal(t, 2, r.DuplicatesSkipped)
	// The file's warnings (inactive scout, unknown and historical badge, version mismatch) are
	// previewed, and so is what would happen to the ids the reference data lacks: 7 badge
	// versions whose ids would be recorded for the unit, Tenderfoot 12 refused.
	require.Equal(t, 12, r.WarningCount)
	var refused, recorded int
	for _, w := range r.Warnings {
		switch w.Type {
		case "requirement_refused":
			refused++
			require.Contains(t, w.Message, "would not be imported: 12 (line 7)")
		case "requirement_recorded_for_unit":
			recorded++
			require.Contains(t, w.Message, "would be recorded for this unit only")
		}
	}
	require.Equal(t, 1, refused)
	require.Equal(t, 7, recorded)
	require.NotNil(t, r.Preview)
	require.Equal(t, advancement.PreviewSummary{
		TotalScouts: 3, MatchedScouts: 2, UnmatchedScouts: 1,
		NewRanks:                  3, // first_class, Jordan's star, Riley's scout (Avery's tenderfoot is a duplicate, star an update)
		NewRankRequirements:       5, // all but 5b (approved: duplicate), 2a (not started: update) and Tenderfoot 12 (refused: not imported)
		NewMeritBadges:            4,
		NewMeritBadgeRequirements: 7,
		Duplicates:                2,
		Updates:                   2,
	}, r.Preview.Summary)
	require.Equal(t, []advancement.PreviewScout{
		{BSAMemberID: avery, FullName: "Avery Testwood", ScoutID: averyID.String(), MatchStatus: "matched", NewItems: 8, Duplicates: 2, Updates: 2},
		{BSAMemberID: jordan, FullName: "Jordan Samplesen", ScoutID: jordanID.String(), MatchStatus: "matched", NewItems: 6},
		{BSAMemberID: riley, FullName: "Riley Fakename", MatchStatus: "unmatched", NewItems: 5},
	}, r.Preview.Scouts)
}

// TestStagedDataImportsOnlySelectedScouts imports the app's StagedTroopAdvancement JSON (the
// legacy preview flow) with selected_scout_ids: only the selected scouts are imported. The
// app's own match results and statuses are not trusted.
func TestStagedDataImportsOnlySelectedScouts(t *testing.T) {
	f := newTroop(t)
	averyID, _ := f.seedCraftedRoster(t)
	change := func(typ, name, code, number, version string, date any) map[string]any {
		c := map[string]any{"type": typ, "name": name, "code": code, "version": version, "date": date, "status": "new"}
		if number != "" {
			c["requirementNumber"] = number
		}
		return c
	}
	staged := map[string]any{
		"scouts": []map[string]any{
			{
				"bsaMemberId": avery, "firstName": "Avery", "lastName": "Testwood", "fullName": "Avery Testwood",
				// Stale app data: a wrong scout id and a "duplicate" status are ignored.
				"scoutId": uuid.NewString(), "matchStatus": "matched",
				"ranks": []any{map[string]any{"type": "rank", "name": "Tenderfoot Rank", "code": "tenderfoot", "version": "2024",
					"date": "2024-03-14", "status": "duplicate", "existingId": uuid.NewString()}},
				"rankRequirements": []any{
					change("rank_requirement", "second_class 5b", "second_class", "5b", "2024", "2024-04-02"),
					change("rank_requirement", "second_class 2a", "second_class", "2a", "2024", nil), // the app's dates are often null
				},
				"meritBadges": []any{change("merit_badge", "Camping MB", "camping", "", "2024", nil)},
				"meritBadgeRequirements": []any{
					change("merit_badge_requirement", "Environmental Science 3a[1]", "environmental_science", "3a[1]", "2023", "2025-02-11"),
				},
			},
			{
				"bsaMemberId": jordan, "firstName": "Jordan", "lastName": "Samplesen", "matchStatus": "unmatched",
				"ranks": []any{change("rank", "Star Rank", "star", "", "2024", "2025-10-05")},
			},
			{
				"bsaMemberId": riley, "firstName": "Riley", "lastName": "Fakename", "matchStatus": "unmatched",
				"meritBadges": []any{change("merit_badge", "Fish & Wildlife Management MB", "fish_and_wildlife_management", "", "2025", "2025-06-30")},
			},
			{
				"bsaMemberId": "900000104", "firstName": "Casey", "lastName": "Notselected", "matchStatus": "unmatched",
				"ranks": []any{change("rank", "Scout Rank", "scout", "", "2024", "2024-01-05")},
			},
		},
		"summary": map[string]any{"totalScouts": 4}, "errors": []any{}, "warnings": []any{},
	}

	id := f.submitStaged(t, staged, []string{avery, riley}, nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())

	got := f.naturalDump(t)
	require.Equal(t, sorted([]string{
		"900000101 | Avery | - | Testwood | active",
		"900000102 | Jordan | - | Samplesen | inactive", // not selected: untouched
		"900000103 | Riley | - | Fakename | active",     // selected and unmatched: created
	}), got["scouts"], "the unselected Casey is not created")
	require.Equal(t, sorted([]string{
		"900000101 | tenderfoot | awarded | started 2024-03-14T00:00:00Z | completed - | awarded 2024-03-14T00:00:00Z",
		"900000101 | second_class | in_progress | started 2024-04-02T00:00:00Z | completed - | awarded -",
	}), got["scout_rank_progress"], "Jordan's star (not selected) is not imported")
	require.Equal(t, sorted([]string{
		"900000101 | second_class | 2024 | 5b | reference | completed | 2024-04-02T00:00:00Z | leader | Imported from Scoutbook",
		"900000101 | second_class | 2024 | 2a | reference | completed | - | leader | Imported from Scoutbook",
	}), got["scout_rank_requirement_progress"])
	require.Equal(t, sorted([]string{
		"900000101 | camping | awarded | v2024 | started - | completed - | awarded -",
		"900000101 | environmental_science | in_progress | v2023 | started 2025-02-11T00:00:00Z | completed - | awarded -",
		"900000103 | fish_wildlife_management | awarded | v2025 | started 2025-06-30T00:00:00Z | completed - | awarded 2025-06-30T00:00:00Z",
	}), got["scout_merit_badge_progress"])
	require.Equal(t, []string{
		"900000101 | environmental_science | 2023 | 3a[1] | 3a[1] | unit | completed | 2025-02-11T00:00:00Z | leader | Imported from Scoutbook",
	}, got["scout_merit_badge_requirement_progress"])

	r := j.Result
	require.Equal(t, 2, r.ScoutsInFile)
	require.Equal(t, 1, r.ScoutsMatched)
	require.Equal(t, 1, r.ScoutsCreated)
	require.Equal(t, 1, r.RanksImported)
	require.Equal(t, 2, r.BadgesImported)
	require.Equal(t, 2, r.RankRequirementsImported)
	require.Equal(t, 1, r.BadgeRequirementsImported)
	require.Equal(t, 2, r.Rows.NotSelected)
	require.Equal(t, 6, j.TotalItems)
	require.Equal(t, 2, j.TotalScouts)
	require.NotEqual(t, uuid.Nil, averyID)
}

// TestUnmatchedScoutsSkippedWhenCreationIsOff: with createUnmatchedScouts false, a scout the
// unit lacks is not created and its items are skipped with one scout_not_found warning; the
// other scouts are imported as usual.
func TestUnmatchedScoutsSkippedWhenCreationIsOff(t *testing.T) {
	f := newTroop(t)
	f.seedCraftedRoster(t)
	id := f.submit(t, testdata(t, "crafted_troop.csv"), map[string]any{"createUnmatchedScouts": false})
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())

	got := f.naturalDump(t)
	for _, table := range []string{"scouts", "scout_rank_progress", "scout_rank_requirement_progress",
		"scout_merit_badge_progress", "scout_merit_badge_requirement_progress"} {
		var want []string
		for _, row := range craftedRows[table] {
			if !strings.HasPrefix(row, riley) {
				want = append(want, row)
			}
		}
		require.Equal(t, sorted(want), got[table], table)
	}

	r := j.Result
	require.Zero(t, r.ScoutsCreated)
	require.Equal(t, 1, r.ScoutsSkipped)
	require.Equal(t, 2, r.ScoutsMatched)
	require.Equal(t, 4, r.RanksImported)
	require.Equal(t, 3, r.BadgesImported)
	require.Equal(t, 5, r.RankRequirementsImported) // Tenderfoot 12 (line 7) is refused
	require.Equal(t, 6, r.BadgeRequirementsImported)
	require.Equal(t, 19, j.TotalItems, "Riley's 5 items are not counted")
	require.Equal(t, 19, j.ProcessedItems)

	var notFound []issueRow
	for _, is := range f.issues(t, id) {
		if is.Code == "scout_not_found" {
			notFound = append(notFound, is)
		}
	}
	require.Len(t, notFound, 1)
	require.Equal(t, 29, notFound[0].Line)
	require.Equal(t, riley, notFound[0].BSAMemberID)
	require.Equal(t, "warning", notFound[0].Severity)
	require.Contains(t, notFound[0].Message, "Riley Fakename (BSA id 900000103) is not in the unit")
	require.Contains(t, notFound[0].Message, "5 item(s) were not imported")
	var inResult bool
	for _, w := range r.Warnings {
		if w.Type == "scout_not_found" {
			inResult = true
			require.Equal(t, 5, w.Count)
		}
	}
	require.True(t, inResult, "the warning is in the result too")
}
