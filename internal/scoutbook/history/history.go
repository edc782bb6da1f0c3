package history

// This file holds the data model of the report and its entry point, Parse.
// What the import does with each part of the report is in
// docs/import-rules.md ("History reports").
//
// Reading is split over several files:
//   - history.go  types, Parse, the line loop
//   - lines.go    splitting the input into lines and CSV records
//   - header.go   the header block (name, unit, BSA ID, rank, positions)
//   - sections.go recognising section titles
//   - items.go    reading the lines of each section
//   - dates.go    the report's date and number formats
//   - abbrev.go   badge abbreviations and badge-code resolution

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// MaxBytes is the largest input Parse accepts. A history report
// covers one scout and is a few kilobytes long; anything near this size is
// the wrong file, and refusing it early keeps memory use bounded.
const MaxBytes = 10 << 20

// ParseError reports why a file cannot be used as a history report at
// all. Problems with single lines never produce it: they become
// Report.Warnings so that the rest of the report can still be imported.
type ParseError struct {
	// Line is the 1-based line the problem was found on, or 0 when it
	// concerns the whole file.
	Line int
	// Msg says what is wrong in words a troop leader can act on.
	Msg string
}

// Error implements error.
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("scoutbook history report: line %d: %s", e.Line, e.Msg)
	}
	return "scoutbook history report: " + e.Msg
}

// Report is everything Parse understood in one Scouts BSA History
// Report. Dates are calendar dates ([scoutbook.Date]); the ones the report leaves blank
// (`__________` or empty) are the zero Date.
// Every item records the 1-based line it came from so that warnings and
// previews can point the user at the file.
type Report struct {
	Header Header
	// Ranks lists the rank sections in file order, at most one per rank code.
	Ranks []Rank
	// CompletedBadges lists the "Completed Merit Badges" entries in file order.
	CompletedBadges []CompletedBadge
	// PartialBadges lists the "Partial Merit Badges" entries in file order.
	PartialBadges []PartialBadge
	// Leadership lists the rows of the "Leadership" section.
	Leadership []Leadership
	// Activities holds the totals of the "Activities" section.
	Activities Activities
	// SkippedSections lists the sections that are recognised but not
	// imported (Order of the Arrow, Training, Awards, Cub Scout history) and
	// any section the parser does not know.
	SkippedSections []SkippedSection
	// Warnings lists lines that were ignored or only partly understood,
	// such as an unreadable date. They never stop the parse.
	Warnings []Warning
}

// Header is the block at the top of the report, before the first
// section: the scout, the unit and the current rank and positions.
type Header struct {
	// GeneratedAt is the time on the "Generated:" line, zero if absent.
	GeneratedAt time.Time
	// Title is the report title line, e.g. "Scouts BSA History Report".
	Title string
	// Name is the scout's full name as printed before the unit.
	Name string
	// FirstName is the first word of Name and LastName the rest. The report
	// prints one name string, so a two-word first name ("Mary Ann") ends up
	// partly in LastName; matchers should also try Name as a whole.
	FirstName, LastName string
	// UnitType is "Troop", "Pack", "Crew", "Ship" or "Post" as printed.
	UnitType string
	// UnitNumber is the unit number, possibly with a letter suffix ("123B").
	UnitNumber string
	// UnitGender is "BOYS" or "GIRLS" when the unit line carries it.
	UnitGender string
	// NameLine is the line of the name and unit, 0 if none was found.
	NameLine int
	// BSAMemberID is the value of the "BSA ID:" field.
	BSAMemberID string
	// BirthDate and DateJoined are the "Birthdate:" and "Date Joined
	// Scouts BSA:" fields.
	BirthDate, DateJoined scoutbook.Date
	// CurrentRankName is the rank part of the "Rank:" field as printed and
	// CurrentRankCode its rank code ("first_class"), "" when unknown or absent.
	CurrentRankName, CurrentRankCode string
	// CurrentRankDate is the date printed with the current rank.
	CurrentRankDate scoutbook.Date
	// Positions are the current positions of the "Position:" field.
	Positions []Position
	// Fields holds every "Label:" value pair of the header as printed,
	// keyed by the label without its colon, including ones not listed above.
	Fields map[string]string
}

// Position is one current position from the header's "Position:"
// field, where Scoutbook runs the name and the start date together.
type Position struct {
	Name      string
	StartDate scoutbook.Date
	Line      int
}

