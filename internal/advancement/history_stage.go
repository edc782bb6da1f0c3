package advancement

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/chuckbox/importworker/internal/scoutbook"
	"github.com/chuckbox/importworker/internal/scoutbook/history"
)

// Issue codes of the history import (the troop import's codes are in issues.go).
const (
	codeVersionFallback   = "version_fallback"
	codeUnknownPosition   = "unknown_leadership_position"
	codePositionNoStart   = "leadership_without_start_date"
	codeReportLineIgnored = "report_line_ignored"
)

// historyTarget is the scout a history report is imported into.
type historyTarget struct {
	ID          uuid.UUID
	FirstName   string
	LastName    string
	BSAMemberID string
	Active      bool
	MatchedBy   string // "scoutId" or "bsaMemberId"
}

// historyPartial is a merit badge the report shows as started (Partial Merit Badges): it gets
// an in-progress progress row even when no requirement is listed.
type historyPartial struct {
	ref     uuid.UUID
	version int32 // 0 = unknown (NULL)
	started scoutbook.Date
	line    int32
}

// historyLeadership is one position of responsibility to record.
type historyLeadership struct {
	positionID uuid.UUID
	code       string
	name       string // as printed, detail included: "Patrol Leader (Hawk Patrol)"
	start, end scoutbook.Date
	line       int32
}

// historyActivity is one activity total of the report.
type historyActivity struct {
	kind     string // camping, service or hiking
	label    string // as printed
	quantity float64
}

// historyActivityKinds are the activity types, in the order they are written.
var historyActivityKinds = []string{"camping", "service", "hiking"}

// historyStaged is a history report resolved against the reference data, ready to write. The
// advancement part uses the troop import's staged model with a single scout (index 0), so the
// same idempotent write statements do the work.
type historyStaged struct {
	st         *staged
	target     historyTarget
	partials   []historyPartial
	leadership []historyLeadership
	activities []historyActivity
	asOf       scoutbook.Date // the report's date (activity entries are dated with it)
	notes      []HistoryNote
	// rankLines and badgeNames give the preview a line and a printed name per rank or badge.
	rankLines  map[uuid.UUID]int32
	badgeNames map[uuid.UUID]string
}

// unreadLines returns the report's lines that could not be read (report_line_ignored) as
// errors: what strict mode refuses a report for, as it refuses a troop file for rows it cannot
// read. What the readable lines mean (an unknown badge, a refused requirement id) stays a
// warning in both imports.
func (h *historyStaged) unreadLines() []Issue {
	var out []Issue
	for _, is := range h.st.issues {
		if is.Code == codeReportLineIgnored {
			is.Severity = "error"
			out = append(out, is)
		}
	}
	return out
}

// totalItems is the number of items the write steps handle.
func (h *historyStaged) totalItems() int {
	return h.st.totalItems() + len(h.partials) + len(h.leadership) + len(h.activities)
}

// fillRequirementStarts sets st.reqStart, the started_at of progress rows created for ranks
// and badges that the report shows only through completed requirements: the earliest
// requirement date of each (call it once the requirement lists are final).
func (h *historyStaged) fillRequirementStarts() {
	st := h.st
	st.reqStart = map[scoutRef]scoutbook.Date{}
	for _, list := range [][]reqItem{st.rankReqs, st.badgeReqs} {
		for _, it := range list {
			k := scoutRef{it.scout, it.ref}
			if start, ok := st.reqStart[k]; !ok || (!it.date.IsZero() && (start.IsZero() || it.date.Compare(start) < 0)) {
				st.reqStart[k] = it.date
			}
		}
	}
}

// historyStager builds a historyStaged from a parsed report.
// reqKey is one requirement of one scout (the report has a single scout: scout is 0).
type reqKey struct {
	scout   int32
	ref     uuid.UUID
	version int32
	reqID   string
}

