package advancement

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Limits bound what one troop import may cost, whatever its file holds. A zero field takes its
// default. The defaults are well above a real export (a generated 2,000-scout export has
// 2.1 million rows, about 10,000 distinct requirement ids and at most 91 ids per badge
// version) and far below what would exhaust the worker's memory or the database.
type Limits struct {
	// MaxRows is the number of rows a file may have; a larger file fails, nothing written.
	MaxRows int
	// MaxScouts is the number of scouts a file may list; more fails the file.
	MaxScouts int
	// MaxIDsPerItem is the number of distinct requirement ids one rank or badge version may
	// have in a file (a real badge version has 5 to 91). Rows with further ids are skipped.
	MaxIDsPerItem int
	// MaxIDsPerFile is the number of distinct (rank or badge, version, requirement id) a file
	// may list. Rows with further ids are skipped.
	MaxIDsPerFile int
	// MaxUnknownIDs is the number of requirement ids the reference data lacks that one file may
	// record for its unit. Further ones are not imported.
	MaxUnknownIDs int
	// MaxWarningsPerKind is the number of warnings of one kind kept one by one while staging;
	// beyond it they are counted in one summary warning, so a hostile file cannot fill the
	// worker's memory with warnings.
	MaxWarningsPerKind int
}

// Default limits.
const (
	DefaultMaxRows            = 3_000_000
	DefaultMaxScouts          = 5_000
	DefaultMaxIDsPerItem      = 150
	DefaultMaxIDsPerFile      = 50_000
	DefaultMaxUnknownIDs      = 20_000
	DefaultMaxWarningsPerKind = 200
)

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxRows, DefaultMaxRows)
	def(&l.MaxScouts, DefaultMaxScouts)
	def(&l.MaxIDsPerItem, DefaultMaxIDsPerItem)
	def(&l.MaxIDsPerFile, DefaultMaxIDsPerFile)
	def(&l.MaxUnknownIDs, DefaultMaxUnknownIDs)
	def(&l.MaxWarningsPerKind, DefaultMaxWarningsPerKind)
	return l
}

// fileLimitError refuses a file as a whole for its size, with the leader's message: nothing is
// written and a retry would fail the same way.
type fileLimitError string

func (e fileLimitError) Error() string { return string(e) }

// MaxRequirementIDLength is the longest requirement id accepted (Scoutbook's longest are about
// 21 characters, e.g. "4a1 Triathlon Option"). The database checks the same bound.
const MaxRequirementIDLength = 40

// requirementIDProblem says why id cannot be a Scoutbook requirement id, or "" when it can.
//
// A requirement id starts with a digit and holds only ASCII letters, digits, spaces and
// . - ( ) [ ]: every shape seen in real exports (1a, 7., 3a[1], 6A(a)(1), 2 Option A (3)(b),
// 4a1 Triathlon Option). Anything else (markup such as <script>, a link, a sentence, control
// characters) is not a requirement, and an id the reference data lacks would otherwise be
// shown to the unit's leaders as one.
func requirementIDProblem(id string) string {
	if id == "" {
		return "is empty"
	}
	if n := utf8.RuneCountInString(id); n > MaxRequirementIDLength {
		return fmt.Sprintf("is %d characters long; a requirement id has at most %d", n, MaxRequirementIDLength)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= '0' && c <= '9':
		case i == 0:
			return "does not start with a digit, as every requirement id does (1a, 3a[1], 6A(a)(1))"
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == ' ', c == '.', c == '-', c == '(', c == ')', c == '[', c == ']':
		default:
			return "holds characters a requirement id never has (only letters, digits, spaces and . - ( ) [ ] are allowed)"
		}
	}
	return ""
}

// shortValue quotes v for a message, cut to 40 characters, so a 5,000-character value or one
// with control characters stays readable.
func shortValue(v string) string {
	const max = 40
	if utf8.RuneCountInString(v) <= max {
		return strconv.Quote(v)
	}
	r := []rune(v)
	return strconv.Quote(string(r[:max])) + "…"
}

// LimitEnv names the environment variables LimitsFromEnv reads, by Limits field.
var LimitEnv = map[string]string{
	"MaxRows":            "IMPORT_MAX_ROWS",
	"MaxScouts":          "IMPORT_MAX_SCOUTS",
	"MaxIDsPerItem":      "IMPORT_MAX_IDS_PER_ITEM",
	"MaxIDsPerFile":      "IMPORT_MAX_IDS_PER_FILE",
	"MaxUnknownIDs":      "IMPORT_MAX_UNKNOWN_IDS",
	"MaxWarningsPerKind": "IMPORT_MAX_WARNINGS_PER_KIND",
}

// LimitsFromEnv reads the limits from the environment (LimitEnv); an unset variable keeps the
// default. A value that is not a positive integer is an error naming the variable.
func LimitsFromEnv(getenv func(string) string) (Limits, error) {
	var l Limits
	for _, f := range []struct {
		field string
		dst   *int
	}{
		{"MaxRows", &l.MaxRows}, {"MaxScouts", &l.MaxScouts}, {"MaxIDsPerItem", &l.MaxIDsPerItem},
		{"MaxIDsPerFile", &l.MaxIDsPerFile}, {"MaxUnknownIDs", &l.MaxUnknownIDs}, {"MaxWarningsPerKind", &l.MaxWarningsPerKind},
	} {
		name := LimitEnv[f.field]
		v := getenv(name)
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return Limits{}, fmt.Errorf("%s=%q: want a positive whole number", name, v)
		}
		*f.dst = n
	}
	return l.withDefaults(), nil
}
