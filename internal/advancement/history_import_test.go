package advancement_test

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// histCraftedSetup creates the crafted report's scout and gives Swimming a current version
// (2024) with requirements 1 and 2, so that the report's Swimming entry, which has no
// "(YYYY Version)", falls back to it.
func histCraftedSetup(t *testing.T, f *histFixture) uuid.UUID {
	t.Helper()
	scout := f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)
	f.exec(t, `update bsa_merit_badges set requirement_version_year = 2024 where code = 'swimming'`)
	f.exec(t, `insert into bsa_merit_badge_requirements (merit_badge_id, version_year, requirement_number, scoutbook_requirement_number, description, display_order)
		select id, 2024, n, n, 'Swimming requirement ' || n, n::int from bsa_merit_badges, unnest(array['1', '2']) as n where code = 'swimming'`)
	return scout
}

// histCraftedRows are the exact rows the crafted report writes.
var histCraftedRows = map[string][]string{
	"ranks": {
		"scout | awarded | 2023-10-15 | 2023-10-15 | 2023-10-15",
		"second_class | in_progress | 2024-06-10 | - | -", // earliest completed requirement (9z is not a requirement)
		"star | in_progress | 2025-01-05 | - | -",
		"tenderfoot | awarded | 2024-03-10 | 2024-03-10 | 2024-03-10",
	},
	// Each requirement carries the date the report prints for it.
	"rank requirements": {
		"scout | 2024 | 1a | completed | 2023-09-20 | leader",
		"scout | 2024 | 1b | completed | 2023-09-21 | leader",
		"scout | 2024 | 7 | completed | 2023-10-15 | leader",
		"second_class | 2024 | 5b | completed | 2024-06-10 | leader",
		"star | 2024 | 1 | completed | 2025-01-05 | leader",
		"tenderfoot | 2024 | 1a | completed | 2023-11-04 | leader",
		"tenderfoot | 2024 | 4a | completed | 2023-12-02 | leader",
	},
	"badges": {
		"chess | in_progress | v- | 2025-11-01 | - | -",
		"citizenship_in_the_community | awarded | v- | 2025-07-12 | 2025-07-12 | 2025-07-12", // "Cit. in Comm. #"
		"citizenship_in_the_nation | awarded | v- | 2025-08-01 | 2025-08-01 | 2025-08-01",
		"citizenship_in_the_world | awarded | v- | 2025-06-01 | 2025-06-01 | 2025-06-01", // only in a Star slot, "Cit. in World #"
		"cooking | in_progress | v2025 | 2026-01-15 | - | -",
		"first_aid | awarded | v- | 2025-05-05 | 2025-05-05 | 2025-05-05",
		"fish_wildlife_management | awarded | v- | 2025-08-15 | 2025-08-15 | 2025-08-15",
		"swimming | in_progress | v2024 | 2026-02-01 | - | -", // version fallback
	},
	// Partial badges have no per-requirement dates: completed_at stays NULL.
	"badge requirements": {
		"cooking | 2025 | 1a | unit | completed | -",
		"cooking | 2025 | 1b | unit | completed | -",
		"cooking | 2025 | 6A(a)(1) | unit | completed | -",
		"cooking | 2025 | 6A(a)(2) | unit | completed | -",
		"swimming | 2024 | 1 | reference | completed | -",
		"swimming | 2024 | 2 | reference | completed | -",
	},
	"leadership": {
		"librarian | Librarian | 2025-03-01 | -", // from the header's Position field
		"patrol_leader | Patrol Leader (Example Patrol) | 2025-09-01 | -",
		"scribe | Scribe | 2024-03-01 | 2024-08-31",
	},
	"activities": {
		"camping | 9 | 2026-02-03 | scoutbook_history | scoutbook_history:camping",
		"hiking | 12 | 2026-02-03 | scoutbook_history | scoutbook_history:hiking",
		"service | 6.5 | 2026-02-03 | scoutbook_history | scoutbook_history:service",
	},
}

