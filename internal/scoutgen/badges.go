package scoutgen

import (
	"strings"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// genBadge is a merit badge as the generator uses it.
type genBadge struct {
	// code identifies the badge; it seeds the badge's versions and IDs.
	code string
	// csvName is the name the export writes ("Fish and Wildlife
	// Management", "American Indian Culture").
	csvName string
	// dbName is the reference data's name ("Fish & Wildlife Management").
	dbName string
	// weight is the badge's popularity (domain.md 7.2).
	weight float64
	// eagle marks Eagle-required badges.
	eagle bool
}

// badgePopularity gives the approximate number of scouts, out of about 55,
// who touched each badge in the measured troop (domain.md 7.2), used as a
// drawing weight. Badges not listed get defaultBadgeWeight, or a camp or
// Eagle-required weight; a few are rare.
var badgePopularity = map[string]float64{
	"camping": 41, "chess": 37, "family_life": 36, "environmental_science": 32, "cooking": 31,
	"personal_fitness": 31, "citizenship_in_the_community": 31, "emergency_preparedness": 31,
	"citizenship_in_society": 30, "cycling": 30, "first_aid": 26, "swimming": 26, "fishing": 25,
	"canoeing": 24, "climbing": 22, "photography": 22, "kayaking": 22, "geocaching": 22,
	"leatherwork": 21, "citizenship_in_the_nation": 21,
	// Eagle-required badges not in the measured top 20.
	"citizenship_in_the_world": 19, "communication": 18, "personal_management": 18, "hiking": 17,
	"lifesaving": 14, "sustainability": 12,
	// Rare badges (the measured long tail goes down to one scout).
	"sculpture": 1, "bugling": 1, "surveying": 1, "american_indian_culture": 1, "exploration": 0.5,
	"artificial_intelligence": 0.5, "mining_in_society": 0.5, "composite_materials": 0.5,
	"health_care_professions": 0.5, "scuba_diving": 0.5, "truck_transportation": 0.5,
}

// campBadges are offered at most summer camps, so they are drawn more often
// than the long tail.
var campBadges = []string{
	"archery", "rifle_shooting", "shotgun_shooting", "wilderness_survival", "pioneering", "basketry",
	"space_exploration", "astronomy", "nature", "mammal_study", "insect_study", "forestry",
	"oceanography", "weather", "geology", "fingerprinting", "art", "rowing", "small_boat_sailing",
	"motorboating", "orienteering", "wood_carving", "metalwork", "fire_safety",
	"reptile_and_amphibian_study", "soil_and_water_conservation", "plant_science", "bird_study",
	"fish_wildlife_management", "first_aid", "chemistry", "robotics", "game_design", "programming",
	"animation", "electricity", "graphic_arts", "water_sports", "whitewater", "backpacking",
}

const (
	campBadgeWeight    = 11
	defaultBadgeWeight = 3.5
)

// csvBadgeName returns the name a Scoutbook export writes for a reference
// badge: "and" instead of "&", and the 2024 name "American Indian Culture".
func csvBadgeName(b scoutbook.MeritBadgeInfo) string {
	if b.Code == "american_indian_culture" {
		return "American Indian Culture"
	}
	return strings.ReplaceAll(b.Name, " & ", " and ")
}

// buildBadgeCatalog returns the reference badges with their CSV names and
// weights, in reference order.
func buildBadgeCatalog() []genBadge {
	camp := make(map[string]bool, len(campBadges))
	for _, c := range campBadges {
		camp[c] = true
	}
	out := make([]genBadge, 0, len(scoutbook.MeritBadges))
	for _, b := range scoutbook.MeritBadges {
		w, ok := badgePopularity[b.Code]
		if !ok {
			w = defaultBadgeWeight
			if camp[b.Code] {
				w = campBadgeWeight
			}
		}
		out = append(out, genBadge{code: b.Code, csvName: csvBadgeName(b), dbName: b.Name, weight: w, eagle: b.EagleRequired})
	}
	return out
}

// Badges outside the reference list, used only with noise: discontinued
// badges that the importer maps through its alias table, and one badge that
// does not exist at all.
var (
	historicalWorldBrotherhood = genBadge{code: "world_brotherhood", csvName: "World Brotherhood"}
	historicalAtomicEnergy     = genBadge{code: "atomic_energy", csvName: "Atomic Energy"}
	unknownBadge               = genBadge{code: "underwater_basket_weaving", csvName: "Underwater Basket Weaving"}
)
