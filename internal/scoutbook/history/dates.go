package history

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// historyDateAnywhereRe finds M/D/YYYY inside longer text, such as the
// header's "Patrol Leader09/01/2025".
var historyDateAnywhereRe = regexp.MustCompile(`(\d{1,2})/(\d{1,2})/(\d{4})`)

// historyIsBlankDate reports whether s is one of the report's ways of
// writing "nothing here": empty, underscores (`__________`) or `/  /`.
// Merit badge slots and requirement IDs use the same placeholder.
func historyIsBlankDate(s string) bool {
	s = strings.TrimSpace(s)
	return s == "" || strings.Contains(s, "__") || strings.ReplaceAll(s, " ", "") == "//"
}

// historyTimeLayouts are the clock formats accepted after the date on the
// "Generated:" line.
var historyTimeLayouts = []string{"15:04:05", "15:04", "3:04:05 PM", "3:04 PM", "3:04:05PM", "3:04PM"}

// historyParseDateTime reads the "Generated:" value,
// "MM/DD/YYYY[ hh:mm[:ss][ AM|PM]]", as a time in UTC (the report does not
// say which zone it uses). A time of day that cannot be read is dropped and
// the date kept.
func historyParseDateTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	datePart, clock, _ := strings.Cut(s, " ")
	d, err := scoutbook.ParseDate(datePart)
	if err != nil || d.IsZero() {
		return time.Time{}, false
	}
	clock = strings.ToUpper(strings.TrimSpace(clock))
	for _, layout := range historyTimeLayouts {
		if c, err := time.Parse(layout, clock); err == nil {
			return d.Time().Add(time.Duration(c.Hour())*time.Hour +
				time.Duration(c.Minute())*time.Minute +
				time.Duration(c.Second())*time.Second), true
		}
	}
	return d.Time(), true
}

// historyParseNumber reads an activity total such as "6.50" or "1,234".
func historyParseNumber(s string) (float64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