func TestHistoryCraftedReportWritesExactRows(t *testing.T) {
	f := newHistFixture(t)
	scout := histCraftedSetup(t, f)

	j := f.importReport(t, histTestdata(t, "history_crafted.csv"), nil)
	j.requireCompleted(t)
	require.Equal(t, histCraftedRows, f.rows(t, scout))

	r := j.Result
	require.Equal(t, scout.String(), r.ScoutID)
	require.Equal(t, "bsaMemberId", r.MatchedBy)
	require.Equal(t, "Morgan Exampleton", r.ScoutName)
	require.Equal(t, 4, r.RanksImported, "2 awarded + 2 started")
	require.Equal(t, 2, r.RanksStarted)
	require.Equal(t, 13, r.RequirementsImported)
	require.Equal(t, 7, r.RankRequirementsImported)
	require.Equal(t, 6, r.BadgeRequirementsImported)
	require.Equal(t, 8, r.BadgesImported, "5 awarded + 3 started")
	require.Equal(t, 3, r.BadgesStarted)
	require.Equal(t, 3, r.LeadershipImported)
	require.Equal(t, 3, r.ActivitiesImported)
	require.Zero(t, r.DuplicatesSkipped)
	require.False(t, r.DryRun)
	require.Nil(t, r.Preview)
	require.Equal(t, 4, r.RequirementDefinitionsRegistered)
	require.Contains(t, r.TimingsMs, "total")
	require.Equal(t, j.TotalItems, j.ProcessedItems)
	require.Equal(t, 1, j.ProcessedScouts)

	require.Equal(t, []string{"leadership_without_start_date", "requirement_not_found", "requirement_recorded_for_unit",
		"unknown_leadership_position", "unknown_merit_badge", "version_fallback"}, histWarningTypes(r))
	fallback := histWarning(t, r, "version_fallback")
	require.Equal(t, "Swimming", fallback.Badge)
	require.Equal(t, "2024", fallback.UsedVersion)
	require.Contains(t, fallback.Message, "Requirements for Swimming")
	require.Contains(t, fallback.Message, "using current version 2024")
	require.Contains(t, histWarning(t, r, "unknown_merit_badge").Message, "Underwater Basket Weaving")
	require.Contains(t, histWarning(t, r, "unknown_leadership_position").Message, "Grand Poobah")
	require.Contains(t, histWarning(t, r, "leadership_without_start_date").Message, "Historian")
	var rankMiss, badgeMiss string
	for _, w := range r.Warnings {
		if w.Type == "requirement_not_found" && w.Rank != "" {
			rankMiss = w.Message
		}
		if w.Type == "requirement_recorded_for_unit" && w.Badge != "" {
			badgeMiss = w.Message
		}
	}
	require.Contains(t, rankMiss, "Second Class 9z")
	require.Contains(t, badgeMiss, "6A(a)(1)")
	require.Equal(t, r.WarningCount, len(r.Warnings))

	// The warnings are also stored as the job's issues.
	require.Equal(t, 6, f.count(t, `select count(*) from import_job_issues where severity = 'warning'`))
	// Skipped sections are notes, not warnings.
	require.Len(t, r.Notes, 2)
	require.Contains(t, r.Notes[0].Message, "Order of the Arrow")
	require.Contains(t, r.Notes[1].Message, "Training")
	// Nothing is added to the shared reference data; the badge ids are the unit's own.
	require.Zero(t, f.count(t, `select count(*) from bsa_rank_requirements where source = 'import'`))
	require.Zero(t, f.count(t, `select count(*) from bsa_merit_badge_requirements where source = 'import'`))
	require.Equal(t, 4, f.count(t, `select count(*) from unit_requirement_definitions where unit_id = $1 and merit_badge_id is not null`, f.unit))
}

func TestHistoryReimportWritesNothing(t *testing.T) {
	f := newHistFixture(t)
	scout := histCraftedSetup(t, f)
	report := histTestdata(t, "history_crafted.csv")

	f.importReport(t, report, nil).requireCompleted(t)
	before := f.snapshot(t)

	j := f.importReport(t, report, nil)
	j.requireCompleted(t)
	require.Equal(t, before, f.snapshot(t), "a re-import must not insert, update or delete a single row")
	r := j.Result
	require.Zero(t, r.RanksImported+r.RequirementsImported+r.BadgesImported+r.LeadershipImported+r.ActivitiesImported+r.ItemsUpdated)
	require.Zero(t, r.RequirementDefinitionsRegistered)
	// 2 awarded and 2 started ranks, 5 awarded and 3 started badges, 7 + 6 requirements, 3
	// positions, 3 totals.
	require.Equal(t, 31, r.DuplicatesSkipped)
	// Activity totals are not doubled.
	require.Equal(t, histCraftedRows["activities"], f.rows(t, scout)["activities"])
	require.Equal(t, 3, f.count(t, `select count(*) from scout_activity_entries where scout_id = $1`, scout))
}

func TestHistoryLaterReportUpdatesTotalsAndEndDates(t *testing.T) {
	f := newHistFixture(t)
	scout := histCraftedSetup(t, f)
	report := histTestdata(t, "history_crafted.csv")
	f.importReport(t, report, nil).requireCompleted(t)

	later := strings.NewReplacer(
		`"Total Service Hours","6.50"`, `"Total Service Hours","8.25"`,
		`"Patrol Leader (Example Patrol)","09/01/2025","__________"`, `"Patrol Leader (Example Patrol)","09/01/2025","01/31/2026"`,
		`Generated: 02/03/2026`, `Generated: 03/01/2026`,
	).Replace(report)
	require.NotEqual(t, report, later)
	j := f.importReport(t, later, nil)
	j.requireCompleted(t)
	require.Equal(t, 1, j.Result.ActivitiesImported)
	require.Equal(t, 1, j.Result.LeadershipImported)

	rows := f.rows(t, scout)
	require.Equal(t, []string{
		"camping | 9 | 2026-02-03 | scoutbook_history | scoutbook_history:camping", // unchanged total keeps its row as it was
		"hiking | 12 | 2026-02-03 | scoutbook_history | scoutbook_history:hiking",
		"service | 8.25 | 2026-03-01 | scoutbook_history | scoutbook_history:service", // the new total, not 6.5 + 8.25
	}, rows["activities"])
	require.Contains(t, rows["leadership"], "patrol_leader | Patrol Leader (Example Patrol) | 2025-09-01 | 2026-01-31")
	require.Len(t, rows["leadership"], 3)
}

