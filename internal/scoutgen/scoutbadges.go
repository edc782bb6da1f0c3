package scoutgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// badgeCountBase is the typical number of badges a scout has touched at
// each rank level; the average over the rank distribution is about 25
// (domain.md 7.2).
var badgeCountBase = [8]float64{6, 12, 17, 22, 27, 32, 38, 46}

// Shares of a scout's badges by state. With the badges that Star, Life and
// Eagle scouts must have earned added, about 60% of Merit Badges rows end up
// awarded, and about 65-70% of requirement rows completed (domain.md 7.2).
const (
	shareAwarded           = 0.56 // the Merit Badges row has awarded=1
	shareCompletedNotAward = 0.03 // all requirements done, not awarded yet
	shareStartedWithRow    = 0.80 // of the started ones: with a Merit Badges row
)

// badgeState is how far a scout got with one badge.
type badgeState int

const (
	badgeStarted badgeState = iota
	badgeCompleted
	badgeAwarded
)

// scoutBadge is one badge a scout has worked on.
type scoutBadge struct {
	badge   genBadge
	version int
	state   badgeState
	withRow bool // write a Merit Badges row (always, unless started)
}

// chooseBadges draws the badges a scout has worked on, by popularity, and
// their versions and states. It guarantees the badges a scout's rank needs.
func (g *generator) chooseBadges(r *rand.Rand, level int) []scoutBadge {
	k := int(math.Round(badgeCountBase[level] * math.Exp(0.2*r.NormFloat64())))
	k = max(1, min(60, max(k, meritBadgesNeeded[level]+2)))
	idx := sampleWeighted(r, g.badgeWeights, k)

	out := make([]scoutBadge, 0, len(idx))
	awarded := 0
	for _, i := range idx {
		b := g.catalog[i]
		sb := scoutBadge{badge: b, version: chooseVersion(r, g.versions(b.code)), withRow: true}
		switch x := r.Float64(); {
		case x < shareAwarded:
			sb.state = badgeAwarded
			awarded++
		case x < shareAwarded+shareCompletedNotAward:
			sb.state = badgeCompleted
		default:
			sb.state = badgeStarted
			sb.withRow = chance(r, shareStartedWithRow)
		}
		out = append(out, sb)
	}
	// A Star, Life or Eagle scout has earned the badges the rank requires.
	for i := range out {
		if awarded >= meritBadgesNeeded[level] {
			break
		}
		if out[i].state != badgeAwarded {
			out[i].state, out[i].withRow = badgeAwarded, true
			awarded++
		}
	}
	slices.SortFunc(out, func(a, b scoutBadge) int { return strings.Compare(a.badge.csvName, b.badge.csvName) })
	return out
}

// badgeRows returns the Merit Badges row (if any) and every requirement row
// of one badge version. Awarded and completed badges have every requirement
// dated, in order; started badges have a dated prefix.
func (g *generator) badgeRows(r *rand.Rand, sb scoutBadge, joined day) (badgeRow *row, reqs []row) {
	version := strconv.Itoa(sb.version)
	typ := sb.badge.csvName + " Merit Badge Requirements"
	list := g.requirements(sb.badge.code, sb.version)
	ids := completable(list)
	counselor := pick(r, g.counselors)
	leader := pick(r, g.leaders)

	start := joined + day(r.IntN(max(1, int(g.export-joined)-7)))
	end := min(g.export-1, start+day(between(r, 14, 200)))
	done := len(ids)
	if sb.state == badgeStarted {
		done = int(float64(len(ids)) * (0.05 + 0.6*r.Float64()))
		if done == len(ids) {
			done--
		}
	}
	dates := randomDays(r, done, start, end)

	if sb.withRow {
		mb := row{
			kind: KindMeritBadge, typ: "Merit Badges", adv: sb.badge.csvName + " MB", version: version,
			itemID: itemID("Merit Badges", sb.badge.code),
		}
		if sb.badge.code == historicalAtomicEnergy.code {
			mb.adv = sb.badge.csvName // the bare-name spelling
		}
		if sb.state != badgeStarted {
			last := dates[len(dates)-1]
			mb.completed, mb.approved, mb.marked = last, true, last
			mb.markedBy, mb.counselor, mb.counselorDate = counselor, counselor, last
		}
		if sb.state == badgeAwarded {
			mb.awarded = true
			mb.awardedBy = leader
			mb.awardedDate = min(g.export, mb.completed+day(between(r, 0, 45)))
		}
		badgeRow = &mb
	}

	k := 0
	for pos, id := range list {
		req := row{
			kind: KindMeritBadgeRequirement, typ: typ, adv: id, version: version,
			itemID: itemID(typ, version, id, strconv.Itoa(pos)),
		}
		if id != "" && k < done {
			d := dates[k]
			k++
			req.completed, req.approved, req.marked = d, true, d
			req.markedBy, req.counselor, req.counselorDate = counselor, counselor, d
			g.varyApproval(r, &req)
		}
		reqs = append(reqs, req)
	}
	return badgeRow, reqs
}
