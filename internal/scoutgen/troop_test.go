package scoutgen

import (
	"bytes"
	"errors"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteTroopIsDeterministic(t *testing.T) {
	opts := DefaultTroopOptions()
	first, stats1 := generate(t, opts)
	second, stats2 := generate(t, opts)
	require.True(t, bytes.Equal(first, second), "same options must give the same bytes")
	require.Equal(t, stats1, stats2)

	opts.Seed = 2
	other, _ := generate(t, opts)
	require.False(t, bytes.Equal(first, other), "another seed must give another troop")
}

func TestWriteTroopIsValidCSV(t *testing.T) {
	data, stats := generate(t, DefaultTroopOptions())
	header, records := readRecords(t, data)
	require.Equal(t, troopHeader, header)
	require.Len(t, header, 23)
	require.Equal(t, stats.Rows, len(records), "every data row is counted once")

	kinds := map[RowKind]int{}
	completed := 0
	members := map[string]bool{}
	memberID := regexp.MustCompile(`^[1-9][0-9]{8}$`)
	for _, rec := range records {
		if !memberID.MatchString(rec[colMemberID]) {
			t.Fatalf("member ID %q is not 9 digits", rec[colMemberID])
		}
		members[rec[colMemberID]] = true
		kinds[kindOf(rec[colType])]++
		if isCompleted(rec) {
			completed++
		}
		for _, flag := range []string{rec[colAwarded], rec[colApproved]} {
			if flag != "0" && flag != "1" {
				t.Fatalf("flag %q is not 0 or 1", flag)
			}
		}
	}
	require.Equal(t, stats.RowsByKind, kinds, "stats agree with the file")
	require.Equal(t, stats.CompletedRequirements, completed)
	require.Equal(t, stats.Scouts, len(members))
	require.Equal(t, DefaultScouts, stats.Scouts)
}

// The targets below come from domain.md 7.1 (a real 55-scout export: 55,606
// rows, 62.2% merit badge requirement rows, "27k+ requirements") and 7.2
// (inferred: 60-70% of requirement rows completed, about 25 badges per
// scout, Merit Badges rows 2-3%, Rank rows up to 1%). The tolerances are
// assumptions about how close a synthetic troop must be.
func TestWriteTroopMatchesTheMeasuredShape(t *testing.T) {
	_, stats := generate(t, DefaultTroopOptions())

	require.InDelta(t, 55_000, stats.Rows, 6_000, "about 1,000 rows per scout")
	require.InDelta(t, 0.622, stats.Share(KindMeritBadgeRequirement), 0.03)
	require.GreaterOrEqual(t, stats.CompletedRequirements, 27_000)
	requirementRows := stats.RowsByKind[KindMeritBadgeRequirement] + stats.RowsByKind[KindRankRequirement]
	require.InDelta(t, 0.65, float64(stats.CompletedRequirements)/float64(requirementRows), 0.06)
	require.InDelta(t, 0.025, stats.Share(KindMeritBadge), 0.01)
	require.InDelta(t, 0.005, stats.Share(KindRank), 0.004)
	require.InDelta(t, 0.12, stats.Share(KindRankRequirement), 0.05)
	require.Positive(t, stats.MeritBadgeHeaderRows)
	require.Less(t, stats.MeritBadgeHeaderRows, stats.RowsByKind[KindMeritBadgeRequirement]/5)

	// Other seeds stay near the targets too.
	for seed := int64(2); seed <= 4; seed++ {
		_, s := generate(t, TroopOptions{Seed: seed, Noise: true})
		require.InDelta(t, 55_000, s.Rows, 7_000, "seed %d", seed)
		require.InDelta(t, 0.622, s.Share(KindMeritBadgeRequirement), 0.04, "seed %d", seed)
		require.Greater(t, s.CompletedRequirements, 25_000, "seed %d", seed)
	}
}

func TestWriteTroopScalesWithScouts(t *testing.T) {
	_, small := generate(t, TroopOptions{Scouts: 5, Seed: 3})
	require.Equal(t, 5, small.Scouts)
	require.InDelta(t, 5_000, small.Rows, 2_500)

	_, one := generate(t, TroopOptions{Scouts: 1, Seed: 3, Noise: true})
	require.Equal(t, 1, one.Scouts)
	require.Positive(t, one.RowsByKind[KindRankRequirement])
}

// countingWriter counts bytes and discards them.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

func TestWriteTroopStreamsALargeTroop(t *testing.T) {
	if testing.Short() {
		t.Skip("550 scouts: about half a million rows")
	}
	var w countingWriter
	stats, err := WriteTroop(&w, TroopOptions{Scouts: 550, Seed: 9, Noise: true})
	require.NoError(t, err)
	require.Equal(t, 550, stats.Scouts)
	require.InDelta(t, 550_000, stats.Rows, 50_000)
	require.Greater(t, w.n, int64(stats.Rows)*100, "rows are a few hundred bytes each")
}

// failingWriter fails after accepting limit bytes.
type failingWriter struct{ limit int }

var errDiskFull = errors.New("disk full")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n := f.limit
		f.limit = 0
		return n, errDiskFull
	}
	f.limit -= len(p)
	return len(p), nil
}