func TestHistoryNeverDowngrades(t *testing.T) {
	f := newHistFixture(t)
	scout := histCraftedSetup(t, f)
	// The scout's Scout rank is approved (not yet awarded) and Tenderfoot 1a was approved by a
	// leader on another day; the import moves the rank up and leaves the requirement alone.
	f.exec(t, `insert into scout_rank_progress (scout_id, rank_id, status, started_at)
		select $1, id, 'approved', '2023-09-01' from bsa_ranks where code = 'scout'`, scout)
	f.exec(t, `insert into scout_rank_progress (scout_id, rank_id, status, started_at, awarded_at)
		select $1, id, 'awarded', '2024-03-01', '2024-03-01' from bsa_ranks where code = 'tenderfoot'`, scout)
	f.exec(t, `insert into scout_rank_requirement_progress (scout_rank_progress_id, requirement_id, status, completed_at)
		select p.id, d.id, 'approved', '2023-11-01' from scout_rank_progress p join bsa_ranks r on r.id = p.rank_id
		join bsa_rank_requirements d on d.rank_id = r.id and d.version_year = 2024 and d.requirement_number = '1a'
		where p.scout_id = $1 and r.code = 'tenderfoot'`, scout)

	j := f.importReport(t, histTestdata(t, "history_crafted.csv"), nil)
	j.requireCompleted(t)
	rows := f.rows(t, scout)
	require.Contains(t, rows["ranks"], "scout | awarded | 2023-09-01 | 2023-10-15 | 2023-10-15")
	require.Contains(t, rows["ranks"], "tenderfoot | awarded | 2024-03-01 | - | 2024-03-01")
	require.Contains(t, rows["rank requirements"], "tenderfoot | 2024 | 1a | approved | 2023-11-01 | -")
	require.Equal(t, 1+2, j.Result.RanksImported, "Scout moved up, Second Class and Star started")
}

func TestHistoryDryRunWritesNothing(t *testing.T) {
	f := newHistFixture(t)
	histCraftedSetup(t, f)
	report := histTestdata(t, "history_crafted.csv")
	before := f.snapshot(t)

	j := f.importReport(t, report, map[string]any{"dryRun": true})
	j.requireCompleted(t)
	require.Equal(t, before, f.snapshot(t))
	r := j.Result
	require.True(t, r.DryRun)
	require.NotNil(t, r.Preview)
	require.Zero(t, r.RanksImported+r.RequirementsImported+r.BadgesImported+r.LeadershipImported+r.ActivitiesImported)
	s := r.Preview.Summary
	require.Equal(t, 4, s.NewRanks)
	require.Equal(t, 7, s.NewRankRequirements)
	require.Equal(t, 8, s.NewMeritBadges)
	require.Equal(t, 6, s.NewMeritBadgeRequirements)
	require.Equal(t, 3, s.NewLeadership)
	require.Equal(t, 3, s.NewActivities)
	require.Equal(t, 4, s.RequirementDefinitionsToRegister)
	require.Zero(t, s.Duplicates+s.Updates)
	require.Len(t, r.Preview.Ranks, 4)
	require.Equal(t, "Scout", r.Preview.Ranks[0].Name)
	require.Equal(t, "awarded", r.Preview.Ranks[0].Status)
	require.Equal(t, "2023-10-15", r.Preview.Ranks[0].Date)
	require.Equal(t, 3, r.Preview.Ranks[0].Requirements)
	require.Equal(t, "new", r.Preview.Ranks[0].Action)
	require.Len(t, r.Preview.MeritBadges, 8)
	require.Len(t, r.Preview.Leadership, 3)
	require.Len(t, r.Preview.Activities, 3)
	require.Contains(t, histWarningTypes(r), "version_fallback")

	// After the import, a dry run finds everything recorded.
	f.importReport(t, report, nil).requireCompleted(t)
	j = f.importReport(t, report, map[string]any{"dryRun": true})
	j.requireCompleted(t)
	s = j.Result.Preview.Summary
	require.Zero(t, s.NewRanks+s.NewRankRequirements+s.NewMeritBadges+s.NewMeritBadgeRequirements+s.NewLeadership+s.NewActivities+s.Updates)
	require.Zero(t, s.RequirementDefinitionsToRegister)
	require.Equal(t, 31, s.Duplicates)
}
