package scoutgen

import (
	"fmt"
	"strconv"
)

// generator holds what is shared by every scout of one troop: the badge
// catalogue, cached badge versions and requirement lists, the adults who
// sign things off, and the noise plan.
type generator struct {
	opts         TroopOptions
	export       day
	catalog      []genBadge
	badgeWeights []float64
	versionCache map[string][]int
	reqCache     map[string][]string
	leaders      []*person
	counselors   []*person
	unitNumber   string
	rankLevels   []int  // number of ranks awarded, per scout
	crossovers   []bool // scouts with Cub Scout history
	noise        noisePlan
}

// Number of adults of the synthetic troop.
const (
	leaderCount    = 6
	counselorCount = 14
)

// newGenerator prepares a generator for normalised options.
func newGenerator(o TroopOptions) *generator {
	g := &generator{
		opts:         o,
		export:       dayOf(o.ExportDate),
		catalog:      buildBadgeCatalog(),
		versionCache: make(map[string][]int),
		reqCache:     make(map[string][]string),
	}
	g.badgeWeights = make([]float64, len(g.catalog))
	for i, b := range g.catalog {
		g.badgeWeights[i] = b.weight
	}

	r := newRand(o.Seed, streamTroop)
	g.unitNumber = strconv.Itoa(between(r, 1, 999))
	adult := func() *person {
		return &person{
			name:   pick(r, adultFirstNames) + " " + pick(r, lastNames),
			userID: between(r, 1_000_000, 9_999_999),
		}
	}
	for range leaderCount {
		g.leaders = append(g.leaders, adult())
	}
	for range counselorCount {
		g.counselors = append(g.counselors, adult())
	}
	g.rankLevels = troopRankLevels(r, o.Scouts)
	g.crossovers = troopCrossovers(r, o.Scouts)
	if o.Noise {
		// Adults' names with a comma and with quotes, as typed into
		// Scoutbook, drawn from the noise stream so the rest is unchanged.
		nr := newRand(o.Seed, streamNoise^streamTroop)
		l := g.leaders[1]
		l.name = fmt.Sprintf("%s, %s", pick(nr, lastNames), pick(nr, adultFirstNames))
		c := g.counselors[2]
		c.name = fmt.Sprintf(`%s "%s" %s`, pick(nr, adultFirstNames), pick(nr, nicknames), pick(nr, lastNames))
	}
	g.noise = planNoise(o)
	return g
}

// versions returns the cached version years of a badge.
func (g *generator) versions(code string) []int {
	v, ok := g.versionCache[code]
	if !ok {
		v = badgeVersions(code)
		g.versionCache[code] = v
	}
	return v
}

// requirements returns the cached requirement list of a badge version.
func (g *generator) requirements(code string, version int) []string {
	key := code + "\x00" + strconv.Itoa(version)
	l, ok := g.reqCache[key]
	if !ok {
		l = requirementList(code, version)
		g.reqCache[key] = l
	}
	return l
}

// scoutRows returns every row of scout i in file order: Rank rows, rank
// requirement rows, Merit Badges rows, merit badge requirement rows (by
// badge name), then other rows. With noise, the scout's share of the noise
// plan is applied.
func (g *generator) scoutRows(i int) []row {
	r := newRand(g.opts.Seed, streamScout+uint64(i))
	plan := planRanks(r, g.rankLevels[i], g.export)
	ranks, rankReqs := g.rankRows(r, plan)
	badges := g.chooseBadges(r, plan.level)
	regular := len(badges)
	if g.opts.Noise {
		badges = g.noisyBadges(i, badges)
	}
	// The noise badges draw from their own stream, so that switching noise
	// on leaves the scout's other records unchanged.
	nr := newRand(g.opts.Seed, streamScoutNoise^(uint64(i)<<32|1))

	wantTwoVersions := g.opts.Noise && g.noise.twoVersions[i]
	var badgeRows, badgeReqs []row
	for k, sb := range badges {
		src := r
		if k >= regular {
			src = nr
		}
		mb, reqs := g.badgeRows(src, sb, plan.joined)
		if mb != nil {
			badgeRows = append(badgeRows, *mb)
		}
		badgeReqs = append(badgeReqs, reqs...)
		if wantTwoVersions {
			if extra, ok := g.otherVersionRow(sb, reqs); ok {
				badgeReqs = append(badgeReqs, extra)
				wantTwoVersions = false // one per designated scout
			}
		}
	}
	other := g.otherRows(r, plan, g.crossovers[i])

	rows := make([]row, 0, len(ranks)+len(rankReqs)+len(badgeRows)+len(badgeReqs)+len(other)+1)
	rows = append(rows, ranks...)
	rows = append(rows, rankReqs...)
	if wantTwoVersions {
		// No badge of this scout has a second version: list a rank
		// requirement under an older version instead.
		rows = append(rows, rankRequirementOtherVersion(rankReqs))
	}
	rows = append(rows, badgeRows...)
	rows = append(rows, badgeReqs...)
	rows = append(rows, other...)
	return rows
}
