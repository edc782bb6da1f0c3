package advancement

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// stagedScout is one scout of the file.
type stagedScout struct {
	BSAMemberID string
	FirstName   string
	MiddleName  string
	LastName    string
	Line        int // first line of the scout in the file

	// Set by matching (match.go).
	ScoutID  uuid.UUID
	Matched  bool // found in the unit before this job
	Inactive bool
	Skipped  bool // unmatched and createUnmatchedScouts is off
}

// Name is "First Last".
func (s *stagedScout) Name() string { return strings.TrimSpace(s.FirstName + " " + s.LastName) }

// awardItem is a rank or badge the file shows as awarded.
type awardItem struct {
	scout     int32
	ref       uuid.UUID // bsa_ranks.id or bsa_merit_badges.id
	version   int32     // badges: requirement version (0 = NULL)
	awarded   scoutbook.Date
	completed scoutbook.Date
	line      int32
}

// reqItem is a completed requirement.
type reqItem struct {
	scout   int32
	ref     uuid.UUID // rank or badge id
	version int32
	reqID   string
	date    scoutbook.Date
	line    int32
}

// definition is a requirement id seen in the file for (rank or badge, version).
type definition struct {
	ref     uuid.UUID
	version int32
	reqID   string
	order   int32 // order of first appearance within (ref, version), for display_order
	line    int32 // first line naming it
}

// scoutRef keys a (scout, rank or badge) pair.
type scoutRef struct {
	scout int32
	ref   uuid.UUID
}

// fileStats counts what the file held and what staging skipped, and why.
type fileStats struct {
	Rows               int `json:"rows"`
	NotSelected        int `json:"notSelected"`
	NotAwarded         int `json:"notAwarded"`
	IncompleteRequired int `json:"incompleteRequirements"`
	HeaderRows         int `json:"headerRows"`
	OtherRows          int `json:"otherRows"`
	DuplicateRows      int `json:"duplicateRows"`
	UnknownItems       int `json:"unknownItems"`
	// InvalidRows counts the rows skipped because they could not be used at all (no usable
	// member id, too few or too many fields, ...); InvalidValues the values of imported rows
	// that could not be read and were taken as empty (a date, a flag, a version).
	InvalidRows   int `json:"invalidRows"`
	InvalidValues int `json:"invalidValues"`
	// RefusedIDs counts requirement rows skipped because their id does not look like a
	// requirement id or is one too many (Limits).
	RefusedIDs int `json:"refusedRequirementIds"`
}

// staged is the result of staging: everything the write steps need.
type staged struct {
	scouts    []stagedScout // sorted by BSA member id
	ranks     []awardItem   // each list sorted by (scout, line)
	badges    []awardItem
	rankReqs  []reqItem
	badgeReqs []reqItem
	rankDefs  []definition
	badgeDefs []definition
	// badgeVersion is the version each (scout, badge) progress row is created with.
	badgeVersion map[scoutRef]int32
	// reqStart is the earliest completion date of each (scout, rank or badge) with completed
	// requirements: the started_at of a progress row created for them. It is computed over
	// the whole file, not per chunk, so chunk boundaries (and a resume with another chunk
	// size) cannot change it.
	reqStart map[scoutRef]scoutbook.Date
	refNames map[uuid.UUID]string // rank and badge display names, for messages
	issues   []Issue              // warnings found while staging (row problems: see rows)
	rows     *rowReporter         // the problems of the file's rows
	stats    fileStats
}

// totalItems is the number of items the write steps handle.
func (s *staged) totalItems() int {
	return len(s.ranks) + len(s.badges) + len(s.rankReqs) + len(s.badgeReqs)
}

// stager builds a staged import row by row.
type stager struct {
	ref      *reference
	selected map[string]bool // nil = every scout
	st       staged

	scoutIndex map[string]int32
	seenAward  map[scoutRef]bool
	seenDef    map[definitionKey]bool
	defCount   map[refVersion]int32 // definitions seen per (ref, version), for display_order
	warned     map[string]bool      // fingerprints of issues already recorded
	intern     map[string]string
	rows       *rowReporter

	limits   Limits
	err      error                    // a file-level limit was exceeded: staging stops
	perCode  map[string]int           // warnings kept one by one, per code
	overflow map[string]*warnOverflow // warnings counted only, per code
	current  map[uuid.UUID]int32      // each rank's current version
}

