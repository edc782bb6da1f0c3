package scoutgen

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/chuckbox/importworker/internal/scoutbook"
	"github.com/stretchr/testify/require"
)

// TestGeneratedFileParsesCleanly checks that every kind of noise is valid
// input: the project's parser reads a noisy 55-scout file (CRLF and BOM
// included) without a fatal error or a row error, and classifies the rows
// exactly as the generator counted them.
func TestGeneratedFileParsesCleanly(t *testing.T) {
	opts := DefaultTroopOptions()
	opts.CRLF, opts.BOM = true, true
	data, stats := generate(t, opts)

	tr, err := scoutbook.NewTroopReader(bytes.NewReader(data))
	require.NoError(t, err)
	require.True(t, tr.HasHeader())

	roster := map[string]bool{}
	for _, s := range Roster(opts) {
		roster[s.BSAMemberID] = true
	}
	headers, completed := 0, 0
	for {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, "row %+v", row)
		require.True(t, roster[row.BSAMemberID])
		if row.IsHeaderRow() {
			headers++
		}
		isReq := row.Kind == scoutbook.KindRankRequirement || row.Kind == scoutbook.KindMeritBadgeRequirement
		if isReq && row.RequirementID != "" && (!row.DateCompleted.IsZero() || row.Approved) {
			completed++
		}
		if row.Kind == scoutbook.KindRankRequirement || row.Kind == scoutbook.KindRank {
			if row.Kind == scoutbook.KindRankRequirement || row.Awarded {
				require.NotEmpty(t, row.RankCode, "line %d: %q", row.Line, row.Advancement)
			}
		}
	}
	got := tr.Stats()
	require.Zero(t, got.RowErrors)
	require.Equal(t, stats.Rows, got.TotalRows)
	require.Equal(t, stats.RowsByKind[KindRank], got.RankRows)
	require.Equal(t, stats.RowsByKind[KindRankRequirement], got.RankRequirementRows)
	require.Equal(t, stats.RowsByKind[KindMeritBadge], got.MeritBadgeRows)
	require.Equal(t, stats.RowsByKind[KindMeritBadgeRequirement], got.MeritBadgeRequirementRows)
	require.Equal(t, stats.RowsByKind[KindOther], got.OtherRows)
	require.Equal(t, stats.MeritBadgeHeaderRows, headers)
	// Dates with time suffixes, one-digit months and every empty spelling
	// are read as the generator meant them.
	require.Equal(t, stats.CompletedRequirements, completed)
}

// TestGeneratedBadgeNamesResolve checks that every badge name of the
// generated file (historical ones and spelling variants included) maps to a
// reference badge code, directly or through the alias table, except the
// deliberately unknown one.
func TestGeneratedBadgeNamesResolve(t *testing.T) {
	data, _ := generate(t, DefaultTroopOptions())
	tr, err := scoutbook.NewTroopReader(bytes.NewReader(data))
	require.NoError(t, err)

	codes := map[string]bool{}
	for _, b := range scoutbook.MeritBadges {
		codes[b.Code] = true
	}
	unresolved := map[string]bool{}
	for {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err)
		if row.Kind != scoutbook.KindMeritBadge && row.Kind != scoutbook.KindMeritBadgeRequirement {
			continue
		}
		// Direct match on the code first, then the alias table, once.
		key := row.BadgeKey
		if codes[key] || codes[scoutbook.BadgeAliases[key]] {
			continue
		}
		unresolved[row.BadgeName] = true
	}
	require.Equal(t, map[string]bool{unknownBadge.csvName: true}, unresolved)
}
