package scoutbook

import (
	"strings"
)

// NormalizeBadgeName turns a merit badge name, as written in a CSV export or
// stored in the database, into a lookup key. Apply it to both sides so that
// spelling differences do not matter:
//
//   - the name is lower-cased;
//   - `&` becomes the word `and`;
//   - every run of characters other than a–z and 0–9 becomes one `_`, and
//     leading and trailing `_` are dropped;
//   - trailing `mb` and `merit badge` words are removed, repeatedly
//     (`Camping Merit Badge MB` → `camping`), unless nothing would be left.
//
// So `Fish & Wildlife Management` and `Fish and Wildlife Management MB` both
// give `fish_and_wildlife_management`, and `Signs, Signals, and Codes` gives
// `signs_signals_and_codes`. The result contains only [a-z0-9_] and
// NormalizeBadgeName(NormalizeBadgeName(x)) == NormalizeBadgeName(x).
//
// A key is not always the badge's code: see [BadgeAliases].
func NormalizeBadgeName(name string) string {
	lower := strings.ToLower(name)

	// Split into words of [a-z0-9]; '&' is a word of its own ("and").
	// ends[i] is the end offset in buf of word i; words are joined by '_'.
	buf := make([]byte, 0, len(lower)+8)
	var endsStore [16]int
	ends := endsStore[:0]
	inWord := false
	for i := 0; i < len(lower); i++ {
		c := lower[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			if !inWord {
				if len(buf) > 0 {
					buf = append(buf, '_')
				}
				inWord = true
			}
			buf = append(buf, c)
			continue
		case c == '&':
			if inWord {
				ends = append(ends, len(buf))
			}
			if len(buf) > 0 {
				buf = append(buf, '_')
			}
			buf = append(buf, "and"...)
			ends = append(ends, len(buf))
			inWord = false
			continue
		}
		if inWord {
			ends = append(ends, len(buf))
			inWord = false
		}
	}
	if inWord {
		ends = append(ends, len(buf))
	}

	// Drop trailing "mb" and "merit badge" words while a word remains.
	word := func(i int) string {
		start := 0
		if i > 0 {
			start = ends[i-1] + 1
		}
		return string(buf[start:ends[i]])
	}
	for {
		n := len(ends)
		switch {
		case n > 1 && word(n-1) == "mb":
			ends = ends[:n-1]
		case n > 2 && word(n-1) == "badge" && word(n-2) == "merit":
			ends = ends[:n-2]
		default:
			if n == 0 {
				return ""
			}
			return string(buf[:ends[n-1]])
		}
	}
}

// badgeTrimSuffix removes trailing ` MB` and ` Merit Badge` (any case,
// repeatedly) from a badge name as written, keeping the rest as it is:
// `Camping MB` → `Camping`. A name made only of the suffix is kept.
func badgeTrimSuffix(name string) string {
	name = strings.TrimSpace(name)
	for {
		switch {
		case len(name) > len(" mb") && foldHasSuffix(name, " mb"):
			name = strings.TrimSpace(name[:len(name)-len(" mb")])
		case len(name) > len(" merit badge") && foldHasSuffix(name, " merit badge"):
			name = strings.TrimSpace(name[:len(name)-len(" merit badge")])
		default:
			return name
		}
	}
}