// warnOverflow counts the warnings of one code beyond Limits.MaxWarningsPerKind.
type warnOverflow struct {
	count               int
	firstLine, lastLine int
}

// definitionKey is a requirement id within (rank or badge, version).
type definitionKey struct {
	ref     uuid.UUID
	version int32
	reqID   string
}

// refVersion is a (rank or badge, version) pair.
type refVersion struct {
	ref     uuid.UUID
	version int32
}

func newStager(ref *reference, selected []string, rows *rowReporter, lim Limits) *stager {
	s := &stager{
		rows:       rows,
		ref:        ref,
		limits:     lim.withDefaults(),
		perCode:    map[string]int{},
		overflow:   map[string]*warnOverflow{},
		current:    map[uuid.UUID]int32{},
		scoutIndex: map[string]int32{},
		seenAward:  map[scoutRef]bool{},
		seenDef:    map[definitionKey]bool{},
		defCount:   map[refVersion]int32{},
		warned:     map[string]bool{},
		intern:     map[string]string{},
	}
	for _, r := range ref.ranks {
		s.current[r.ID] = int32(r.Version)
	}
	s.st.badgeVersion = map[scoutRef]int32{}
	s.st.reqStart = map[scoutRef]scoutbook.Date{}
	if len(selected) > 0 {
		s.selected = map[string]bool{}
		for _, id := range selected {
			s.selected[strings.TrimSpace(id)] = true
		}
	}
	return s
}

// errNoData is returned for a file without any scout or advancement row.
var errNoData = errors.New("no data")

// errHeaderOnly is returned for an export that has its header row and nothing else.
var errHeaderOnly = errors.New("the export has a header but no data rows")

// stageTroopCSV parses a Troop Advancement export. A problem with the file as a whole (not a
// CSV, header without the required columns, a quote that never closes, bytes that are not
// text, a read error) is returned as an error. A row that cannot be used is skipped, and a value
// that cannot be read is taken as empty; both are reported to rows, which stops the reading
// (errTooManyProblemRows) once the file has more such rows than its budget.
func stageTroopCSV(r io.Reader, ref *reference, selected []string, rows *rowReporter, lim Limits) (*staged, error) {
	rd, err := scoutbook.NewTroopReader(r)
	if err != nil {
		return nil, err
	}
	s := newStager(ref, selected, rows, lim)
	for {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A row-level problem is recorded and reading goes on; a fatal one (a malformed
			// file, or the input stream failing: lost connection, cancel, shutdown) ends
			// staging, as the reader returns it again on every later call.
			var pe *scoutbook.ParseError
			if !errors.As(err, &pe) || pe.Fatal {
				return nil, err
			}
			s.st.stats.Rows++
			if s.notSelected(row.BSAMemberID) {
				s.st.stats.NotSelected++
				continue
			}
			s.st.stats.InvalidRows++
			if err := rows.skippedRow(row, pe); err != nil {
				return nil, err
			}
			continue
		}
		if len(row.Problems) > 0 && !s.notSelected(row.BSAMemberID) {
			s.st.stats.InvalidValues += len(row.Problems)
			if err := rows.badValues(row); err != nil {
				return nil, err
			}
		}
		s.add(row)
		if s.err != nil {
			return nil, s.err
		}
	}
	if err := rows.close(); err != nil {
		return nil, err
	}
	if rd.HasHeader() && rd.Stats().TotalRows == 0 {
		return nil, errHeaderOnly
	}
	return s.finish()
}

// notSelected reports whether the job imports only some scouts and the row's member id is not
// one of them.
func (s *stager) notSelected(memberID string) bool {
	return s.selected != nil && !s.selected[memberID]
}