func TestWriteTroopStopsOnWriteErrors(t *testing.T) {
	stats, err := WriteTroop(&failingWriter{limit: 200_000}, DefaultTroopOptions())
	require.ErrorIs(t, err, errDiskFull)
	require.Contains(t, err.Error(), "scoutgen")
	require.Less(t, stats.Scouts, DefaultScouts, "stops early instead of generating the rest")
}

func TestWriteTroopRejectsBadOptions(t *testing.T) {
	_, err := WriteTroop(io.Discard, TroopOptions{Scouts: -1})
	require.Error(t, err)
	_, err = WriteTroop(io.Discard, TroopOptions{Scouts: MaxScouts + 1})
	require.Error(t, err)
	require.Nil(t, Roster(TroopOptions{Scouts: -1}))
}

func TestWriteTroopLineEndingsAndBOM(t *testing.T) {
	plain, _ := generate(t, TroopOptions{Scouts: 3, Seed: 5})
	require.False(t, bytes.HasPrefix(plain, []byte("\ufeff")))
	require.NotContains(t, string(plain), "\r")
	require.True(t, bytes.HasPrefix(plain, []byte("bsamemberid,firstname,")))

	crlf, _ := generate(t, TroopOptions{Scouts: 3, Seed: 5, CRLF: true, BOM: true})
	require.True(t, bytes.HasPrefix(crlf, []byte("\ufeffbsamemberid,")))
	require.True(t, bytes.HasSuffix(crlf, []byte("\r\n")))
	require.Equal(t, bytes.Count(crlf, []byte("\n")), bytes.Count(crlf, []byte("\r\n")), "every line ends with CRLF")
	// Same content, other framing.
	require.Equal(t, string(plain), strings.ReplaceAll(strings.TrimPrefix(string(crlf), "\ufeff"), "\r\n", "\n"))
}

func TestWriteTroopNoiseElements(t *testing.T) {
	data, stats := generate(t, DefaultTroopOptions())
	text := string(data)
	_, records := readRecords(t, data)

	// Empty-date spellings, time suffixes, one-digit months.
	require.Contains(t, text, ",/  /,")
	require.Contains(t, text, ",__________,")
	require.Contains(t, text, " 12:00:00 AM,")
	require.Regexp(t, `,[1-9]/[0-9]{1,2}/20[0-9]{2},`, text)
	require.Regexp(t, `,(0[1-9]|1[0-2])/[0-3][0-9]/20[0-9]{2},`, text)

	// Exact duplicate rows and blank lines.
	require.Positive(t, stats.DuplicateRows)
	require.True(t, hasDuplicateLine(text), "some data line appears twice")
	require.Positive(t, stats.BlankLines)
	require.Contains(t, text, "\n\n")

	// Historical, unknown and specially spelled badge names.
	require.Contains(t, text, `,"Merit Badges","World Brotherhood MB",`)
	require.Contains(t, text, `,"Merit Badges","Atomic Energy",`)
	require.Contains(t, text, `"Underwater Basket Weaving Merit Badge Requirements"`)
	require.Contains(t, text, `"Fish and Wildlife Management Merit Badge Requirements"`)
	require.Contains(t, text, `,"Signs, Signals, and Codes Merit Badge Requirements",`)
	require.Contains(t, text, `"Fish & Wildlife Management MB"`)
	require.Contains(t, text, ` Merit Badge",`, "a Merit Badges row spelled without MB")

	// Names with commas and quotes, quoted properly.
	require.Contains(t, text, `, Jr."`)
	require.Contains(t, text, `"""Scooter"""`)
	foundComma, foundQuote := false, false
	for _, rec := range records {
		foundComma = foundComma || strings.HasSuffix(rec[colLastName], ", Jr.")
		foundQuote = foundQuote || rec[colNickname] == `"Scooter"`
	}
	require.True(t, foundComma)
	require.True(t, foundQuote)

	// "Other" rows, header rows, a requirement under two versions.
	require.Contains(t, text, `,"Awards","`)
	require.Positive(t, stats.RowsByKind[KindOther])
	require.True(t, hasRequirementUnderTwoVersions(records))
	require.True(t, hasHeaderRow(records))
	require.True(t, hasStartedBadgeWithoutRow(records))
	require.True(t, hasAwardedDateWithoutFlag(records))
}

