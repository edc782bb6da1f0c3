package scoutbook

import (
	"fmt"
	"strings"
)

// Kind says what a row of the Troop Advancement export describes. It is
// derived from the advancementtype column.
type Kind int

// The kinds of rows. The zero value is KindOther.
const (
	// KindOther is any row the importer does not use (awards, palms, Cub
	// Scout adventures, ...).
	KindOther Kind = iota
	// KindRank is a rank itself (advancementtype `Rank`); RankCode is set
	// when the advancement names a Scouts BSA rank.
	KindRank
	// KindMeritBadge is a merit badge itself (advancementtype `Merit Badges`).
	KindMeritBadge
	// KindRankRequirement is one requirement of a rank
	// (advancementtype `Tenderfoot Rank Requirements` and the like).
	KindRankRequirement
	// KindMeritBadgeRequirement is one requirement of a merit badge
	// (advancementtype `<Badge> Merit Badge Requirements`).
	KindMeritBadgeRequirement
)

// String returns a short snake_case name for the kind, e.g. "rank_requirement".
func (k Kind) String() string {
	switch k {
	case KindOther:
		return "other"
	case KindRank:
		return "rank"
	case KindMeritBadge:
		return "merit_badge"
	case KindRankRequirement:
		return "rank_requirement"
	case KindMeritBadgeRequirement:
		return "merit_badge_requirement"
	default:
		return fmt.Sprintf("kind(%d)", int(k))
	}
}

// MarshalText encodes the kind as its String form, so JSON shows "rank"
// rather than a number.
func (k Kind) MarshalText() ([]byte, error) {
	return []byte(k.String()), nil
}

// TroopRow is one data row of a Scoutbook "Troop Advancement" export, with
// every value trimmed and converted. Strings are as written in the file
// (after trimming) unless said otherwise.
//
// The strings of one row share a single allocation with the rest of its CSV
// record, so keeping any of them keeps that record (a few hundred bytes)
// alive; use strings.Clone before storing a field for long if that matters.
type TroopRow struct {
	// Line is the 1-based line number of the row's first physical line in
	// the file (the header is line 1, quoted newlines are counted).
	Line int `json:"line"`

	// BSAMemberID is the scout's BSA member ID: digits only, never empty.
	BSAMemberID string `json:"bsa_member_id"`
	FirstName   string `json:"first_name"`
	Nickname    string `json:"nickname,omitempty"`
	MiddleName  string `json:"middle_name,omitempty"`
	LastName    string `json:"last_name"`

	// AdvancementType and Advancement are the raw columns the row's meaning
	// comes from.
	AdvancementType string `json:"advancement_type"`
	Advancement     string `json:"advancement"`

	// Kind classifies the row from AdvancementType.
	Kind Kind `json:"kind"`
	// RankCode is set for KindRank and KindRankRequirement rows: scout,
	// tenderfoot, second_class, first_class, star, life or eagle. It is empty
	// for a KindRank row whose Advancement is not a Scouts BSA rank; the
	// importer should warn about such rows.
	RankCode string `json:"rank_code,omitempty"`
	// BadgeName is the badge name as written: for KindMeritBadge the
	// Advancement without a trailing " MB" or " Merit Badge"; for
	// KindMeritBadgeRequirement the AdvancementType before " Merit Badge
	// Requirements" (with runs of whitespace collapsed to one space).
	BadgeName string `json:"badge_name,omitempty"`
	// BadgeKey is NormalizeBadgeName(BadgeName); see [BadgeAliases] for
	// turning it into a badge code.
	BadgeKey string `json:"badge_key,omitempty"`
	// RequirementID is the requirement identifier of requirement rows
	// (`1a`, `3a[1]`, `4a1 Triathlon Option`), kept verbatim: treat it as an
	// opaque string scoped to (badge or rank, version). It is empty for
	// header rows such as "Do the following:" (see IsHeaderRow).
	RequirementID string `json:"requirement_id,omitempty"`

	// Version is the version column as written; VersionYear is its value,
	// 0 when the column is empty.
	Version     string `json:"version,omitempty"`
	VersionYear int    `json:"version_year,omitempty"`

	// Awarded and Approved are the two flag columns.
	Awarded  bool `json:"awarded"`
	Approved bool `json:"approved"`

	// The date columns; the zero Date means the column was empty (or could
	// not be read, see Problems).
	DateCompleted       Date `json:"date_completed,omitzero"`
	MarkedCompletedDate Date `json:"marked_completed_date,omitzero"`
	AwardedDate         Date `json:"awarded_date,omitzero"`

	// Problems lists the values of the row that could not be read, in column
	// order. Each was replaced by what an empty cell means: a date by no
	// date, a flag by false, a version by no version. The rest of the row is
	// good, so the row is still imported; the importer reports each problem.
	Problems []*ParseError `json:"problems,omitempty"`
}

