package scoutbook

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Date is a calendar date as written in a Scoutbook export, without a time
// of day or a time zone. The zero value means "no date" (Scoutbook writes
// `/  /`, underscores or nothing for that). Dates are comparable with ==.
//
// A dedicated type, rather than time.Time, keeps the "no date" case explicit
// and avoids any time zone shifting a completion date by a day.
type Date struct {
	year  uint16
	month uint8
	day   uint8
}

// NewDate returns the date year-month-day. It returns an error when the date
// does not exist in the calendar (2024-02-30) or the year is outside 1–9999.
func NewDate(year int, month time.Month, day int) (Date, error) {
	if reason := dateCalendarProblem(year, int(month), day); reason != "" {
		return Date{}, fmt.Errorf("date %04d-%02d-%02d: %s", year, int(month), day, reason)
	}
	return Date{year: uint16(year), month: uint8(month), day: uint8(day)}, nil
}

// IsZero reports whether d is the zero Date, meaning "no date".
func (d Date) IsZero() bool { return d == Date{} }

// String returns the date as ISO YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	var b [10]byte
	y := int(d.year)
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4] = '-'
	b[5], b[6] = byte('0'+d.month/10), byte('0'+d.month%10)
	b[7] = '-'
	b[8], b[9] = byte('0'+d.day/10), byte('0'+d.day%10)
	return string(b[:])
}

// Time returns midnight UTC of the date, or the zero time.Time for the zero
// Date.
func (d Date) Time() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(int(d.year), time.Month(d.month), int(d.day), 0, 0, 0, 0, time.UTC)
}

// Compare returns -1 if d is before other, +1 if it is after, and 0 if they
// are equal. The zero Date sorts before every real date.
func (d Date) Compare(other Date) int {
	a := int(d.year)<<16 | int(d.month)<<8 | int(d.day)
	b := int(other.year)<<16 | int(other.month)<<8 | int(other.day)
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	default:
		return 0
	}
}

// MarshalText encodes the date as YYYY-MM-DD, and the zero Date as an empty
// string. With the `omitzero` JSON option a zero Date is left out entirely.
func (d Date) MarshalText() ([]byte, error) {
	return []byte(d.String()), nil
}

