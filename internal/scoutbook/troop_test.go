package scoutbook

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
)

// TestTroopReaderDomainExample checks the synthetic rows of domain.md 1.8
// field by field, independently of the golden file.
func TestTroopReaderDomainExample(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "troop", "domain_example.csv"))
	require.NoError(t, err)
	rows, rowErrs, fatal := readAllTroop(t, string(data))
	require.NoError(t, fatal)
	require.Len(t, rows, 14)
	byLine := make(map[int]TroopRow, len(rows))
	for _, r := range rows {
		byLine[r.Line] = r
	}
	date := func(s string) Date {
		d, err := ParseDate(s)
		require.NoError(t, err)
		return d
	}

	tenderfoot := byLine[2]
	require.Equal(t, KindRank, tenderfoot.Kind)
	require.Equal(t, "tenderfoot", tenderfoot.RankCode)
	require.True(t, tenderfoot.Awarded)
	require.Equal(t, date("2024-03-14"), tenderfoot.AwardedDate)
	require.Equal(t, "Quinn", tenderfoot.MiddleName)

	require.Equal(t, TroopRow{
		Line: 4, BSAMemberID: "900000101", FirstName: "Avery", MiddleName: "Quinn", LastName: "Testwood",
		AdvancementType: "Second Class Rank Requirements", Advancement: "5b",
		Kind: KindRankRequirement, RankCode: "second_class", RequirementID: "5b",
		Version: "2024", VersionYear: 2024, Approved: true,
		DateCompleted: date("4/2/2024"), MarkedCompletedDate: date("4/2/2024"),
	}, byLine[4])

	approvedOnly := byLine[6]
	require.Equal(t, "star", approvedOnly.RankCode, "Star Scout Rank Requirements")
	require.True(t, approvedOnly.DateCompleted.IsZero())
	require.Equal(t, date("09/02/2025"), approvedOnly.MarkedCompletedDate)
	require.Equal(t, "JJ", approvedOnly.Nickname)

	signs := byLine[8]
	require.Equal(t, "Signs, Signals, and Codes", signs.BadgeName)
	require.Equal(t, "signs_signals_and_codes", signs.BadgeKey)

	fish := byLine[9]
	require.Equal(t, KindMeritBadge, fish.Kind)
	require.False(t, fish.Awarded, "awarded flag is 0 ...")
	require.Equal(t, date("06/30/2025"), fish.AwardedDate, "... but the awarded date is kept")
	require.Equal(t, "fish_and_wildlife_management", fish.BadgeKey)
	require.Equal(t, "fish_wildlife_management", BadgeAliases[fish.BadgeKey])

	header := byLine[10]
	require.Equal(t, KindMeritBadgeRequirement, header.Kind)
	require.True(t, header.IsHeaderRow())
	require.Empty(t, header.RequirementID)
	require.False(t, byLine[11].IsHeaderRow())
	require.Equal(t, "3a[1]", byLine[11].RequirementID)
	require.Equal(t, 2023, byLine[11].VersionYear)

	require.Equal(t, "5g.", byLine[12].RequirementID)
	require.Equal(t, "4a1 Triathlon Option", byLine[13].RequirementID)
	require.Equal(t, "signs_signals_and_codes", byLine[14].BadgeKey, "comma inside the advancementtype")
	require.Equal(t, KindOther, byLine[15].Kind)
	require.Zero(t, byLine[15].VersionYear)

	require.Len(t, rowErrs, 1)
	require.Equal(t, 16, rowErrs[0].Line)
	require.Equal(t, "bsamemberid", rowErrs[0].Field)
}

func TestTroopClassifyType(t *testing.T) {
	t.Parallel()
	for input, want := range map[string]troopTypeClass{
		"Rank":                             {kind: KindRank},
		" ranks ":                          {kind: KindRank},
		"Merit Badges":                     {kind: KindMeritBadge},
		"MERIT BADGE":                      {kind: KindMeritBadge},
		"Scout Rank Requirements":          {kind: KindRankRequirement, rankCode: "scout"},
		"Star Rank Requirements":           {kind: KindRankRequirement, rankCode: "star"},
		"Star Scout Rank Requirements":     {kind: KindRankRequirement, rankCode: "star"},
		"Star Requirements":                {kind: KindRankRequirement, rankCode: "star"},
		"Second  Class\tRank Requirements": {kind: KindRankRequirement, rankCode: "second_class"},
		"Eagle Scout Rank Requirement":     {kind: KindRankRequirement, rankCode: "eagle"},
		"Cooking Merit Badge Requirements": {kind: KindMeritBadgeRequirement, badgeName: "Cooking", badgeKey: "cooking"},
		"Fish  and Wildlife Management Merit Badge Requirements": {kind: KindMeritBadgeRequirement,
			badgeName: "Fish and Wildlife Management", badgeKey: "fish_and_wildlife_management"},
		"Scout Merit Badge Requirements":   {kind: KindMeritBadgeRequirement, badgeName: "Scout", badgeKey: "scout"},
		"Merit Badge Requirements":         {kind: KindOther},
		"Arrow of Light Rank Requirements": {kind: KindOther},
		"Awards":                           {kind: KindOther},
		"Requirements":                     {kind: KindOther},
		"":                                 {kind: KindOther},
	} {
		require.Equal(t, want, troopClassifyType(input), "%q", input)
	}
}