func TestWriteTroopWithoutNoiseIsClean(t *testing.T) {
	data, stats := generate(t, TroopOptions{Seed: 1})
	text := string(data)
	require.NotContains(t, text, "__________")
	require.NotContains(t, text, "12:00:00 AM")
	require.NotContains(t, text, "\n\n")
	require.NotContains(t, text, "World Brotherhood")
	require.NotContains(t, text, "Underwater Basket Weaving")
	require.NotContains(t, text, `""`+"Scooter")
	require.Zero(t, stats.DuplicateRows)
	require.Zero(t, stats.BlankLines)
	require.False(t, hasDuplicateLine(text))

	_, records := readRecords(t, data)
	date := regexp.MustCompile(`^(/  /|(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])/20[0-9]{2})$`)
	for _, rec := range records {
		for _, c := range []int{colDateCompleted, colMarkedDate, colAwardedDate} {
			if !date.MatchString(rec[c]) {
				t.Fatalf("date %q is not MM/DD/YYYY or /  /", rec[c])
			}
		}
	}
	require.False(t, hasRequirementUnderTwoVersions(records))
}

func TestNoiseDoesNotChangeTheRecords(t *testing.T) {
	// Noise is drawn from separate streams: apart from the rows noise adds
	// and the spellings it varies, the records are the same with and without
	// it.
	clean, _ := generate(t, TroopOptions{Scouts: 20, Seed: 4})
	noisy, _ := generate(t, TroopOptions{Scouts: 20, Seed: 4, Noise: true})
	_, cleanRecs := readRecords(t, clean)
	_, noisyRecs := readRecords(t, noisy)
	// member, type, ID, version and completion of every requirement row of
	// the reference badges and ranks, plus every other row's item.
	summary := func(recs [][]string) map[string]int {
		out := map[string]int{}
		for _, rec := range recs {
			typ := rec[colType]
			if strings.Contains(typ, "World Brotherhood") || strings.Contains(typ, "Atomic Energy") ||
				strings.Contains(typ, "Underwater Basket Weaving") || kindOf(typ) == KindMeritBadge {
				continue
			}
			key := strings.Join([]string{rec[colMemberID], typ, rec[colAdvancement], rec[colVersion]}, "|")
			if isCompleted(rec) {
				key += "|done"
			}
			out[key] = 1 // duplicates collapse
		}
		return out
	}
	cleanSum, noisySum := summary(cleanRecs), summary(noisyRecs)
	extra := 0
	for k := range noisySum {
		if cleanSum[k] == 0 {
			extra++ // the requirement listed under a second version
		}
	}
	require.LessOrEqual(t, extra, 2)
	for k := range cleanSum {
		if noisySum[k] == 0 {
			t.Fatalf("noise changed or dropped %s", k)
		}
	}
}

// hasDuplicateLine reports whether a non-empty line occurs twice.
func hasDuplicateLine(text string) bool {
	seen := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if line == "" {
			continue
		}
		if seen[line] {
			return true
		}
		seen[line] = true
	}
	return false
}

// hasRequirementUnderTwoVersions reports whether one scout lists the same
// requirement of the same badge or rank under two version years.
func hasRequirementUnderTwoVersions(records [][]string) bool {
	versions := map[string]string{}
	for _, rec := range records {
		if !isRequirement(rec) || rec[colAdvancement] == "" {
			continue
		}
		key := rec[colMemberID] + "|" + rec[colType] + "|" + rec[colAdvancement]
		if v, ok := versions[key]; ok && v != rec[colVersion] {
			return true
		}
		versions[key] = rec[colVersion]
	}
	return false
}

