package scoutgen

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/chuckbox/importworker/internal/scoutbook"
	"github.com/chuckbox/importworker/internal/scoutbook/history"
	"github.com/stretchr/testify/require"
)

// historyGenerate writes the report for opts and parses it back.
func historyGenerate(t *testing.T, opts HistoryOptions) ([]byte, *history.Report) {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteHistory(&buf, opts))
	rep, err := history.Parse(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err, "generated report:\n%s", buf.String())
	return buf.Bytes(), rep
}

// historyWithoutNotes clears the parser's notes on skipped sections, which
// HistoryReportFor does not predict, after checking they are set.
func historyWithoutNotes(t *testing.T, rep *history.Report) *history.Report {
	t.Helper()
	for i := range rep.SkippedSections {
		require.NotEmpty(t, rep.SkippedSections[i].Note)
		rep.SkippedSections[i].Note = ""
	}
	return rep
}

func TestWriteHistoryRoundTripsThroughParseHistory(t *testing.T) {
	t.Parallel()
	ranks := []string{"none", "scout", "tenderfoot", "second_class", "first_class", "star", "life", "eagle", ""}
	for seed := range int64(40) {
		opts := HistoryOptions{Seed: seed, Rank: ranks[seed%int64(len(ranks))], CRLF: seed%3 == 0, BOM: seed%4 == 0}
		data, got := historyGenerate(t, opts)
		want, err := HistoryReportFor(opts)
		require.NoError(t, err)

		require.Empty(t, got.Warnings, "seed %d: the parser warned about a generated report:\n%s", seed, data)
		require.Equal(t, want, historyWithoutNotes(t, got), "seed %d report:\n%s", seed, data)
	}
}

func TestWriteHistoryCounts(t *testing.T) {
	t.Parallel()
	_, rep := historyGenerate(t, HistoryOptions{Seed: 7, Rank: "eagle", BSAMemberID: "900000555", FirstName: "Morgan", LastName: "Exampleton", UnitNumber: "123"})

	h := rep.Header
	require.Equal(t, "900000555", h.BSAMemberID)
	require.Equal(t, "Morgan Exampleton", h.Name)
	require.Equal(t, "123", h.UnitNumber)
	require.Equal(t, "eagle", h.CurrentRankCode)

	// All seven ranks awarded, each with every requirement of its current
	// version, all dated, in rank order.
	require.Len(t, rep.Ranks, 7)
	prev := scoutbook.Date{}
	for i, r := range rep.Ranks {
		require.Equal(t, scoutbook.Ranks[i].Code, r.Code)
		require.Len(t, r.Requirements, len(scoutbook.Ranks[i].RequirementIDs))
		require.False(t, r.AwardedDate.IsZero())
		require.Positive(t, r.AwardedDate.Compare(prev), "ranks are awarded in order")
		prev = r.AwardedDate
		for j, q := range r.Requirements {
			require.Equal(t, scoutbook.Ranks[i].RequirementIDs[j], q.ID)
			require.False(t, q.Date.IsZero())
			require.LessOrEqual(t, q.Date.Compare(r.AwardedDate), 0, "requirements are done before the award")
		}
	}

	// Star 6 (4 Eagle-required), Life 5 (3), Eagle 10 (7): 21 badges, 14 Eagle-required.
	eagleSlots, slots := 0, 0
	for _, r := range rep.Ranks {
		for _, s := range r.MeritBadgeSlots {
			slots++
			require.NotEmpty(t, s.BadgeCode, "slot %q must resolve", s.BadgeName)
			require.LessOrEqual(t, s.Date.Compare(r.AwardedDate), 0, "badge earned before the rank")
			if s.EagleRequired {
				eagleSlots++
			}
		}
	}
	require.Equal(t, 21, slots)
	require.Equal(t, 14, eagleSlots)
	require.GreaterOrEqual(t, len(rep.CompletedBadges), 21)
	for _, b := range rep.CompletedBadges {
		require.NotEmpty(t, b.Code, "badge %q must resolve", b.Name)
	}

	names := map[string]bool{}
	for _, s := range rep.SkippedSections {
		names[s.Name] = true
	}
	require.True(t, names["Training"], "a Training section to skip is always present")
	require.Positive(t, rep.Activities.Line)
}

func TestWriteHistoryInProgressRankHasOpenRequirements(t *testing.T) {
	t.Parallel()
	for seed := range int64(10) {
		_, rep := historyGenerate(t, HistoryOptions{Seed: seed, Rank: "first_class"})
		require.Len(t, rep.Ranks, 5)
		star := rep.Ranks[4]
		require.Equal(t, "star", star.Code)
		require.True(t, star.AwardedDate.IsZero())
		require.Less(t, len(star.MeritBadgeSlots), 6, "an in-progress Star has empty slots")
	}
	_, rep := historyGenerate(t, HistoryOptions{Seed: 3, Rank: "none"})
	require.Len(t, rep.Ranks, 1)
	require.Empty(t, rep.Header.CurrentRankCode)
}

