package scoutgen

// This file writes synthetic Scoutbook "Scouts BSA History Reports" for one
// scout, in the layout internal/scoutbook/history parses (history.Parse). Every identifier here
// starts with History/history so that it cannot clash with the troop
// generator in the same package.

import (
	"fmt"
	"io"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chuckbox/importworker/internal/scoutbook"
	"github.com/chuckbox/importworker/internal/scoutbook/history"
)

// HistoryDefaultGeneratedAt is the "Generated:" time used when
// HistoryOptions.GeneratedAt is zero. It is fixed so output is reproducible;
// every date in the report lies on or before it.
var HistoryDefaultGeneratedAt = time.Date(2026, time.February, 3, 9, 15, 0, 0, time.UTC)

// HistoryOptions controls WriteHistory and HistoryReportFor. The zero value
// is valid: seed 0 picks the scout, the unit and the rank.
type HistoryOptions struct {
	// Seed selects the synthetic scout. Equal options give equal bytes.
	Seed int64
	// BSAMemberID is the scout's member ID (digits only); "" draws a
	// 9-digit ID from the seed.
	BSAMemberID string
	// FirstName and LastName name the scout; "" draws a name from the seed.
	FirstName, LastName string
	// UnitNumber is the troop number; "" draws one from the seed.
	UnitNumber string
	// Rank is the code of the highest awarded rank ("first_class"); the
	// next rank is shown in progress. "" draws a rank from the seed, skewed
	// toward the lower ranks, and "none" makes a new scout with no rank.
	Rank string
	// GeneratedAt is the report's "Generated:" time; zero means
	// HistoryDefaultGeneratedAt.
	GeneratedAt time.Time
	// CRLF ends every line with "\r\n" instead of "\n".
	CRLF bool
	// BOM starts the file with a UTF-8 byte order mark.
	BOM bool
}

// WriteHistory writes the history report that opts describe to w. The report
// has the header block, one section per awarded rank and the rank in
// progress (with the real requirement IDs of scoutbook.Ranks, and merit
// badge slots with `#` and abbreviations for Star, Life and Eagle),
// "Completed Merit Badges" with the header repeated for every badge,
// Leadership, Activities, Partial Merit Badges with "Completed
// Requirements: ... (YYYY Version)" lines, and Training, Order of the Arrow
// or Awards sections that an importer must skip.
func WriteHistory(w io.Writer, opts HistoryOptions) error {
	out, _, err := historyRender(opts)
	if err != nil {
		return err
	}
	if _, err := w.Write(out); err != nil {
		return fmt.Errorf("scoutgen: write history report: %w", err)
	}
	return nil
}

// HistoryReportFor returns what history.Parse must read from the
// report WriteHistory writes for opts, line numbers included, so tests can
// compare an import with the intended content. SkippedSections carry no
// Note: the note is the parser's wording, not part of the file.
func HistoryReportFor(opts HistoryOptions) (*history.Report, error) {
	_, rep, err := historyRender(opts)
	return rep, err
}

