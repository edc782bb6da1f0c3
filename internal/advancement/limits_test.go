package advancement

import (
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestRequirementIDShape: every id shape of a real export passes; markup, links, sentences,
// control characters, non-ASCII look-alikes and over-long ids do not.
func TestRequirementIDShape(t *testing.T) {
	for _, id := range []string{"1a", "7", "5(a)", "3a[1]", "2 Option A (3)(b)", "8 Option B(5)(d)(1)", "5g.", "7.", "1(b)(2)",
		"9b(2)", "7a[1]b", "1a[5c]", "6A(a)(1)", "6b(ii)", "5b(1).", "7c Nordic", "4a1 Triathlon Option", "2k Opt B", "8E[2]a Opt 1",
		"5b Grp 3", "6d dairy", "9-0001", "1" + strings.Repeat("a", 39)} {
		require.Empty(t, requirementIDProblem(id), "%q is a requirement id", id)
	}
	for id, want := range map[string]string{
		"":                            "is empty",
		"junk-00001":                  "does not start with a digit",
		"<script>alert(1)</script>":   "does not start with a digit",
		"1 http://evil.example":       "holds characters a requirement id never has",
		"1a<b>":                       "holds characters a requirement id never has",
		"1a\x00":                      "holds characters a requirement id never has",
		"1a\x1b[31m":                  "holds characters a requirement id never has",
		"1a\u202e":                    "holds characters a requirement id never has",
		"1а":                          "holds characters a requirement id never has", // Cyrillic a
		"1a\n2b":                      "holds characters a requirement id never has",
		"1" + strings.Repeat("a", 40): "is 41 characters long; a requirement id has at most 40",
	} {
		require.Contains(t, requirementIDProblem(id), want, "%q", id)
	}
}

// TestShortValue: long values are cut, control characters escaped.
func TestShortValue(t *testing.T) {
	require.Equal(t, `"1a"`, shortValue("1a"))
	require.Equal(t, `"1a\x1b[31m"`, shortValue("1a\x1b[31m"))
	require.Equal(t, `"`+strings.Repeat("x", 40)+`"…`, shortValue(strings.Repeat("x", 5000)))
}

// TestRankRequirementsDedupeAcrossVersions: one completion per (scout, rank, id); the current
// version wins, else the first line.
func TestRankRequirementsDedupeAcrossVersions(t *testing.T) {
	tenderfoot, star := uuid.New(), uuid.New()
	current := map[uuid.UUID]int32{tenderfoot: 2024, star: 2024}
	items := []reqItem{
		{scout: 0, ref: tenderfoot, version: 2016, reqID: "1a", line: 2},
		{scout: 0, ref: tenderfoot, version: 2024, reqID: "1a", line: 3},
		{scout: 0, ref: tenderfoot, version: 2019, reqID: "40", line: 5},
		{scout: 0, ref: tenderfoot, version: 2016, reqID: "40", line: 4},
		{scout: 1, ref: tenderfoot, version: 2016, reqID: "1a", line: 6},
		{scout: 0, ref: star, version: 2016, reqID: "1a", line: 7},
	}
	out, removed := dedupeRankRequirements(items, current)
	require.Equal(t, 2, removed)
	var got []int32
	for _, it := range out {
		got = append(got, it.line)
	}
	require.ElementsMatch(t, []int32{3, 4, 6, 7}, got)
}

// TestLimitsFromEnv: unset variables keep the defaults; a bad value names its variable.
func TestLimitsFromEnv(t *testing.T) {
	env := map[string]string{"IMPORT_MAX_ROWS": "10", "IMPORT_MAX_UNKNOWN_IDS": "7"}
	l, err := LimitsFromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	require.Equal(t, Limits{MaxRows: 10, MaxScouts: DefaultMaxScouts, MaxIDsPerItem: DefaultMaxIDsPerItem, MaxIDsPerFile: DefaultMaxIDsPerFile,
		MaxUnknownIDs: 7, MaxWarningsPerKind: DefaultMaxWarningsPerKind}, l)
	env["IMPORT_MAX_SCOUTS"] = "-1"
	_, err = LimitsFromEnv(func(k string) string { return env[k] })
	require.EqualError(t, err, `IMPORT_MAX_SCOUTS="-1": want a positive whole number`)
}