// IsHeaderRow reports whether r is a requirement row without a requirement
// ID: a section heading in Scoutbook ("Do the following:") that cannot be
// completed.
func (r TroopRow) IsHeaderRow() bool {
	return (r.Kind == KindRankRequirement || r.Kind == KindMeritBadgeRequirement) && r.RequirementID == ""
}

// TroopStats counts what a TroopReader has read so far.
// TotalRows == RowErrors + RankRows + MeritBadgeRows + RankRequirementRows +
// MeritBadgeRequirementRows + OtherRows.
type TroopStats struct {
	// TotalRows counts non-blank data rows, including rows with errors.
	TotalRows int `json:"total_rows"`
	// RowErrors counts rows that Next returned with a row-level *ParseError.
	RowErrors int `json:"row_errors"`
	// ValueProblems counts the values of good rows that could not be read
	// (see TroopRow.Problems); such rows are counted under their kind.
	ValueProblems int `json:"value_problems"`
	// The per-kind counts include only rows read without error.
	RankRows                  int `json:"rank_rows"`
	MeritBadgeRows            int `json:"merit_badge_rows"`
	RankRequirementRows       int `json:"rank_requirement_rows"`
	MeritBadgeRequirementRows int `json:"merit_badge_requirement_rows"`
	OtherRows                 int `json:"other_rows"`
}

// countKind adds one good row of kind k.
func (s *TroopStats) countKind(k Kind) {
	switch k {
	case KindRank:
		s.RankRows++
	case KindMeritBadge:
		s.MeritBadgeRows++
	case KindRankRequirement:
		s.RankRequirementRows++
	case KindMeritBadgeRequirement:
		s.MeritBadgeRequirementRows++
	default:
		s.OtherRows++
	}
}

// troopTypeClass is what the advancementtype column says about a row.
type troopTypeClass struct {
	kind      Kind
	rankCode  string // rank requirement rows
	badgeName string // merit badge requirement rows
	badgeKey  string
}

// troopClassifyType classifies an advancementtype value. Case and runs of
// whitespace are ignored. The checks follow the reference app's order: Rank,
// Merit Badges, then "... Requirements" types (merit badge first, then rank).
func troopClassifyType(raw string) troopTypeClass {
	t := troopCollapseSpace(raw)
	switch {
	case strings.EqualFold(t, "rank"), strings.EqualFold(t, "ranks"):
		return troopTypeClass{kind: KindRank}
	case strings.EqualFold(t, "merit badges"), strings.EqualFold(t, "merit badge"):
		return troopTypeClass{kind: KindMeritBadge}
	}

	var prefix string
	switch {
	case foldHasSuffix(t, " requirements"):
		prefix = t[:len(t)-len(" requirements")]
	case foldHasSuffix(t, " requirement"):
		prefix = t[:len(t)-len(" requirement")]
	default:
		return troopTypeClass{kind: KindOther}
	}
	if foldHasSuffix(prefix, " merit badge") {
		name := strings.TrimSpace(prefix[:len(prefix)-len(" merit badge")])
		if name == "" {
			return troopTypeClass{kind: KindOther}
		}
		return troopTypeClass{kind: KindMeritBadgeRequirement, badgeName: name, badgeKey: NormalizeBadgeName(name)}
	}
	if code, ok := RankCodeFromName(prefix); ok {
		return troopTypeClass{kind: KindRankRequirement, rankCode: code}
	}
	return troopTypeClass{kind: KindOther}
}

