package scoutgen

import (
	"math/rand/v2"
	"strconv"
)

// Rows the importer does not use ("other", domain.md 1.2): awards, Eagle
// palms and the Cub Scout history of scouts who crossed over from a pack.
// Real exports carry them, and they make up most of the rows that are
// neither rank nor merit badge rows. The advancement types are chosen so
// that none can be mistaken for a rank or merit badge type.

// troopAwards are awards a Scouts BSA youth may hold.
var troopAwards = []string{
	"Totin' Chip", "Firem'n Chit", "Cyber Chip", "Paul Bunyan Woodsman", "50-Miler Award",
	"Historic Trails Award", "Mile Swim BSA", "Kayaking BSA", "Snorkeling BSA",
	"World Conservation Award", "Emergency Preparedness Award", "Outdoor Ethics Awareness Award",
	"National Outdoor Badge for Camping", "Interpreter Strip", "Religious Emblem",
}

// cubRanks are the Cub Scout ranks, youngest first.
var cubRanks = []string{"Lion", "Tiger", "Wolf", "Bear", "Webelos", "Arrow of Light"}

// cubStartWeights is the distribution of the Cub Scout rank a crossover
// scout started at (index into cubRanks; Arrow of Light excluded).
var cubStartWeights = []float64{15, 25, 25, 20, 15}

// cubAdventureWords build invented adventure names ("Trail Builders").
var (
	cubAdventureFirst  = []string{"Trail", "Campfire", "Knot", "Star", "Paws", "Forest", "River", "Rocket", "Garden", "Team", "Safety", "Art", "Code", "Critter", "Summit", "Map"}
	cubAdventureSecond = []string{"Builders", "Explorers", "Friends", "Trek", "Makers", "Quest", "Spark", "Patrol", "Crew", "Lab", "Journey", "Games"}
)

// maxCubAdventures is the most adventures listed for one Cub Scout rank.
const maxCubAdventures = 14

// cubAdventureName returns the invented name of adventure number i. Names
// are distinct for i below len(cubAdventureFirst)*len(cubAdventureSecond),
// so no two adventures of a scout share a requirement type.
func cubAdventureName(i int) string {
	first := cubAdventureFirst[i%len(cubAdventureFirst)]
	second := cubAdventureSecond[(i/len(cubAdventureFirst))%len(cubAdventureSecond)]
	return first + " " + second
}

// shareCrossover is the share of scouts with Cub Scout history.
const shareCrossover = 0.85

// troopCrossovers marks which of n scouts crossed over from a Cub Scout
// pack: exactly round(shareCrossover*n) of them, chosen at random, so the
// share of "other" rows varies little from seed to seed.
func troopCrossovers(r *rand.Rand, n int) []bool {
	out := make([]bool, n)
	k := int(shareCrossover*float64(n) + 0.5)
	for _, i := range r.Perm(n)[:k] {
		out[i] = true
	}
	return out
}

// otherRows returns a scout's award, palm and, for a crossover scout, Cub
// Scout history rows.
func (g *generator) otherRows(r *rand.Rand, p rankPlan, crossover bool) []row {
	var out []row
	leader := pick(r, g.leaders)

	// Awards: a few per scout, more for older scouts.
	n := min(len(troopAwards), r.IntN(3)+p.level)
	for _, i := range r.Perm(len(troopAwards))[:n] {
		d := p.joined + day(r.IntN(max(1, int(g.export-p.joined))))
		out = append(out, row{
			kind: KindOther, typ: "Awards", adv: troopAwards[i],
			awarded: true, completed: d, approved: true, marked: d, markedBy: leader,
			awardedBy: leader, awardedDate: d, itemID: itemID("Awards", troopAwards[i]),
		})
	}

	// Eagle palms, earned every three months after Eagle.
	if p.level == 7 {
		palms := []string{"Bronze Palm", "Gold Palm", "Silver Palm"}
		eagle := p.award[6]
		for i := range r.IntN(3) {
			d := eagle + day(90*(i+1))
			if d > g.export {
				break
			}
			out = append(out, row{
				kind: KindOther, typ: "Palms", adv: palms[i], awarded: true, completed: d, approved: true,
				marked: d, markedBy: leader, awardedBy: leader, awardedDate: d, itemID: itemID("Palms", palms[i]),
			})
		}
	}

	if !crossover {
		return out
	}
	// Cub Scout history: each rank from the starting one to Arrow of Light,
	// a year apart, ending before the scout joined the troop.
	first := newWeighted(cubStartWeights).draw(r)
	for ci := first; ci < len(cubRanks); ci++ {
		yearsBefore := len(cubRanks) - ci
		year := p.joined - day(365*yearsBefore) + day(r.IntN(60))
		rank := cubRanks[ci]
		earned := ci < len(cubRanks)-1 || chance(r, 0.85)
		rankRow := row{kind: KindOther, typ: "Cub Scout Rank", adv: rank, version: "2024", itemID: itemID("Cub Scout Rank", rank)}
		if earned {
			d := year + 300
			rankRow.awarded, rankRow.completed, rankRow.approved, rankRow.marked = true, d, true, d
			rankRow.markedBy, rankRow.awardedBy, rankRow.awardedDate = leader, leader, d
		}
		out = append(out, rankRow)

		for a := range between(r, 10, maxCubAdventures) {
			name := cubAdventureName(ci*maxCubAdventures + a)
			reqType := name + " Adventure Requirements"
			adventureDone := earned && (a < 7 || chance(r, 0.5))
			adv := row{kind: KindOther, typ: rank + " Adventures", adv: name, version: "2024", itemID: itemID("Adventures", rank, name)}
			reqCount := 3 + (ci+a)%5
			dates := randomDays(r, reqCount, year, year+290)
			if adventureDone {
				d := dates[len(dates)-1]
				adv.awarded, adv.completed, adv.approved, adv.marked = true, d, true, d
				adv.markedBy, adv.awardedBy, adv.awardedDate = leader, leader, d
			}
			out = append(out, adv)
			for q := range reqCount {
				req := row{
					kind: KindOther, typ: reqType, adv: strconv.Itoa(q + 1), version: "2024",
					itemID: itemID(reqType, rank, strconv.Itoa(q+1)),
				}
				if adventureDone {
					req.completed, req.approved, req.marked, req.markedBy = dates[q], true, dates[q], leader
				}
				out = append(out, req)
			}
		}
	}
	return out
}
