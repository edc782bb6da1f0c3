package scoutgen

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// noisePlan says which scouts carry the one-off noise elements. Row-level
// noise (date spellings, badge-name variants) is drawn per row instead.
type noisePlan struct {
	duplicates       map[int]int  // scout index -> rows written twice
	twoVersions      map[int]bool // scout lists one requirement under two versions
	worldBrotherhood int          // scout with the historical "World Brotherhood MB"
	atomicEnergy     int          // scout with the historical "Atomic Energy" (bare name)
	unknownBadge     int          // scout with a badge unknown to the reference data
	awardedDateOnly  int          // from this scout on, the next awarded badge has awarded=0 but a date
	blankAfter       map[int]bool // scouts followed by a blank line
}

// planNoise assigns the one-off noise elements to scouts. Every element is
// present at least once in any file of noise-enabled options.
func planNoise(o TroopOptions) noisePlan {
	p := noisePlan{duplicates: map[int]int{}, twoVersions: map[int]bool{}, blankAfter: map[int]bool{}}
	if !o.Noise {
		p.worldBrotherhood, p.atomicEnergy, p.unknownBadge, p.awardedDateOnly = -1, -1, -1, -1
		return p
	}
	r := newRand(o.Seed, streamNoise)
	n := o.Scouts
	for range max(1, n/18) {
		p.duplicates[r.IntN(n)] += between(r, 1, 2)
	}
	for range max(1, n/27) {
		p.twoVersions[r.IntN(n)] = true
	}
	p.worldBrotherhood = r.IntN(n)
	p.atomicEnergy = r.IntN(n)
	p.unknownBadge = r.IntN(n)
	p.awardedDateOnly = r.IntN(n)
	p.blankAfter[r.IntN(n)] = true
	for i := range n {
		if chance(r, 0.05) {
			p.blankAfter[i] = true
		}
	}
	return p
}

// noisyBadges adds the historical and unknown badges to the designated
// scouts' badges. Historical badges are awarded under an old version; the
// unknown badge is awarded under a current one.
func (g *generator) noisyBadges(i int, badges []scoutBadge) []scoutBadge {
	add := func(b genBadge, version int) {
		badges = append(badges, scoutBadge{badge: b, version: version, state: badgeAwarded, withRow: true})
	}
	if i == g.noise.worldBrotherhood {
		add(historicalWorldBrotherhood, 2002)
	}
	if i == g.noise.atomicEnergy {
		add(historicalAtomicEnergy, 2004)
	}
	if i == g.noise.unknownBadge {
		add(unknownBadge, 2025)
	}
	return badges
}

// otherVersionRow returns a completed requirement row of the badge under
// another of its versions, for an ID that the scout's version also has, so
// the same requirement appears under two versions (the importer keeps the
// first). It returns false when the badge has a single version or the two
// versions share no ID.
func (g *generator) otherVersionRow(sb scoutBadge, reqs []row) (row, bool) {
	for _, v := range g.versions(sb.badge.code) {
		if v == sb.version {
			continue
		}
		other := make(map[string]bool)
		for _, id := range completable(g.requirements(sb.badge.code, v)) {
			other[id] = true
		}
		for _, req := range reqs {
			if req.adv == "" || !other[req.adv] || req.completed == noDay {
				continue
			}
			extra := req
			extra.version = strconv.Itoa(v)
			extra.itemID = itemID(req.typ, extra.version, req.adv)
			extra.completed -= 30
			extra.marked = extra.completed
			if extra.counselorDate != noDay {
				extra.counselorDate = extra.completed
			}
			return extra, true
		}
	}
	return row{}, false
}

// rankRequirementOtherVersion returns the scout's first rank requirement row
// again under version 2016, the previous requirement version.
func rankRequirementOtherVersion(reqs []row) row {
	extra := reqs[0]
	extra.version = "2016"
	extra.itemID = itemID(extra.typ, extra.adv, extra.version)
	return extra
}

// rowNoise is the per-row noise of one scout.
type rowNoise struct {
	r *rand.Rand
}

// dateStyles draws how this row spells its dates: mostly MM/DD/YYYY and
// "/  /", sometimes one-digit months and days, a time suffix, underscores
// or nothing.
func (n rowNoise) dateStyles() (dateStyle, emptyStyle) {
	style := dateTwoDigits
	switch x := n.r.Float64(); {
	case x < 0.08:
		style = dateOneDigit
	case x < 0.12:
		style = dateOneDigitTime
	case x < 0.14:
		style = dateTwoDigitsTime
	}
	empty := emptySlashes
	switch x := n.r.Float64(); {
	case x < 0.06:
		empty = emptyUnderscores
	case x < 0.10:
		empty = emptyBlank
	}
	return style, empty
}

// badgeName varies the spelling of a Merit Badges row: "X Merit Badge" or
// the bare name instead of "X MB", and "&" for the "and" of Fish and
// Wildlife Management. Every variant normalises to the same badge.
func (n rowNoise) badgeName(rw *row) {
	name := strings.TrimSuffix(rw.adv, " MB")
	if name == rw.adv {
		return // already a bare name
	}
	if name == "Fish and Wildlife Management" && chance(n.r, 0.5) {
		name = "Fish & Wildlife Management"
	}
	switch x := n.r.Float64(); {
	case x < 0.05:
		rw.adv = name + " Merit Badge"
	case x < 0.07:
		rw.adv = name
	default:
		rw.adv = name + " MB"
	}
}

// awardedFlag clears the awarded flag of a few awarded Merit Badges rows
// (always when force is set) while keeping their awarded date, which the
// importer still treats as awarded. It reports whether it cleared the flag.
func (n rowNoise) awardedFlag(rw *row, force bool) bool {
	if rw.awarded && rw.awardedDate != noDay && (force || chance(n.r, 0.02)) {
		rw.awarded = false
		return true
	}
	return false
}