type historyStager struct {
	ref       *reference
	positions *historyPositions
	h         *historyStaged
	warned    map[string]bool
	seenAward map[uuid.UUID]bool
	seenReq   map[reqKey]bool
	seenDef   map[reqKey]bool
	defCount  map[scoutRef]int32
	partialAt map[uuid.UUID]int // index in h.partials
}

// stageHistory resolves a parsed report for the target scout. asOf dates the activity totals
// when the report has no "Generated:" date. Staging only reads its arguments; requirement ids
// are checked against the database afterwards (dropUnknownRankRequirements).
func stageHistory(rep *history.Report, ref *reference, positions *historyPositions, target historyTarget, asOf time.Time) *historyStaged {
	st := &staged{
		scouts: []stagedScout{{
			BSAMemberID: nonEmpty(target.BSAMemberID, rep.Header.BSAMemberID),
			FirstName:   target.FirstName, LastName: target.LastName, Line: rep.Header.NameLine,
			ScoutID: target.ID, Matched: true, Inactive: !target.Active,
		}},
		badgeVersion: map[scoutRef]int32{},
		refNames:     refNamesFor(ref),
	}
	if !rep.Header.GeneratedAt.IsZero() {
		asOf = rep.Header.GeneratedAt
	}
	day, err := scoutbook.NewDate(asOf.Year(), asOf.Month(), asOf.Day())
	if err != nil {
		day = scoutbook.Date{} // unreachable: a time's own date is valid
	}
	s := &historyStager{
		ref: ref, positions: positions,
		h: &historyStaged{st: st, target: target, asOf: day,
			rankLines: map[uuid.UUID]int32{}, badgeNames: map[uuid.UUID]string{}},
		warned:    map[string]bool{},
		seenAward: map[uuid.UUID]bool{},
		seenReq:   map[reqKey]bool{},
		seenDef:   map[reqKey]bool{},
		defCount:  map[scoutRef]int32{},
		partialAt: map[uuid.UUID]int{},
	}
	for _, w := range rep.Warnings {
		s.warn(Issue{Severity: "warning", Code: codeReportLineIgnored, Line: w.Line,
			Message:     fmt.Sprintf("Line %d: %s.", w.Line, w.Msg),
			Fingerprint: fmt.Sprintf("%s|%d|%s", codeReportLineIgnored, w.Line, w.Msg)})
	}
	s.ranks(rep.Ranks)
	for _, b := range rep.CompletedBadges {
		s.completedBadge(b.Name, b.Code, b.Date, b.Line)
	}
	// Merit badge slots of Star, Life and Eagle are not requirements: the badges in them are
	// earned badges, which the "Completed Merit Badges" list normally holds already. A dated
	// slot whose badge that list lacks is still recorded as earned, so nothing is lost.
	for _, r := range rep.Ranks {
		for _, slot := range r.MeritBadgeSlots {
			if slot.Date.IsZero() {
				continue
			}
			s.completedBadge(slot.BadgeName, slot.BadgeCode, slot.Date, slot.Line)
		}
	}
	for _, p := range rep.PartialBadges {
		s.partialBadge(p)
	}
	s.leadership(rep)
	s.activitiesOf(rep.Activities)
	for _, sec := range rep.SkippedSections {
		s.h.notes = append(s.h.notes, HistoryNote{Line: sec.Line, Section: sec.Name,
			Message: fmt.Sprintf("Section %q (line %d, %d line(s)) was not imported: %s.", sec.Name, sec.Line, sec.Lines, sec.Note)})
	}
	return s.h
}

