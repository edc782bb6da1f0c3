package scoutbook

import "strings"

// RankInfo describes one Scouts BSA rank as the reference data knows it:
// its stable code (the only key the importer matches on), its display name,
// its position on the path to Eagle, the requirement version year that is
// current for it, and the Scoutbook requirement IDs of that version in
// display order.
type RankInfo struct {
	// Code is the stable key stored in bsa_ranks.code, e.g. "second_class".
	Code string
	// Name is the display name stored in bsa_ranks.name, e.g. "Second Class".
	// The CSV spells some ranks differently ("Star Scout Rank"), so never
	// match on it.
	Name string
	// Order is the 1-based position of the rank (Scout = 1 ... Eagle = 7).
	Order int
	// VersionYear is the current requirement version of the rank.
	VersionYear int
	// RequirementIDs lists the requirement IDs of VersionYear exactly as the
	// Scoutbook CSV writes them ("1a", "10"), in display order.
	RequirementIDs []string
}

// Ranks lists the seven Scouts BSA ranks in order, with the requirement IDs
// of their current versions (domain.md section 6.2). The database seed
// migration 20261129000300_bsa_reference_data.sql is generated from this list
// (see TestReferenceSQLUpToDate), so the two cannot drift apart.
var Ranks = []RankInfo{
	{Code: "scout", Name: "Scout", Order: 1, VersionYear: 2024, RequirementIDs: requirementIDs(
		"1a 1b 1c 1d 1e 1f 2a 2b 2c 2d 3a 3b 4a 4b 5 6a 6b 7")},
	{Code: "tenderfoot", Name: "Tenderfoot", Order: 2, VersionYear: 2024, RequirementIDs: requirementIDs(
		"1a 1b 1c 2a 2b 2c 3a 3b 3c 3d 4a 4b 4c 4d 5a 5b 5c 5d 6a 6b 6c 7a 7b 8 9 10 11")},
	{Code: "second_class", Name: "Second Class", Order: 3, VersionYear: 2024, RequirementIDs: requirementIDs(
		"1a 1b 1c 2a 2b 2c 2d 2e 2f 2g 3a 3b 3c 3d 4 5a 5b 5c 5d 6a 6b 6c 6d 6e 7a 7b 7c 8a 8b 8c 8d 8e 9a 9b 10 11 12")},
	{Code: "first_class", Name: "First Class", Order: 4, VersionYear: 2024, RequirementIDs: requirementIDs(
		"1a 1b 2a 2b 2c 2d 2e 3a 3b 3c 3d 4a 4b 5a 5b 5c 5d 6a 6b 6c 6d 6e 7a 7b 7c 7d 7e 7f 8a 8b 9a 9b 9c 9d 10 11 12 13")},
	{Code: "star", Name: "Star", Order: 5, VersionYear: 2024, RequirementIDs: requirementIDs(
		"1 2 3 4 5 6a 6b 7 8")},
	{Code: "life", Name: "Life", Order: 6, VersionYear: 2016, RequirementIDs: requirementIDs(
		"1 2 3 4 5 6 7 8")},
	{Code: "eagle", Name: "Eagle", Order: 7, VersionYear: 2022, RequirementIDs: requirementIDs(
		"1 2 3 4 5 6 7")},
}

// requirementIDs splits a space-separated list of requirement IDs. It keeps
// the literal lists above short enough to compare with the documentation.
func requirementIDs(list string) []string {
	return strings.Fields(list)
}

// RankByCode returns the rank with the given code ("tenderfoot"), and false
// when no rank has that code.
func RankByCode(code string) (RankInfo, bool) {
	for _, r := range Ranks {
		if r.Code == code {
			return r, true
		}
	}
	return RankInfo{}, false
}

// MeritBadgeInfo describes one merit badge of the reference data: its stable
// code, its display name as stored in bsa_merit_badges.name, and whether it
// is on the Eagle-required list.
type MeritBadgeInfo struct {
	// Code is the stable key stored in bsa_merit_badges.code, e.g.
	// "fish_wildlife_management".
	Code string
	// Name is the display name stored in bsa_merit_badges.name, e.g.
	// "Fish & Wildlife Management". CSV spellings differ ("and" for "&",
	// "American Indian Culture"); the importer matches them through name
	// normalisation and aliases.
	Name string
	// EagleRequired is true for the 18 badges that can fill one of the 14
	// Eagle-required slots.
	EagleRequired bool
}

