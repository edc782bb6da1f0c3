package history

import (
	"strings"

	"github.com/chuckbox/importworker/internal/scoutbook"
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
// and no trailing colon, to the sections Parse reads.
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
	if code, ok := historyRankHeader(cells); ok {
		return historyTitle{section: historyInRank, rankCode: code}, true
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

// historyRankHeader reports whether cells are a rank section header,
// `Name,,"award date"`: a rank name, an empty second cell and at most a
// date after it. The shape keeps an entry such as `"Eagle Scout","date"`
// in an awards list from opening a rank section. "Scout" is not a rank
// header on a line that mentions "Scouts BSA" (a title line).
func historyRankHeader(cells []string) (string, bool) {
	if len(cells) > 3 || (len(cells) > 1 && cells[1] != "") {
		return "", false
	}
	code, ok := scoutbook.RankCodeFromName(cells[0])
	if !ok || (code == "scout" && strings.Contains(strings.ToLower(strings.Join(cells, " ")), "scouts bsa")) {
		return "", false
	}
	return code, true
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
		p.rep.SkippedSections = append(p.rep.SkippedSections, SkippedSection{Name: cells[0], Line: n, Note: t.note})
		p.skipped = len(p.rep.SkippedSections) - 1
	}
}

// openRank starts a rank section; its header line is `Name,,"date"`.
func (p *historyParser) openRank(n int, code string, cells []string) {
	var dateCell string
	if len(cells) > 2 {
		dateCell = cells[2]
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
	p.rep.Ranks = append(p.rep.Ranks, Rank{Code: code, Name: cells[0], AwardedDate: awarded, Line: n})
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
