package advancement

// maxResultWarnings caps the warnings kept in import_jobs.result (the row stays narrow); every
// warning is in import_job_issues.
const maxResultWarnings = 100

// Result is stored in import_jobs.result. The first seven fields are the app's
// TroopAdvancementImportResult; the rest tell a leader what else happened.
type Result struct {
	// ScoutsCreated: scouts this job added to the unit.
	ScoutsCreated int `json:"scoutsCreated"`
	// RanksImported: ranks written as awarded (new rows, and existing in-progress rows moved
	// up to awarded).
	RanksImported int `json:"ranksImported"`
	// RankRequirementsImported: rank requirements written as completed (new, or moved up).
	RankRequirementsImported int `json:"rankRequirementsImported"`
	// BadgesImported: merit badges written as awarded.
	BadgesImported int `json:"badgesImported"`
	// BadgeRequirementsImported: merit badge requirements written as completed.
	BadgeRequirementsImported int `json:"badgeRequirementsImported"`
	// DuplicatesSkipped: items the database already had at the same or a higher status.
	DuplicatesSkipped int `json:"duplicatesSkipped"`
	// Warnings: the first warnings (all of them are in import_job_issues).
	Warnings []ImportWarning `json:"warnings"`

	DryRun        bool `json:"dryRun"`
	ScoutsInFile  int  `json:"scoutsInFile"`
	ScoutsMatched int  `json:"scoutsMatched"`
	ScoutsSkipped int  `json:"scoutsSkipped"`
	ItemsUpdated  int  `json:"itemsUpdated"`
	UnknownItems  int  `json:"unknownItems"`
	// RequirementDefinitionsRegistered: requirement ids the reference data lacked, recorded
	// for the unit only (unit_requirement_definitions); the shared bsa_* tables are never
	// written.
	RequirementDefinitionsRegistered int              `json:"requirementDefinitionsRegistered"`
	WarningCount                     int              `json:"warningCount"`
	WarningsTruncated                bool             `json:"warningsTruncated"`
	Rows                             fileStats        `json:"rows"`
	TimingsMs                        map[string]int64 `json:"timingsMs"`
	Preview                          *Preview         `json:"preview,omitempty"`
}

// Preview is the dry-run answer: what an import would do, per scout and in total, in the
// shape of the app's StagedTroopAdvancement summary.
type Preview struct {
	Summary PreviewSummary `json:"summary"`
	Scouts  []PreviewScout `json:"scouts"`
}

// PreviewSummary totals the preview.
type PreviewSummary struct {
	TotalScouts               int `json:"totalScouts"`
	MatchedScouts             int `json:"matchedScouts"`
	UnmatchedScouts           int `json:"unmatchedScouts"`
	NewRanks                  int `json:"newRanks"`
	NewRankRequirements       int `json:"newRankRequirements"`
	NewMeritBadges            int `json:"newMeritBadges"`
	NewMeritBadgeRequirements int `json:"newMeritBadgeRequirements"`
	Duplicates                int `json:"duplicates"`
	Updates                   int `json:"updates"`
}

// PreviewScout is one scout of the preview.
type PreviewScout struct {
	BSAMemberID string `json:"bsaMemberId"`
	FullName    string `json:"fullName"`
	ScoutID     string `json:"scoutId,omitempty"`
	MatchStatus string `json:"matchStatus"` // matched | unmatched
	NewItems    int    `json:"newItems"`
	Duplicates  int    `json:"duplicates"`
	Updates     int    `json:"updates"`
}

// setWarnings fills Warnings (capped) and the counts from all issues.
func (r *Result) setWarnings(issues []Issue) {
	r.Warnings = []ImportWarning{}
	r.WarningCount, r.WarningsTruncated = 0, false
	for _, is := range issues {
		if is.Severity != "warning" {
			continue
		}
		r.WarningCount++
		if len(r.Warnings) < maxResultWarnings {
			r.Warnings = append(r.Warnings, is.warning())
		} else {
			r.WarningsTruncated = true
		}
	}
}