// MeritBadges lists the 141 merit badges of the reference data in
// alphabetical order (domain.md section 6.3). The seed migration is generated
// from it, like Ranks.
var MeritBadges = []MeritBadgeInfo{
	{Code: "american_business", Name: "American Business"},
	{Code: "american_cultures", Name: "American Cultures"},
	{Code: "american_heritage", Name: "American Heritage"},
	// Renamed "American Indian Culture" in 2024; the reference data keeps the
	// old display name with the new code.
	{Code: "american_indian_culture", Name: "American Indian Lore"},
	{Code: "american_labor", Name: "American Labor"},
	{Code: "animal_science", Name: "Animal Science"},
	{Code: "animation", Name: "Animation"},
	{Code: "archaeology", Name: "Archaeology"},
	{Code: "archery", Name: "Archery"},
	{Code: "architecture", Name: "Architecture"},
	{Code: "art", Name: "Art"},
	{Code: "artificial_intelligence", Name: "Artificial Intelligence"},
	{Code: "astronomy", Name: "Astronomy"},
	{Code: "athletics", Name: "Athletics"},
	{Code: "automotive_maintenance", Name: "Automotive Maintenance"},
	{Code: "aviation", Name: "Aviation"},
	{Code: "backpacking", Name: "Backpacking"},
	{Code: "basketry", Name: "Basketry"},
	{Code: "bird_study", Name: "Bird Study"},
	{Code: "bugling", Name: "Bugling"},
	{Code: "camping", Name: "Camping", EagleRequired: true},
	{Code: "canoeing", Name: "Canoeing"},
	{Code: "chemistry", Name: "Chemistry"},
	{Code: "chess", Name: "Chess"},
	{Code: "citizenship_in_society", Name: "Citizenship in Society", EagleRequired: true},
	{Code: "citizenship_in_the_community", Name: "Citizenship in the Community", EagleRequired: true},
	{Code: "citizenship_in_the_nation", Name: "Citizenship in the Nation", EagleRequired: true},
	{Code: "citizenship_in_the_world", Name: "Citizenship in the World", EagleRequired: true},
	{Code: "climbing", Name: "Climbing"},
	{Code: "coin_collecting", Name: "Coin Collecting"},
	{Code: "collections", Name: "Collections"},
	{Code: "communication", Name: "Communication", EagleRequired: true},
	{Code: "composite_materials", Name: "Composite Materials"},
	{Code: "cooking", Name: "Cooking", EagleRequired: true},
	{Code: "crime_prevention", Name: "Crime Prevention"},
	{Code: "cybersecurity", Name: "Cybersecurity"},
	{Code: "cycling", Name: "Cycling", EagleRequired: true},
	{Code: "dentistry", Name: "Dentistry"},
	{Code: "digital_technology", Name: "Digital Technology"},
	{Code: "disabilities_awareness", Name: "Disabilities Awareness"},
	{Code: "dog_care", Name: "Dog Care"},
	{Code: "drafting", Name: "Drafting"},
	{Code: "electricity", Name: "Electricity"},
	{Code: "electronics", Name: "Electronics"},
	{Code: "emergency_preparedness", Name: "Emergency Preparedness", EagleRequired: true},
	{Code: "energy", Name: "Energy"},
	{Code: "engineering", Name: "Engineering"},
	{Code: "entrepreneurship", Name: "Entrepreneurship"},
	{Code: "environmental_science", Name: "Environmental Science", EagleRequired: true},
	{Code: "exploration", Name: "Exploration"},
	{Code: "family_life", Name: "Family Life", EagleRequired: true},
	{Code: "farm_mechanics", Name: "Farm Mechanics"},
	{Code: "fingerprinting", Name: "Fingerprinting"},
	{Code: "fire_safety", Name: "Fire Safety"},
	{Code: "first_aid", Name: "First Aid", EagleRequired: true},
	{Code: "fish_wildlife_management", Name: "Fish & Wildlife Management"},
	{Code: "fishing", Name: "Fishing"},
	{Code: "fly_fishing", Name: "Fly Fishing"},
	{Code: "forestry", Name: "Forestry"},
	{Code: "game_design", Name: "Game Design"},
	{Code: "gardening", Name: "Gardening"},
	{Code: "genealogy", Name: "Genealogy"},
	{Code: "geocaching", Name: "Geocaching"},
	{Code: "geology", Name: "Geology"},
	{Code: "golf", Name: "Golf"},
	{Code: "graphic_arts", Name: "Graphic Arts"},
	{Code: "health_care_professions", Name: "Health Care Professions"},
	{Code: "hiking", Name: "Hiking", EagleRequired: true},
	{Code: "home_repairs", Name: "Home Repairs"},
	{Code: "horsemanship", Name: "Horsemanship"},
	{Code: "insect_study", Name: "Insect Study"},
	{Code: "inventing", Name: "Inventing"},
	{Code: "journalism", Name: "Journalism"},
	{Code: "kayaking", Name: "Kayaking"},
	{Code: "landscape_architecture", Name: "Landscape Architecture"},
	{Code: "law", Name: "Law"},
	{Code: "leatherwork", Name: "Leatherwork"},
	{Code: "lifesaving", Name: "Lifesaving", EagleRequired: true},
	{Code: "mammal_study", Name: "Mammal Study"},
	{Code: "metalwork", Name: "Metalwork"},
	{Code: "mining_in_society", Name: "Mining in Society"},
	{Code: "model_design_and_building", Name: "Model Design and Building"},
	{Code: "motorboating", Name: "Motorboating"},
	{Code: "moviemaking", Name: "Moviemaking"},
	{Code: "multisport", Name: "Multisport"},
	{Code: "music", Name: "Music"},
	{Code: "nature", Name: "Nature"},
	{Code: "nuclear_science", Name: "Nuclear Science"},
	{Code: "oceanography", Name: "Oceanography"},
	{Code: "orienteering", Name: "Orienteering"},
	{Code: "painting", Name: "Painting"},
	{Code: "personal_fitness", Name: "Personal Fitness", EagleRequired: true},
	{Code: "personal_management", Name: "Personal Management", EagleRequired: true},
	{Code: "pets", Name: "Pets"},
	{Code: "photography", Name: "Photography"},
	{Code: "pioneering", Name: "Pioneering"},
	{Code: "plant_science", Name: "Plant Science"},
	{Code: "plumbing", Name: "Plumbing"},
	{Code: "pottery", Name: "Pottery"},
	{Code: "programming", Name: "Programming"},
	{Code: "public_health", Name: "Public Health"},
	{Code: "public_speaking", Name: "Public Speaking"},
	{Code: "pulp_and_paper", Name: "Pulp and Paper"},
	{Code: "radio", Name: "Radio"},
	{Code: "railroading", Name: "Railroading"},
	{Code: "reading", Name: "Reading"},
	{Code: "reptile_and_amphibian_study", Name: "Reptile and Amphibian Study"},
	{Code: "rifle_shooting", Name: "Rifle Shooting"},
	{Code: "robotics", Name: "Robotics"},
	{Code: "rowing", Name: "Rowing"},
	{Code: "safety", Name: "Safety"},
	{Code: "salesmanship", Name: "Salesmanship"},
	{Code: "scholarship", Name: "Scholarship"},
	{Code: "scouting_heritage", Name: "Scouting Heritage"},
	{Code: "scuba_diving", Name: "Scuba Diving"},
	{Code: "sculpture", Name: "Sculpture"},
	{Code: "search_and_rescue", Name: "Search and Rescue"},
	{Code: "shotgun_shooting", Name: "Shotgun Shooting"},
	{Code: "signs_signals_and_codes", Name: "Signs, Signals, and Codes"},
	{Code: "skating", Name: "Skating"},
	{Code: "small_boat_sailing", Name: "Small-Boat Sailing"},
	{Code: "snow_sports", Name: "Snow Sports"},
	{Code: "soil_and_water_conservation", Name: "Soil and Water Conservation"},
	{Code: "space_exploration", Name: "Space Exploration"},
	{Code: "sports", Name: "Sports"},
	{Code: "stamp_collecting", Name: "Stamp Collecting"},
	{Code: "surveying", Name: "Surveying"},
	{Code: "sustainability", Name: "Sustainability", EagleRequired: true},
	{Code: "swimming", Name: "Swimming", EagleRequired: true},
	{Code: "textile", Name: "Textile"},
	{Code: "theater", Name: "Theater"},
	{Code: "traffic_safety", Name: "Traffic Safety"},
	{Code: "truck_transportation", Name: "Truck Transportation"},
	{Code: "veterinary_medicine", Name: "Veterinary Medicine"},
	{Code: "water_sports", Name: "Water Sports"},
	{Code: "weather", Name: "Weather"},
	{Code: "welding", Name: "Welding"},
	{Code: "whitewater", Name: "Whitewater"},
	{Code: "wilderness_survival", Name: "Wilderness Survival"},
	{Code: "wood_carving", Name: "Wood Carving"},
	{Code: "woodwork", Name: "Woodwork"},
}

// MeritBadgeByCode returns the merit badge with the given code
// ("first_aid"), and false when no badge has that code.
func MeritBadgeByCode(code string) (MeritBadgeInfo, bool) {
	for _, b := range MeritBadges {
		if b.Code == code {
			return b, true
		}
	}
	return MeritBadgeInfo{}, false
}
