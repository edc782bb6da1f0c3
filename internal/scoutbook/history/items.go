package history

// This file reads the data lines of each section: rank requirements and
// merit badge slots, completed and partial badges, leadership rows and
// activity totals.

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// historyLastDate splits a data line into its leading text cells and its
// last cell, the date, for lines of the form `"text","date"`. Cells between
// are joined with ", " because an unquoted name with commas ("Signs,
// Signals, and Codes") arrives split.
func historyLastDate(cells []string, minCells int) (text, date string) {
	if len(cells) < minCells {
		return strings.Join(cells, ", "), ""
	}
	last := len(cells) - 1
	return strings.Join(cells[:last], ", "), cells[last]
}

// rankLine reads a `"id","short text","date"` line of a rank section, or a
// merit badge slot `"","badge name","date"` of Star, Life and Eagle.
func (p *historyParser) rankLine(n int, cells []string) {
	rank := &p.rep.Ranks[p.rank]
	id := cells[0]
	var text, dateCell string
	if len(cells) >= 3 {
		text, dateCell = strings.Join(cells[1:len(cells)-1], ", "), cells[len(cells)-1]
	} else if len(cells) == 2 {
		text = cells[1]
	}
	if historyIsBlankDate(id) && id != "" {
		p.warn(n, "ignored a line with a blank requirement ID under %s", rank.Name)
		return
	}
	date := p.date(n, dateCell, rank.Name+" requirement")
	if id != "" {
		rank.Requirements = append(rank.Requirements, Requirement{ID: id, Text: text, Date: date, Line: n})
		return
	}
	if text == "" || historyIsBlankDate(text) {
		if !date.IsZero() {
			p.warn(n, "ignored a line under %s with a date but no requirement ID and no merit badge name", rank.Name)
		}
		return // an empty merit badge slot
	}
	if rank.Code != "star" && rank.Code != "life" && rank.Code != "eagle" {
		p.warn(n, "ignored %q under %s: it has no requirement ID, and only Star, Life and Eagle list merit badges", text, rank.Name)
		return
	}
	name, eagle, _ := historySplitBadgeName(text)
	if name == "" {
		p.warn(n, "ignored a merit badge slot under %s with no badge name: %q", rank.Name, text)
		return
	}
	code := BadgeCode(name)
	rank.MeritBadgeSlots = append(rank.MeritBadgeSlots, BadgeSlot{
		BadgeName: name, BadgeCode: code, EagleRequired: eagle, Date: date, Line: n,
	})
}

// historyBadgeColumnLabels are column headings that may appear in badge
// sections and are not badges.
var historyBadgeColumnLabels = map[string]bool{
	"merit badge": true, "merit badges": true, "badge": true, "badge name": true, "name": true,
}

// badgeLine splits a `"Badge #","date"` line of a badge section into the badge's name, its
// Eagle mark, its version and the date cell. ok is false for a repeated column-label line,
// and for a line with no badge name (warned about as a line of section, e.g. "completed").
func (p *historyParser) badgeLine(n int, cells []string, section string) (name string, eagle bool, version int, dateCell string, ok bool) {
	if historyBadgeColumnLabels[historyTitleKey(cells[0])] {
		return "", false, 0, "", false
	}
	text, dateCell := historyLastDate(cells, 2)
	name, eagle, version = historySplitBadgeName(text)
	if name == "" {
		p.warn(n, "ignored a %s merit badge line with no badge name", section)
		return "", false, 0, "", false
	}
	return name, eagle, version, dateCell, true
}

// completedLine reads a `"Badge #","date"` line of "Completed Merit Badges".
func (p *historyParser) completedLine(n int, cells []string) {
	name, eagle, _, dateCell, ok := p.badgeLine(n, cells, "completed")
	if !ok {
		return
	}
	date := p.date(n, dateCell, name+" completion")
	if date.IsZero() {
		p.warn(n, "completed merit badge %q has no completion date", name)
	}
	p.rep.CompletedBadges = append(p.rep.CompletedBadges, CompletedBadge{
		Name: name, Code: BadgeCode(name), EagleMarked: eagle, Date: date, Line: n,
	})
}