// Rank is one rank section: the rank header line and the lines that
// follow it.
type Rank struct {
	// Code is the rank code: scout, tenderfoot, second_class, first_class,
	// star, life or eagle.
	Code string
	// Name is the first cell of the header line as printed.
	Name string
	// AwardedDate is the date of the header line, zero when the rank has
	// not been awarded.
	AwardedDate scoutbook.Date
	Line        int
	// Requirements are the requirement lines in file order.
	Requirements []Requirement
	// MeritBadgeSlots are the filled merit badge slots of Star, Life and
	// Eagle (lines with an empty ID and a badge name). Empty slots are
	// skipped.
	MeritBadgeSlots []BadgeSlot
}

// Requirement is one `"id","short text","date"` line of a rank.
type Requirement struct {
	// ID is the requirement ID exactly as printed, e.g. "1a" or "10".
	ID   string
	Text string
	// Date is the completion date, zero when the requirement is not done.
	Date scoutbook.Date
	Line int
}

// BadgeSlot is a merit badge listed under Star, Life or Eagle.
type BadgeSlot struct {
	// BadgeName is the name as printed without the Eagle marker, which may
	// be an abbreviation ("Cit. in Comm.").
	BadgeName string
	// BadgeCode is the resolved badge code, "" when the name is unknown.
	BadgeCode string
	// EagleRequired is true when the name carries the `#` marker.
	EagleRequired bool
	Date          scoutbook.Date
	Line          int
}

// CompletedBadge is one entry of "Completed Merit Badges".
type CompletedBadge struct {
	// Name is the badge name as printed without the Eagle marker.
	Name string
	// Code is the resolved badge code, "" when the name is unknown.
	Code string
	// EagleMarked is true when the name carries the `#` marker.
	EagleMarked bool
	// Date is the completion date.
	Date scoutbook.Date
	Line int
}

// PartialBadge is one entry of "Partial Merit Badges": a started badge
// and the requirements completed so far.
type PartialBadge struct {
	// Name is the badge name as printed without the Eagle marker.
	Name string
	// Code is the resolved badge code, "" when the name is unknown.
	Code        string
	EagleMarked bool
	StartDate   scoutbook.Date
	// Version is the requirement version year from the trailing
	// "(YYYY Version)", 0 when the report does not give one.
	Version int
	// CompletedRequirementIDs are the IDs of the "Completed Requirements:"
	// line as printed, parenthetical groups kept: "6A(a)(1)".
	CompletedRequirementIDs []string
	Line                    int
	// RequirementsLine is the line of "Completed Requirements:", 0 if none.
	RequirementsLine int
}

// Leadership is one row of the "Leadership" section.
type Leadership struct {
	// Position is the position name without the trailing detail.
	Position string
	// Detail is the text of a trailing parenthesis, such as the patrol name
	// in "Patrol Leader (Eagle Patrol)"; "" when there is none.
	Detail    string
	StartDate scoutbook.Date
	// EndDate is zero while the position is held.
	EndDate scoutbook.Date
	Line    int
}

// Activities holds the totals of the "Activities" section. The three
// totals the importer uses have their own fields; every total, those three
// included, is also in Totals under its label as printed.
type Activities struct {
	ServiceHours  float64
	HikingMiles   float64
	CampingNights float64
	Totals        map[string]float64
	// Line is the line of the "Activities" title, 0 when there is none.
	Line int
}

// SkippedSection is a section that is deliberately not imported.
type SkippedSection struct {
	// Name is the section title as printed.
	Name string
	// Line is the line of the title and Lines the number of non-blank lines
	// that followed it.
	Line  int
	Lines int
	// Note says why the section is skipped.
	Note string
}

// Warning is a line that was ignored or only partly understood.
type Warning struct {
	Line int
	Msg  string
}

// Parse reads a Scoutbook "Scouts BSA History Report" for one scout.
//
// The input may start with a UTF-8 byte order mark and use CRLF line
// endings. It is read as CSV: a quoted field may span lines (a requirement's
// text with a line break), and items keep the line their record starts on.
// A line whose quoted field is never closed cannot be read: it is reported
// in Warnings with its line number and reading goes on with the next line.
// Unknown sections and unreadable lines are reported in SkippedSections and
// Warnings rather than failing. Parse returns a *ParseError only
// when the input is too large, is not a history report (no scout name and no
// BSA ID), or holds more than one scout; errors from r are returned wrapped.
// Parse is safe for concurrent use.
func Parse(r io.Reader) (*Report, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("scoutbook history report: read input: %w", err)
	}
	if len(data) > MaxBytes {
		return nil, &ParseError{Msg: fmt.Sprintf(
			"the file is larger than %d MB; a history report for one scout is only a few kilobytes, so check that the right file was chosen",
			MaxBytes>>20)}
	}
	lines := historySplitLines(data)

	p := historyParser{rep: &Report{}, skipped: -1, blockStart: true}
	var rows [][]string // the cells of every record, for check
	for i := 0; i < len(lines); {
		if len(lines[i]) > historyMaxLineBytes {
			p.blockStart = false
			p.warn(i+1, "ignored a line of more than %d KB; a history report has no such lines", historyMaxLineBytes>>10)
			i++
			continue
		}
		fields, next, status, quoteLine := historyScanRecord(lines, i)
		if status == historyRecordUnclosed {
			p.blockStart = false
			p.unclosedQuote(i+1, quoteLine+1, lines[quoteLine])
			i = next
			continue
		}
		cells := historyCells(fields)
		if status == historyRecordStrayQuote {
			p.warn(i+1, "a \" inside a quoted field is not doubled (\"\"), so the line was read as the cells: %s",
				clipText(strings.Join(cells, " | "), 200))
		}
		rows = append(rows, cells)
		if err := p.line(i+1, cells); err != nil {
			return nil, err
		}
		i = next
	}
	if err := p.check(rows); err != nil {
		return nil, err
	}
	return p.rep, nil
}