// add stages one parsed row. A file over Limits.MaxRows or MaxScouts sets s.err.
func (s *stager) add(row scoutbook.TroopRow) {
	s.st.stats.Rows++
	if s.st.stats.Rows > s.limits.MaxRows {
		s.err = fileLimitError(fmt.Sprintf("the file has more than %d rows, the most one import takes; nothing was imported. Export fewer scouts at a time",
			s.limits.MaxRows))
		return
	}
	if s.notSelected(row.BSAMemberID) {
		s.st.stats.NotSelected++
		return
	}
	if _, ok := s.scoutIndex[row.BSAMemberID]; !ok && len(s.st.scouts) >= s.limits.MaxScouts {
		s.err = fileLimitError(fmt.Sprintf("the file lists more than %d scouts, the most one import takes (line %d); nothing was imported. Export fewer scouts at a time",
			s.limits.MaxScouts, row.Line))
		return
	}
	si := s.scout(row)
	scout := &s.st.scouts[si]
	line := int32(row.Line)
	switch row.Kind {
	case scoutbook.KindRank:
		if !row.Awarded && row.AwardedDate.IsZero() {
			s.st.stats.NotAwarded++
			return
		}
		rank, ok := s.ref.ranks[row.RankCode]
		if row.RankCode == "" || !ok {
			s.unknown(scout, row, codeUnknownRank, row.Advancement,
				fmt.Sprintf("Line %d: %q is not a Scouts BSA rank; the row was not imported.", row.Line, row.Advancement))
			return
		}
		if s.seenAward[scoutRef{si, rank.ID}] {
			s.st.stats.DuplicateRows++
			return
		}
		s.seenAward[scoutRef{si, rank.ID}] = true
		s.st.ranks = append(s.st.ranks, awardItem{scout: si, ref: rank.ID, awarded: firstDate(row.AwardedDate, row.DateCompleted),
			completed: row.DateCompleted, line: line})

	case scoutbook.KindMeritBadge:
		if !row.Awarded && row.AwardedDate.IsZero() {
			s.st.stats.NotAwarded++
			return
		}
		badge, ok := s.badge(scout, row)
		if !ok {
			return
		}
		key := scoutRef{si, badge.ID}
		if s.seenAward[key] {
			s.st.stats.DuplicateRows++
			return
		}
		s.seenAward[key] = true
		version := int32(row.VersionYear)
		if version == 0 {
			version = int32(badge.Version)
		}
		s.st.badgeVersion[key] = version
		s.st.badges = append(s.st.badges, awardItem{scout: si, ref: badge.ID, version: version,
			awarded: firstDate(row.AwardedDate, row.DateCompleted), completed: row.DateCompleted, line: line})

	case scoutbook.KindRankRequirement:
		if row.IsHeaderRow() {
			s.st.stats.HeaderRows++
			return
		}
		rank, ok := s.ref.ranks[row.RankCode]
		if !ok {
			s.unknown(scout, row, codeUnknownRank, row.AdvancementType,
				fmt.Sprintf("Line %d: %q is not a Scouts BSA rank; the row was not imported.", row.Line, row.AdvancementType))
			return
		}
		version := int32(row.VersionYear)
		if version == 0 {
			version = int32(rank.Version)
		}
		s.requirement(si, rank.ID, rank.Name, version, row, &s.st.rankReqs, &s.st.rankDefs)

	case scoutbook.KindMeritBadgeRequirement:
		if row.IsHeaderRow() {
			s.st.stats.HeaderRows++
			return
		}
		badge, ok := s.badge(scout, row)
		if !ok {
			return
		}
		version := int32(row.VersionYear)
		if version == 0 {
			version = int32(badge.Version)
		}
		if version == 0 {
			s.st.stats.UnknownItems++
			s.warn(Issue{Severity: "warning", Code: codeNoVersion, Line: row.Line, BSAMemberID: scout.BSAMemberID,
				ScoutName: scout.Name(), Item: row.BadgeName,
				Message: fmt.Sprintf("Line %d: %s requirement %s has no version year and the badge has no current version; the row was not imported.",
					row.Line, row.BadgeName, row.RequirementID),
				Fingerprint: fmt.Sprintf("%s|%d", codeNoVersion, row.Line)})
			return
		}
		key := scoutRef{si, badge.ID}
		if _, ok := s.st.badgeVersion[key]; !ok {
			s.st.badgeVersion[key] = version
		}
		s.requirement(si, badge.ID, badge.Name, version, row, &s.st.badgeReqs, &s.st.badgeDefs)

	default:
		s.st.stats.OtherRows++
	}
}

