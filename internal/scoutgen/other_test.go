package scoutgen

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCubAdventureNamesAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for i := range len(cubRanks) * maxCubAdventures {
		name := cubAdventureName(i)
		require.False(t, seen[name], "adventure %d repeats %q", i, name)
		seen[name] = true
	}
}