// troopCollapseSpace trims s and replaces every run of whitespace by one
// space. It allocates only when s needs changing.
func troopCollapseSpace(s string) string {
	s = strings.TrimSpace(s)
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		isSpace := c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c >= 0x80
		if c >= 0x80 || (isSpace && (c != ' ' || prevSpace)) {
			return strings.Join(strings.Fields(s), " ")
		}
		prevSpace = isSpace
	}
	return s
}

// troopParseFlag reads an awarded/approved column. As in Scoutbook's own
// rebuilt CSV, only 1 means yes; 0 and an empty cell mean no. Any other value
// is not a flag (ok false) and is read as no.
func troopParseFlag(s string) (value, ok bool) {
	switch s {
	case "1":
		return true, true
	case "", "0":
		return false, true
	default:
		return false, false
	}
}

// MaxMemberIDLength is the longest BSA member ID accepted: the app stores it in
// scouts.bsa_member_id varchar(20). Real IDs have 9 digits.
const MaxMemberIDLength = 20

// MemberIDProblem says what is wrong with a non-empty BSA member ID (not digits, or too long),
// or returns "" when it is usable. The staged JSON path applies the same rule.
func MemberIDProblem(id string) string {
	switch {
	case !troopAllDigits(id):
		return "is not a BSA member ID (expected digits only)"
	case len(id) > MaxMemberIDLength:
		return fmt.Sprintf("is not a BSA member ID (%d digits; at most %d)", len(id), MaxMemberIDLength)
	}
	return ""
}

// troopAllDigits reports whether s is a non-empty run of ASCII digits.
func troopAllDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ParseVersionYear reads the version column: empty gives 0 (no version); otherwise it must
// be a year of four digits from 1900 to 2199 (requirement versions are years such as 2016
// or 2024). The staged JSON path applies the same rule.
func ParseVersionYear(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	if len(s) != 4 || !troopAllDigits(s) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	if n < 1900 || n > 2199 {
		return 0, false
	}
	return n, true
}