// requirement stages a requirement row: its id becomes a definition of the file whether or
// not it is complete (the write steps look it up, and record it for the unit when the
// reference data lacks it); a completed one (a date, or Scoutbook's approved flag) becomes an
// item. A row whose id does not look like a requirement id, or is one id too many for its
// rank or badge version or for the file (Limits), is skipped with a warning.
func (s *stager) requirement(si int32, ref uuid.UUID, name string, version int32, row scoutbook.TroopRow, items *[]reqItem, defs *[]definition) {
	if problem := requirementIDProblem(row.RequirementID); problem != "" {
		s.refuseID(si, name, version, row, fmt.Sprintf("the requirement id %s %s", shortValue(row.RequirementID), problem))
		return
	}
	dk := definitionKey{ref: ref, version: version, reqID: row.RequirementID}
	if !s.seenDef[dk] {
		rv := refVersion{ref: ref, version: version}
		switch {
		case int(s.defCount[rv]) >= s.limits.MaxIDsPerItem:
			s.refuseID(si, name, version, row, fmt.Sprintf("%s (version %d) already has %d different requirement ids in this file, more than any real one has; requirement id %s",
				name, version, s.limits.MaxIDsPerItem, shortValue(row.RequirementID)))
			return
		case len(s.seenDef) >= s.limits.MaxIDsPerFile:
			s.refuseID(si, name, version, row, fmt.Sprintf("the file already lists %d different requirement ids, the most one import takes; requirement id %s",
				s.limits.MaxIDsPerFile, shortValue(row.RequirementID)))
			return
		}
		dk.reqID = s.internString(row.RequirementID)
		s.seenDef[dk] = true
		s.defCount[rv]++
		*defs = append(*defs, definition{ref: ref, version: version, reqID: dk.reqID, order: s.defCount[rv], line: int32(row.Line)})
	}
	reqID := s.internString(row.RequirementID)
	if row.DateCompleted.IsZero() && !row.Approved {
		s.st.stats.IncompleteRequired++
		return
	}
	// Duplicates (same scout, requirement and version) are removed in finish, by sorting:
	// a map of every completion would be the largest structure of a big import.
	*items = append(*items, reqItem{scout: si, ref: ref, version: version, reqID: reqID,
		date: firstDate(row.DateCompleted, row.MarkedCompletedDate), line: int32(row.Line)})
}

// refuseID skips a requirement row whose id was refused, with a line-numbered warning.
func (s *stager) refuseID(si int32, name string, version int32, row scoutbook.TroopRow, why string) {
	s.st.stats.RefusedIDs++
	scout := &s.st.scouts[si]
	s.warn(Issue{Severity: "warning", Code: codeRequirementRefused, Line: row.Line, BSAMemberID: scout.BSAMemberID,
		ScoutName: scout.Name(), Item: name, Version: fmt.Sprint(version),
		Message:     fmt.Sprintf("Line %d: %s; the row was not imported.", row.Line, why),
		Details:     map[string]any{"field": "advancement", "value": shortValue(row.RequirementID)},
		Fingerprint: fmt.Sprintf("%s|%d|%s|%s|%d|%s", codeRequirementRefused, row.Line, scout.BSAMemberID, name, version, shortValue(row.RequirementID))})
}

// badge resolves the row's badge, recording a warning when it is unknown or mapped from a
// discontinued badge.
func (s *stager) badge(scout *stagedScout, row scoutbook.TroopRow) (refItem, bool) {
	badge, alias, ok := s.ref.badge(row.BadgeKey)
	if !ok {
		s.unknown(scout, row, codeUnknownBadge, row.BadgeName,
			fmt.Sprintf("%q is not a known merit badge; its rows for %s were not imported (first on line %d).",
				row.BadgeName, scout.Name(), row.Line))
		return refItem{}, false
	}
	if alias != "" && scoutbook.IsHistoricalAlias(alias) {
		s.warn(Issue{Severity: "warning", Code: codeHistoricalBadge, Line: row.Line, BSAMemberID: scout.BSAMemberID,
			ScoutName: scout.Name(), Item: row.BadgeName,
			Message: fmt.Sprintf("%q is a discontinued badge; it was imported as its successor %q (first on line %d).",
				row.BadgeName, badge.Name, row.Line),
			Details:     map[string]any{"badge": row.BadgeName, "importedAs": badge.Code},
			Fingerprint: fmt.Sprintf("%s|%s|%s", codeHistoricalBadge, scout.BSAMemberID, row.BadgeKey)})
	}
	return badge, true
}

// unknown records an item that cannot be mapped (once per scout and name).
func (s *stager) unknown(scout *stagedScout, row scoutbook.TroopRow, code, item, message string) {
	s.st.stats.UnknownItems++
	s.warn(Issue{Severity: "warning", Code: code, Line: row.Line, BSAMemberID: scout.BSAMemberID,
		ScoutName: scout.Name(), Item: item, Version: row.Version, Message: message,
		Fingerprint: fmt.Sprintf("%s|%s|%s", code, scout.BSAMemberID, strings.ToLower(item))})
}

