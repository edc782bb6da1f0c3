package scoutgen

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRosterIsDeterministicAndMatchesTheFile(t *testing.T) {
	opts := DefaultTroopOptions()
	roster := Roster(opts)
	require.Len(t, roster, DefaultScouts)
	require.Equal(t, roster, Roster(opts))

	data, _ := generate(t, opts)
	_, records := readRecords(t, data)
	var fileOrder []Scout
	seen := map[string]bool{}
	for _, rec := range records {
		if seen[rec[colMemberID]] {
			continue
		}
		seen[rec[colMemberID]] = true
		fileOrder = append(fileOrder, Scout{
			BSAMemberID: rec[colMemberID], FirstName: rec[colFirstName], Nickname: rec[colNickname],
			MiddleName: rec[colMiddleName], LastName: rec[colLastName],
		})
	}
	require.Len(t, fileOrder, len(roster))
	for i, s := range roster {
		s.OnRoster, s.InactiveOnRoster = false, false
		require.Equal(t, s, fileOrder[i])
	}
}

func TestRosterFlagsAndIDs(t *testing.T) {
	roster := Roster(TroopOptions{Seed: 3})
	off, inactive := 0, 0
	ids := map[string]bool{}
	nineDigits := regexp.MustCompile(`^[1-9][0-9]{8}$`)
	for _, s := range roster {
		require.Regexp(t, nineDigits, s.BSAMemberID)
		require.False(t, ids[s.BSAMemberID], "duplicate member ID")
		ids[s.BSAMemberID] = true
		require.NotEmpty(t, s.FirstName)
		require.NotEmpty(t, s.LastName)
		if !s.OnRoster {
			off++
			require.False(t, s.InactiveOnRoster, "inactive scouts are on the roster")
		}
		if s.InactiveOnRoster {
			inactive++
		}
		require.NotContains(t, s.LastName, ",", "no noisy names without Noise")
		require.NotContains(t, s.Nickname, `"`)
	}
	// About 5% not on the roster and 3% inactive (domain.md 7.3).
	require.Equal(t, 3, off)
	require.Equal(t, 2, inactive)

	small := Roster(TroopOptions{Scouts: 3, Seed: 3})
	off, inactive = 0, 0
	for _, s := range small {
		if !s.OnRoster {
			off++
		}
		if s.InactiveOnRoster {
			inactive++
		}
	}
	require.Equal(t, 1, off, "even a small troop has a scout to create")
	require.Equal(t, 1, inactive)
}

func TestRosterNoiseAddsCommaAndQuoteNames(t *testing.T) {
	roster := Roster(TroopOptions{Seed: 3, Noise: true})
	comma, quote := 0, 0
	for _, s := range roster {
		if strings.Contains(s.LastName, ",") {
			comma++
		}
		if strings.Contains(s.Nickname, `"`) {
			quote++
		}
	}
	require.Equal(t, 1, comma)
	require.Equal(t, 1, quote)
}

func TestRosterDependsOnTheSeed(t *testing.T) {
	a := Roster(TroopOptions{Seed: 1})
	b := Roster(TroopOptions{Seed: 2})
	require.NotEqual(t, a[0].BSAMemberID, b[0].BSAMemberID)
}