// historyVersionRe matches a trailing "(2025 Version)". It is only run on
// the tail of a cell (see historyCutVersion).
var historyVersionRe = regexp.MustCompile(`(?i)\(\s*(\d{4})\s+version\s*\)$`)

// historyCutVersion finds a trailing "(YYYY Version)" in s. It returns s
// without it, the four digits, and whether there was one.
func historyCutVersion(s string) (before, digits string, ok bool) {
	s = strings.TrimRightFunc(s, unicode.IsSpace)
	// The suffix is short; looking at the tail only keeps long cells cheap.
	const tail = 48
	offset := max(len(s)-tail, 0)
	m := historyVersionRe.FindStringSubmatchIndex(s[offset:])
	if m == nil {
		return s, "", false
	}
	return s[:offset+m[0]], s[offset+m[2] : offset+m[3]], true
}

// historyCutCompletedReqs reports whether cell starts with the label
// "Completed Requirements:" (any case, colon and plural optional) and
// returns the text after it.
func historyCutCompletedReqs(cell string) (string, bool) {
	rest := strings.TrimLeftFunc(cell, unicode.IsSpace)
	for _, word := range []string{"completed", "requirement"} {
		if len(rest) < len(word) || !strings.EqualFold(rest[:len(word)], word) {
			return "", false
		}
		rest = strings.TrimLeftFunc(rest[len(word):], unicode.IsSpace)
	}
	if strings.HasPrefix(rest, "s") || strings.HasPrefix(rest, "S") {
		rest = rest[1:]
	}
	rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	if r := strings.TrimPrefix(rest, ":"); r != rest {
		rest = r
	} else if rest != "" && !unicode.IsSpace(rune(cell[len(cell)-len(rest)-1])) {
		return "", false // "Completed Requirementsxyz" is not the label
	}
	return strings.TrimSpace(rest), true
}

// partialLine reads a `"Badge #","start date"` line of "Partial Merit
// Badges", or the "Completed Requirements: ..." line that follows it.
func (p *historyParser) partialLine(n int, cells []string) {
	if rest, ok := historyCutCompletedReqs(cells[0]); ok {
		// Rejoin the cells: an unquoted list arrives split on its commas.
		list := strings.Join(append([]string{rest}, cells[1:]...), ", ")
		p.completedRequirements(n, list)
		return
	}
	name, eagle, version, dateCell, ok := p.badgeLine(n, cells, "partial")
	if !ok {
		return
	}
	p.rep.PartialBadges = append(p.rep.PartialBadges, PartialBadge{
		Name: name, Code: BadgeCode(name), EagleMarked: eagle,
		StartDate: p.date(n, dateCell, name+" start"), Version: version, Line: n,
	})
}

// completedRequirements attaches the list of a "Completed Requirements:"
// line to the partial badge above it.
func (p *historyParser) completedRequirements(n int, list string) {
	if len(p.rep.PartialBadges) == 0 {
		p.warn(n, "ignored a \"Completed Requirements\" line that follows no partial merit badge")
		return
	}
	b := &p.rep.PartialBadges[len(p.rep.PartialBadges)-1]
	if b.RequirementsLine == 0 {
		b.RequirementsLine = n
	}
	if before, digits, ok := historyCutVersion(list); ok {
		if v, ok := historyVersionYear(digits); ok {
			b.Version = v
		} else {
			p.warn(n, "ignored the implausible version year %s", digits)
		}
		list = before
	}
	b.CompletedRequirementIDs = append(b.CompletedRequirementIDs, historySplitRequirementIDs(list)...)
}