// historyNormalize fills in the defaults of opts and checks them.
func historyNormalize(opts HistoryOptions, r *rand.Rand) (HistoryOptions, int, error) {
	if opts.GeneratedAt.IsZero() {
		opts.GeneratedAt = HistoryDefaultGeneratedAt
	}
	opts.GeneratedAt = opts.GeneratedAt.UTC().Truncate(time.Second)
	if y := opts.GeneratedAt.Year(); y < 2000 || y > 2100 {
		return opts, 0, fmt.Errorf("scoutgen: history generated date %s is outside 2000-2100", opts.GeneratedAt.Format(time.DateOnly))
	}
	if opts.BSAMemberID == "" {
		opts.BSAMemberID = strconv.Itoa(900_000_000 + r.IntN(100_000_000))
	} else if strings.Trim(opts.BSAMemberID, "0123456789") != "" {
		return opts, 0, fmt.Errorf("scoutgen: history BSA member ID %q must be digits only", opts.BSAMemberID)
	}
	if opts.FirstName == "" {
		opts.FirstName = historyFirstNames[r.IntN(len(historyFirstNames))]
	}
	if opts.LastName == "" {
		opts.LastName = historyLastNames[r.IntN(len(historyLastNames))]
	}
	for _, s := range []string{opts.FirstName, opts.LastName, opts.UnitNumber} {
		if strings.ContainsAny(s, "\r\n\"") {
			return opts, 0, fmt.Errorf("scoutgen: history names and unit number cannot contain line breaks or quotes: %q", s)
		}
	}
	if opts.UnitNumber == "" {
		opts.UnitNumber = strconv.Itoa(1 + r.IntN(999))
	} else if !historyUnitNumberRe.MatchString(opts.UnitNumber) {
		return opts, 0, fmt.Errorf("scoutgen: history unit number %q must be digits with an optional letter, like 123 or 42B", opts.UnitNumber)
	}
	awarded := 0
	switch opts.Rank {
	case "":
		awarded = historyPickWeighted(r, []float64{8, 18, 18, 16, 14, 12, 8, 6})
	case "none":
	default:
		info, ok := scoutbook.RankByCode(opts.Rank)
		if !ok {
			return opts, 0, fmt.Errorf("scoutgen: history rank %q is not a rank code (or \"none\")", opts.Rank)
		}
		awarded = info.Order
	}
	return opts, awarded, nil
}

// historyUnitNumberRe is the shape of a unit number: "123", "42B".
var historyUnitNumberRe = regexp.MustCompile(`^[0-9]+[A-Za-z]?$`)

// historyFirstNames and historyLastNames are invented-name pools.
var (
	historyFirstNames = []string{"Morgan", "Riley", "Avery", "Jordan", "Casey", "Quinn", "Rowan", "Emerson", "Hayden", "Skyler", "Reese", "Parker"}
	historyLastNames  = []string{"Exampleton", "Sampleford", "Testwood", "Mockridge", "Fakenham", "Demoville", "O'Placeholder", "Specimen-Hart"}
)

