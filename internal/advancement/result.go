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
	RequirementDefinitionsRegistered int `json:"requirementDefinitionsRegistered"`
	// SkippedRows: rows of the file that could not be used at all and were skipped (each is a
	// warning of type invalid_row with its line).
	SkippedRows int `json:"skippedRows"`
	// WarningCounts: how many warnings of each type (all of them, not only the sample).
	WarningCounts map[string]int `json:"warningCounts"`
	// WarningSummary: one line per type of warning, most important first, for a leader to
	// read before the sample in Warnings.
	WarningSummary    []WarningGroup   `json:"warningSummary"`
	WarningCount      int              `json:"warningCount"`
	WarningsTruncated bool             `json:"warningsTruncated"`
	Rows              fileStats        `json:"rows"`
	TimingsMs         map[string]int64 `json:"timingsMs"`
	Preview           *Preview         `json:"preview,omitempty"`
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

// setWarnings fills Warnings (a capped sample), WarningCounts, WarningSummary and the totals.
// sample holds the warnings to choose from (every warning, or the first of each type), counts
// how many of each type there are in all; nil counts means sample holds every warning.
func (r *Result) setWarnings(sample []Issue, counts map[string]int) {
	var warnings []Issue
	for _, is := range sample {
		if is.Severity == "warning" {
			warnings = append(warnings, is)
		}
	}
	if counts == nil {
		counts = map[string]int{}
		for _, is := range warnings {
			counts[is.Code]++
		}
	}
	r.WarningCounts = counts
	r.WarningCount = 0
	for _, n := range counts {
		r.WarningCount += n
	}
	r.WarningSummary = warningSummary(counts)
	r.Warnings = []ImportWarning{}
	for _, is := range chooseWarnings(warnings, maxResultWarnings) {
		r.Warnings = append(r.Warnings, is.warning())
	}
	r.WarningsTruncated = r.WarningCount > len(r.Warnings)
}