// warn records an issue once per fingerprint. Past Limits.MaxWarningsPerKind issues of one
// code, further ones are only counted (finish adds one summary issue for them), so that the
// warnings of a hostile file (200,000 unknown badges) take bounded memory.
func (s *stager) warn(is Issue) {
	if s.warned[is.Fingerprint] {
		return
	}
	if s.perCode[is.Code] >= s.limits.MaxWarningsPerKind {
		o := s.overflow[is.Code]
		if o == nil {
			o = &warnOverflow{firstLine: is.Line}
			s.overflow[is.Code] = o
		}
		o.count++
		o.lastLine = max(o.lastLine, is.Line)
		return
	}
	s.perCode[is.Code]++
	s.warned[is.Fingerprint] = true
	s.st.issues = append(s.st.issues, is)
}

// summarizeOverflow adds one issue per code whose warnings were only counted.
func (s *stager) summarizeOverflow() {
	codes := make([]string, 0, len(s.overflow))
	for c := range s.overflow {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		o := s.overflow[c]
		s.st.issues = append(s.st.issues, Issue{Severity: "warning", Code: c, Line: o.firstLine,
			Message: fmt.Sprintf("%d more warning(s) of this kind (%s), from line %d to line %d, are not listed one by one; the first %d are.",
				o.count, c, o.firstLine, o.lastLine, s.limits.MaxWarningsPerKind),
			Details:     map[string]any{"count": o.count, "firstLine": o.firstLine, "lastLine": o.lastLine},
			Fingerprint: c + "|more"})
	}
}

// scout returns the index of the row's scout, adding it on first sight.
func (s *stager) scout(row scoutbook.TroopRow) int32 {
	if i, ok := s.scoutIndex[row.BSAMemberID]; ok {
		return i
	}
	i := int32(len(s.st.scouts))
	s.scoutIndex[row.BSAMemberID] = i
	s.st.scouts = append(s.st.scouts, stagedScout{BSAMemberID: row.BSAMemberID, FirstName: row.FirstName,
		MiddleName: row.MiddleName, LastName: row.LastName, Line: row.Line})
	return i
}

func (s *stager) internString(v string) string {
	if x, ok := s.intern[v]; ok {
		return x
	}
	s.intern[v] = v
	return v
}

// finish sorts scouts by BSA member id and items by (scout, line), so staging the same file
// always gives the same order (checkpoints are offsets into these lists).
func (s *stager) finish() (*staged, error) {
	st := &s.st
	order := make([]int32, len(st.scouts))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return compareMemberIDs(st.scouts[a].BSAMemberID, st.scouts[b].BSAMemberID)
	})
	remap := make([]int32, len(order))
	sorted := make([]stagedScout, len(order))
	for newIdx, old := range order {
		remap[old] = int32(newIdx)
		sorted[newIdx] = st.scouts[old]
	}
	st.scouts = sorted
	for _, list := range []*[]awardItem{&st.ranks, &st.badges} {
		for i := range *list {
			(*list)[i].scout = remap[(*list)[i].scout]
		}
		slices.SortStableFunc(*list, func(a, b awardItem) int { return cmp.Or(cmp.Compare(a.scout, b.scout), cmp.Compare(a.line, b.line)) })
	}
	st.reqStart = map[scoutRef]scoutbook.Date{}
	for _, list := range []*[]reqItem{&st.rankReqs, &st.badgeReqs} {
		for i := range *list {
			(*list)[i].scout = remap[(*list)[i].scout]
		}
		var dups int
		if list == &st.rankReqs {
			*list, dups = dedupeRankRequirements(*list, s.current)
		} else {
			*list, dups = dedupeRequirements(*list)
		}
		st.stats.DuplicateRows += dups
		slices.SortStableFunc(*list, func(a, b reqItem) int { return cmp.Or(cmp.Compare(a.scout, b.scout), cmp.Compare(a.line, b.line)) })
		// A requirement-only rank or badge starts at its earliest completion in the file.
		for _, it := range *list {
			k := scoutRef{it.scout, it.ref}
			if start, ok := st.reqStart[k]; !ok || (!it.date.IsZero() && (start.IsZero() || it.date.Compare(start) < 0)) {
				st.reqStart[k] = it.date
			}
		}
	}
	versions := make(map[scoutRef]int32, len(st.badgeVersion))
	for k, v := range st.badgeVersion {
		versions[scoutRef{scout: remap[k.scout], ref: k.ref}] = v
	}
	st.badgeVersion = versions
	st.rows = s.rows
	if len(st.scouts) == 0 && st.stats.InvalidRows == 0 {
		return nil, fmt.Errorf("%w: no scouts found in the file", errNoData)
	}
	s.warnVersionMismatches()
	s.summarizeOverflow()
	return st, nil
}