// hasHeaderRow reports whether a merit badge requirement row has no ID.
func hasHeaderRow(records [][]string) bool {
	for _, rec := range records {
		if kindOf(rec[colType]) == KindMeritBadgeRequirement && rec[colAdvancement] == "" {
			return true
		}
	}
	return false
}

// hasStartedBadgeWithoutRow reports whether some scout has requirement rows
// for a badge but no Merit Badges row for it.
func hasStartedBadgeWithoutRow(records [][]string) bool {
	withRow := map[string]bool{}
	for _, rec := range records {
		if kindOf(rec[colType]) == KindMeritBadge {
			name := strings.TrimSuffix(strings.TrimSuffix(rec[colAdvancement], " MB"), " Merit Badge")
			name = strings.ReplaceAll(name, " & ", " and ")
			withRow[rec[colMemberID]+"|"+name] = true
		}
	}
	for _, rec := range records {
		if kindOf(rec[colType]) == KindMeritBadgeRequirement {
			name := strings.TrimSuffix(rec[colType], " Merit Badge Requirements")
			if !withRow[rec[colMemberID]+"|"+name] {
				return true
			}
		}
	}
	return false
}

// hasAwardedDateWithoutFlag reports whether a Merit Badges row has an
// awarded date but awarded = 0.
func hasAwardedDateWithoutFlag(records [][]string) bool {
	for _, rec := range records {
		if kindOf(rec[colType]) == KindMeritBadge && rec[colAwarded] == "0" && hasDate(rec[colAwardedDate]) {
			return true
		}
	}
	return false
}

func TestBadgeRequirementsAreCompletePrefixesInDateOrder(t *testing.T) {
	data, _ := generate(t, TroopOptions{Seed: 6})
	_, records := readRecords(t, data)

	// Per (scout, badge type, version): the IDs listed, which are done, and
	// their dates.
	type listing struct {
		ids   []string
		done  []bool
		dates []string
	}
	listings := map[string]*listing{}
	var order []string
	for _, rec := range records {
		if kindOf(rec[colType]) != KindMeritBadgeRequirement || rec[colAdvancement] == "" {
			continue
		}
		key := rec[colMemberID] + "|" + rec[colType] + "|" + rec[colVersion]
		l, ok := listings[key]
		if !ok {
			l = &listing{}
			listings[key] = l
			order = append(order, key)
		}
		l.ids = append(l.ids, rec[colAdvancement])
		l.done = append(l.done, isCompleted(rec))
		d := rec[colDateCompleted]
		if !hasDate(d) {
			d = rec[colMarkedDate]
		}
		l.dates = append(l.dates, d)
	}
	require.NotEmpty(t, order)

	// Every scout working a badge version lists the same IDs in the same order.
	byVersion := map[string][]string{}
	for _, key := range order {
		l := listings[key]
		versionKey := key[strings.Index(key, "|")+1:]
		if want, ok := byVersion[versionKey]; ok {
			if !slices.Equal(want, l.ids) {
				t.Fatalf("%s: IDs differ between scouts:\n%v\n%v", versionKey, want, l.ids)
			}
		} else {
			byVersion[versionKey] = l.ids
		}
		// Completed requirements form a prefix, dated in order.
		prefix := true
		var last string
		for i, done := range l.done {
			if !done {
				prefix = false
				continue
			}
			if !prefix {
				t.Fatalf("%s: requirement %s done after an open one", key, l.ids[i])
			}
			d := sortableDate(t, l.dates[i])
			if d < last {
				t.Fatalf("%s: requirement %s dated %s before %s", key, l.ids[i], d, last)
			}
			last = d
		}
	}
}

func TestRankProgressionIsOrdered(t *testing.T) {
	data, _ := generate(t, TroopOptions{Seed: 8})
	_, records := readRecords(t, data)

	awarded := map[string][]string{} // member -> awarded rank names in file order
	reqTypes := map[string]map[string]bool{}
	for _, rec := range records {
		m := rec[colMemberID]
		switch kindOf(rec[colType]) {
		case KindRank:
			if rec[colAwarded] == "1" {
				awarded[m] = append(awarded[m], rec[colAdvancement])
				require.True(t, hasDate(rec[colAwardedDate]))
			}
		case KindRankRequirement:
			if reqTypes[m] == nil {
				reqTypes[m] = map[string]bool{}
			}
			reqTypes[m][rec[colType]] = true
		}
	}
	levels := map[int]int{}
	for m, ranks := range awarded {
		// Awarded ranks start at Scout and have no gaps.
		require.Equal(t, rankRowNames[:len(ranks)], ranks, m)
		// Requirement rows cover every awarded rank and the next one.
		want := min(len(ranks)+1, 7)
		require.Len(t, reqTypes[m], want, m)
		levels[len(ranks)]++
	}
	// Skewed toward the lower ranks: fewer Eagles than scouts below Star.
	low := levels[1] + levels[2] + levels[3] + levels[4]
	require.Greater(t, low, 3*levels[7])
}