func TestTroopParseFlag(t *testing.T) {
	t.Parallel()
	v, ok := troopParseFlag("1")
	require.True(t, ok)
	require.True(t, v, "only 1 is true")
	for _, s := range []string{"", "0"} {
		v, ok := troopParseFlag(s)
		require.True(t, ok, s)
		require.False(t, v, s)
	}
	for _, s := range []string{"2", "-1", "maybe", "on", "1.0", "yess", "true", "TRUE", "yes", "x", "false", "no"} {
		v, ok := troopParseFlag(s)
		require.False(t, ok, s)
		require.False(t, v, "%s is read as false", s)
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "merit_badge_requirement", KindMeritBadgeRequirement.String())
	require.Equal(t, "other", Kind(0).String(), "the zero Kind is KindOther")
	require.Equal(t, "kind(42)", Kind(42).String())
	text, err := KindRank.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "rank", string(text))
}

// FuzzTroopReader feeds arbitrary bytes to the reader. It must never panic
// or loop: every call to Next either consumes at least one line or returns
// an error, rows start on strictly increasing lines, fatal errors are
// sticky, and the counters add up.
func FuzzTroopReader(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "troop", "*.csv"))
	require.NoError(f, err)
	for _, path := range seeds {
		data, err := os.ReadFile(path)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(troopHeader + "\n\"1\",\"a\nb\",,,x,Rank,Star,2024,1,1/1/2024,0,\n"))
	f.Add([]byte("1,2,3,4,5,6,7,8,9,10,11,12\n\"\n"))
	f.Add([]byte("\xef\xbb\xbf\r\n\r\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := NewTroopReader(bytes.NewReader(data))
		if err != nil {
			var perr *ParseError
			require.ErrorAs(t, err, &perr)
			require.True(t, perr.Fatal)
			return
		}

		// Each record takes at least one line, and each line at least one
		// byte, so this bounds the number of successful calls.
		maxCalls := bytes.Count(data, []byte("\n")) + 2
		lastLine := 0
		for calls := 0; ; calls++ {
			require.LessOrEqual(t, calls, maxCalls, "Next returned more rows than the input has lines")
			row, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			var perr *ParseError
			if err != nil {
				require.ErrorAs(t, err, &perr)
			}
			if perr != nil && perr.Fatal {
				_, again := tr.Next()
				require.Equal(t, err, again, "fatal errors are sticky")
				break
			}
			require.Greater(t, row.Line, lastLine, "rows start on increasing lines")
			lastLine = row.Line
			if perr != nil {
				require.Equal(t, row.Line, perr.Line)
				require.NotEmpty(t, perr.Msg)
				continue
			}
			requireValidRow(t, row)
			for _, p := range row.Problems {
				require.Equal(t, row.Line, p.Line)
				require.NotEmpty(t, p.Field, "a value problem names its column")
			}
		}

		s := tr.Stats()
		require.Equal(t, s.TotalRows, s.RowErrors+s.RankRows+s.MeritBadgeRows+s.RankRequirementRows+
			s.MeritBadgeRequirementRows+s.OtherRows)
	})
}

// requireValidRow checks the invariants of a row returned without error.
func requireValidRow(t *testing.T, row TroopRow) {
	t.Helper()
	require.True(t, troopAllDigits(row.BSAMemberID), "member ID %q", row.BSAMemberID)
	require.Equal(t, strings.TrimSpace(row.FirstName), row.FirstName)
	switch row.Kind {
	case KindRankRequirement:
		require.NotEmpty(t, row.RankCode)
		require.Equal(t, row.Advancement, row.RequirementID)
	case KindMeritBadgeRequirement:
		require.NotEmpty(t, row.BadgeName)
		require.Equal(t, row.Advancement, row.RequirementID)
	case KindMeritBadge:
		require.NotEmpty(t, row.BadgeName)
		require.Empty(t, row.RequirementID)
	case KindRank, KindOther:
		require.Empty(t, row.RequirementID)
	default:
		t.Fatalf("unknown kind %d", row.Kind)
	}
	require.Equal(t, NormalizeBadgeName(row.BadgeName), row.BadgeKey)
	for _, d := range []Date{row.DateCompleted, row.MarkedCompletedDate, row.AwardedDate} {
		if !d.IsZero() {
			again, err := ParseDate(d.String())
			require.NoError(t, err)
			require.Equal(t, d, again)
		}
	}
}

// BenchmarkTroopReader reads a synthetic export the size of a real troop
// file (55,000 rows, domain.md 7.1), built in memory before the timer runs.
func BenchmarkTroopReader(b *testing.B) {
	const rows = 55_000
	data, err := io.ReadAll(newSyntheticExport(rows))
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()

	start := time.Now()
	for b.Loop() {
		tr, err := NewTroopReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(rows*b.N)/time.Since(start).Seconds(), "rows/s")
}