// ranks stages the rank sections: a dated rank is awarded; every dated requirement line is a
// completed requirement of the rank's current version (the report prints no rank version),
// completed on the date the report gives for it.
func (s *historyStager) ranks(ranks []history.Rank) {
	st := s.h.st
	for _, r := range ranks {
		line := int32(r.Line)
		rank, ok := s.ref.ranks[r.Code]
		if !ok {
			st.stats.UnknownItems++
			s.warn(Issue{Severity: "warning", Code: codeUnknownRank, Line: r.Line, Item: r.Name,
				Message:     fmt.Sprintf("Line %d: the rank %q is not in the reference data; its section was not imported.", r.Line, r.Name),
				Fingerprint: codeUnknownRank + "|" + r.Code})
			continue
		}
		if _, ok := s.h.rankLines[rank.ID]; !ok {
			s.h.rankLines[rank.ID] = line
		}
		if !r.AwardedDate.IsZero() && !s.seenAward[rank.ID] {
			s.seenAward[rank.ID] = true
			st.ranks = append(st.ranks, awardItem{scout: 0, ref: rank.ID, awarded: r.AwardedDate, completed: r.AwardedDate, line: line})
		}
		version := int32(rank.Version)
		for _, q := range r.Requirements {
			if q.Date.IsZero() {
				st.stats.IncompleteRequired++
				continue
			}
			if version == 0 {
				st.stats.UnknownItems++
				s.warn(Issue{Severity: "warning", Code: codeNoVersion, Line: r.Line, Item: rank.Name,
					Details: map[string]any{"rank": rank.Name},
					Message: fmt.Sprintf("Line %d: the rank %s has no current requirement version in the reference data; its requirements were not imported.",
						r.Line, rank.Name),
					Fingerprint: codeNoVersion + "|" + rank.Code})
				continue
			}
			k := reqKey{scout: 0, ref: rank.ID, version: version, reqID: q.ID}
			if s.seenReq[k] {
				st.stats.DuplicateRows++
				continue
			}
			s.seenReq[k] = true
			st.rankReqs = append(st.rankReqs, reqItem{scout: 0, ref: rank.ID, version: version, reqID: q.ID, date: q.Date, line: int32(q.Line)})
		}
	}
}

// completedBadge stages an earned merit badge (first mention wins).
func (s *historyStager) completedBadge(name, code string, date scoutbook.Date, line int) {
	badge, ok := s.badge(name, code, line)
	if !ok {
		return
	}
	if s.seenAward[badge.ID] {
		s.h.st.stats.DuplicateRows++
		return
	}
	s.seenAward[badge.ID] = true
	// The completed list has no version: the badge's current version (NULL when unknown).
	s.h.st.badges = append(s.h.st.badges, awardItem{scout: 0, ref: badge.ID, version: int32(badge.Version),
		awarded: date, completed: date, line: int32(line)})
}