func TestWriteHistoryUsesAbbreviationsAndPartialBadges(t *testing.T) {
	t.Parallel()
	abbreviated, partialWithVersion, partialWithoutVersion, parenIDs := 0, 0, 0, 0
	for seed := range int64(60) {
		_, rep := historyGenerate(t, HistoryOptions{Seed: seed})
		for _, r := range rep.Ranks {
			for _, s := range r.MeritBadgeSlots {
				if strings.Contains(s.BadgeName, ".") {
					abbreviated++
					require.NotEmpty(t, s.BadgeCode)
				}
			}
		}
		for _, p := range rep.PartialBadges {
			if p.Version != 0 {
				partialWithVersion++
			} else {
				partialWithoutVersion++
			}
			for _, id := range p.CompletedRequirementIDs {
				if strings.Contains(id, ")(") {
					parenIDs++
				}
			}
		}
	}
	require.Positive(t, abbreviated, "slots use abbreviations such as Cit. in Comm.")
	require.Positive(t, partialWithVersion)
	require.Positive(t, partialWithoutVersion)
	require.Positive(t, parenIDs, "IDs like 6A(a)(1) appear")
}

func TestWriteHistoryIsDeterministic(t *testing.T) {
	t.Parallel()
	a, _ := historyGenerate(t, HistoryOptions{Seed: 11})
	b, _ := historyGenerate(t, HistoryOptions{Seed: 11})
	c, _ := historyGenerate(t, HistoryOptions{Seed: 12})
	require.Equal(t, a, b)
	require.NotEqual(t, a, c)
}

func TestWriteHistoryLineEndings(t *testing.T) {
	t.Parallel()
	data, _ := historyGenerate(t, HistoryOptions{Seed: 1, CRLF: true, BOM: true})
	require.True(t, bytes.HasPrefix(data, []byte("\ufeffGenerated: ")))
	require.Equal(t, bytes.Count(data, []byte("\n")), bytes.Count(data, []byte("\r\n")))

	data, _ = historyGenerate(t, HistoryOptions{Seed: 1})
	require.True(t, bytes.HasPrefix(data, []byte("Generated: 02/03/2026 09:15:00\nScouts BSA History Report\n")))
	require.NotContains(t, string(data), "\r")
}

func TestWriteHistoryDatesNotAfterGenerated(t *testing.T) {
	t.Parallel()
	gen := time.Date(2024, 6, 30, 8, 0, 0, 0, time.UTC)
	limit, err := scoutbook.NewDate(2024, 6, 30)
	require.NoError(t, err)
	for seed := range int64(20) {
		_, rep := historyGenerate(t, HistoryOptions{Seed: seed, GeneratedAt: gen})
		require.Equal(t, gen, rep.Header.GeneratedAt)
		check := func(d scoutbook.Date) {
			require.LessOrEqual(t, d.Compare(limit), 0, "seed %d: %s is after the report date", seed, d)
		}
		for _, r := range rep.Ranks {
			check(r.AwardedDate)
			for _, q := range r.Requirements {
				check(q.Date)
			}
		}
		for _, b := range rep.CompletedBadges {
			check(b.Date)
		}
		for _, b := range rep.PartialBadges {
			check(b.StartDate)
		}
		for _, l := range rep.Leadership {
			check(l.StartDate)
			check(l.EndDate)
		}
	}
}

func TestWriteHistoryRejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, opts := range []HistoryOptions{
		{Rank: "wolf"},
		{BSAMemberID: "12AB"},
		{FirstName: "Line\nBreak"},
		{UnitNumber: "Troop 5"},
		{GeneratedAt: time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)},
	} {
		var buf bytes.Buffer
		err := WriteHistory(&buf, opts)
		require.Error(t, err, "options %+v", opts)
		require.Contains(t, err.Error(), "scoutgen:")
		require.Zero(t, buf.Len(), "nothing is written for bad options")
	}
}

// historyFailWriter fails every write.
type historyFailWriter struct{}

var errHistoryDiskFull = errors.New("disk full")

func (historyFailWriter) Write([]byte) (int, error) { return 0, errHistoryDiskFull }

func TestWriteHistoryReportsWriteErrors(t *testing.T) {
	t.Parallel()
	require.ErrorIs(t, WriteHistory(historyFailWriter{}, HistoryOptions{}), errHistoryDiskFull)
}

func TestHistoryBadgeCodesExist(t *testing.T) {
	t.Parallel()
	for _, code := range historyElectives {
		_, ok := scoutbook.MeritBadgeByCode(code)
		require.True(t, ok, "elective %s", code)
	}
	for code, labels := range historySlotLabels {
		for _, label := range labels {
			require.Equal(t, code, history.BadgeCode(label), "slot label %q", label)
		}
	}
}
