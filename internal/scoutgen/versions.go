package scoutgen

import (
	"math"
	"math/rand/v2"
	"slices"
)

// versionYearWeights is the share (in percent) of merit badge requirement
// rows per version year measured in a real export (domain.md 1.3). Years
// 2002-2011 other than 2004 were each under 1%; they share the remaining
// 3.7%.
var versionYearWeights = map[int]float64{
	2002: 0.4, 2003: 0.4, 2004: 1.1, 2005: 0.4, 2006: 0.4, 2007: 0.4, 2008: 0.4, 2009: 0.4,
	2010: 0.4, 2011: 0.4, 2012: 1.2, 2013: 4.7, 2014: 6.7, 2015: 2.4, 2016: 5.2, 2017: 5.0,
	2018: 6.4, 2019: 7.0, 2020: 5.1, 2021: 5.4, 2022: 6.9, 2023: 9.6, 2024: 10.6, 2025: 13.9,
	2026: 5.1,
}

// versionCountWeights is how many versions a badge appears under in the
// measured export: 14 badges under 1 version, 48 under 2, 39 under 3, 23
// under 4, 4 under 5 and 1 under 6 (domain.md 1.3). Index 0 is one version.
var versionCountWeights = []float64{14, 48, 39, 23, 4, 1}

// sortedVersionYears lists the keys of versionYearWeights in order, so
// draws do not depend on map iteration order.
var sortedVersionYears = func() []int {
	years := make([]int, 0, len(versionYearWeights))
	for y := range versionYearWeights {
		years = append(years, y)
	}
	slices.Sort(years)
	return years
}()

// badgeVersions returns the requirement version years a badge appears under,
// ascending. The set depends only on the badge code, so every scout and
// every seed sees the same versions of a badge.
func badgeVersions(code string) []int {
	r := newRand(0, hashKey("versions", code))
	n := newWeighted(versionCountWeights).draw(r) + 1
	weights := make([]float64, len(sortedVersionYears))
	for i, y := range sortedVersionYears {
		weights[i] = versionYearWeights[y]
	}
	idx := sampleWeighted(r, weights, n)
	years := make([]int, len(idx))
	for i, j := range idx {
		years[i] = sortedVersionYears[j]
	}
	slices.Sort(years)
	return years
}

// chooseVersion picks the version a scout works a badge under. Each of the
// badge's versions is weighted by the square root of its year's share: the
// version set itself was already drawn by share, and weighting twice would
// over-represent the common years.
func chooseVersion(r *rand.Rand, versions []int) int {
	if len(versions) == 1 {
		return versions[0]
	}
	weights := make([]float64, len(versions))
	for i, y := range versions {
		weights[i] = math.Sqrt(versionYearWeights[y])
	}
	return versions[newWeighted(weights).draw(r)]
}