// foldHasSuffix reports whether s ends with the ASCII suffix, ignoring case.
func foldHasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// BadgeAliases maps a badge key (the output of [NormalizeBadgeName]) that
// is not itself a badge code to the code of the badge it means. Badge codes
// are the reference names lower-cased with non-alphanumerics turned into `_`
// (`Signs, Signals, and Codes` → `signs_signals_and_codes`), with two
// exceptions: Fish & Wildlife Management is `fish_wildlife_management` and
// American Indian Lore is `american_indian_culture`.
//
// Look a CSV key up directly first; only when that fails, apply the alias
// once (aliases never chain). Aliases marked by [IsHistoricalAlias] map a
// discontinued badge to its modern successor, which is lossy: the importer
// should warn when it uses one. The map must not be modified.
var BadgeAliases = map[string]string{
	// Spelling and punctuation variants of current badges.
	"fish_and_wildlife_management": "fish_wildlife_management",
	"american_indian_lore":         "american_indian_culture", // renamed in 2024
	"american_indian_culture":      "american_indian_culture", // the DB may still say "Lore"
	"life_saving":                  "lifesaving",
	"citizenship_in_community":     "citizenship_in_the_community",
	"citizenship_in_nation":        "citizenship_in_the_nation",
	"citizenship_in_world":         "citizenship_in_the_world",
	"signs_signals_codes":          "signs_signals_and_codes",
	"reptile_amphibian_study":      "reptile_and_amphibian_study",
	"soil_water_conservation":      "soil_and_water_conservation",
	"pulp_paper":                   "pulp_and_paper",
	"model_design_building":        "model_design_and_building",
	"white_water":                  "whitewater",
	"woodcarving":                  "wood_carving",
	"motor_boating":                "motorboating",
	"movie_making":                 "moviemaking",
	"snowsports":                   "snow_sports",
	"watersports":                  "water_sports",
	"disability_awareness":         "disabilities_awareness",

	// Official renames: the same badge under an older name.
	"computers":          "digital_technology",     // renamed 2014
	"cinematography":     "moviemaking",            // renamed 2013
	"auto_mechanics":     "automotive_maintenance", // renamed 2012
	"handicap_awareness": "disabilities_awareness", // renamed 1999

	// Discontinued badges mapped to a modern successor (see badgeHistorical).
	"atomic_energy":        "nuclear_science",
	"consumer_buying":      "personal_management",
	"world_brotherhood":    "citizenship_in_the_world",
	"farm_arrangement":     "farm_mechanics",
	"machinery":            "farm_mechanics",
	"pigeon_raising":       "bird_study",
	"rabbit_raising":       "animal_science",
	"nut_culture":          "plant_science",
	"first_aid_to_animals": "veterinary_medicine",
	"physical_development": "personal_fitness",
	"signaling":            "signs_signals_and_codes",
	"medicine":             "health_care_professions",
}

// badgeHistorical lists the keys of BadgeAliases that stand for a
// discontinued badge, whose requirements differ from its successor's.
var badgeHistorical = map[string]bool{
	"atomic_energy":        true,
	"consumer_buying":      true,
	"world_brotherhood":    true,
	"farm_arrangement":     true,
	"machinery":            true,
	"pigeon_raising":       true,
	"rabbit_raising":       true,
	"nut_culture":          true,
	"first_aid_to_animals": true,
	"physical_development": true,
	"signaling":            true,
	"medicine":             true,
}

// IsHistoricalAlias reports whether key (a [NormalizeBadgeName] result)
// is an alias from a discontinued badge to a modern successor. Using such an
// alias loses information, so the importer should warn about it.
func IsHistoricalAlias(key string) bool {
	return badgeHistorical[key]
}

// RankCodeFromName returns the rank code (scout, tenderfoot, second_class,
// first_class, star, life, eagle) for a rank name as Scoutbook may write it,
// and false when the name is not a Scouts BSA rank (Cub Scout ranks such as
// "Arrow of Light" are not).
//
// Case, punctuation and spacing are ignored, a trailing "Rank" is optional,
// and so is "Scout" after every rank but Scout itself: `Star`, `Star Rank`,
// `Star Scout`, `Star Scout Rank`, `Scout Rank`, `Second Class`,
// `2nd Class Rank` and the code `second_class` are all accepted.
func RankCodeFromName(name string) (string, bool) {
	words := strings.Fields(strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			return r
		case r >= 'A' && r <= 'Z':
			return r + ('a' - 'A')
		default:
			return ' '
		}
	}, name))
	if n := len(words); n > 1 && words[n-1] == "rank" {
		words = words[:n-1]
	}
	if n := len(words); n > 1 && words[n-1] == "scout" {
		words = words[:n-1]
	}
	switch strings.Join(words, " ") {
	case "scout":
		return "scout", true
	case "tenderfoot":
		return "tenderfoot", true
	case "second class", "2nd class", "secondclass":
		return "second_class", true
	case "first class", "1st class", "firstclass":
		return "first_class", true
	case "star":
		return "star", true
	case "life":
		return "life", true
	case "eagle":
		return "eagle", true
	default:
		return "", false
	}
}