// warnVersionMismatches reports, once per scout and badge, completed requirements listed under
// another version than the one the badge is recorded with. They are imported under their own
// version's definitions (the file says so), but a leader should know that one badge now holds
// requirements of two versions.
func (s *stager) warnVersionMismatches() {
	st := &s.st
	var names map[uuid.UUID]string
	for _, it := range st.badgeReqs {
		key := scoutRef{it.scout, it.ref}
		tracked := st.badgeVersion[key]
		if tracked == 0 || it.version == tracked {
			continue
		}
		if names == nil {
			names = refNamesFor(s.ref)
		}
		scout := &st.scouts[it.scout]
		s.warn(Issue{Severity: "warning", Code: codeVersionMismatch, Line: int(it.line), BSAMemberID: scout.BSAMemberID,
			ScoutName: scout.Name(), Item: names[it.ref], Version: fmt.Sprint(it.version),
			Message: fmt.Sprintf("%s: %s has requirements completed under version %d while the badge is recorded under version %d (first on line %d); "+
				"they were imported under version %d's definitions. Check which version the scout is working on.",
				names[it.ref], scout.Name(), it.version, tracked, it.line, it.version),
			Details:     map[string]any{"badge": names[it.ref], "requestedVersion": it.version, "usedVersion": tracked},
			Fingerprint: fmt.Sprintf("%s|%s|%s", codeVersionMismatch, scout.BSAMemberID, it.ref)})
	}
}

// dedupeRequirements removes repeated completions of one requirement (same scout, rank or
// badge, version and id), keeping the first in file order, and returns how many it removed.
func dedupeRequirements(items []reqItem) ([]reqItem, int) {
	slices.SortFunc(items, func(a, b reqItem) int {
		return cmp.Or(cmp.Compare(a.scout, b.scout), bytes.Compare(a.ref[:], b.ref[:]), cmp.Compare(a.version, b.version),
			strings.Compare(a.reqID, b.reqID), cmp.Compare(a.line, b.line))
	})
	out := items[:0]
	for i, it := range items {
		if i > 0 && len(out) > 0 {
			last := out[len(out)-1]
			if last.scout == it.scout && last.ref == it.ref && last.version == it.version && last.reqID == it.reqID {
				continue
			}
		}
		out = append(out, it)
	}
	return out, len(items) - len(out)
}

// dedupeRankRequirements keeps one completion per (scout, rank, requirement id), whatever the
// version: rank progress has no version, so the same requirement listed under two version
// years is one requirement done once. The row under the rank's current version wins, else the
// first in file order. It returns how many it removed.
func dedupeRankRequirements(items []reqItem, current map[uuid.UUID]int32) ([]reqItem, int) {
	notCurrent := func(it reqItem) int {
		if it.version == current[it.ref] {
			return 0
		}
		return 1
	}
	slices.SortFunc(items, func(a, b reqItem) int {
		return cmp.Or(cmp.Compare(a.scout, b.scout), bytes.Compare(a.ref[:], b.ref[:]), strings.Compare(a.reqID, b.reqID),
			cmp.Compare(notCurrent(a), notCurrent(b)), cmp.Compare(a.line, b.line))
	})
	out := items[:0]
	for _, it := range items {
		if len(out) > 0 {
			last := out[len(out)-1]
			if last.scout == it.scout && last.ref == it.ref && last.reqID == it.reqID {
				continue
			}
		}
		out = append(out, it)
	}
	return out, len(items) - len(out)
}

// compareMemberIDs orders numeric ids numerically (then as text).
func compareMemberIDs(a, b string) int {
	na, errA := strconv.ParseUint(a, 10, 64)
	nb, errB := strconv.ParseUint(b, 10, 64)
	if errA == nil && errB == nil && na != nb {
		return cmp.Compare(na, nb)
	}
	return strings.Compare(a, b)
}

func firstDate(ds ...scoutbook.Date) scoutbook.Date {
	for _, d := range ds {
		if !d.IsZero() {
			return d
		}
	}
	return scoutbook.Date{}
}