// unclosedQuote reports the lines first..quoteLine, which could not be read
// because a quoted field starting on quoteLine is not closed on it.
func (p *historyParser) unclosedQuote(first, quoteLine int, text string) {
	where := "the line"
	if first < quoteLine {
		where = fmt.Sprintf("lines %d to %d", first, quoteLine)
	}
	p.warn(quoteLine, "ignored %s: a quoted field starts on line %d but its closing \" is missing, so the line cannot be read. The line: %s",
		where, quoteLine, clipText(text, 120))
}

// clipText cuts s to at most n bytes for a message, marking the cut.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}

// historyParser carries the state of one Parse call from line to line.
type historyParser struct {
	rep *Report
	// section is the section the next data line belongs to.
	section historySection
	// rank is the index in rep.Ranks of the open rank section.
	rank int
	// skipped is the index in rep.SkippedSections of the open skipped
	// section, -1 when none is open.
	skipped int
	// blockStart is true when the previous line was blank (or there was
	// none), which is where an unknown section title may appear.
	blockStart bool
	// sawSection is true once any section has started; the header block
	// ends there.
	sawSection bool
}

// line handles the cells of physical line n. The only error it returns is a
// *ParseError for a second scout in the same file.
func (p *historyParser) line(n int, cells []string) error {
	if len(cells) == 0 {
		p.blockStart = true
		return nil
	}
	atBlockStart := p.blockStart
	p.blockStart = false

	if text, ok := historyIsGeneratedLine(cells); ok {
		p.generated(n, text)
		return nil
	}
	if title, ok := historyTitleLine(cells); ok {
		if p.rep.Header.Title == "" {
			p.rep.Header.Title = title
		}
		return nil
	}
	if p.hasHeaderFields(cells) {
		// Header label/value lines belong to the header wherever they are.
		return p.headerFields(n, cells)
	}
	if kind, ok := historySectionTitle(cells, atBlockStart); ok {
		p.openSection(n, kind, cells)
		return nil
	}
	p.data(n, cells)
	return nil
}

// check rejects inputs that are not a history report once all lines are
// read.
func (p *historyParser) check(rows [][]string) error {
	h := &p.rep.Header
	if h.Name != "" || h.BSAMemberID != "" {
		return nil
	}
	if historyLooksLikeTroopExport(rows) {
		return &ParseError{Line: 1, Msg: "this is a Scoutbook Troop Advancement export, not a Scouts BSA History Report; use the troop import for it"}
	}
	if historyBlank(rows) {
		return &ParseError{Msg: "the file is empty; export the Scouts BSA History Report of one scout from Scoutbook and upload that file"}
	}
	return &ParseError{Line: 1, Msg: `this does not look like a Scoutbook "Scouts BSA History Report": no scout name line (such as "Alex Example Troop 123") and no "BSA ID:" field were found`}
}

// historySecondScout builds the error for a second BSA ID in one file.
func historySecondScout(n int, first, second string) error {
	return &ParseError{Line: n, Msg: fmt.Sprintf(
		"the file holds more than one scout (BSA ID %s, then BSA ID %s); export and upload the history report of one scout at a time",
		first, second)}
}

// historyBlank reports whether every line is empty or made of separators.
func historyBlank(rows [][]string) bool {
	for _, cells := range rows {
		if len(cells) > 0 {
			return false
		}
	}
	return true
}

// historyLooksLikeTroopExport reports whether the first non-blank line is the
// header row of the troop-wide advancement export.
func historyLooksLikeTroopExport(rows [][]string) bool {
	for _, cells := range rows {
		if len(cells) == 0 {
			continue
		}
		return len(cells) > 5 && strings.EqualFold(cells[0], "bsamemberid")
	}
	return false
}
