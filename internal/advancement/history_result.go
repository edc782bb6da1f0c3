package advancement

// HistoryResult is stored in import_jobs.result for a scout_history job. The first fields are
// the app's history import result (camelCase JSON); the rest tell the leader which scout was
// imported and what else happened.
type HistoryResult struct {
	// RanksImported: rank progress rows written: ranks recorded as awarded (new rows, and
	// existing rows moved up to awarded) plus ranks started (new in-progress rows).
	RanksImported int `json:"ranksImported"`
	// RequirementsImported: rank and merit badge requirements written as completed (new rows,
	// and existing rows moved up to completed).
	RequirementsImported int `json:"requirementsImported"`
	// BadgesImported: merit badge progress rows written: badges recorded as awarded plus
	// badges started (new in-progress rows for the report's partial badges).
	BadgesImported int `json:"badgesImported"`
	// LeadershipImported: positions of responsibility added, or whose end date was filled.
	LeadershipImported int `json:"leadershipImported"`
	// ActivitiesImported: activity totals added or changed.
	ActivitiesImported int `json:"activitiesImported"`
	// DuplicatesSkipped: items the database already had at the same or a higher status.
	DuplicatesSkipped int `json:"duplicatesSkipped"`
	// Warnings: the first warnings (all of them are in import_job_issues).
	Warnings []ImportWarning `json:"warnings"`
	// DryRun is true when nothing was written and Preview tells what would be.
	DryRun bool `json:"dryRun"`
	// Preview is the dry-run answer.
	Preview *HistoryPreview `json:"preview,omitempty"`
	// TimingsMs: milliseconds per phase, and "total".
	TimingsMs map[string]int64 `json:"timingsMs"`

	// ScoutID, ScoutName and BSAMemberID identify the scout the report was imported into.
	ScoutID     string `json:"scoutId"`
	ScoutName   string `json:"scoutName"`
	BSAMemberID string `json:"bsaMemberId,omitempty"`
	// MatchedBy says how the scout was chosen: "scoutId" (options.scoutId) or "bsaMemberId"
	// (the report's BSA id, within the unit).
	MatchedBy string `json:"matchedBy"`
	// RankRequirementsImported and BadgeRequirementsImported split RequirementsImported.
	RankRequirementsImported  int `json:"rankRequirementsImported"`
	BadgeRequirementsImported int `json:"badgeRequirementsImported"`
	// RanksStarted and BadgesStarted are the in-progress rows among RanksImported and
	// BadgesImported.
	RanksStarted  int `json:"ranksStarted"`
	BadgesStarted int `json:"badgesStarted"`
	// ItemsUpdated: existing rows moved up or changed (rather than added).
	ItemsUpdated int `json:"itemsUpdated"`
	// UnknownItems: report entries that could not be mapped (unknown badge or position,
	// requirement ids without a definition, positions without a start date...).
	UnknownItems int `json:"unknownItems"`
	// RequirementDefinitionsRegistered: merit badge requirement ids of the report that the
	// reference data lacked and that were recorded for the unit (unit_requirement_definitions).
	RequirementDefinitionsRegistered int  `json:"requirementDefinitionsRegistered"`
	WarningCount                     int  `json:"warningCount"`
	WarningsTruncated                bool `json:"warningsTruncated"`
	// Notes are informational: sections of the report that are deliberately not imported
	// (Order of the Arrow, Training, Awards...) and totals without a place to go.
	Notes []HistoryNote `json:"notes"`
}

// HistoryNote is an informational message about the report (not a problem).
type HistoryNote struct {
	Line    int    `json:"line,omitempty"`
	Section string `json:"section,omitempty"`
	Message string `json:"message"`
}

// HistoryPreview is what a scout_history import would write (options.dryRun).
type HistoryPreview struct {
	Summary     HistoryPreviewSummary `json:"summary"`
	Ranks       []HistoryPreviewItem  `json:"ranks"`
	MeritBadges []HistoryPreviewItem  `json:"meritBadges"`
	Leadership  []HistoryPreviewItem  `json:"leadership"`
	Activities  []HistoryPreviewItem  `json:"activities"`
}

// HistoryPreviewSummary totals the preview. Every count is of things that would be written;
// Duplicates are things already recorded.
type HistoryPreviewSummary struct {
	NewRanks                  int `json:"newRanks"`
	NewRankRequirements       int `json:"newRankRequirements"`
	NewMeritBadges            int `json:"newMeritBadges"`
	NewMeritBadgeRequirements int `json:"newMeritBadgeRequirements"`
	NewLeadership             int `json:"newLeadership"`
	NewActivities             int `json:"newActivities"`
	Updates                   int `json:"updates"`
	Duplicates                int `json:"duplicates"`
	// RequirementDefinitionsToRegister: merit badge requirement ids the reference data lacks.
	RequirementDefinitionsToRegister int `json:"requirementDefinitionsToRegister"`
}

// HistoryPreviewItem is one rank, badge, position or activity total of the preview.
type HistoryPreviewItem struct {
	Code string `json:"code,omitempty"`
	Name string `json:"name"`
	// Status is the status the import writes: awarded or in_progress (ranks and badges).
	Status string `json:"status,omitempty"`
	// Date is the award date (awarded), the start date (partial badges, positions) or the
	// report's date (activity totals), as YYYY-MM-DD.
	Date    string `json:"date,omitempty"`
	EndDate string `json:"endDate,omitempty"`
	Version int    `json:"version,omitempty"`
	// Quantity is an activity total.
	Quantity string `json:"quantity,omitempty"`
	// Requirements is the number of completed requirements the report lists for the item,
	// and NewRequirements how many of them the database does not have as completed yet.
	Requirements    int `json:"requirements,omitempty"`
	NewRequirements int `json:"newRequirements,omitempty"`
	// Action is new, update or duplicate.
	Action string `json:"action"`
	Line   int    `json:"line,omitempty"`
}

// historyWarnings converts issues to the result's warnings (capped), filling the version
// fallback fields.
func historyWarnings(issues []Issue) (list []ImportWarning, count int, truncated bool) {
	list = []ImportWarning{}
	for _, is := range issues {
		if is.Severity != "warning" {
			continue
		}
		count++
		if len(list) >= maxResultWarnings {
			truncated = true
			continue
		}
		w := is.warning()
		if v, ok := is.Details["requestedVersion"].(string); ok {
			w.RequestedVersion = v
		}
		if v, ok := is.Details["usedVersion"].(string); ok {
			w.UsedVersion = v
		}
		list = append(list, w)
	}
	return list, count, truncated
}
