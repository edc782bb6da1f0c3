package history

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// historyUnitRe splits the name line, "Morgan Exampleton Troop 123 BOYS",
// into the name, the unit type, the unit number and the optional gender.
var historyUnitRe = regexp.MustCompile(`(?i)^(.*?)\s+(Troop|Pack|Crew|Ship|Post)\s+(\d+[A-Za-z]?)(?:\s+(BOYS|GIRLS))?\s*$`)

// historyRankValueRe splits the header's "First Class(11/20/2025)" into the
// rank name and the text in the parentheses.
var historyRankValueRe = regexp.MustCompile(`^(.*?)\s*\(([^()]*)\)\s*$`)

// historyHeaderLabels are the header labels Parse interprets, keyed by
// the label lowercased without its colon. They are recognised on any line;
// other "Label:" cells are only read as header fields before the first
// section.
var historyHeaderLabels = map[string]string{
	"birthdate":                  "birth",
	"birth date":                 "birth",
	"date of birth":              "birth",
	"date joined scouts bsa":     "joined",
	"date joined":                "joined",
	"joined":                     "joined",
	"rank":                       "rank",
	"current rank":               "rank",
	"bsa id":                     "id",
	"bsa member id":              "id",
	"member id":                  "id",
	"bsa id#":                    "id",
	"position":                   "positions",
	"positions":                  "positions",
	"current position":           "positions",
	"current positions":          "positions",
	"position of responsibility": "positions",
}

// historyLabel returns the label of a "Label:" cell, lowercased and without
// the colon, and whether the cell is one.
func historyLabel(cell string) (string, bool) {
	if !strings.HasSuffix(cell, ":") {
		return "", false
	}
	label := strings.Join(strings.Fields(strings.ToLower(strings.TrimSuffix(cell, ":"))), " ")
	return label, label != ""
}

// historyIsGeneratedLine reports whether cells are the "Generated: ..." line
// and returns the text after the label.
func historyIsGeneratedLine(cells []string) (string, bool) {
	const label = "generated"
	first := cells[0]
	if len(first) < len(label) || !strings.EqualFold(first[:len(label)], label) {
		return "", false
	}
	rest := first[len(label):]
	if rest != "" && rest[0] != ':' {
		return "", false
	}
	rest = strings.TrimPrefix(rest, ":")
	return strings.TrimSpace(strings.Join(append([]string{rest}, cells[1:]...), " ")), true
}

// historyTitleLine reports whether cells are the report title line, such as
// "Scouts BSA History Report", and returns it.
func historyTitleLine(cells []string) (string, bool) {
	if len(cells) != 1 || !strings.Contains(strings.ToLower(cells[0]), "history report") {
		return "", false
	}
	return cells[0], true
}

// generated reads the value of the "Generated:" line.
func (p *historyParser) generated(n int, text string) {
	t, ok := historyParseDateTime(text)
	if !ok {
		p.warn(n, "could not read the date on the \"Generated:\" line: %q", text)
		return
	}
	if p.rep.Header.GeneratedAt.IsZero() {
		p.rep.Header.GeneratedAt = t
	}
}

// hasHeaderFields reports whether cells are a header line of "Label:",
// value pairs.
func (p *historyParser) hasHeaderFields(cells []string) bool {
	for _, c := range cells {
		label, ok := historyLabel(c)
		if !ok {
			continue
		}
		if _, known := historyHeaderLabels[label]; known {
			return true
		}
		if !p.sawSection && !strings.HasPrefix(label, "completed requirements") {
			return true
		}
	}
	return false
}

// headerFields reads a line of "Label:", value pairs. It fails only when a
// second, different BSA ID shows that the file holds two scouts.
func (p *historyParser) headerFields(n int, cells []string) error {
	h := &p.rep.Header
	if h.Fields == nil {
		h.Fields = map[string]string{}
	}
	lastLabel := ""
	for i := 0; i < len(cells); i++ {
		label, ok := historyLabel(cells[i])
		if !ok {
			switch {
			case cells[i] == "":
			case historyHeaderLabels[lastLabel] == "positions":
				// One position a cell instead of all run together.
				h.Positions = append(h.Positions, p.positions(n, cells[i])...)
			default:
				p.warn(n, "ignored header value %q that has no label", cells[i])
			}
			continue
		}
		lastLabel = label
		raw := strings.TrimSpace(strings.TrimSuffix(cells[i], ":"))
		value := ""
		if i+1 < len(cells) {
			if _, nextIsLabel := historyLabel(cells[i+1]); !nextIsLabel {
				value = cells[i+1]
				i++
			}
		}
		h.Fields[raw] = value
		if err := p.headerField(n, label, value); err != nil {
			return err
		}
	}
	return nil
}