// historyPickWeighted returns an index drawn with the given weights.
func historyPickWeighted(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	x := r.Float64() * total
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

// historyDays returns n sorted random days in [lo, hi] (hi >= lo).
func historyDays(r *rand.Rand, n int, lo, hi time.Time) []time.Time {
	span := int(hi.Sub(lo).Hours()/24) + 1
	days := make([]time.Time, n)
	for i := range days {
		days[i] = lo.AddDate(0, 0, r.IntN(max(span, 1)))
	}
	slices.SortFunc(days, func(a, b time.Time) int { return a.Compare(b) })
	return days
}

// historyLater returns the later of a and b.
func historyLater(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// historyEarlier returns the earlier of a and b.
func historyEarlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// historyDate converts a generator day to the parser's Date.
func historyDate(t time.Time) scoutbook.Date {
	if t.IsZero() {
		return scoutbook.Date{}
	}
	d, err := scoutbook.NewDate(t.Year(), t.Month(), t.Day())
	if err != nil {
		panic(fmt.Sprintf("scoutgen: generated an impossible date %v: %v", t, err)) // unreachable: t is a real day
	}
	return d
}

// historyFmtDate writes a date as the report does, MM/DD/YYYY, or the
// `__________` placeholder for no date.
func historyFmtDate(t time.Time) string {
	if t.IsZero() {
		return historyBlank
	}
	return t.Format("01/02/2006")
}

// historyBlank is the report's placeholder for "not done" and empty slots.
const historyBlank = "__________"

// historyQuote quotes a CSV cell.
func historyQuote(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// historyQuoteAll quotes every cell and joins them with commas.
func historyQuoteAll(cells ...string) string {
	q := make([]string, len(cells))
	for i, c := range cells {
		q[i] = historyQuote(c)
	}
	return strings.Join(q, ",")
}

// historyLines accumulates the report's lines; add returns the 1-based
// line number of the line it adds.
type historyLines struct{ lines []string }

func (l *historyLines) add(line string) int {
	l.lines = append(l.lines, line)
	return len(l.lines)
}

// historyRender draws the scout from opts and renders the report. It
// returns the file and the report a parser must read from it.
func historyRender(opts HistoryOptions) ([]byte, *history.Report, error) {
	r := rand.New(rand.NewPCG(uint64(opts.Seed), 0x686973746f7279)) // "history"
	opts, awarded, err := historyNormalize(opts, r)
	if err != nil {
		return nil, nil, err
	}
	g := historyNewScout(r, opts, awarded)

	var l historyLines
	rep := &history.Report{}
	g.writeHeader(&l, rep)
	g.writeRanks(&l, rep)
	g.writeCompleted(&l, rep)
	g.writeLeadership(&l, rep)
	skipEarly := r.IntN(2) == 0
	if skipEarly {
		g.writeSkipped(&l, rep)
	}
	g.writeActivities(&l, rep)
	g.writePartial(&l, rep)
	if !skipEarly {
		g.writeSkipped(&l, rep)
	}

	eol := "\n"
	if opts.CRLF {
		eol = "\r\n"
	}
	var b strings.Builder
	if opts.BOM {
		b.WriteString("\ufeff")
	}
	for _, line := range l.lines {
		b.WriteString(line)
		b.WriteString(eol)
	}
	return []byte(b.String()), rep, nil
}

// historyBadge is one merit badge the scout has earned or started.
type historyBadge struct {
	info  scoutbook.MeritBadgeInfo
	date  time.Time // completion date, or start date of a partial badge
	label string    // the name printed in a rank's merit badge slot
}

// historyPosition is one leadership position held.
type historyPosition struct {
	name, detail string
	start, end   time.Time
}

// historyRankPlan is one rank section: its award date (zero when in
// progress), its requirement dates and, for Star/Life/Eagle, its badges.
type historyRankPlan struct {
	info    scoutbook.RankInfo
	awarded time.Time
	reqs    []time.Time // per RequirementIDs entry; zero = not done
	slots   []historyBadge
	need    int // number of merit badge slots shown
}

// historyScout is everything drawn for one scout.
type historyScout struct {
	r                    *rand.Rand
	opts                 HistoryOptions
	today, joined, birth time.Time
	ranks                []historyRankPlan
	badges               []historyBadge // completed, in date order
	partial              []historyBadge
	positions            []historyPosition
}

// historySlotNeeds is how many merit badges Star, Life and Eagle each add,
// and how many of those must be Eagle-required.
var historySlotNeeds = map[string][2]int{"star": {6, 4}, "life": {5, 3}, "eagle": {10, 7}}

// historyRankGaps are the least and most days between the previous step
// (joining, or the previous rank) and each rank, in rank order.
var historyRankGaps = [][2]int{{30, 90}, {60, 150}, {60, 180}, {60, 200}, {130, 250}, {190, 300}, {190, 400}}

// historyNewScout draws the scout's timeline, ranks, badges and positions.
func historyNewScout(r *rand.Rand, opts HistoryOptions, awarded int) *historyScout {
	g := &historyScout{r: r, opts: opts}
	y, m, d := opts.GeneratedAt.Date()
	g.today = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)

	// Work the timeline back from today: gaps for every awarded rank, then
	// some time already spent on the rank in progress.
	gaps := make([]int, awarded)
	total := 20 + r.IntN(150)
	for i := range gaps {
		gaps[i] = historyRankGaps[i][0] + r.IntN(historyRankGaps[i][1]-historyRankGaps[i][0]+1)
		total += gaps[i]
	}
	g.joined = g.today.AddDate(0, 0, -total)
	g.birth = g.joined.AddDate(-10, -r.IntN(18), -r.IntN(28))

	eagleOrder, electives := historyBadgeOrder(r)
	prev := g.joined
	for i, info := range scoutbook.Ranks {
		if i > awarded {
			break
		}
		plan := historyRankPlan{info: info}
		end := g.today
		if i < awarded {
			plan.awarded = prev.AddDate(0, 0, gaps[i])
			end = plan.awarded
		}
		plan.reqs = g.requirementDates(prev, end, len(info.RequirementIDs), i < awarded)
		if need, ok := historySlotNeeds[info.Code]; ok {
			plan.need = need[0]
			count := need[0]
			if i == awarded {
				count = r.IntN(need[0]) // in progress: some slots still empty
			}
			eagles := min(count, need[1])
			lo := historyLater(g.joined.AddDate(0, 0, 30), prev.AddDate(0, 0, -150))
			hi := end.AddDate(0, 0, -1)
			if i == awarded {
				hi = g.today
			}
			dates := historyDays(r, count, lo, historyLater(lo, hi))
			for j := range count {
				var b historyBadge
				if j < eagles && len(eagleOrder) > 0 {
					b, eagleOrder = eagleOrder[0], eagleOrder[1:]
				} else {
					b, electives = electives[0], electives[1:]
				}
				b.date = dates[j]
				b.label = g.slotLabel(b.info)
				plan.slots = append(plan.slots, b)
				g.badges = append(g.badges, b)
			}
			// Requirement 3 is met by the last of its badges, or not yet.
			if k := slices.Index(info.RequirementIDs, "3"); k >= 0 {
				plan.reqs[k] = time.Time{}
				if count == need[0] {
					plan.reqs[k] = dates[count-1]
				}
			}
		}
		g.ranks = append(g.ranks, plan)
		if i < awarded {
			prev = plan.awarded
		}
	}

	// Badges outside the rank slots: summer camp before Star, extras after.
	extra := r.IntN(3)
	if awarded < 4 {
		extra = r.IntN(5)
	}
	for _, day := range historyDays(r, extra, g.joined.AddDate(0, 0, 20), g.today) {
		var b historyBadge
		if r.IntN(2) == 0 && len(eagleOrder) > 0 {
			b, eagleOrder = eagleOrder[0], eagleOrder[1:]
		} else {
			b, electives = electives[0], electives[1:]
		}
		b.date = day
		g.badges = append(g.badges, b)
	}
	slices.SortStableFunc(g.badges, func(a, b historyBadge) int { return a.date.Compare(b.date) })

	// Started badges, from the ones not earned.
	for range r.IntN(4) {
		var b historyBadge
		if r.IntN(2) == 0 && len(eagleOrder) > 0 {
			b, eagleOrder = eagleOrder[0], eagleOrder[1:]
		} else {
			b, electives = electives[0], electives[1:]
		}
		b.date = g.today.AddDate(0, 0, -r.IntN(365))
		if b.date.Before(g.joined) {
			b.date = g.joined
		}
		g.partial = append(g.partial, b)
	}

	g.positions = g.drawPositions(awarded)
	return g
}

// requirementDates dates the requirements of a rank worked on between from
// and to: all of them when the rank was awarded, a random part otherwise.
func (g *historyScout) requirementDates(from, to time.Time, n int, all bool) []time.Time {
	done := make([]bool, n)
	share := 1.0
	if !all {
		share = 0.15 + 0.7*g.r.Float64()
	}
	count := 0
	for i := range done {
		done[i] = all || g.r.Float64() < share
		if done[i] {
			count++
		}
	}
	lo := from.AddDate(0, 0, 1)
	days := historyDays(g.r, count, historyEarlier(lo, to), to)
	out := make([]time.Time, n)
	for i := range out {
		if done[i] {
			out[i], days = days[0], days[1:]
		}
	}
	return out
}

// historyBadgeOrder returns the order in which this scout earns the 14
// Eagle-required badges (one of each either/or group) and a shuffled list
// of electives, both as badges without dates.
func historyBadgeOrder(r *rand.Rand) (eagle, electives []historyBadge) {
	codes := []string{
		"first_aid", "citizenship_in_the_community", "citizenship_in_the_nation", "citizenship_in_the_world",
		"citizenship_in_society", "communication", "cooking", "personal_fitness", "personal_management",
		"family_life", "camping",
		[]string{"emergency_preparedness", "lifesaving"}[r.IntN(2)],
		[]string{"environmental_science", "sustainability"}[r.IntN(2)],
		[]string{"cycling", "hiking", "swimming"}[r.IntN(3)],
	}
	elective := slices.Clone(historyElectives)
	r.Shuffle(len(codes), func(i, j int) { codes[i], codes[j] = codes[j], codes[i] })
	r.Shuffle(len(elective), func(i, j int) { elective[i], elective[j] = elective[j], elective[i] })
	for _, c := range codes {
		eagle = append(eagle, historyBadgeByCode(c))
	}
	for _, c := range elective {
		electives = append(electives, historyBadgeByCode(c))
	}
	return eagle, electives
}

// historyElectives are popular non-Eagle badges, including names that need
// CSV quoting or normalisation ("Signs, Signals, and Codes", "Fish &
// Wildlife Management", "Small-Boat Sailing").
var historyElectives = []string{
	"chess", "fishing", "canoeing", "climbing", "photography", "kayaking", "geocaching", "leatherwork",
	"archery", "rifle_shooting", "wilderness_survival", "fingerprinting", "fire_safety", "space_exploration",
	"signs_signals_and_codes", "fish_wildlife_management", "small_boat_sailing", "wood_carving", "astronomy",
	"bird_study", "art", "robotics", "game_design", "search_and_rescue", "pioneering", "orienteering",
	"backpacking", "nature", "weather", "reptile_and_amphibian_study", "dog_care", "basketry",
}

// historyBadgeByCode looks a badge up in the reference data. The codes
// above are all known; a missing one is a programming error caught by the
// tests.
func historyBadgeByCode(code string) historyBadge {
	info, ok := scoutbook.MeritBadgeByCode(code)
	if !ok {
		panic("scoutgen: unknown badge code " + code)
	}
	return historyBadge{info: info}
}

// historySlotLabels are the abbreviations Scoutbook prints in rank slots;
// the first is the usual one, the others are variants used now and then.
var historySlotLabels = map[string][]string{
	"citizenship_in_the_community": {"Cit. in Comm.", "Cit. in Community"},
	"citizenship_in_the_nation":    {"Cit. in Nation"},
	"citizenship_in_the_world":     {"Cit. in World"},
	"citizenship_in_society":       {"Cit. in Society"},
	"environmental_science":        {"Enviro. Science", "Env. Science"},
	"personal_fitness":             {"Pers. Fitness"},
	"personal_management":          {"Personal Mgmt.", "Pers. Mgmt."},
	"emergency_preparedness":       {"Emerg. Prep.", "Emergency Prep."},
}

// slotLabel is the name a rank slot prints for a badge.
func (g *historyScout) slotLabel(info scoutbook.MeritBadgeInfo) string {
	labels := historySlotLabels[info.Code]
	switch {
	case len(labels) == 0:
		return info.Name
	case len(labels) > 1 && g.r.IntN(4) == 0:
		return labels[1+g.r.IntN(len(labels)-1)]
	default:
		return labels[0]
	}
}

// historyMarked adds the Eagle-required marker to a badge name.
func historyMarked(name string, eagle bool) string {
	if eagle {
		return name + " #"
	}
	return name
}

// historyPositionNames are positions a youth may hold.
var historyPositionNames = []string{
	"Patrol Leader", "Assistant Patrol Leader", "Scribe", "Librarian", "Quartermaster", "Historian",
	"Chaplain Aide", "Den Chief", "Troop Guide", "Instructor", "OA Troop Representative", "Bugler",
}

// historyPatrols are patrol names for a Patrol Leader's detail.
var historyPatrols = []string{"Example Patrol", "Hawk Patrol", "Flaming Arrows", "Bear Patrol"}

// drawPositions draws past and current positions of responsibility.
func (g *historyScout) drawPositions(awarded int) []historyPosition {
	n := g.r.IntN(2 + awarded/2)
	var out []historyPosition
	start := g.joined.AddDate(0, 0, 60+g.r.IntN(60))
	for i := range n {
		if !start.Before(g.today) {
			break
		}
		p := historyPosition{name: historyPositionNames[g.r.IntN(len(historyPositionNames))], start: start}
		if strings.HasSuffix(p.name, "Patrol Leader") {
			p.detail = historyPatrols[g.r.IntN(len(historyPatrols))]
		}
		end := start.AddDate(0, 6, 0)
		if i < n-1 && end.Before(g.today) {
			p.end = end
		}
		out = append(out, p)
		start = end.AddDate(0, 0, 1)
	}
	return out
}

// writeHeader writes the five header lines and a blank line.
func (g *historyScout) writeHeader(l *historyLines, rep *history.Report) {
	o := g.opts
	h := &rep.Header
	l.add("Generated: " + o.GeneratedAt.Format("01/02/2006 15:04:05"))
	h.GeneratedAt = o.GeneratedAt
	h.Title = "Scouts BSA History Report"
	l.add(h.Title)

	gender := []string{"BOYS", "GIRLS"}[g.r.IntN(2)]
	h.Name = o.FirstName + " " + o.LastName
	h.FirstName, h.LastName, _ = strings.Cut(h.Name, " ")
	h.UnitType, h.UnitNumber, h.UnitGender = "Troop", o.UnitNumber, gender
	h.NameLine = l.add(historyQuote(h.Name + " Troop " + o.UnitNumber + " " + gender))

	rankValue := ""
	for _, rk := range g.ranks {
		if !rk.awarded.IsZero() {
			rankValue = rk.info.Name + "(" + historyFmtDate(rk.awarded) + ")"
			h.CurrentRankName, h.CurrentRankCode, h.CurrentRankDate = rk.info.Name, rk.info.Code, historyDate(rk.awarded)
		}
	}
	h.BirthDate, h.DateJoined = historyDate(g.birth), historyDate(g.joined)
	l.add(historyQuoteAll("Birthdate:", historyFmtDate(g.birth), "Date Joined Scouts BSA:", historyFmtDate(g.joined), "Rank:", rankValue) + ",")

	var current strings.Builder
	positionsLine := len(l.lines) + 1
	for _, p := range g.positions {
		if p.end.IsZero() {
			current.WriteString(p.name + historyFmtDate(p.start) + " ")
			h.Positions = append(h.Positions, history.Position{Name: p.name, StartDate: historyDate(p.start), Line: positionsLine})
		}
	}
	h.BSAMemberID = o.BSAMemberID
	l.add(historyQuoteAll("BSA ID:", o.BSAMemberID, "Position:", current.String()) + ",")
	h.Fields = map[string]string{
		"Birthdate": historyFmtDate(g.birth), "Date Joined Scouts BSA": historyFmtDate(g.joined),
		"Rank": rankValue, "BSA ID": o.BSAMemberID, "Position": strings.TrimSpace(current.String()),
	}
	l.add("")
}

// historyRequirementTopics give each rank requirement number a short text.
var historyRequirementTopics = map[string][]string{
	"scout":        {"Scout Oath & Law", "Scout spirit & advancement", "Patrol method", "Knots", "Pocketknife safety", "Personal safety awareness", "Scoutmaster conference"},
	"tenderfoot":   {"Camping gear, tent & campsite", "Cooking", "Knots & lashings", "First aid", "Hiking & buddy system", "Fitness", "Flag & service", "Leaders", "Scout spirit", "Scoutmaster conference", "Board of review"},
	"second_class": {"Campouts & Leave No Trace", "Fire & cooking", "Navigation", "Wild animals", "Swimming", "First aid", "Fitness & drugs", "Money & service", "Personal safety", "Scout spirit", "Scoutmaster conference", "Board of review"},
	"first_class":  {"Campouts & Leave No Trace", "Meal planning & cooking", "Lashings & pioneering", "Orienteering", "Plants & animals", "Swimming & rescue", "First aid", "Fitness", "Citizenship, careers", "Tell a friend", "Scout spirit", "Scoutmaster conference", "Board of review"},
	"star":         {"Active participation", "Scout spirit", "Six Merit Badges", "Service project, 6 hours", "Position of responsibility", "Personal safety", "Scoutmaster conference", "Board of review"},
	"life":         {"Active participation", "Scout spirit", "Five more Merit Badges", "Service project, 6 hours", "Position of responsibility", "Teach a skill (EDGE)", "Scoutmaster conference", "Board of review"},
	"eagle":        {"Active participation", "Scout spirit & references", "21 Merit Badges", "Position of responsibility", "Eagle service project", "Ambitions & life purpose", "Scoutmaster conference"},
}

// historyRequirementText is the short text of a rank requirement ID: the
// topic of its number ("5b" → topic 5).
func historyRequirementText(rank, id string) string {
	num, _ := strconv.Atoi(strings.TrimRight(id, "abcdefghijklmnopqrstuvwxyz"))
	if topics := historyRequirementTopics[rank]; num >= 1 && num <= len(topics) {
		return topics[num-1]
	}
	return "Requirement " + id
}

// writeRanks writes one section per rank plan, each followed by a blank line.
func (g *historyScout) writeRanks(l *historyLines, rep *history.Report) {
	for _, plan := range g.ranks {
		rank := history.Rank{Code: plan.info.Code, Name: plan.info.Name, AwardedDate: historyDate(plan.awarded)}
		awarded := ""
		if !plan.awarded.IsZero() {
			awarded = historyFmtDate(plan.awarded)
		}
		rank.Line = l.add(plan.info.Name + ",," + historyQuote(awarded))
		for i, id := range plan.info.RequirementIDs {
			text := historyRequirementText(plan.info.Code, id)
			line := l.add(historyQuoteAll(id, text, historyFmtDate(plan.reqs[i])))
			rank.Requirements = append(rank.Requirements, history.Requirement{ID: id, Text: text, Date: historyDate(plan.reqs[i]), Line: line})
			if id != "3" || plan.need == 0 {
				continue
			}
			// Merit badge slots follow requirement 3 of Star, Life and Eagle.
			for _, b := range plan.slots {
				line := l.add(historyQuoteAll("", historyMarked(b.label, b.info.EagleRequired), historyFmtDate(b.date)))
				rank.MeritBadgeSlots = append(rank.MeritBadgeSlots, history.BadgeSlot{
					BadgeName: b.label, BadgeCode: b.info.Code, EagleRequired: b.info.EagleRequired, Date: historyDate(b.date), Line: line,
				})
			}
			for range plan.need - len(plan.slots) {
				l.add(historyQuoteAll("", historyBlank, historyBlank))
			}
		}
		rep.Ranks = append(rep.Ranks, rank)
		l.add("")
	}
}

// writeCompleted writes "Completed Merit Badges", repeating the header before
// every badge as Scoutbook does.
func (g *historyScout) writeCompleted(l *historyLines, rep *history.Report) {
	if len(g.badges) == 0 {
		return
	}
	for _, b := range g.badges {
		l.add(historyQuote("Completed Merit Badges"))
		line := l.add(historyQuoteAll(historyMarked(b.info.Name, b.info.EagleRequired), historyFmtDate(b.date)))
		rep.CompletedBadges = append(rep.CompletedBadges, history.CompletedBadge{
			Name: b.info.Name, Code: b.info.Code, EagleMarked: b.info.EagleRequired, Date: historyDate(b.date), Line: line,
		})
	}
	l.add("")
}

// writeLeadership writes the Leadership section.
func (g *historyScout) writeLeadership(l *historyLines, rep *history.Report) {
	if len(g.positions) == 0 {
		return
	}
	l.add(historyQuoteAll("Leadership", "Start Date", "End Date"))
	for _, p := range g.positions {
		name := p.name
		if p.detail != "" {
			name += " (" + p.detail + ")"
		}
		line := l.add(historyQuoteAll(name, historyFmtDate(p.start), historyFmtDate(p.end)))
		rep.Leadership = append(rep.Leadership, history.Leadership{
			Position: p.name, Detail: p.detail, StartDate: historyDate(p.start), EndDate: historyDate(p.end), Line: line,
		})
	}
	l.add("")
}

// writeActivities writes the Activities totals.
func (g *historyScout) writeActivities(l *historyLines, rep *history.Report) {
	a := &rep.Activities
	a.Line = l.add(historyQuote("Activities"))
	a.ServiceHours = float64(g.r.IntN(240)) / 4 // quarter hours
	a.HikingMiles = float64(g.r.IntN(80))
	a.CampingNights = float64(g.r.IntN(60))
	a.Totals = map[string]float64{}
	for _, t := range []struct {
		label string
		value float64
		text  string
	}{
		{"Total Service Hours", a.ServiceHours, strconv.FormatFloat(a.ServiceHours, 'f', 2, 64)},
		{"Total Hiking Miles", a.HikingMiles, strconv.FormatFloat(a.HikingMiles, 'f', -1, 64)},
		{"Total Camping Nights", a.CampingNights, strconv.FormatFloat(a.CampingNights, 'f', -1, 64)},
	} {
		l.add(historyQuoteAll(t.label, t.text))
		a.Totals[t.label] = t.value
	}
	l.add("")
}

// writePartial writes "Partial Merit Badges" with each badge's "Completed
// Requirements:" line.
func (g *historyScout) writePartial(l *historyLines, rep *history.Report) {
	if len(g.partial) == 0 {
		return
	}
	l.add(historyQuoteAll("Partial Merit Badges", "Start Date"))
	for _, b := range g.partial {
		pb := history.PartialBadge{Name: b.info.Name, Code: b.info.Code, EagleMarked: b.info.EagleRequired, StartDate: historyDate(b.date)}
		pb.Line = l.add(historyQuoteAll(historyMarked(b.info.Name, b.info.EagleRequired), historyFmtDate(b.date)))
		if g.r.IntN(5) > 0 {
			pb.Version = 2019 + g.r.IntN(8)
		}
		ids := historyBadgeRequirementIDs(g.r)
		done := ids[:g.r.IntN(len(ids))]
		if len(done) > 0 {
			pb.CompletedRequirementIDs = slices.Clone(done)
		}
		text := "Completed Requirements: " + strings.Join(done, ", ")
		if pb.Version != 0 {
			text += "(" + strconv.Itoa(pb.Version) + " Version)"
		}
		if len(done) > 0 || pb.Version != 0 {
			pb.RequirementsLine = l.add(historyQuote(text))
		}
		rep.PartialBadges = append(rep.PartialBadges, pb)
	}
	l.add("")
}

// historyBadgeRequirementIDs draws a badge's requirement IDs in the shapes
// seen in real exports: 4, 4b, 5(a), 3a[1], 6A(a)(1), 7.
func historyBadgeRequirementIDs(r *rand.Rand) []string {
	var ids []string
	for n := 1; n <= 5+r.IntN(7); n++ {
		num := strconv.Itoa(n)
		subs := 2 + r.IntN(3)
		switch historyPickWeighted(r, []float64{30, 40, 12, 6, 6, 6}) {
		case 0:
			ids = append(ids, num)
		case 1:
			for s := range subs {
				ids = append(ids, num+string(rune('a'+s)))
			}
		case 2:
			for s := range subs {
				ids = append(ids, num+"("+string(rune('a'+s))+")")
			}
		case 3:
			for s := range subs {
				ids = append(ids, num+"a["+strconv.Itoa(s+1)+"]")
			}
		case 4:
			for s := range subs {
				ids = append(ids, num+"A(a)("+strconv.Itoa(s+1)+")")
			}
		default:
			ids = append(ids, num+".")
		}
	}
	return ids
}

// writeSkipped writes sections an importer skips: always Training, Order of
// the Arrow for First Class scouts and up, and sometimes Awards.
func (g *historyScout) writeSkipped(l *historyLines, rep *history.Report) {
	type section struct {
		title string
		body  [][2]string
	}
	var sections []section
	day := func() string { return historyFmtDate(historyDays(g.r, 1, g.joined, g.today)[0]) }
	sections = append(sections, section{"Training", [][2]string{{"Introduction to Leadership Skills for Troops", day()}}})
	if len(g.ranks) > 4 && g.r.IntN(2) == 0 {
		sections = append(sections, section{"Order of the Arrow", [][2]string{{"Ordeal", day()}}})
	}
	if g.r.IntN(2) == 0 {
		sections = append(sections, section{"Awards", [][2]string{{"Cyber Chip", day()}, {"50-Miler Award", day()}}})
	}
	for _, s := range sections {
		skip := history.SkippedSection{Name: s.title, Line: l.add(historyQuote(s.title)), Lines: len(s.body)}
		for _, row := range s.body {
			l.add(historyQuoteAll(row[0], row[1]))
		}
		rep.SkippedSections = append(rep.SkippedSections, skip)
		l.add("")
	}
}
