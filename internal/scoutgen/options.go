package scoutgen

import (
	"fmt"
	"time"
)

// DefaultScouts is the number of scouts used when TroopOptions.Scouts is 0.
// It matches the troop whose export the domain figures were measured on
// (about 55,000 rows).
const DefaultScouts = 55

// MaxScouts bounds TroopOptions.Scouts. Member IDs are unique 9-digit
// numbers, and a million-row file per 1,000 scouts is already far beyond any
// real unit.
const MaxScouts = 100_000

// DefaultExportDate is the date the synthetic export is taken on when
// TroopOptions.ExportDate is zero. It is fixed, not time.Now, so output is
// reproducible; every generated date lies on or before it.
var DefaultExportDate = time.Date(2026, time.January, 15, 0, 0, 0, 0, time.UTC)

// TroopOptions controls WriteTroop and Roster. The zero value is valid: 55
// scouts, seed 0, LF line endings, no byte order mark and no noise.
type TroopOptions struct {
	// Scouts is the number of scouts in the file; 0 means DefaultScouts.
	Scouts int
	// Seed selects the synthetic troop. Equal options give equal bytes.
	Seed int64
	// CRLF ends every line with "\r\n" instead of "\n".
	CRLF bool
	// BOM starts the file with a UTF-8 byte order mark.
	BOM bool
	// Noise adds the irregularities of real exports: other empty-date
	// spellings, time suffixes, one-digit months, exact duplicate rows, a
	// requirement under two versions, historical and unknown badge names,
	// names with commas and quotes, badge-name spelling variants and blank
	// lines. Every noisy row is still valid input for the importer.
	Noise bool
	// ExportDate is the day the export is taken; zero means
	// DefaultExportDate. Only its calendar date is used.
	ExportDate time.Time
}

// DefaultTroopOptions returns the options the command-line generator uses by
// default: 55 scouts, seed 1, noise on.
func DefaultTroopOptions() TroopOptions {
	return TroopOptions{Scouts: DefaultScouts, Seed: 1, Noise: true}
}

// normalized fills in defaults and checks the options.
func (o TroopOptions) normalized() (TroopOptions, error) {
	switch {
	case o.Scouts == 0:
		o.Scouts = DefaultScouts
	case o.Scouts < 0 || o.Scouts > MaxScouts:
		return o, fmt.Errorf("scoutgen: scouts must be between 1 and %d, got %d", MaxScouts, o.Scouts)
	}
	if o.ExportDate.IsZero() {
		o.ExportDate = DefaultExportDate
	}
	y, m, d := o.ExportDate.Date()
	o.ExportDate = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if y < 2000 || y > 2100 {
		return o, fmt.Errorf("scoutgen: export date %s is outside 2000-2100", o.ExportDate.Format(time.DateOnly))
	}
	return o, nil
}

// RowKind says what a generated row is, using the importer's categories
// (domain.md 1.2), so TroopStats can be compared with a parser's counts.
type RowKind string

// The row kinds counted in TroopStats.RowsByKind.
const (
	// KindRank is a `Rank` row.
	KindRank RowKind = "rank"
	// KindRankRequirement is a `<Rank> Rank Requirements` row.
	KindRankRequirement RowKind = "rank_requirement"
	// KindMeritBadge is a `Merit Badges` row.
	KindMeritBadge RowKind = "merit_badge"
	// KindMeritBadgeRequirement is a `<Badge> Merit Badge Requirements` row,
	// header rows with an empty requirement ID included.
	KindMeritBadgeRequirement RowKind = "merit_badge_requirement"
	// KindOther is any other row (awards, palms, Cub Scout history).
	KindOther RowKind = "other"
)

// TroopStats describes what WriteTroop wrote.
type TroopStats struct {
	// Rows is the number of data rows: the header line and blank lines are
	// not counted, exact duplicates are.
	Rows int
	// Scouts is the number of distinct scouts (member IDs) in the file.
	Scouts int
	// CompletedRequirements counts rank and merit badge requirement rows that
	// the importer treats as completed: a non-empty requirement ID and either
	// a completion date or approved = 1 (domain.md 1.5).
	CompletedRequirements int
	// MeritBadgeHeaderRows counts merit badge requirement rows with an empty
	// requirement ID (section headers); they are included in RowsByKind.
	MeritBadgeHeaderRows int
	// DuplicateRows counts rows written a second time, byte for byte.
	DuplicateRows int
	// BlankLines counts empty lines between or after the rows.
	BlankLines int
	// RowsByKind counts data rows per kind.
	RowsByKind map[RowKind]int
}

// Share returns the fraction of data rows that are of kind k (0 when no row
// was written).
func (s TroopStats) Share(k RowKind) float64 {
	if s.Rows == 0 {
		return 0
	}
	return float64(s.RowsByKind[k]) / float64(s.Rows)
}