// UnmarshalText accepts every form that [ParseDate] accepts; empty text gives
// the zero Date.
func (d *Date) UnmarshalText(text []byte) error {
	parsed, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// errBadDate is wrapped by every error that ParseDate returns.
var errBadDate = errors.New("invalid date")

// ParseDate reads one date field of a Scoutbook export.
//
// Accepted forms: `M/D/YYYY` or `MM/DD/YYYY`, optionally followed by a space
// and a time (`3/4/2024 12:00:00 AM`, `3/4/2024 13:05`), and ISO `YYYY-MM-DD`,
// optionally followed by `T` or a space and a time (`2024-03-04T10:00:00Z`).
// The time is checked for shape and then dropped: the date is taken as
// written, without time zone conversion.
//
// Empty forms return the zero Date and a nil error: a blank field, `/  /`
// (any whitespace between the slashes) and anything made only of
// underscores, slashes and spaces (`__________`, `__/__/____`).
//
// Any other text is an error whose message quotes the value and says what
// was expected. Impossible calendar dates such as 2/30/2024 are errors too.
func ParseDate(s string) (Date, error) {
	d, reason := dateScan(s)
	if reason != "" {
		return Date{}, fmt.Errorf("%w: %q %s", errBadDate, strings.TrimSpace(s), reason)
	}
	return d, nil
}

// Reasons used in date error messages. They follow the quoted value, as in
// `"13/45/2024" is not a real calendar date (...)`.
const (
	dateReasonShape = "is not a date (expected M/D/YYYY, e.g. 3/14/2024, or YYYY-MM-DD)"
	dateReasonTime  = "has a time after the date that cannot be read (expected e.g. 3/14/2024 12:00:00 AM)"
)

// dateScan parses s and returns the date, or a non-empty reason saying why s
// is not a date. It never allocates on success.
func dateScan(s string) (Date, string) {
	s = strings.TrimSpace(s)
	if dateIsEmptyForm(s) {
		return Date{}, ""
	}

	var year, month, day int
	var rest string
	var ok bool
	if len(s) >= 5 && s[4] == '-' {
		year, month, day, rest, ok = dateScanISO(s)
	} else {
		year, month, day, rest, ok = dateScanSlash(s)
	}
	if !ok {
		return Date{}, dateReasonShape
	}
	if reason := dateCalendarProblem(year, month, day); reason != "" {
		return Date{}, "is not a real calendar date (" + reason + ")"
	}
	if rest != "" && !dateValidClock(rest) {
		return Date{}, dateReasonTime
	}
	return Date{year: uint16(year), month: uint8(month), day: uint8(day)}, ""
}

// dateIsEmptyForm reports whether s is one of Scoutbook's ways of writing
// "no date": nothing, or only underscores, slashes and whitespace.
func dateIsEmptyForm(s string) bool {
	for _, r := range s {
		switch r {
		case '_', '/', ' ', '\t', '\u00a0':
		default:
			return false
		}
	}
	return true
}

// dateScanSlash reads M/D/YYYY at the start of s. rest is what follows the
// date after a separating whitespace run; text glued to the year fails.
func dateScanSlash(s string) (year, month, day int, rest string, ok bool) {
	month, i, ok := dateDigits(s, 0, 1, 2)
	if !ok || i >= len(s) || s[i] != '/' {
		return 0, 0, 0, "", false
	}
	day, i, ok = dateDigits(s, i+1, 1, 2)
	if !ok || i >= len(s) || s[i] != '/' {
		return 0, 0, 0, "", false
	}
	year, i, ok = dateDigits(s, i+1, 4, 4)
	if !ok {
		return 0, 0, 0, "", false
	}
	rest, ok = dateTimeSuffix(s[i:], false)
	return year, month, day, rest, ok
}

// dateScanISO reads YYYY-MM-DD at the start of s, followed by nothing, by
// `T` and a time, or by whitespace and a time.
func dateScanISO(s string) (year, month, day int, rest string, ok bool) {
	year, i, ok := dateDigits(s, 0, 4, 4)
	if !ok || i >= len(s) || s[i] != '-' {
		return 0, 0, 0, "", false
	}
	month, i, ok = dateDigits(s, i+1, 2, 2)
	if !ok || i >= len(s) || s[i] != '-' {
		return 0, 0, 0, "", false
	}
	day, i, ok = dateDigits(s, i+1, 2, 2)
	if !ok {
		return 0, 0, 0, "", false
	}
	rest, ok = dateTimeSuffix(s[i:], true)
	return year, month, day, rest, ok
}

// dateTimeSuffix checks what follows a date: nothing, or whitespace and a
// time, or (ISO only) `T` and a time. It returns the time text.
func dateTimeSuffix(after string, allowT bool) (string, bool) {
	if after == "" {
		return "", true
	}
	if allowT && (after[0] == 'T' || after[0] == 't') {
		if len(after) == 1 {
			return "", false
		}
		return after[1:], true
	}
	trimmed := strings.TrimLeft(after, " \t")
	if len(trimmed) == len(after) || trimmed == "" {
		return "", false
	}
	return trimmed, true
}

// dateDigits reads between minDigits and maxDigits ASCII digits of s starting
// at i and returns their value and the index after them.
func dateDigits(s string, i, minDigits, maxDigits int) (value, next int, ok bool) {
	n := 0
	for i+n < len(s) && n < maxDigits && s[i+n] >= '0' && s[i+n] <= '9' {
		value = value*10 + int(s[i+n]-'0')
		n++
	}
	return value, i + n, n >= minDigits
}

// dateCalendarProblem returns "" when year-month-day exists, and otherwise a
// short explanation for a troop leader.
func dateCalendarProblem(year, month, day int) string {
	switch {
	case year < 1 || year > 9999:
		return "the year must be between 1 and 9999"
	case month < 1 || month > 12:
		return "the month must be 1 to 12"
	case day < 1:
		return "the day must be at least 1"
	}
	if last := dateDaysInMonth(year, month); day > last {
		return fmt.Sprintf("%s %d has %d days", time.Month(month), year, last)
	}
	return ""
}

// dateDaysInMonth returns the number of days of month in year (Gregorian).
func dateDaysInMonth(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	default:
		return 31
	}
}

// dateValidClock checks the shape of a time of day that follows a date:
// H:MM, optional :SS and fraction, optional AM/PM, optional zone
// (Z, UTC, GMT, +HH, +HHMM, +HH:MM). The value itself is not used.
func dateValidClock(s string) bool {
	hour, i, ok := dateDigits(s, 0, 1, 2)
	if !ok || hour > 23 || i >= len(s) || s[i] != ':' {
		return false
	}
	minute, i, ok := dateDigits(s, i+1, 2, 2)
	if !ok || minute > 59 {
		return false
	}
	if i < len(s) && s[i] == ':' {
		var second int
		second, i, ok = dateDigits(s, i+1, 2, 2)
		if !ok || second > 60 {
			return false
		}
		if i < len(s) && (s[i] == '.' || s[i] == ',') {
			if _, i, ok = dateDigits(s, i+1, 1, 9); !ok {
				return false
			}
		}
	}
	rest := strings.TrimLeft(s[i:], " ")
	if len(rest) >= 2 && (strings.EqualFold(rest[:2], "AM") || strings.EqualFold(rest[:2], "PM")) {
		if hour > 12 {
			return false
		}
		rest = strings.TrimLeft(rest[2:], " ")
	}
	return dateValidZone(rest)
}

// dateValidZone accepts an empty string or a time zone designator.
func dateValidZone(s string) bool {
	switch {
	case s == "", s == "Z", s == "z", strings.EqualFold(s, "UTC"), strings.EqualFold(s, "GMT"):
		return true
	case s[0] != '+' && s[0] != '-':
		return false
	}
	hours, i, ok := dateDigits(s, 1, 2, 2)
	if !ok || hours > 23 {
		return false
	}
	if i < len(s) && s[i] == ':' {
		i++
	}
	if i == len(s) {
		return s[i-1] != ':'
	}
	minutes, i, ok := dateDigits(s, i, 2, 2)
	return ok && minutes <= 59 && i == len(s)
}
