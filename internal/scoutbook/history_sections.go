package scoutbook

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// historySection says which section the following data lines belong to.
type historySection int

const (
	historyInHeader historySection = iota // before the first section
	historyInRank
	historyInCompleted
	historyInPartial
	historyInLeadership
	historyInActivities
	historyInSkipped
)

// historyTitle is a recognised section title line.
type historyTitle struct {
	section historySection
	// rankCode is set for historyInRank.
	rankCode string
	// note says why a historyInSkipped section is not imported.
	note string
}

// historyNamedSections maps section titles, lowercased with single spaces
// and no trailing colon, to the sections ParseHistory reads.
var historyNamedSections = map[string]historySection{
	"completed merit badges":           historyInCompleted,
	"completed merit badge":            historyInCompleted,
	"earned merit badges":              historyInCompleted,
	"merit badges earned":              historyInCompleted,
	"partial merit badges":             historyInPartial,
	"partial merit badge":              historyInPartial,
	"partially completed merit badges": historyInPartial,
	"merit badges in progress":         historyInPartial,
	"in progress merit badges":         historyInPartial,
	"in-progress merit badges":         historyInPartial,
	"leadership":                       historyInLeadership,
	"leadership positions":             historyInLeadership,
	"leadership history":               historyInLeadership,
	"positions of responsibility":      historyInLeadership,
	"activities":                       historyInActivities,
	"activity":                         historyInActivities,
	"activity totals":                  historyInActivities,
	"activities totals":                historyInActivities,
}

// Notes of the skipped sections.
const (
	historyNoteOA       = "Order of the Arrow records are not imported"
	historyNoteTraining = "training records are not imported"
	historyNoteAwards   = "awards are not imported"
	historyNoteCub      = "Cub Scout history is not imported"
	historyNoteLogs     = "detailed logs are not imported; only the Activities totals are"
	historyNoteUnknown  = "unknown section; not imported"
)

// historySkippedExact maps the usual titles of the sections that are not
// imported to the note reported for them. They are recognised anywhere.
var historySkippedExact = map[string]string{
	"order of the arrow":      historyNoteOA,
	"oa":                      historyNoteOA,
	"oa membership":           historyNoteOA,
	"training":                historyNoteTraining,
	"trainings":               historyNoteTraining,
	"training courses":        historyNoteTraining,
	"awards":                  historyNoteAwards,
	"other awards":            historyNoteAwards,
	"special awards":          historyNoteAwards,
	"awards and recognitions": historyNoteAwards,
	"cub scout history":       historyNoteCub,
	"cub scout ranks":         historyNoteCub,
	"cub scouting":            historyNoteCub,
}

// historySkippedLoose recognises other titles of those sections by a
// predicate on the title key. Being loose, it is only applied to a line
// that follows a blank line, so that a data line such as the position
// "OA Troop Representative" without dates is not taken for a title.
var historySkippedLoose = []struct {
	match func(key string) bool
	note  string
}{
	{func(k string) bool { return strings.HasPrefix(k, "order of the arrow") || strings.HasPrefix(k, "oa ") }, historyNoteOA},
	{func(k string) bool { return strings.Contains(k, "training") }, historyNoteTraining},
	{func(k string) bool { return strings.Contains(k, "award") || strings.Contains(k, "recognition") }, historyNoteAwards},
	{func(k string) bool {
		return strings.Contains(k, "cub scout") || strings.Contains(k, "webelos") || strings.Contains(k, "arrow of light")
	}, historyNoteCub},
	{func(k string) bool { return strings.HasSuffix(k, " log") || strings.HasSuffix(k, " logs") }, historyNoteLogs},
}

// historyTitleKey normalises a title cell for lookups: lowercase, single
// spaces, no trailing colon.
func historyTitleKey(cell string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.TrimSuffix(strings.TrimSpace(cell), ":"))), " ")
}

// historySectionTitle reports whether cells start a section. atBlockStart
// is true when the line follows a blank line or opens the file; only there
// is an unrecognised title-like line taken as the start of an unknown
// section.
func historySectionTitle(cells []string, atBlockStart bool) (historyTitle, bool) {
	if code, ok := RankCodeFromName(cells[0]); ok {
		if code != "scout" || !strings.Contains(strings.ToLower(strings.Join(cells, " ")), "scouts bsa") {
			return historyTitle{section: historyInRank, rankCode: code}, true
		}
	}
	if !historyTitleShaped(cells) {
		return historyTitle{}, false
	}
	key := historyTitleKey(cells[0])
	if s, ok := historyNamedSections[key]; ok {
		return historyTitle{section: s}, true
	}
	if note, ok := historySkippedExact[key]; ok {
		return historyTitle{section: historyInSkipped, note: note}, true
	}
	if !atBlockStart {
		return historyTitle{}, false
	}
	for _, t := range historySkippedLoose {
		if t.match(key) {
			return historyTitle{section: historyInSkipped, note: t.note}, true
		}
	}
	if !strings.ContainsAny(strings.Join(cells, ""), "0123456789#") {
		return historyTitle{section: historyInSkipped, note: historyNoteUnknown}, true
	}
	return historyTitle{}, false
}

// historyMaxTitleBytes is the longest cell that can be part of a section
// title or the name line. Real ones are a few dozen bytes.
const historyMaxTitleBytes = 200

