package scoutbook

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestNormalizeBadgeName(t *testing.T) {
	t.Parallel()
	for input, want := range map[string]string{
		"Camping":                               "camping",
		"Camping MB":                            "camping",
		"camping mb":                            "camping",
		"Camping Merit Badge":                   "camping",
		"Camping Merit Badge MB":                "camping",
		"Camping MB MB":                         "camping",
		"  Camping   MB  ":                      "camping",
		"Camping_MB":                            "camping",
		"Fish & Wildlife Management":            "fish_and_wildlife_management",
		"Fish and Wildlife Management MB":       "fish_and_wildlife_management",
		"Fish&Wildlife Management":              "fish_and_wildlife_management",
		"Signs, Signals, and Codes":             "signs_signals_and_codes",
		"Signs, Signals, and Codes Merit Badge": "signs_signals_and_codes",
		"Small-Boat Sailing":                    "small_boat_sailing",
		"Reptile and Amphibian Study":           "reptile_and_amphibian_study",
		"Citizenship in the Community":          "citizenship_in_the_community",
		"Environmental Science Merit Badge":     "environmental_science",
		"Plumbing":                              "plumbing",
		"MB":                                    "mb",
		"Merit Badge":                           "merit_badge",
		"Merit Badge MB":                        "merit_badge",
		"Climb":                                 "climb", // "mb" only as a whole word
		"":                                      "",
		" - ":                                   "",
		"&":                                     "and",
		"Café Études":                           "caf_tudes",
		"\u212aayaking":                         "kayaking", // Kelvin sign lower-cases to k
		"American Indian Lore (a.k.a. Culture) MB": "american_indian_lore_a_k_a_culture",
	} {
		require.Equal(t, want, NormalizeBadgeName(input), "%q", input)
	}
}

// badgeNames63 are the 141 reference badge names of domain.md 6.3.
const badgeNames63 = `American Business|American Cultures|American Heritage|American Indian Lore|American Labor|Animal Science|
Animation|Archaeology|Archery|Architecture|Art|Artificial Intelligence|Astronomy|Athletics|Automotive Maintenance|Aviation|
Backpacking|Basketry|Bird Study|Bugling|Camping|Canoeing|Chemistry|Chess|Citizenship in Society|Citizenship in the Community|
Citizenship in the Nation|Citizenship in the World|Climbing|Coin Collecting|Collections|Communication|Composite Materials|Cooking|
Crime Prevention|Cybersecurity|Cycling|Dentistry|Digital Technology|Disabilities Awareness|Dog Care|Drafting|Electricity|
Electronics|Emergency Preparedness|Energy|Engineering|Entrepreneurship|Environmental Science|Exploration|Family Life|Farm
Mechanics|Fingerprinting|Fire Safety|First Aid|Fish & Wildlife Management|Fishing|Fly Fishing|Forestry|Game Design|Gardening|
Genealogy|Geocaching|Geology|Golf|Graphic Arts|Health Care Professions|Hiking|Home Repairs|Horsemanship|Insect Study|Inventing|
Journalism|Kayaking|Landscape Architecture|Law|Leatherwork|Lifesaving|Mammal Study|Metalwork|Mining in Society|Model Design and
Building|Motorboating|Moviemaking|Multisport|Music|Nature|Nuclear Science|Oceanography|Orienteering|Painting|Personal Fitness|
Personal Management|Pets|Photography|Pioneering|Plant Science|Plumbing|Pottery|Programming|Public Health|Public Speaking|Pulp
and Paper|Radio|Railroading|Reading|Reptile and Amphibian Study|Rifle Shooting|Robotics|Rowing|Safety|Salesmanship|Scholarship|
Scouting Heritage|Scuba Diving|Sculpture|Search and Rescue|Shotgun Shooting|Signs, Signals, and Codes|Skating|Small-Boat Sailing|
Snow Sports|Soil and Water Conservation|Space Exploration|Sports|Stamp Collecting|Surveying|Sustainability|Swimming|Textile|
Theater|Traffic Safety|Truck Transportation|Veterinary Medicine|Water Sports|Weather|Welding|Whitewater|Wilderness Survival|
Wood Carving|Woodwork`

// badgeCodes63 returns the badge codes of domain.md 6.3: the name
// lower-cased, non-alphanumerics → "_", with its two exceptions.
func badgeCodes63(t *testing.T) map[string]bool {
	t.Helper()
	nonAlnum := regexp.MustCompile(`[^a-z0-9]+`)
	codes := make(map[string]bool)
	for _, name := range strings.Split(strings.ReplaceAll(badgeNames63, "\n", " "), "|") {
		code := strings.Trim(nonAlnum.ReplaceAllString(strings.ToLower(strings.TrimSpace(name)), "_"), "_")
		switch code {
		case "american_indian_lore":
			code = "american_indian_culture"
		}
		codes[code] = true
	}
	require.Len(t, codes, 141)
	require.True(t, codes["fish_wildlife_management"], "the & is dropped in the code")
	require.True(t, codes["signs_signals_and_codes"])
	return codes
}

