package advancement

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	sqlfiles "github.com/chuckbox/importworker/sql"
)

// Issue is one warning or rejected row, stored in import_job_issues.
type Issue struct {
	Severity    string // "warning" or "error"
	Code        string // e.g. unknown_merit_badge, invalid_row
	Line        int    // line of the file, 0 when not from one row
	BSAMemberID string
	ScoutName   string
	Item        string
	Version     string
	Message     string
	Details     map[string]any
	// Fingerprint identifies the issue within its job (a resumed job stores it once).
	Fingerprint string
}

// Issue codes.
const (
	codeInvalidRow          = "invalid_row"
	codeUnknownRank         = "unknown_rank"
	codeUnknownBadge        = "unknown_merit_badge"
	codeHistoricalBadge     = "historical_badge_mapped"
	codeRequirementNotFound = "requirement_not_found"
	codeScoutNotFound       = "scout_not_found"
	codeInactiveScout       = "inactive_scout"
	codeDuplicateScouts     = "duplicate_scout_records"
	codeVersionMismatch     = "version_mismatch"
	codeNoVersion           = "version_unknown"
	// A requirement row skipped because its id was refused (shape, length, too many ids, or
	// not a requirement of a version the reference data defines).
	codeRequirementRefused = "requirement_refused"
	// Requirement ids the reference data lacks, recorded for the importing unit only.
	codeRequirementUnitDefined = "requirement_recorded_for_unit"
)

// ImportWarning is the app's warning shape in import_jobs.result.warnings (camelCase JSON).
type ImportWarning struct {
	Type             string `json:"type"`
	Scout            string `json:"scout,omitempty"`
	Badge            string `json:"badge,omitempty"`
	Rank             string `json:"rank,omitempty"`
	Requirement      string `json:"requirement,omitempty"`
	Version          string `json:"version,omitempty"`
	Message          string `json:"message"`
	RequestedVersion string `json:"requestedVersion,omitempty"`
	UsedVersion      string `json:"usedVersion,omitempty"`
	Count            int    `json:"count,omitempty"`
	Line             int    `json:"line,omitempty"`
	// Field and Value name the column and the value of a row that was skipped or a value that
	// could not be read (invalid_row, invalid_value).
	Field string `json:"field,omitempty"`
	Value string `json:"value,omitempty"`
}

// warning converts an issue to the result's warning shape.
func (i Issue) warning() ImportWarning {
	w := ImportWarning{Type: i.Code, Scout: i.ScoutName, Version: i.Version, Message: i.Message, Line: i.Line}
	switch i.Code {
	case codeUnknownRank:
		w.Rank = i.Item
	case codeUnknownBadge, codeHistoricalBadge, codeVersionMismatch, codeNoVersion:
		w.Badge = i.Item
	}
	if d, ok := i.Details["rank"].(string); ok {
		w.Rank = d
	}
	if d, ok := i.Details["badge"].(string); ok {
		w.Badge = d
	}
	switch n := i.Details["count"].(type) {
	case int:
		w.Count = n
	case float64: // details read back from import_job_issues
		w.Count = int(n)
	}
	if v, ok := i.Details["requestedVersion"]; ok {
		w.RequestedVersion = fmt.Sprint(v)
	}
	if v, ok := i.Details["usedVersion"]; ok {
		w.UsedVersion = fmt.Sprint(v)
	}
	if i.Code == codeInvalidRow || i.Code == codeInvalidValue {
		w.Field, _ = i.Details["field"].(string)
		w.Value, _ = i.Details["value"].(string)
	}
	return w
}

// loadWarnings returns the warnings stored for the job so far (see advancement_job_warnings.sql):
// the first perType of each type (perType <= 0: all), and how many of each type there are.
func loadWarnings(ctx context.Context, q queryer, jobID uuid.UUID, perType int) ([]Issue, map[string]int, error) {
	var limit *int
	if perType > 0 {
		limit = &perType
	}
	rows, err := q.Query(ctx, sqlfiles.Query("advancement_job_warnings"), jobID, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("load the job's warnings: %w", err)
	}
	defer rows.Close()
	var out []Issue
	counts := map[string]int{}
	for rows.Next() {
		is := Issue{Severity: "warning"}
		var details []byte
		var count int
		if err := rows.Scan(&is.Code, &is.Line, &is.BSAMemberID, &is.ScoutName, &is.Item, &is.Version, &is.Message,
			&details, &is.Fingerprint, &count); err != nil {
			return nil, nil, fmt.Errorf("load the job's warnings: %w", err)
		}
		if len(details) > 0 {
			if err := json.Unmarshal(details, &is.Details); err != nil {
				return nil, nil, fmt.Errorf("load the job's warnings: details of %s: %w", is.Fingerprint, err)
			}
		}
		counts[is.Code] = count
		out = append(out, is)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("load the job's warnings: %w", err)
	}
	return out, counts, nil
}

// insertIssues stores issues for the job inside tx (idempotent by fingerprint).
func insertIssues(ctx context.Context, tx pgx.Tx, jobID, unitID uuid.UUID, issues []Issue) error {
	if len(issues) == 0 {
		return nil
	}
	n := len(issues)
	sev, code, item, bsa, name, ver, msg, det, fp := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]*string, n), make([]string, n)
	line := make([]int32, n)
	for k, is := range issues {
		sev[k], code[k], item[k], bsa[k], name[k], ver[k], msg[k], fp[k] =
			is.Severity, is.Code, is.Item, is.BSAMemberID, is.ScoutName, is.Version, is.Message, is.Fingerprint
		line[k] = int32(is.Line)
		if len(is.Details) > 0 {
			b, err := json.Marshal(is.Details)
			if err != nil {
				return fmt.Errorf("encode issue details: %w", err)
			}
			s := string(b)
			det[k] = &s
		}
	}
	_, err := tx.Exec(ctx, sqlfiles.Query("advancement_insert_issues"), jobID, unitID, sev, code, line, bsa, name, item, ver, msg, det, fp)
	if err != nil {
		return fmt.Errorf("store import issues: %w", err)
	}
	return nil
}