// historyTitleShaped reports whether a line can be a section title: a
// title has no dates, no `__________` placeholders and no numbers, unlike
// the data lines ("OA Troop Representative","09/01/2025",...) that may
// start with the same words.
func historyTitleShaped(cells []string) bool {
	for _, c := range cells {
		if len(c) > historyMaxTitleBytes {
			return false
		}
		if strings.Contains(c, "__") {
			return false
		}
		if _, isNum := historyParseNumber(c); isNum {
			return false
		}
		if historyDateAnywhereRe.MatchString(c) {
			return false
		}
	}
	return true
}

// openSection starts the section whose title is on line n.
func (p *historyParser) openSection(n int, t historyTitle, cells []string) {
	p.sawSection = true
	p.section = t.section
	p.skipped = -1
	switch t.section {
	case historyInRank:
		p.openRank(n, t.rankCode, cells)
	case historyInActivities:
		if p.rep.Activities.Line == 0 {
			p.rep.Activities.Line = n
		}
	case historyInSkipped:
		p.rep.SkippedSections = append(p.rep.SkippedSections, HistorySkippedSection{Name: cells[0], Line: n, Note: t.note})
		p.skipped = len(p.rep.SkippedSections) - 1
	}
}

// openRank starts a rank section; its header line is `Name,,"date"`.
func (p *historyParser) openRank(n int, code string, cells []string) {
	var dateCell string
	if len(cells) > 2 {
		dateCell = cells[2]
	} else if len(cells) == 2 {
		dateCell = cells[1]
	}
	awarded := p.date(n, dateCell, cells[0]+" award")
	for i := range p.rep.Ranks {
		if p.rep.Ranks[i].Code == code {
			p.warn(n, "%s appears a second time (first on line %d); its lines are added to the first", cells[0], p.rep.Ranks[i].Line)
			if p.rep.Ranks[i].AwardedDate.IsZero() {
				p.rep.Ranks[i].AwardedDate = awarded
			}
			p.rank = i
			return
		}
	}
	p.rep.Ranks = append(p.rep.Ranks, HistoryRank{Code: code, Name: cells[0], AwardedDate: awarded, Line: n})
	p.rank = len(p.rep.Ranks) - 1
}

// data handles a line that is not a title, a header field or the
// "Generated:" line: it belongs to the open section.
func (p *historyParser) data(n int, cells []string) {
	if p.section != historyInHeader && p.rep.Header.Name != "" && len(cells) == 1 && p.nameLine(n, cells) {
		return // the name line repeated, e.g. at a page break
	}
	switch p.section {
	case historyInHeader:
		if !p.nameLine(n, cells) {
			p.warn(n, "ignored a line before the first section: %q", strings.Join(cells, ","))
		}
	case historyInRank:
		p.rankLine(n, cells)
	case historyInCompleted:
		p.completedLine(n, cells)
	case historyInPartial:
		p.partialLine(n, cells)
	case historyInLeadership:
		p.leadershipLine(n, cells)
	case historyInActivities:
		p.activityLine(n, cells)
	case historyInSkipped:
		if p.skipped >= 0 {
			p.rep.SkippedSections[p.skipped].Lines++
		}
	}
}

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
		rank.Requirements = append(rank.Requirements, HistoryRequirement{ID: id, Text: text, Date: date, Line: n})
		return
	}
	if text == "" || historyIsBlankDate(text) {
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
	code := HistoryBadgeCode(name)
	rank.MeritBadgeSlots = append(rank.MeritBadgeSlots, HistoryBadgeSlot{
		BadgeName: name, BadgeCode: code, EagleRequired: eagle, Date: date, Line: n,
	})
}

// historyBadgeColumnLabels are column headings that may appear in badge
// sections and are not badges.
var historyBadgeColumnLabels = map[string]bool{
	"merit badge": true, "merit badges": true, "badge": true, "badge name": true, "name": true,
}

// completedLine reads a `"Badge #","date"` line of "Completed Merit Badges".
func (p *historyParser) completedLine(n int, cells []string) {
	if historyBadgeColumnLabels[historyTitleKey(cells[0])] {
		return
	}
	text, dateCell := historyLastDate(cells, 2)
	name, eagle, _ := historySplitBadgeName(text)
	if name == "" {
		p.warn(n, "ignored a completed merit badge line with no badge name")
		return
	}
	date := p.date(n, dateCell, name+" completion")
	if date.IsZero() {
		p.warn(n, "completed merit badge %q has no completion date", name)
	}
	p.rep.CompletedBadges = append(p.rep.CompletedBadges, HistoryCompletedBadge{
		Name: name, Code: HistoryBadgeCode(name), EagleMarked: eagle, Date: date, Line: n,
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
	if historyBadgeColumnLabels[historyTitleKey(cells[0])] {
		return
	}
	text, dateCell := historyLastDate(cells, 2)
	name, eagle, version := historySplitBadgeName(text)
	if name == "" {
		p.warn(n, "ignored a partial merit badge line with no badge name")
		return
	}
	p.rep.PartialBadges = append(p.rep.PartialBadges, HistoryPartialBadge{
		Name: name, Code: HistoryBadgeCode(name), EagleMarked: eagle,
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
	p.rep.Leadership = append(p.rep.Leadership, HistoryLeadership{
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
