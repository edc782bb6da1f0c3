package scoutgen

import (
	"math/rand/v2"
	"strconv"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// rankLevelWeights is the distribution of the number of ranks a scout has
// been awarded (0 = none yet ... 7 = Eagle), skewed toward the lower ranks.
var rankLevelWeights = []float64{8, 14, 16, 16, 16, 12, 10, 8}

// rankGapDays is the range of days between the previous milestone (joining,
// or the previous rank) and each rank's board of review.
var rankGapDays = [7][2]int{
	{14, 90},   // Scout
	{60, 240},  // Tenderfoot
	{60, 240},  // Second Class
	{90, 300},  // First Class
	{120, 300}, // Star: at least four months after First Class
	{180, 360}, // Life: at least six months after Star
	{180, 720}, // Eagle: at least six months after Life
}

// CSV spellings of the ranks: Star, Life and Eagle take "Scout" in the
// export (domain.md 1.2).
var (
	rankRowNames = [7]string{"Scout Rank", "Tenderfoot Rank", "Second Class Rank", "First Class Rank",
		"Star Scout Rank", "Life Scout Rank", "Eagle Scout Rank"}
	rankRequirementTypes = [7]string{"Scout Rank Requirements", "Tenderfoot Rank Requirements",
		"Second Class Rank Requirements", "First Class Rank Requirements", "Star Scout Rank Requirements",
		"Life Scout Rank Requirements", "Eagle Scout Rank Requirements"}
)

// meritBadgesNeeded is the number of merit badges a scout must have earned
// to hold each rank level (Star 6, Life 11, Eagle 21).
var meritBadgesNeeded = [8]int{0, 0, 0, 0, 0, 6, 11, 21}

// rankPlan is one scout's rank progression.
type rankPlan struct {
	level  int   // number of awarded ranks, 0..7
	joined day   // the day the scout joined the troop
	review []day // board of review (completion) day of each awarded rank
	award  []day // day each awarded rank was presented
}

// troopRankLevels assigns a rank level to each of n scouts so that the
// troop as a whole follows rankLevelWeights closely: scout i gets the level
// at quantile (perm[i]+0.5)/n of the distribution. Stratifying this way,
// rather than drawing each scout independently, keeps the size of a
// 55-scout file close to its target for every seed.
func troopRankLevels(r *rand.Rand, n int) []int {
	total := 0.0
	for _, w := range rankLevelWeights {
		total += w
	}
	levels := make([]int, n)
	for i, q := range r.Perm(n) {
		x := (float64(q) + 0.5) / float64(n) * total
		level, acc := 0, rankLevelWeights[0]
		for acc < x && level < len(rankLevelWeights)-1 {
			level++
			acc += rankLevelWeights[level]
		}
		levels[i] = level
	}
	return levels
}

// planRanks draws the dates of a scout's rank progression up to level,
// ending before export.
func planRanks(r *rand.Rand, level int, export day) rankPlan {
	p := rankPlan{level: level}
	gaps := make([]int, p.level)
	total := between(r, 20, 300) // time since the last milestone
	if p.level == 0 {
		total = between(r, 10, 150)
	}
	for i := range gaps {
		gaps[i] = between(r, rankGapDays[i][0], rankGapDays[i][1])
		total += gaps[i]
	}
	p.joined = export - day(total)
	at := p.joined
	for i := range p.level {
		at += day(gaps[i])
		p.review = append(p.review, at)
		p.award = append(p.award, min(export, at+day(between(r, 0, 45))))
	}
	return p
}

// rankRows returns the Rank and rank requirement rows of a scout: a Rank
// row for each awarded rank (and sometimes for the next one, not awarded),
// and every requirement row of each awarded rank and of the next rank.
// Requirements of awarded ranks are all completed, dated in order between
// the previous rank and the board of review; those of the next rank are
// partly completed.
func (g *generator) rankRows(r *rand.Rand, p rankPlan) (ranks, reqs []row) {
	last := min(p.level, len(scoutbook.Ranks)-1)
	for i := 0; i <= last; i++ {
		info := scoutbook.Ranks[i]
		version := strconv.Itoa(info.VersionYear)
		awarded := i < p.level
		leader := pick(r, g.leaders)

		if awarded {
			ranks = append(ranks, row{
				kind: KindRank, typ: "Rank", adv: rankRowNames[i], version: version,
				awarded: true, completed: p.review[i], approved: true, marked: p.review[i],
				markedBy: leader, leader: leader, leaderDate: p.review[i],
				awardedBy: leader, awardedDate: p.award[i],
				itemID: itemID("Rank", rankRowNames[i]),
			})
		} else if chance(r, 0.4) {
			ranks = append(ranks, row{
				kind: KindRank, typ: "Rank", adv: rankRowNames[i], version: version,
				itemID: itemID("Rank", rankRowNames[i]),
			})
		}

		// Which requirements are done, and when.
		from := p.joined
		if i > 0 && i-1 < len(p.review) {
			from = p.review[i-1]
		}
		to := g.export
		done := make([]bool, len(info.RequirementIDs))
		n := 0
		if awarded {
			to = p.review[i]
			for j := range done {
				done[j] = true
			}
			n = len(done)
		} else {
			share := r.Float64() * 0.85
			for j := range done {
				if chance(r, share) {
					done[j] = true
					n++
				}
			}
		}
		dates := randomDays(r, n, from+1, to)
		k := 0
		for j, id := range info.RequirementIDs {
			req := row{
				kind: KindRankRequirement, typ: rankRequirementTypes[i], adv: id, version: version,
				itemID: itemID(rankRequirementTypes[i], id, version),
			}
			if done[j] {
				d := dates[k]
				k++
				req.completed, req.approved, req.marked = d, true, d
				req.markedBy, req.leader, req.leaderDate = leader, leader, d
				g.varyApproval(r, &req)
			}
			reqs = append(reqs, req)
		}
	}
	return ranks, reqs
}

// varyApproval makes a few completed requirement rows look like real ones
// that are not signed off yet (approved 0 with a date) or signed off with
// only the marked-completed date (approved 1, no datecompleted). Both still
// count as completed for the importer.
func (g *generator) varyApproval(r *rand.Rand, req *row) {
	switch x := r.Float64(); {
	case x < 0.04:
		req.approved = false
		req.leader, req.leaderDate = nil, noDay
		req.counselor, req.counselorDate = nil, noDay
	case x < 0.06:
		req.completed = noDay
	}
}
