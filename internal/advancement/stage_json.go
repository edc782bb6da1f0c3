package advancement

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// stagedTroopAdvancement is the app's StagedTroopAdvancement JSON (import_jobs.staged_data),
// produced by its existing preview flow. Only the fields the import needs are read.
type stagedTroopAdvancement struct {
	Scouts []struct {
		BSAMemberID            string         `json:"bsaMemberId"`
		FirstName              string         `json:"firstName"`
		LastName               string         `json:"lastName"`
		Ranks                  []stagedChange `json:"ranks"`
		RankRequirements       []stagedChange `json:"rankRequirements"`
		MeritBadges            []stagedChange `json:"meritBadges"`
		MeritBadgeRequirements []stagedChange `json:"meritBadgeRequirements"`
	} `json:"scouts"`
}

// stagedChange is one StagedChange item.
type stagedChange struct {
	Type              string  `json:"type"`
	Name              string  `json:"name"`
	Code              string  `json:"code"`
	RequirementNumber string  `json:"requirementNumber"`
	Version           string  `json:"version"`
	Date              *string `json:"date"`
}

// stageStagedJSON stages the app's staged JSON. The app's own match results (scoutId,
// matchStatus, status) are not trusted: scouts are matched again by BSA member id and items
// classified against the database as it is now. Items carry no line numbers.
func stageStagedJSON(raw []byte, ref *reference, selected []string, rows *rowReporter, lim Limits) (*staged, error) {
	var in stagedTroopAdvancement
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, fmt.Errorf("staged_data is not a StagedTroopAdvancement JSON object: %w", err)
	}
	s := newStager(ref, selected, rows, lim)
	for _, sc := range in.Scouts {
		base := scoutbook.TroopRow{BSAMemberID: strings.TrimSpace(sc.BSAMemberID), FirstName: sc.FirstName, LastName: sc.LastName}
		if base.BSAMemberID == "" {
			continue
		}
		if msg := scoutbook.MemberIDProblem(base.BSAMemberID); msg != "" {
			// The same rule as the CSV's member id column: the scout's items are rejected.
			s.st.stats.InvalidRows++
			if err := rows.add(Issue{Code: codeInvalidRow,
				BSAMemberID: shortText(base.BSAMemberID), ScoutName: shortText(sc.FirstName + " " + sc.LastName),
				Message:     fmt.Sprintf("scout %s %s: BSA member ID %q %s", shortText(sc.FirstName), shortText(sc.LastName), shortText(base.BSAMemberID), msg),
				Fingerprint: "invalid_row|" + shortText(base.BSAMemberID)}); err != nil {
				return nil, err
			}
			continue
		}
		for _, groups := range []struct {
			kind  scoutbook.Kind
			items []stagedChange
		}{
			{scoutbook.KindRank, sc.Ranks},
			{scoutbook.KindMeritBadge, sc.MeritBadges},
			{scoutbook.KindRankRequirement, sc.RankRequirements},
			{scoutbook.KindMeritBadgeRequirement, sc.MeritBadgeRequirements},
		} {
			for _, c := range groups.items {
				row, err := c.toRow(base, groups.kind)
				if err != nil {
					s.st.stats.InvalidRows++
					if err := rows.add(Issue{Code: codeInvalidRow,
						BSAMemberID: base.BSAMemberID, Item: c.Name, Message: err.Error(),
						Fingerprint: fmt.Sprintf("invalid_row|%s|%s|%s", base.BSAMemberID, groups.kind, c.Name)}); err != nil {
						return nil, err
					}
					continue
				}
				s.add(row)
				if s.err != nil {
					return nil, s.err
				}
			}
		}
	}
	if err := rows.close(); err != nil {
		return nil, err
	}
	return s.finish()
}

// toRow turns a staged change into the row the CSV would have had.
func (c stagedChange) toRow(base scoutbook.TroopRow, kind scoutbook.Kind) (scoutbook.TroopRow, error) {
	row := base
	row.Kind = kind
	row.Version = strings.TrimSpace(c.Version)
	year, ok := scoutbook.ParseVersionYear(row.Version)
	if !ok {
		return row, fmt.Errorf("scout %s: %s: version %q is not a version year (expected a year such as 2024, or nothing)",
			base.BSAMemberID, shortText(c.Name), shortText(c.Version))
	}
	row.VersionYear = year
	var date scoutbook.Date
	if c.Date != nil && *c.Date != "" {
		d, err := scoutbook.ParseDate(*c.Date)
		if err != nil {
			return row, fmt.Errorf("scout %s: %s: date %q: %v", base.BSAMemberID, c.Name, *c.Date, err)
		}
		date = d
	}
	switch kind {
	case scoutbook.KindRank:
		row.RankCode = c.Code
		row.Advancement = c.Name
		row.Awarded = true
		row.AwardedDate = date
	case scoutbook.KindMeritBadge:
		row.BadgeName = c.Name
		row.BadgeKey = c.Code
		if row.BadgeKey == "" {
			row.BadgeKey = scoutbook.NormalizeBadgeName(c.Name)
		}
		row.Awarded = true
		row.AwardedDate = date
	case scoutbook.KindRankRequirement:
		row.RankCode = c.Code
		row.RequirementID = c.RequirementNumber
		row.Approved = true
		row.DateCompleted = date
	case scoutbook.KindMeritBadgeRequirement:
		row.BadgeName = strings.TrimSpace(strings.TrimSuffix(c.Name, " "+c.RequirementNumber))
		row.BadgeKey = c.Code
		if row.BadgeKey == "" {
			row.BadgeKey = scoutbook.NormalizeBadgeName(row.BadgeName)
		}
		row.RequirementID = c.RequirementNumber
		row.Approved = true
		row.DateCompleted = date
	}
	return row, nil
}

// shortText cuts a value from staged_data to 40 bytes for a message, so a hostile
// 5,000-character field never fills an issue.
func shortText(v string) string {
	const max = 40
	if len(v) <= max {
		return v
	}
	return strings.ToValidUTF8(v[:max], "") + "…"
}