// convert turns one CSV record into a TroopRow. A problem that makes the
// whole row unusable (too few or too many fields, no usable member ID, a
// Rank or Merit Badges row without a name) is returned as a *ParseError,
// with the row as far as it was read. A value that cannot be read (date,
// flag, version) does not stop the row: it is replaced by the empty value
// and recorded in row.Problems.
func (r *TroopReader) convert(record []string, line int) (TroopRow, *ParseError) {
	row := TroopRow{
		Line:            line,
		BSAMemberID:     r.field(record, troopColMemberID),
		FirstName:       r.field(record, troopColFirstName),
		Nickname:        r.field(record, troopColNickname),
		MiddleName:      r.field(record, troopColMiddleName),
		LastName:        r.field(record, troopColLastName),
		AdvancementType: r.field(record, troopColAdvancementType),
		Advancement:     r.field(record, troopColAdvancement),
		Version:         r.field(record, troopColVersion),
	}
	rowError := func(c troopColumn, value, msg string) *ParseError {
		return &ParseError{Line: line, Field: troopColumns[c].name, Value: value, Msg: msg}
	}

	if len(record) < r.minFields {
		var missing []string
		for c := range troopColumns {
			if troopColumns[c].required && r.cols[c] >= len(record) {
				missing = append(missing, troopColumns[c].name)
			}
		}
		return row, &ParseError{Line: line, Field: missing[0], Msg: fmt.Sprintf(
			"the row has %d field(s) but needs %d; missing: %s (is the row cut short?); the row was skipped",
			len(record), r.minFields, strings.Join(missing, ", "))}
	}
	if len(record) > r.maxFields {
		return row, &ParseError{Line: line, Msg: fmt.Sprintf(
			"the row has %d fields but the export has %d columns (a comma inside a value that is not quoted?); the row was skipped",
			len(record), r.maxFields)}
	}

	if row.BSAMemberID == "" {
		return row, rowError(troopColMemberID, "", "the BSA member ID is empty; every row needs the scout's member ID; the row was skipped")
	}
	if msg := MemberIDProblem(row.BSAMemberID); msg != "" {
		return row, rowError(troopColMemberID, row.BSAMemberID, msg+"; the row was skipped")
	}

	class := r.classify(row.AdvancementType)
	row.Kind = class.kind
	switch class.kind {
	case KindRank:
		if row.Advancement == "" {
			return row, rowError(troopColAdvancement, "", "a Rank row must name the rank, but this one is empty; the row was skipped")
		}
		row.RankCode, _ = RankCodeFromName(row.Advancement)
	case KindMeritBadge:
		if row.Advancement == "" {
			return row, rowError(troopColAdvancement, "", "a Merit Badges row must name the badge, but this one is empty; the row was skipped")
		}
		row.BadgeName, row.BadgeKey = r.badgeNames(row.Advancement)
	case KindRankRequirement:
		row.RankCode = class.rankCode
		row.RequirementID = row.Advancement
	case KindMeritBadgeRequirement:
		row.BadgeName, row.BadgeKey = class.badgeName, class.badgeKey
		row.RequirementID = row.Advancement
	}

	problem := func(c troopColumn, value, msg string) {
		row.Problems = append(row.Problems, rowError(c, value, msg))
	}
	if year, ok := ParseVersionYear(row.Version); ok {
		row.VersionYear = year
	} else {
		problem(troopColVersion, row.Version,
			"is not a version year (expected a year such as 2024); the row was read as having no version, so the current version applies")
	}
	flag := func(c troopColumn, dst *bool) {
		v := r.field(record, c)
		b, ok := troopParseFlag(v)
		*dst = b
		if !ok {
			problem(c, v, "is not 1 or 0; it was read as 0 (no)")
		}
	}
	date := func(c troopColumn, dst *Date) {
		v := r.field(record, c)
		if d, reason := dateScan(v); reason == "" {
			*dst = d
		} else {
			problem(c, v, reason+"; it was read as no date")
		}
	}
	flag(troopColAwarded, &row.Awarded)
	date(troopColDateCompleted, &row.DateCompleted)
	flag(troopColApproved, &row.Approved)
	date(troopColMarkedCompletedDate, &row.MarkedCompletedDate)
	date(troopColAwardedDate, &row.AwardedDate)
	return row, nil
}

// field returns the trimmed value of column c, or "" when the column is not
// in the file or the record is too short to hold it.
func (r *TroopReader) field(record []string, c troopColumn) string {
	i := r.cols[c]
	if i < 0 || i >= len(record) {
		return ""
	}
	return strings.TrimSpace(record[i])
}

// classify returns the classification of an advancementtype value, from the
// cache when possible.
func (r *TroopReader) classify(advancementType string) troopTypeClass {
	if class, ok := r.typeCache[advancementType]; ok {
		return class
	}
	class := troopClassifyType(advancementType)
	if len(advancementType) <= troopCacheKeyLen && len(r.typeCache) < troopCacheEntries {
		// Clone so that the cache does not pin the record's memory.
		class.badgeName = strings.Clone(class.badgeName)
		r.typeCache[strings.Clone(advancementType)] = class
	}
	return class
}

// badgeNames returns the badge name and key of a Merit Badges row's
// advancement value, from the cache when possible.
func (r *TroopReader) badgeNames(advancement string) (name, key string) {
	if names, ok := r.badgeCache[advancement]; ok {
		return names[0], names[1]
	}
	name = badgeTrimSuffix(advancement)
	key = NormalizeBadgeName(name)
	if len(advancement) <= troopCacheKeyLen && len(r.badgeCache) < troopCacheEntries {
		name = strings.Clone(name)
		r.badgeCache[strings.Clone(advancement)] = [2]string{name, key}
	}
	return name, key
}
