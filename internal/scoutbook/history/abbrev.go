package history

import (
	"strings"
	"sync"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// BadgeAbbreviations maps the short badge names that the history
// report prints in the Star, Life and Eagle merit badge slots (and sometimes
// elsewhere) to badge codes. It covers every Eagle-required badge.
//
// Keys are written as Scoutbook prints them; matching ignores case, periods
// and extra spaces, so "cit in comm" finds "Cit. in Comm.". The codes are
// the database codes: the reference app mapped the citizenship abbreviations
// to `citizenship_in_community` and similar codes that do not exist, so
// those badges were silently dropped (domain.md 5.2). The map must not be
// modified.
var BadgeAbbreviations = map[string]string{
	// Citizenship badges.
	"Cit. in Comm.":            "citizenship_in_the_community",
	"Cit. in Community":        "citizenship_in_the_community",
	"Cit. in the Comm.":        "citizenship_in_the_community",
	"Cit. in the Community":    "citizenship_in_the_community",
	"Citizenship in Comm.":     "citizenship_in_the_community",
	"Citizenship in Community": "citizenship_in_the_community",
	"Cit. Comm.":               "citizenship_in_the_community",
	"Cit. in Nation":           "citizenship_in_the_nation",
	"Cit. in the Nation":       "citizenship_in_the_nation",
	"Cit. in Nat.":             "citizenship_in_the_nation",
	"Citizenship in Nation":    "citizenship_in_the_nation",
	"Cit. Nation":              "citizenship_in_the_nation",
	"Cit. in World":            "citizenship_in_the_world",
	"Cit. in the World":        "citizenship_in_the_world",
	"Citizenship in World":     "citizenship_in_the_world",
	"Cit. World":               "citizenship_in_the_world",
	"Cit. in Society":          "citizenship_in_society",
	"Cit. in Soc.":             "citizenship_in_society",
	"Citizenship in Soc.":      "citizenship_in_society",
	"Cit. Society":             "citizenship_in_society",
	"Environmental Sci.":       "environmental_science",
	"Enviro. Science":          "environmental_science",
	"Enviro. Sci.":             "environmental_science",
	"Env. Science":             "environmental_science",
	"Env. Sci.":                "environmental_science",
	"Environ. Science":         "environmental_science",
	"Envir. Science":           "environmental_science",
	"Sustainability":           "sustainability",
	"Sustain.":                 "sustainability",
	"Pers. Fitness":            "personal_fitness",
	"Pers. Fit.":               "personal_fitness",
	"Personal Fit.":            "personal_fitness",
	"Personal Mgmt.":           "personal_management",
	"Personal Mgt.":            "personal_management",
	"Pers. Mgmt.":              "personal_management",
	"Pers. Mgt.":               "personal_management",
	"Pers. Management":         "personal_management",
	"Emerg. Prep.":             "emergency_preparedness",
	"Emergency Prep.":          "emergency_preparedness",
	"Emer. Prep.":              "emergency_preparedness",
	"Emerg. Preparedness":      "emergency_preparedness",
	"Lifesaving":               "lifesaving",
	"Life Saving":              "lifesaving",
	"First Aid":                "first_aid",
	"Family Life":              "family_life",
	"Fam. Life":                "family_life",
	"Communication":            "communication",
	"Communications":           "communication",
	"Commun.":                  "communication",
	"Comm.":                    "communication",
	"Cooking":                  "cooking",
	"Camping":                  "camping",
	"Hiking":                   "hiking",
	"Swimming":                 "swimming",
	"Cycling":                  "cycling",
}

// historyAbbrevIndex is BadgeAbbreviations keyed by historyAbbrevKey,
// built on first use.
var historyAbbrevIndex = sync.OnceValue(func() map[string]string {
	idx := make(map[string]string, len(BadgeAbbreviations))
	for abbrev, code := range BadgeAbbreviations {
		idx[historyAbbrevKey(abbrev)] = code
	}
	return idx
})

// historyAbbrevKey is the lookup key of an abbreviation: lowercase, periods
// read as spaces, single spaces. "Cit.in  Comm" gives "cit in comm".
func historyAbbrevKey(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(s, ".", " "))), " ")
}

// BadgeCode returns the badge code for a badge name as the history
// report prints it, or "" when the name is not a known badge (the importer
// warns about those). The Eagle marker `#` and a trailing "(YYYY Version)"
// are ignored. The name is looked up, in order, in
// BadgeAbbreviations, as a [scoutbook.NormalizeBadgeName] key that is a badge
// code of [scoutbook.MeritBadges], and through [scoutbook.BadgeAliases].
func BadgeCode(name string) string {
	name, _, _ = historySplitBadgeName(name)
	if code, ok := historyAbbrevIndex()[historyAbbrevKey(name)]; ok {
		return code
	}
	key := scoutbook.NormalizeBadgeName(name)
	if key == "" {
		return ""
	}
	if _, ok := scoutbook.MeritBadgeByCode(key); ok {
		return key
	}
	if code, ok := scoutbook.BadgeAliases[key]; ok {
		return code
	}
	return ""
}
