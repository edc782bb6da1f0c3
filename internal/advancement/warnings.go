package advancement

import (
	"cmp"
	"fmt"
	"slices"
)

// A troop import can yield thousands of warnings of a few types, most of them routine (one
// requirement_not_found per badge version whose ids were registered). The result shows the
// counts of each type first, then a capped sample that keeps what a leader must act on
// (skipped rows, unknown ranks and badges, inactive or missing scouts, version mismatches)
// ahead of the routine ones. import_job_issues keeps every warning.

// warningPriority orders warning types from the most to the least important for a leader.
// Types not listed come after the listed ones except the routine requirement_not_found and
// requirement_recorded_for_unit.
var warningPriority = map[string]int{
	codeInvalidRow:          0,
	codeRequirementRefused:  0,
	codeUnknownRank:         1,
	codeUnknownBadge:        1,
	codeInactiveScout:       2,
	codeScoutNotFound:       2,
	codeDuplicateScouts:     2,
	codeVersionMismatch:     3,
	codeNoVersion:           3,
	codeInvalidValue:        4,
	codeHistoricalBadge:     5,
	codeRequirementNotFound: 9,
	// Routine: ids the reference data lacks, recorded for the unit (one per badge version).
	codeRequirementUnitDefined: 9,
}

// priorityOf returns the rank of a warning type in warningPriority.
func priorityOf(code string) int {
	if p, ok := warningPriority[code]; ok {
		return p
	}
	return 6
}

// perTypeShare is how many warnings of each type the sample takes before any type gets more,
// so that a flood of one type cannot hide the others.
const perTypeShare = 10

// chooseWarnings picks at most limit warnings: first up to perTypeShare of each type, most
// important types first, then more of each type in the same order. Within a type, the
// warnings keep their order. The result is ordered by type priority, then as given.
func chooseWarnings(warnings []Issue, limit int) []Issue {
	if len(warnings) <= limit {
		out := slices.Clone(warnings)
		sortByPriority(out)
		return out
	}
	byType := map[string][]Issue{}
	var types []string
	for _, is := range warnings {
		if _, ok := byType[is.Code]; !ok {
			types = append(types, is.Code)
		}
		byType[is.Code] = append(byType[is.Code], is)
	}
	slices.SortStableFunc(types, func(a, b string) int { return cmp.Compare(priorityOf(a), priorityOf(b)) })
	taken := map[string]int{}
	n := 0
	for _, share := range []int{perTypeShare, limit} {
		for _, code := range types {
			want := min(share, len(byType[code])) - taken[code]
			want = min(want, limit-n)
			if want > 0 {
				taken[code] += want
				n += want
			}
		}
	}
	var out []Issue
	for _, code := range types {
		out = append(out, byType[code][:taken[code]]...)
	}
	return out
}

// sortByPriority orders warnings by type priority, keeping their order within a type.
func sortByPriority(warnings []Issue) {
	slices.SortStableFunc(warnings, func(a, b Issue) int { return cmp.Compare(priorityOf(a.Code), priorityOf(b.Code)) })
}

// WarningGroup is one line of the result's warning summary: a type of warning, how many there
// are, and what that means in a leader's words.
type WarningGroup struct {
	Type    string `json:"type"`
	Count   int    `json:"count"`
	Message string `json:"message"`
}

// warningSummary describes the counts, most important type first.
func warningSummary(counts map[string]int) []WarningGroup {
	out := make([]WarningGroup, 0, len(counts))
	for code, n := range counts {
		if n > 0 {
			out = append(out, WarningGroup{Type: code, Count: n, Message: summaryMessage(code, n)})
		}
	}
	slices.SortFunc(out, func(a, b WarningGroup) int {
		return cmp.Or(cmp.Compare(priorityOf(a.Type), priorityOf(b.Type)), cmp.Compare(a.Type, b.Type))
	})
	return out
}

// summaryMessage says what n warnings of type code mean.
func summaryMessage(code string, n int) string {
	switch code {
	case codeInvalidRow:
		return fmt.Sprintf("%d row(s) of the file could not be read and were skipped.", n)
	case codeInvalidValue:
		return fmt.Sprintf("%d value(s) could not be read and were taken as empty (no date, not done, or the current version); the rest of their rows was imported.", n)
	case codeUnknownRank:
		return fmt.Sprintf("%d rank name(s) are not Scouts BSA ranks; their rows were not imported.", n)
	case codeUnknownBadge:
		return fmt.Sprintf("%d merit badge name(s) are not known; their rows were not imported.", n)
	case codeInactiveScout:
		return fmt.Sprintf("%d scout(s) are inactive in the unit.", n)
	case codeScoutNotFound:
		return fmt.Sprintf("%d scout(s) are not in the unit and were not created; their rows were not imported.", n)
	case codeDuplicateScouts:
		return fmt.Sprintf("%d scout(s) have more than one record in the unit.", n)
	case codeVersionMismatch:
		return fmt.Sprintf("%d badge(s) have requirements completed under another version than the badge's.", n)
	case codeNoVersion:
		return fmt.Sprintf("%d requirement row(s) have no version and were not imported.", n)
	case codeHistoricalBadge:
		return fmt.Sprintf("%d discontinued badge(s) were imported as their successor.", n)
	case codeRequirementRefused:
		return fmt.Sprintf("%d requirement row(s) were skipped because their requirement id was refused (not an id, or not one of the version's requirements).", n)
	case codeRequirementNotFound:
		return fmt.Sprintf("%d badge or rank version(s) list requirement ids the reference data lacks.", n)
	case codeRequirementUnitDefined:
		return fmt.Sprintf("%d badge or rank version(s) the reference data does not define had their requirement ids recorded for this unit only.", n)
	default:
		return fmt.Sprintf("%d warning(s) of type %s.", n, code)
	}
}
