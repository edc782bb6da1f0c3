package history

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// FuzzParseHistory checks that no input makes Parse panic, hang or
// return an inconsistent report. Besides the f.Add seeds below, the corpus
// in testdata/fuzz/FuzzParseHistory holds inputs worth keeping. Run it with
//
//	go test ./internal/scoutbook/history -run '^$' -fuzz FuzzParseHistory -fuzztime 30s
func FuzzParseHistory(f *testing.F) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.csv"))
	require.NoError(f, err)
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		require.NoError(f, err)
		f.Add(data)
	}
	for _, seed := range []string{
		"",
		"\ufeff",
		"\"BSA ID:\",\"1\"\r\nStar,,\"1/1/2020\"\r\n,\"Cit. in Comm. #\",\"2/2/2020\"",
		"\"A B Troop 1\"\n\n\"Partial Merit Badges\"\n\"X #\",\"\"\n\"Completed Requirements: (((,)))(2020 Version)\"",
		"\"A B Troop 1\"\n\"Rank:\",\"(\",\"Position:\",\"1/1/2020 1/1/2020x9/9/9999\"",
		"\"A B Troop 1\"\n\"Leadership\"\n\"(\",\")\"\n\"Activities\"\n\"x\",\"NaN\"\n\"y\",\"1e400\"",
		"Generated:\nGenerated: 1/1/2020 99:99\n\"\"\"\n\"a\"b\"c,\"",
		"\"BSA ID:\",\"1\"\n\"BSA ID:\",\"2\"",
	} {
		f.Add([]byte(seed))
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := Parse(bytes.NewReader(data))
		if err != nil {
			var perr *ParseError
			require.True(t, errors.As(err, &perr), "only *ParseError may come back for in-memory input, got %T", err)
			require.NotEmpty(t, perr.Msg)
			require.Nil(t, rep)
			return
		}
		historyCheckInvariants(t, rep, data)

		again, err := Parse(bytes.NewReader(data))
		require.NoError(t, err)
		require.Equal(t, rep, again, "parsing must be deterministic")
	})
}

// historyCheckInvariants asserts what must hold for every parsed report.
func historyCheckInvariants(t *testing.T, rep *Report, data []byte) {
	t.Helper()
	lines := len(historySplitLines(data))
	inRange := func(line int, what string) {
		require.Truef(t, line >= 1 && line <= lines, "%s line %d outside 1..%d", what, line, lines)
	}
	validCode := func(code string) {
		if code != "" {
			_, ok := scoutbook.MeritBadgeByCode(code)
			require.Truef(t, ok, "badge code %q is not in scoutbook.MeritBadges", code)
		}
	}

	require.True(t, rep.Header.Name != "" || rep.Header.BSAMemberID != "", "a report needs a name or a BSA ID")
	seenRank := map[string]bool{}
	for _, r := range rep.Ranks {
		_, ok := scoutbook.RankByCode(r.Code)
		require.Truef(t, ok, "rank code %q", r.Code)
		require.Falsef(t, seenRank[r.Code], "rank %s listed twice", r.Code)
		seenRank[r.Code] = true
		inRange(r.Line, "rank")
		for _, q := range r.Requirements {
			require.NotEmpty(t, q.ID)
			require.Greater(t, q.Line, r.Line)
			inRange(q.Line, "requirement")
		}
		for _, s := range r.MeritBadgeSlots {
			require.NotEmpty(t, s.BadgeName)
			require.NotContains(t, []string{"scout", "tenderfoot", "second_class", "first_class"}, r.Code)
			validCode(s.BadgeCode)
			inRange(s.Line, "slot")
		}
	}
	for _, b := range rep.CompletedBadges {
		require.NotEmpty(t, b.Name)
		validCode(b.Code)
		inRange(b.Line, "completed badge")
	}
	for _, b := range rep.PartialBadges {
		require.NotEmpty(t, b.Name)
		validCode(b.Code)
		inRange(b.Line, "partial badge")
		require.True(t, b.Version == 0 || (b.Version >= 1910 && b.Version <= 2200), "version %d", b.Version)
		for _, id := range b.CompletedRequirementIDs {
			require.NotEmpty(t, id)
			require.Equal(t, strings.TrimSpace(id), id)
		}
	}
	for _, l := range rep.Leadership {
		inRange(l.Line, "leadership")
	}
	for _, s := range rep.SkippedSections {
		require.NotEmpty(t, s.Note)
		inRange(s.Line, "skipped section")
	}
	for _, w := range rep.Warnings {
		require.NotEmpty(t, w.Msg)
		inRange(w.Line, "warning")
	}
}
