package history

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// historyEagleAbbreviations is how the history report abbreviates each of the
// 18 Eagle-required badges, as a test table independent of the map under
// test. The reference app's bug was to map the citizenship ones to codes
// without "the_", which do not exist.
var historyEagleAbbreviations = map[string]string{
	"Camping #":         "camping",
	"Cit. in Society #": "citizenship_in_society",
	"Cit. in Comm. #":   "citizenship_in_the_community",
	"Cit. in Nation #":  "citizenship_in_the_nation",
	"Cit. in World #":   "citizenship_in_the_world",
	"Communication #":   "communication",
	"Cooking #":         "cooking",
	"Cycling #":         "cycling",
	"Emerg. Prep. #":    "emergency_preparedness",
	"Enviro. Science #": "environmental_science",
	"Family Life #":     "family_life",
	"First Aid #":       "first_aid",
	"Hiking #":          "hiking",
	"Lifesaving #":      "lifesaving",
	"Pers. Fitness #":   "personal_fitness",
	"Personal Mgmt. #":  "personal_management",
	"Sustainability #":  "sustainability",
	"Swimming #":        "swimming",
}

func TestHistoryBadgeCodeCitizenshipBadges(t *testing.T) {
	t.Parallel()
	require.Equal(t, "citizenship_in_the_community", BadgeCode("Cit. in Comm."))
	require.Equal(t, "citizenship_in_the_nation", BadgeCode("Cit. in Nation"))
	require.Equal(t, "citizenship_in_the_world", BadgeCode("Cit. in World"))
	require.Equal(t, "citizenship_in_society", BadgeCode("Cit. in Society"))
	for _, code := range []string{"citizenship_in_the_community", "citizenship_in_the_nation", "citizenship_in_the_world", "citizenship_in_society"} {
		_, ok := scoutbook.MeritBadgeByCode(code)
		require.True(t, ok, "%s must be a real badge code", code)
	}
}

func TestHistoryBadgeCodeEveryEagleRequiredAbbreviation(t *testing.T) {
	t.Parallel()
	covered := map[string]bool{}
	for abbrev, want := range historyEagleAbbreviations {
		require.Equal(t, want, BadgeCode(abbrev), "abbreviation %q", abbrev)
		covered[want] = true
	}
	// The table covers exactly the reference data's Eagle-required badges.
	var eagle []string
	for _, b := range scoutbook.MeritBadges {
		if b.EagleRequired {
			eagle = append(eagle, b.Code)
			require.True(t, covered[b.Code], "no abbreviation tested for Eagle-required %s", b.Code)
			require.Equal(t, b.Code, BadgeCode(b.Name+" #"), "full name of %s", b.Code)
		}
	}
	require.Len(t, eagle, 18)
}

func TestHistoryBadgeAbbreviationsPointAtRealBadges(t *testing.T) {
	t.Parallel()
	eagleSeen := map[string]bool{}
	for abbrev, code := range BadgeAbbreviations {
		b, ok := scoutbook.MeritBadgeByCode(code)
		require.True(t, ok, "%q maps to %q, which is not a badge code", abbrev, code)
		require.Equal(t, code, BadgeCode(abbrev))
		if b.EagleRequired {
			eagleSeen[code] = true
		}
	}
	for _, b := range scoutbook.MeritBadges {
		if b.EagleRequired {
			require.True(t, eagleSeen[b.Code], "BadgeAbbreviations has no entry for Eagle-required %s", b.Code)
		}
	}
}

func TestHistoryBadgeCodeTolerance(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"cit in comm":                "citizenship_in_the_community",
		"CIT.  IN   COMM.":           "citizenship_in_the_community",
		"Cit.in Comm.":               "citizenship_in_the_community",
		"Cit. in Community":          "citizenship_in_the_community",
		"  Env. Science  ":           "environmental_science",
		"Enviro Science":             "environmental_science",
		"Emergency Prep.":            "emergency_preparedness",
		"Pers Mgmt":                  "personal_management",
		"Communications":             "communication",
		"Cooking # (2025 Version)":   "cooking",
		"Camping MB":                 "camping",
		"Fish & Wildlife Management": "fish_wildlife_management",
		"Signs, Signals, and Codes":  "signs_signals_and_codes",
		"American Indian Culture":    "american_indian_culture",
		"Life Saving":                "lifesaving",
		"Underwater Basket Weaving":  "",
		"#":                          "",
		"":                           "",
	} {
		require.Equal(t, want, BadgeCode(in), "input %q", in)
	}
}