func TestBadgeAliases(t *testing.T) {
	t.Parallel()
	codes := badgeCodes63(t)

	for key, target := range BadgeAliases {
		require.Equal(t, key, NormalizeBadgeName(key), "alias keys are normalised keys: %q", key)
		require.True(t, codes[target], "alias %q points at %q, which is not a badge code", key, target)
		if key != target {
			require.False(t, codes[key], "alias %q would shadow a real badge code", key)
		}
		if _, again := BadgeAliases[target]; again && target != key {
			require.Equal(t, target, BadgeAliases[target], "aliases never chain: %q", key)
		}
	}
	for key := range badgeHistorical {
		require.Contains(t, BadgeAliases, key, "historical alias %q has a target", key)
	}

	for csvName, wantCode := range map[string]string{
		"Fish and Wildlife Management MB":  "fish_wildlife_management",
		"Fish & Wildlife Management":       "fish_wildlife_management",
		"American Indian Lore":             "american_indian_culture",
		"American Indian Culture MB":       "american_indian_culture",
		"Life Saving":                      "lifesaving",
		"Signaling MB":                     "signs_signals_and_codes",
		"Atomic Energy":                    "nuclear_science",
		"World Brotherhood MB":             "citizenship_in_the_world",
		"Citizenship in Community MB":      "citizenship_in_the_community",
		"Citizenship in Nation":            "citizenship_in_the_nation",
		"Citizenship in World":             "citizenship_in_the_world",
		"First Aid to Animals Merit Badge": "veterinary_medicine",
		"Physical Development":             "personal_fitness",
	} {
		require.Equal(t, wantCode, BadgeAliases[NormalizeBadgeName(csvName)], csvName)
	}

	require.NotContains(t, BadgeAliases, "safety", "Safety is a real badge")
	require.NotContains(t, BadgeAliases, "bee_keeping", "no Beekeeping badge exists")
	require.NotContains(t, BadgeAliases, "small_boat_sailing", "matches directly")

	require.True(t, IsHistoricalAlias("world_brotherhood"))
	require.True(t, IsHistoricalAlias("signaling"))
	require.False(t, IsHistoricalAlias("fish_and_wildlife_management"), "a spelling variant loses nothing")
	require.False(t, IsHistoricalAlias("american_indian_lore"), "a rename loses nothing")
	require.False(t, IsHistoricalAlias("camping"))
}

func TestRankCodeFromName(t *testing.T) {
	t.Parallel()
	for code, names := range map[string][]string{
		"scout":        {"Scout", "Scout Rank", "scout rank", "SCOUT"},
		"tenderfoot":   {"Tenderfoot", "Tenderfoot Rank", "Tenderfoot Scout Rank"},
		"second_class": {"Second Class", "Second Class Rank", "2nd Class", "2nd Class Rank", "Second-Class", "second_class"},
		"first_class":  {"First Class", "First Class Rank", "1st Class", "first_class"},
		"star":         {"Star", "Star Rank", "Star Scout Rank", "Star Scout", "  star   scout  RANK "},
		"life":         {"Life", "Life Rank", "Life Scout Rank", "Life Scout"},
		"eagle":        {"Eagle", "Eagle Rank", "Eagle Scout Rank", "Eagle Scout"},
	} {
		for _, name := range names {
			got, ok := RankCodeFromName(name)
			require.True(t, ok, name)
			require.Equal(t, code, got, name)
		}
	}
	for _, name := range []string{"", "Rank", "Arrow of Light", "Webelos", "Eagle Palm", "Star Scout Rank Requirements", "Bronze Palm"} {
		got, ok := RankCodeFromName(name)
		require.False(t, ok, name)
		require.Empty(t, got, name)
	}
}

var normalizedKey = regexp.MustCompile(`^([a-z0-9]+(_[a-z0-9]+)*)?$`)

// FuzzNormalizeBadgeName checks that keys are idempotent and only ever
// contain [a-z0-9] words joined by single underscores.
func FuzzNormalizeBadgeName(f *testing.F) {
	for _, seed := range []string{
		"Camping MB", "Fish & Wildlife Management", "Signs, Signals, and Codes Merit Badge", "Merit Badge MB",
		"MB", "&&", "Small-Boat Sailing", "\u212a", "caf\xe9",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, name string) {
		key := NormalizeBadgeName(name)
		require.Regexp(t, normalizedKey, key)
		require.Equal(t, key, NormalizeBadgeName(key), "idempotent")
	})
}
