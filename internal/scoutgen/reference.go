package scoutgen

import "github.com/chuckbox/importworker/internal/scoutbook"

// RequirementDefinition is one merit badge requirement as a real app's reference table holds
// it: the badge, the requirement version year, the Scoutbook requirement id and its position.
type RequirementDefinition struct {
	BadgeCode    string
	VersionYear  int
	ID           string
	DisplayOrder int
}

// ReferenceRequirements returns every merit badge requirement definition the generator can
// write, for every reference badge and every version it uses: the reference data a
// production database holds (bsa_merit_badge_requirements), so that benchmarks and demos
// import against definitions that exist rather than an empty table. Header rows (no id) are
// left out.
func ReferenceRequirements() []RequirementDefinition {
	var out []RequirementDefinition
	for _, b := range scoutbook.MeritBadges {
		for _, v := range badgeVersions(b.Code) {
			order := 0
			for _, id := range requirementList(b.Code, v) {
				order++
				if id == "" {
					continue
				}
				out = append(out, RequirementDefinition{BadgeCode: b.Code, VersionYear: v, ID: id, DisplayOrder: order})
			}
		}
	}
	return out
}
