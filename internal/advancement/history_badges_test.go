package advancement_test

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/scoutbook"
	"github.com/chuckbox/importworker/internal/scoutbook/history"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

// TestHistoryAbbreviatedEagleBadgesAreImported covers the reference app's bug: it mapped the
// citizenship abbreviations to codes that do not exist and silently dropped those badges.
// Every abbreviation the history report uses is listed, in the Eagle merit badge slots and in
// "Completed Merit Badges"; every badge must be recorded as awarded, without a warning.
func TestHistoryAbbreviatedEagleBadgesAreImported(t *testing.T) {
	f := newHistFixture(t)
	scout := f.addScout(t, uuid.Nil, "900000555", "Morgan", "Exampleton", true)

	abbreviations := slices.Sorted(maps.Keys(history.BadgeAbbreviations))
	var b strings.Builder
	b.WriteString("Generated: 02/03/2026 09:15:00\nScouts BSA History Report\n\"Morgan Exampleton Troop 123 BOYS\"\n")
	b.WriteString("\"BSA ID:\",\"900000555\",\n\nEagle,,\"\"\n\"3\",\"21 Merit Badges\",\"__________\"\n")
	// The slots hold the abbreviations of the Eagle-required badges (dated: earned).
	wantCodes := map[string]bool{}
	for i, a := range abbreviations {
		code := history.BadgeAbbreviations[a]
		wantCodes[code] = true
		info, ok := scoutbook.MeritBadgeByCode(code)
		require.True(t, ok, "abbreviation %q maps to unknown code %q", a, code)
		if info.EagleRequired {
			fmt.Fprintf(&b, "\"\",\"%s #\",\"01/%02d/2025\"\n", a, 1+i%28)
		}
	}
	b.WriteString("\n")
	for i, a := range abbreviations {
		fmt.Fprintf(&b, "\"Completed Merit Badges\"\n\"%s\",\"02/%02d/2025\"\n", a, 1+i%28)
	}

	j := f.importReport(t, b.String(), nil)
	j.requireCompleted(t)
	require.Empty(t, j.Result.Warnings, "every abbreviation resolves")
	require.Zero(t, j.Result.UnknownItems)

	awarded := f.texts(t, `select b.code from scout_merit_badge_progress p join bsa_merit_badges b on b.id = p.merit_badge_id
		where p.scout_id = $1 and p.status = 'awarded'`, scout)
	require.Equal(t, slices.Sorted(maps.Keys(wantCodes)), awarded)
	for _, code := range []string{"citizenship_in_the_community", "citizenship_in_the_nation", "citizenship_in_the_world"} {
		require.Contains(t, awarded, code)
	}
	// Every Eagle-required badge has an abbreviation in the list, so all 18 are covered.
	for _, info := range scoutbook.MeritBadges {
		if info.EagleRequired {
			require.Contains(t, awarded, info.Code)
		}
	}
	require.Equal(t, len(wantCodes), j.Result.BadgesImported)
}