// partialBadge stages a started merit badge and its completed requirements.
func (s *historyStager) partialBadge(p history.PartialBadge) {
	st := s.h.st
	badge, ok := s.badge(p.Name, p.Code, p.Line)
	if !ok {
		return
	}
	version := int32(p.Version)
	if version == 0 && badge.Version != 0 {
		version = int32(badge.Version)
		s.warn(Issue{Severity: "warning", Code: codeVersionFallback, Line: p.Line, Item: badge.Name,
			Details: map[string]any{"badge": badge.Name, "requestedVersion": "", "usedVersion": strconv.Itoa(badge.Version)},
			Message: fmt.Sprintf("Requirements for %s: the report gives no requirement version (no \"(YYYY Version)\"), using current version %d.",
				badge.Name, badge.Version),
			Fingerprint: fmt.Sprintf("%s|%s", codeVersionFallback, badge.Code)})
	}
	key := scoutRef{0, badge.ID}
	if i, ok := s.partialAt[badge.ID]; ok {
		// The same badge listed twice: keep the first version and start date.
		version = s.h.partials[i].version
	} else {
		s.partialAt[badge.ID] = len(s.h.partials)
		s.h.partials = append(s.h.partials, historyPartial{ref: badge.ID, version: version, started: p.StartDate, line: int32(p.Line)})
		if version != 0 {
			st.badgeVersion[key] = version
		}
	}
	if len(p.CompletedRequirementIDs) == 0 {
		return
	}
	if version == 0 {
		st.stats.UnknownItems += len(p.CompletedRequirementIDs)
		s.warn(Issue{Severity: "warning", Code: codeNoVersion, Line: p.Line, Item: badge.Name,
			Message: fmt.Sprintf("Line %d: %s has no requirement version in the report and no current version in the reference data; the badge was recorded as started, but its %d completed requirement(s) were not imported.",
				p.Line, badge.Name, len(p.CompletedRequirementIDs)),
			Fingerprint: fmt.Sprintf("%s|%s", codeNoVersion, badge.Code)})
		return
	}
	line := int32(p.RequirementsLine)
	if line == 0 {
		line = int32(p.Line)
	}
	for _, id := range p.CompletedRequirementIDs {
		// The same shape check as the troop import: an id that cannot be a requirement id is
		// not imported (and never recorded for the unit).
		if problem := requirementIDProblem(id); problem != "" {
			st.stats.RefusedIDs++
			s.warn(Issue{Severity: "warning", Code: codeRequirementRefused, Line: int(line), Item: badge.Name, Version: fmt.Sprint(version),
				Message:     fmt.Sprintf("Line %d: %s: the requirement id %s %s; it was not imported.", line, badge.Name, shortValue(id), problem),
				Details:     map[string]any{"value": shortValue(id)},
				Fingerprint: fmt.Sprintf("%s|%s|%d|%s", codeRequirementRefused, badge.Code, version, shortValue(id))})
			continue
		}
		dk := reqKey{scout: -1, ref: badge.ID, version: version, reqID: id}
		if !s.seenDef[dk] {
			s.seenDef[dk] = true
			rv := scoutRef{scout: version, ref: badge.ID}
			s.defCount[rv]++
			st.badgeDefs = append(st.badgeDefs, definition{ref: badge.ID, version: version, reqID: id, order: s.defCount[rv], line: line})
		}
		k := reqKey{scout: 0, ref: badge.ID, version: version, reqID: id}
		if s.seenReq[k] {
			st.stats.DuplicateRows++
			continue
		}
		s.seenReq[k] = true
		// The report gives no date per partial badge requirement, so completed_at stays NULL
		// (zero date). The reference app wrote the badge's start date instead, which dates
		// every requirement to the day the badge was begun: wrong, and it hides real dates.
		st.badgeReqs = append(st.badgeReqs, reqItem{scout: 0, ref: badge.ID, version: version, reqID: id, line: line})
	}
}

// badge resolves a badge name as the report prints it: first as the troop import does (the
// database names and codes, then the alias table, warning for discontinued badges), then
// through the history report's abbreviations ("Cit. in Comm.", "Pers. Fitness"), which the
// parser resolved to code. An unknown name is a warning, never a silent skip.
func (s *historyStager) badge(name, code string, line int) (refItem, bool) {
	key := scoutbook.NormalizeBadgeName(name)
	it, alias, ok := s.ref.badge(key)
	if !ok && code != "" {
		it, ok = s.ref.badgesByCode[code]
		alias = ""
	}
	if !ok {
		s.h.st.stats.UnknownItems++
		s.warn(Issue{Severity: "warning", Code: codeUnknownBadge, Line: line, Item: name,
			Message:     fmt.Sprintf("Line %d: %q is not a known merit badge; it was not imported.", line, name),
			Fingerprint: codeUnknownBadge + "|" + strings.ToLower(name)})
		return refItem{}, false
	}
	if alias != "" && scoutbook.IsHistoricalAlias(alias) {
		s.warn(Issue{Severity: "warning", Code: codeHistoricalBadge, Line: line, Item: name,
			Message: fmt.Sprintf("Line %d: %q is a discontinued badge; it was imported as its successor %q.",
				line, name, it.Name),
			Details:     map[string]any{"badge": name, "importedAs": it.Code},
			Fingerprint: codeHistoricalBadge + "|" + key})
	}
	if _, ok := s.h.badgeNames[it.ID]; !ok {
		s.h.badgeNames[it.ID] = name
	}
	return it, true
}