// datePrefix matches the M/D/YYYY start of a date field.
var datePrefix = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})`)

// sortableDate turns M/D/YYYY into YYYY-MM-DD for comparisons.
func sortableDate(t *testing.T, s string) string {
	t.Helper()
	m := datePrefix.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("%q is not a date", s)
	}
	pad := func(v string) string {
		if len(v) == 1 {
			return "0" + v
		}
		return v
	}
	return m[3] + "-" + pad(m[1]) + "-" + pad(m[2])
}

func TestVersionYearsFollowTheMeasuredDistribution(t *testing.T) {
	data, _ := generate(t, TroopOptions{Scouts: 150, Seed: 10})
	_, records := readRecords(t, data)
	perYear := map[string]int{}
	total := 0
	for _, rec := range records {
		if kindOf(rec[colType]) == KindMeritBadgeRequirement {
			perYear[rec[colVersion]]++
			total++
		}
	}
	share := func(years ...string) float64 {
		n := 0
		for _, y := range years {
			n += perYear[y]
		}
		return float64(n) / float64(total)
	}
	// Measured (domain.md 1.3): 2023-2025 34.1%, 2013-2016 19.0%, 2002-2012
	// about 6%.
	require.InDelta(t, 0.341, share("2023", "2024", "2025"), 0.08)
	require.InDelta(t, 0.19, share("2013", "2014", "2015", "2016"), 0.07)
	require.Less(t, share("2002", "2003", "2004", "2005", "2006", "2007", "2008", "2009", "2010", "2011", "2012"), 0.10)
	for y := range perYear {
		require.Regexp(t, `^20(0[2-9]|1[0-9]|2[0-6])$`, y)
	}
}

func TestBadgesAreDrawnByPopularity(t *testing.T) {
	data, _ := generate(t, TroopOptions{Scouts: 150, Seed: 11})
	_, records := readRecords(t, data)
	scouts := map[string]map[string]bool{}
	for _, rec := range records {
		if kindOf(rec[colType]) != KindMeritBadgeRequirement {
			continue
		}
		b := strings.TrimSuffix(rec[colType], " Merit Badge Requirements")
		if scouts[b] == nil {
			scouts[b] = map[string]bool{}
		}
		scouts[b][rec[colMemberID]] = true
	}
	type count struct {
		badge string
		n     int
	}
	var counts []count
	perScout := 0
	for b, s := range scouts {
		counts = append(counts, count{b, len(s)})
		perScout += len(s)
	}
	sort.Slice(counts, func(i, j int) bool {
		if counts[i].n != counts[j].n {
			return counts[i].n > counts[j].n
		}
		return counts[i].badge < counts[j].badge
	})
	// About 25 badges touched per scout (domain.md 7.2, inferred).
	require.InDelta(t, 25, float64(perScout)/150, 4)

	// Eagle-required and camp badges dominate the top of the list.
	eagleOrCamp := map[string]bool{}
	for _, b := range buildBadgeCatalog() {
		if b.eagle || b.weight >= campBadgeWeight {
			eagleOrCamp[b.csvName] = true
		}
	}
	top := 0
	for _, c := range counts[:10] {
		if eagleOrCamp[c.badge] {
			top++
		}
	}
	require.GreaterOrEqual(t, top, 8, "%v", counts[:10])
	rank := map[string]int{}
	for i, c := range counts {
		rank[c.badge] = i
	}
	require.Less(t, rank["Camping"], 5)
	// The long tail stays rare.
	for _, b := range buildBadgeCatalog() {
		if b.weight <= 1 {
			require.Less(t, len(scouts[b.csvName]), 15, b.csvName)
		}
	}
}

func BenchmarkWriteTroop(b *testing.B) {
	opts := DefaultTroopOptions()
	var w countingWriter
	for b.Loop() {
		w.n = 0
		if _, err := WriteTroop(&w, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(w.n)
}