// historySplitRequirementIDs splits "1a, 1b, 6A(a)(1), 3a[1]" on the commas
// that are not inside parentheses or brackets. IDs are trimmed and kept as
// printed otherwise; empty ones are dropped.
func historySplitRequirementIDs(list string) []string {
	var ids []string
	depth, start := 0, 0
	add := func(end int) {
		if id := strings.TrimSpace(list[start:end]); id != "" {
			ids = append(ids, id)
		}
	}
	for i := 0; i < len(list); i++ {
		switch list[i] {
		case '(', '[':
			depth++
		case ')', ']':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				add(i)
				start = i + 1
			}
		}
	}
	add(len(list))
	return ids
}

// historyVersionYear reads the four digits of "(2025 Version)" and accepts
// only plausible requirement version years.
func historyVersionYear(digits string) (int, bool) {
	v, err := strconv.Atoi(digits)
	if err != nil || v < 1910 || v > 2200 {
		return 0, false
	}
	return v, true
}

// historySplitBadgeName takes a badge cell apart: "Cooking # (2025 Version)"
// gives "Cooking", the Eagle marker, and version 2025 (0 when absent).
func historySplitBadgeName(cell string) (name string, eagle bool, version int) {
	name = strings.TrimSpace(cell)
	if before, digits, ok := historyCutVersion(name); ok {
		version, _ = historyVersionYear(digits)
		name = strings.TrimSpace(before)
	}
	if strings.HasSuffix(name, "#") {
		eagle = true
		name = strings.TrimSpace(strings.TrimRight(name, "# "))
	}
	return name, eagle, version
}

// historyLeadershipLabels are column headings of the Leadership section.
var historyLeadershipLabels = map[string]bool{"position": true, "leadership": true, "position name": true}

// leadershipLine reads a `"Position (Detail)","start","end"` line.
func (p *historyParser) leadershipLine(n int, cells []string) {
	if historyLeadershipLabels[historyTitleKey(cells[0])] {
		return
	}
	position, detail := historySplitDetail(cells[0])
	var start, end string
	if len(cells) > 1 {
		start = cells[1]
	}
	if len(cells) > 2 {
		end = cells[2]
	}
	p.rep.Leadership = append(p.rep.Leadership, Leadership{
		Position: position, Detail: detail,
		StartDate: p.date(n, start, position+" start"),
		EndDate:   p.date(n, end, position+" end"),
		Line:      n,
	})
}

// historySplitDetail splits "Patrol Leader (Example Patrol)" into the
// position and the text of its trailing parenthesis.
func historySplitDetail(cell string) (position, detail string) {
	cell = strings.TrimSpace(cell)
	if !strings.HasSuffix(cell, ")") {
		return cell, ""
	}
	depth := 0
	for i := len(cell) - 1; i >= 0; i-- {
		switch cell[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				position = strings.TrimSpace(cell[:i])
				if position == "" {
					return cell, ""
				}
				return position, strings.TrimSpace(cell[i+1 : len(cell)-1])
			}
		}
	}
	return cell, ""
}

// activityLine reads a `"Total Service Hours","6.50"` line.
func (p *historyParser) activityLine(n int, cells []string) {
	a := &p.rep.Activities
	label := strings.TrimSpace(strings.TrimSuffix(cells[0], ":"))
	if len(cells) < 2 {
		p.warn(n, "activity total %q has no value", label)
		return
	}
	value, ok := historyParseNumber(cells[len(cells)-1])
	if !ok {
		p.warn(n, "could not read the number %q for %q", cells[len(cells)-1], label)
		return
	}
	if a.Totals == nil {
		a.Totals = map[string]float64{}
	}
	a.Totals[label] = value
	key := strings.ToLower(label)
	switch {
	case strings.Contains(key, "service") && strings.Contains(key, "hour"):
		a.ServiceHours = value
	case strings.Contains(key, "hik") && strings.Contains(key, "mile"):
		a.HikingMiles = value
	case strings.Contains(key, "camp") && strings.Contains(key, "night"):
		a.CampingNights = value
	}
}