// headerField interprets one known header field.
func (p *historyParser) headerField(n int, label, value string) error {
	h := &p.rep.Header
	switch historyHeaderLabels[label] {
	case "birth":
		h.BirthDate = p.date(n, value, "birthdate")
	case "joined":
		h.DateJoined = p.date(n, value, "date joined")
	case "rank":
		p.currentRank(n, value)
	case "id":
		if value == "" {
			return nil
		}
		if h.BSAMemberID != "" && h.BSAMemberID != value {
			return historySecondScout(n, h.BSAMemberID, value)
		}
		if strings.Trim(value, "0123456789") != "" {
			p.warn(n, "the BSA ID %q is not all digits", value)
		}
		h.BSAMemberID = value
	case "positions":
		h.Positions = append(h.Positions, p.positions(n, value)...)
	}
	return nil
}

// currentRank reads the header's "Rank:" value, "First Class(11/20/2025)".
func (p *historyParser) currentRank(n int, value string) {
	h := &p.rep.Header
	name, dateText := value, ""
	if m := historyRankValueRe.FindStringSubmatch(value); m != nil {
		name, dateText = m[1], m[2]
	}
	h.CurrentRankName = strings.TrimSpace(name)
	if h.CurrentRankName == "" {
		return
	}
	if code, ok := scoutbook.RankCodeFromName(h.CurrentRankName); ok {
		h.CurrentRankCode = code
	} else {
		p.warn(n, "unknown current rank %q", h.CurrentRankName)
	}
	h.CurrentRankDate = p.date(n, dateText, "current rank")
}

// positions reads the header's "Position:" value, where Scoutbook runs
// each position name together with its start date:
// "Patrol Leader09/01/2025 Librarian03/01/2025 ".
func (p *historyParser) positions(n int, value string) []Position {
	var out []Position
	rest := value
	for {
		loc := historyDateAnywhereRe.FindStringIndex(rest)
		if loc == nil {
			break
		}
		name := strings.TrimSpace(rest[:loc[0]])
		date := p.date(n, rest[loc[0]:loc[1]], "position start")
		if name == "" {
			p.warn(n, "position start date %s has no position name", rest[loc[0]:loc[1]])
		} else {
			out = append(out, Position{Name: name, StartDate: date, Line: n})
		}
		rest = rest[loc[1]:]
	}
	if name := strings.TrimSpace(rest); name != "" {
		out = append(out, Position{Name: name, Line: n})
	}
	return out
}

// nameLine reads the line with the scout's name and unit. It reports
// whether the line was one.
func (p *historyParser) nameLine(n int, cells []string) bool {
	text := strings.Join(cells, " ")
	if len(text) > historyMaxTitleBytes {
		return false
	}
	m := historyUnitRe.FindStringSubmatch(text)
	if m == nil || strings.TrimSpace(m[1]) == "" {
		return false
	}
	h := &p.rep.Header
	name := strings.Join(strings.Fields(m[1]), " ")
	if h.Name != "" {
		if !strings.EqualFold(h.Name, name) {
			p.warn(n, "ignored a second name line for %q; the report is for %q", name, h.Name)
		}
		return true
	}
	h.Name = name
	h.FirstName, h.LastName, _ = strings.Cut(name, " ")
	h.UnitType = historyTitleCase(m[2])
	h.UnitNumber = m[3]
	h.UnitGender = strings.ToUpper(m[4])
	h.NameLine = n
	return true
}

// historyTitleCase turns "TROOP" or "troop" into "Troop".
func historyTitleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

// date reads a date cell. A cell that is neither a date nor blank gives the
// zero Date and a warning naming what the date is for.
func (p *historyParser) date(n int, cell, what string) scoutbook.Date {
	if historyIsBlankDate(cell) {
		return scoutbook.Date{}
	}
	d, err := scoutbook.ParseDate(cell)
	if err != nil {
		p.warn(n, "could not read the %s date: %v", what, err)
		return scoutbook.Date{}
	}
	return d
}

// warn records a warning for line n.
func (p *historyParser) warn(n int, format string, args ...any) {
	p.rep.Warnings = append(p.rep.Warnings, Warning{Line: n, Msg: fmt.Sprintf(format, args...)})
}