// leadership stages the Leadership section, then the header's current positions that the
// section does not list (same position and start date).
func (s *historyStager) leadership(rep *history.Report) {
	type key struct {
		id    uuid.UUID
		start scoutbook.Date
	}
	seen := map[key]bool{}
	add := func(position, printed string, start, end scoutbook.Date, line int) {
		p, ok := s.positions.match(position)
		if !ok {
			s.h.st.stats.UnknownItems++
			s.warn(Issue{Severity: "warning", Code: codeUnknownPosition, Line: line, Item: position,
				Message:     fmt.Sprintf("Line %d: %q is not a known position of responsibility; it was not imported.", line, printed),
				Fingerprint: codeUnknownPosition + "|" + historyPositionKey(position)})
			return
		}
		if start.IsZero() {
			s.h.st.stats.UnknownItems++
			s.warn(Issue{Severity: "warning", Code: codePositionNoStart, Line: line, Item: p.Name,
				Message:     fmt.Sprintf("Line %d: the position %q has no start date; it was not imported.", line, printed),
				Fingerprint: fmt.Sprintf("%s|%d|%s", codePositionNoStart, line, p.Code)})
			return
		}
		k := key{p.ID, start}
		if seen[k] {
			return
		}
		seen[k] = true
		s.h.leadership = append(s.h.leadership, historyLeadership{positionID: p.ID, code: p.Code, name: printed,
			start: start, end: end, line: int32(line)})
	}
	for _, l := range rep.Leadership {
		printed := l.Position
		if l.Detail != "" {
			printed += " (" + l.Detail + ")"
		}
		add(l.Position, printed, l.StartDate, l.EndDate, l.Line)
	}
	for _, p := range rep.Header.Positions {
		add(p.Name, p.Name, p.StartDate, scoutbook.Date{}, p.Line)
	}
}

// activitiesOf stages the three totals the app records; other totals become notes.
func (s *historyStager) activitiesOf(a history.Activities) {
	found := map[string]historyActivity{}
	labels := slices.Sorted(maps.Keys(a.Totals))
	for _, label := range labels {
		value := a.Totals[label]
		kind := historyActivityKind(label)
		if kind == "" {
			s.h.notes = append(s.h.notes, HistoryNote{Line: a.Line, Section: "Activities",
				Message: fmt.Sprintf("The activity total %q (%s) has no place in the app and was not imported.", label, formatQuantity(value))})
			continue
		}
		found[kind] = historyActivity{kind: kind, label: label, quantity: value}
	}
	for _, kind := range historyActivityKinds {
		if act, ok := found[kind]; ok {
			// The parser's own field wins when two labels map to the same type.
			switch kind {
			case "camping":
				act.quantity = a.CampingNights
			case "service":
				act.quantity = a.ServiceHours
			case "hiking":
				act.quantity = a.HikingMiles
			}
			s.h.activities = append(s.h.activities, act)
		}
	}
}

// historyActivityKind maps an Activities label to an activity type, with the parser's rules.
func historyActivityKind(label string) string {
	k := strings.ToLower(label)
	switch {
	case strings.Contains(k, "camp") && strings.Contains(k, "night"):
		return "camping"
	case strings.Contains(k, "service") && strings.Contains(k, "hour"):
		return "service"
	case strings.Contains(k, "hik") && strings.Contains(k, "mile"):
		return "hiking"
	}
	return ""
}

// formatQuantity writes a quantity without trailing zeros (6.5, 12).
func formatQuantity(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// warn records an issue once per fingerprint.
func (s *historyStager) warn(is Issue) {
	if s.warned[is.Fingerprint] {
		return
	}
	s.warned[is.Fingerprint] = true
	st := &s.h.st.scouts[0]
	if is.BSAMemberID == "" {
		is.BSAMemberID = st.BSAMemberID
	}
	if is.ScoutName == "" {
		is.ScoutName = st.Name()
	}
	s.h.st.issues = append(s.h.st.issues, is)
}