// TestHistoryGeneratedReportsImportCompletely imports generated reports (every rank level)
// and checks every item of the report against the database.
func TestHistoryGeneratedReportsImportCompletely(t *testing.T) {
	f := newHistFixture(t)
	for i, rank := range []string{"none", "scout", "tenderfoot", "second_class", "first_class", "star", "life", "eagle", ""} {
		opts := scoutgen.HistoryOptions{Seed: int64(100 + i), Rank: rank, BSAMemberID: fmt.Sprintf("9100000%02d", i)}
		t.Run(fmt.Sprintf("seed %d rank %q", opts.Seed, rank), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, scoutgen.WriteHistory(&buf, opts))
			rep, err := scoutgen.HistoryReportFor(opts)
			require.NoError(t, err)
			scout := f.addScout(t, uuid.Nil, opts.BSAMemberID, rep.Header.FirstName, rep.Header.LastName, true)

			j := f.importReport(t, buf.String(), nil)
			j.requireCompleted(t)
			rows := f.rows(t, scout)

			var wantRanks, wantRankReqs []string
			rankStarted := map[string]bool{}
			for _, r := range rep.Ranks {
				info, _ := scoutbook.RankByCode(r.Code)
				first := ""
				for _, q := range r.Requirements {
					if q.Date.IsZero() {
						continue
					}
					wantRankReqs = append(wantRankReqs, fmt.Sprintf("%s | %d | %s | completed | %s | leader", r.Code, info.VersionYear, q.ID, q.Date))
					if first == "" || q.Date.String() < first {
						first = q.Date.String()
					}
				}
				switch {
				case !r.AwardedDate.IsZero():
					d := r.AwardedDate.String()
					wantRanks = append(wantRanks, fmt.Sprintf("%s | awarded | %s | %s | %s", r.Code, d, d, d))
				case first != "":
					rankStarted[r.Code] = true
					wantRanks = append(wantRanks, fmt.Sprintf("%s | in_progress | %s | - | -", r.Code, first))
				}
			}
			slices.Sort(wantRanks)
			slices.Sort(wantRankReqs)
			require.Equal(t, histNonNil(wantRanks), rows["ranks"])
			require.Equal(t, histNonNil(wantRankReqs), rows["rank requirements"])

			var wantBadges, wantBadgeReqs []string
			for _, b := range rep.CompletedBadges {
				d := b.Date.String()
				wantBadges = append(wantBadges, fmt.Sprintf("%s | awarded | v- | %s | %s | %s", b.Code, d, d, d))
			}
			unversioned := 0
			for _, p := range rep.PartialBadges {
				v := "-"
				if p.Version != 0 {
					v = fmt.Sprint(p.Version)
					for _, id := range p.CompletedRequirementIDs {
						wantBadgeReqs = append(wantBadgeReqs, fmt.Sprintf("%s | %d | %s | unit | completed | -", p.Code, p.Version, id))
					}
				} else {
					unversioned += len(p.CompletedRequirementIDs)
				}
				wantBadges = append(wantBadges, fmt.Sprintf("%s | in_progress | v%s | %s | - | -", p.Code, v, p.StartDate))
			}
			slices.Sort(wantBadges)
			slices.Sort(wantBadgeReqs)
			require.Equal(t, histNonNil(wantBadges), rows["badges"])
			require.Equal(t, histNonNil(wantBadgeReqs), rows["badge requirements"])

			require.Len(t, rows["leadership"], len(rep.Leadership), "every position is known and imported")
			for _, l := range rep.Leadership {
				found := false
				for _, row := range rows["leadership"] {
					found = found || strings.Contains(row, " | "+l.StartDate.String()+" | ")
				}
				require.True(t, found, "position %+v", l)
			}
			a := rep.Activities
			var wantActivities []string
			for kind, v := range map[string]float64{"camping": a.CampingNights, "service": a.ServiceHours, "hiking": a.HikingMiles} {
				if v > 0 {
					wantActivities = append(wantActivities, fmt.Sprintf("%s | %s | %s | scoutbook_history | scoutbook_history:%s",
						kind, strconv.FormatFloat(v, 'f', -1, 64), rep.Header.GeneratedAt.Format("2006-01-02"), kind))
				}
			}
			slices.Sort(wantActivities)
			require.Equal(t, histNonNil(wantActivities), rows["activities"])

			// Only the expected warnings: badge ids recorded for the unit and badges without a
			// version.
			for _, w := range j.Result.Warnings {
				require.Contains(t, []string{"requirement_recorded_for_unit", "version_unknown"}, w.Type, "%+v", w)
				if w.Type == "requirement_recorded_for_unit" {
					require.NotEmpty(t, w.Badge, "no rank requirement is unknown: %+v", w)
				}
			}
			require.Equal(t, unversioned, j.Result.UnknownItems)
			require.Equal(t, len(wantRankReqs)+len(wantBadgeReqs), j.Result.RequirementsImported)
			require.Len(t, j.Result.Notes, len(rep.SkippedSections))

			// Importing the same report again writes nothing.
			before := f.snapshot(t)
			again := f.importReport(t, buf.String(), nil)
			again.requireCompleted(t)
			require.Equal(t, before, f.snapshot(t))
		})
	}
}

// histNonNil turns a nil list into an empty one (the dumps are never nil).
func histNonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}
