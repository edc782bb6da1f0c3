package scoutgen

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// day is a calendar date counted in days since 1970-01-01. The zero value
// means "no date"; generated dates are never that early.
type day int32

// noDay is the absent date.
const noDay day = 0

// dayOf converts a UTC midnight time to a day.
func dayOf(t time.Time) day {
	return day(t.Unix() / 86400)
}

// ymd returns the date's year, month and day of month.
func (d day) ymd() (year, month, dom int) {
	y, m, dd := time.Unix(int64(d)*86400, 0).UTC().Date()
	return y, int(m), dd
}

// dateStyle is how a non-empty date is spelled.
type dateStyle int

const (
	dateTwoDigits     dateStyle = iota // 03/04/2024 (the default)
	dateOneDigit                       // 3/4/2024
	dateOneDigitTime                   // 3/4/2024 12:00:00 AM
	dateTwoDigitsTime                  // 03/04/2024 12:00:00 AM
)

// emptyStyle is how an absent date is spelled.
type emptyStyle int

const (
	emptySlashes     emptyStyle = iota // "/  /" (the default)
	emptyUnderscores                   // "__________"
	emptyBlank                         // ""
)

// appendDate appends d in the given styles to buf.
func appendDate(buf []byte, d day, style dateStyle, empty emptyStyle) []byte {
	if d == noDay {
		switch empty {
		case emptyUnderscores:
			return append(buf, "__________"...)
		case emptyBlank:
			return buf
		default:
			return append(buf, "/  /"...)
		}
	}
	y, m, dd := d.ymd()
	pad := style == dateTwoDigits || style == dateTwoDigitsTime
	buf = appendDatePart(buf, m, pad)
	buf = append(buf, '/')
	buf = appendDatePart(buf, dd, pad)
	buf = append(buf, '/')
	buf = strconv.AppendInt(buf, int64(y), 10)
	if style == dateOneDigitTime || style == dateTwoDigitsTime {
		buf = append(buf, " 12:00:00 AM"...)
	}
	return buf
}

// appendDatePart appends a month or day, zero-padded to two digits if pad.
func appendDatePart(buf []byte, v int, pad bool) []byte {
	if pad && v < 10 {
		buf = append(buf, '0')
	}
	return strconv.AppendInt(buf, int64(v), 10)
}

// randomDays returns n dates drawn uniformly from [from, to], ascending.
func randomDays(r *rand.Rand, n int, from, to day) []day {
	if to < from {
		to = from
	}
	out := make([]day, n)
	for i := range out {
		out[i] = from + day(r.IntN(int(to-from)+1))
	}
	slices.Sort(out)
	return out
}
