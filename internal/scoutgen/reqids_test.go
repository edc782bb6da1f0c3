package scoutgen

import (
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// shapePatterns classify requirement IDs into the shapes of domain.md 1.7,
// independently of the generator's own shape labels. Order matters: the
// first match wins.
var shapePatterns = []struct {
	shape idShape
	re    *regexp.Regexp
}{
	{shapeOptionWord, regexp.MustCompile(`^\d+ Option [A-Z] \(\d\)(\([a-z]\))?$`)},
	{shapeFreeText, regexp.MustCompile(`^\d+[a-z]\d? [A-Za-z0-9 ]+$`)},
	{shapePlain, regexp.MustCompile(`^\d+$`)},
	{shapeLetter, regexp.MustCompile(`^\d+[a-z]$`)},
	{shapeParenLetter, regexp.MustCompile(`^\d+\([a-z]\)$`)},
	{shapeBracket, regexp.MustCompile(`^\d+[a-z]\[\d+\]$`)},
	{shapeOther, regexp.MustCompile(`^\d+[a-z]\(([ivx]+|\d+\).)\)?$`)},
	{shapeTrailingPeriod, regexp.MustCompile(`^\d+[a-z]?\.$`)},
	{shapeParenLetterNumber, regexp.MustCompile(`^\d+\([a-z]\)\(\d+\)$`)},
	{shapeLetterParenNumber, regexp.MustCompile(`^\d+[a-z]\(\d+\)$`)},
	{shapeNestedBracket, regexp.MustCompile(`^\d+[a-z]\[(\d+\][a-z]|\d+[a-z]\])$`)},
	{shapeOptionLetterParen, regexp.MustCompile(`^\d+[A-Z]\([a-z]\)\(\d+\)$`)},
}

func classifyID(id string) (idShape, bool) {
	for _, p := range shapePatterns {
		if p.re.MatchString(id) {
			return p.shape, true
		}
	}
	return 0, false
}

func TestClassifyIDOnTheDocumentedExamples(t *testing.T) {
	examples := map[string]idShape{
		"4b": shapeLetter, "7c Nordic": shapeFreeText, "4a1 Triathlon Option": shapeFreeText,
		"2k Opt B": shapeFreeText, "5b Grp 3": shapeFreeText, "6d dairy": shapeFreeText, "7": shapePlain,
		"5(a)": shapeParenLetter, "3a[1]": shapeBracket, "2 Option A (3)(b)": shapeOptionWord,
		"5g.": shapeTrailingPeriod, "7.": shapeTrailingPeriod, "1(b)(2)": shapeParenLetterNumber,
		"9b(2)": shapeLetterParenNumber, "7a[1]b": shapeNestedBracket, "1a[5c]": shapeNestedBracket,
		"6A(a)(1)": shapeOptionLetterParen, "6b(ii)": shapeOther, "5b(1).": shapeOther,
	}
	for id, want := range examples {
		got, ok := classifyID(id)
		require.True(t, ok, id)
		require.Equal(t, want, got, id)
	}
}

// allBadgeVersions lists every (code, version) the generator can use.
func allBadgeVersions() [][2]any {
	var out [][2]any
	for _, b := range buildBadgeCatalog() {
		for _, v := range badgeVersions(b.code) {
			out = append(out, [2]any{b.code, v})
		}
	}
	return out
}

func TestRequirementListsHaveTheMeasuredSizesAndShapes(t *testing.T) {
	var sizes []int
	shapes := map[idShape]int{}
	total := 0
	for _, bv := range allBadgeVersions() {
		code, version := bv[0].(string), bv[1].(int)
		list := requirementList(code, version)
		require.Equal(t, list, requirementList(code, version), "deterministic for %s %d", code, version)
		ids := completable(list)
		require.GreaterOrEqual(t, len(ids), minRequirementIDs, code)
		require.LessOrEqual(t, len(ids), maxRequirementIDs, code)
		require.Less(t, len(ids), len(list)+1)
		sizes = append(sizes, len(ids))

		seen := map[string]bool{}
		for _, id := range ids {
			require.False(t, seen[id], "%s %d lists %q twice", code, version, id)
			seen[id] = true
			shape, ok := classifyID(id)
			require.True(t, ok, "unclassified ID %q (%s %d)", id, code, version)
			shapes[shape]++
			total++
		}
	}
	slices.Sort(sizes)
	require.InDelta(t, medianRequirementIDs, sizes[len(sizes)/2], 4, "median IDs per badge version")

	// Shares of distinct IDs per shape, measured in domain.md 1.7, within
	// an assumed tolerance.
	for s := range shapeCount {
		share := 100 * float64(shapes[s]) / float64(total)
		tolerance := max(1.0, shapeShare[s]*0.3)
		require.InDelta(t, shapeShare[s], share, tolerance, "shape %d", s)
		require.Positive(t, shapes[s], "shape %d never generated", s)
	}
}

func TestRequirementListsDifferByBadgeAndVersion(t *testing.T) {
	require.NotEqual(t, requirementList("camping", 2024), requirementList("camping", 2016))
	require.NotEqual(t, requirementList("camping", 2024), requirementList("cooking", 2024))
}

func TestBadgeVersionsFollowTheMeasuredCounts(t *testing.T) {
	counts := map[int]int{}
	for _, b := range buildBadgeCatalog() {
		v := badgeVersions(b.code)
		require.Equal(t, v, badgeVersions(b.code), "deterministic")
		require.True(t, slices.IsSorted(v))
		require.Equal(t, len(v), len(slices.Compact(slices.Clone(v))), "distinct years")
		for _, y := range v {
			require.Contains(t, versionYearWeights, y)
		}
		counts[len(v)]++
	}
	// Measured: 14/48/39/23/4/1 badges under 1..6 versions; most badges
	// have two to four.
	require.Greater(t, counts[2]+counts[3]+counts[4], 100)
	require.Positive(t, counts[1])
	require.Zero(t, counts[7])
}
