package advancement

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chuckbox/importworker/internal/scoutbook"
)

// DefaultMaxProblemRows is how many rows with a problem (skipped, or imported with a value that
// could not be read) a file may have before it is refused as a whole. A real export has none or a
// handful; ten thousand means the wrong file, and stopping there bounds the work and the issues
// stored for it.
const DefaultMaxProblemRows = 10_000

// issueBatch is how many row issues are stored per transaction while the file is read.
const issueBatch = 500

// Codes of the problems found in the file's rows.
const (
	// codeInvalidRow (declared in issues.go): a row that cannot be used at all was skipped.
	// codeInvalidValue: a value could not be read and was taken as empty (no date, no, no
	// version); the rest of the row was imported.
	codeInvalidValue = "invalid_value"
)

// errTooManyProblemRows is returned by staging when the file has more rows with problems than
// the budget allows.
var errTooManyProblemRows = errors.New("too many rows with problems")

// rowReporter receives the problems found in the file's rows while it is read. It keeps few of
// them in memory: with flush set, they are handed over (to be stored) in batches of issueBatch;
// without (a dry run, which stores nothing), they are kept, which the budget bounds. Once more
// than budget rows have a problem, reading stops with errTooManyProblemRows.
type rowReporter struct {
	strict bool                // problems are errors: the file will be refused
	budget int                 // rows with a problem allowed; more refuse the file
	flush  func([]Issue) error // stores a batch; nil keeps every issue in kept

	pending []Issue
	kept    []Issue // without flush: every issue
	first   []Issue // the first three, for the job's message
	rows    int     // rows with a problem
	skipped int     // rows skipped
}

// newRowReporter returns a reporter; budget <= 0 means DefaultMaxProblemRows.
func newRowReporter(strict bool, budget int, flush func([]Issue) error) *rowReporter {
	if budget <= 0 {
		budget = DefaultMaxProblemRows
	}
	return &rowReporter{strict: strict, budget: budget, flush: flush}
}

// severity is the severity of a row problem: an error when strict mode refuses the file for it,
// else a warning (the row or value was skipped, the rest imported).
func (r *rowReporter) severity() string {
	if r.strict {
		return "error"
	}
	return "warning"
}

// skippedRow reports a row that was skipped, with the reason pe, and the row as far as it was
// read (for the scout's name).
func (r *rowReporter) skippedRow(row scoutbook.TroopRow, pe *scoutbook.ParseError) error {
	r.skipped++
	is := r.issue(codeInvalidRow, row, pe)
	is.Fingerprint = fmt.Sprintf("%s|%d", codeInvalidRow, pe.Line)
	return r.rowDone([]Issue{is})
}

// badValues reports the values of row that could not be read (row.Problems); the row itself is
// imported.
func (r *rowReporter) badValues(row scoutbook.TroopRow) error {
	issues := make([]Issue, 0, len(row.Problems))
	for _, pe := range row.Problems {
		is := r.issue(codeInvalidValue, row, pe)
		is.Fingerprint = fmt.Sprintf("%s|%d|%s", codeInvalidValue, pe.Line, pe.Field)
		issues = append(issues, is)
	}
	return r.rowDone(issues)
}

// add reports one problem that is not tied to a parsed row (the staged JSON path).
func (r *rowReporter) add(is Issue) error {
	r.skipped++
	is.Severity = r.severity()
	return r.rowDone([]Issue{is})
}

// rowDone records the issues of one row and enforces the budget.
func (r *rowReporter) rowDone(issues []Issue) error {
	r.rows++
	if r.rows > r.budget {
		// Store what was found so far: the job's issues then list the first budget rows.
		if err := r.close(); err != nil {
			return err
		}
		return fmt.Errorf("%w: more than %d", errTooManyProblemRows, r.budget)
	}
	for _, is := range issues {
		if len(r.first) < 3 {
			r.first = append(r.first, is)
		}
		if r.flush == nil {
			r.kept = append(r.kept, is)
			continue
		}
		r.pending = append(r.pending, is)
	}
	if len(r.pending) >= issueBatch {
		return r.close()
	}
	return nil
}

// close hands over the issues not stored yet.
func (r *rowReporter) close() error {
	if r.flush == nil || len(r.pending) == 0 {
		return nil
	}
	batch := r.pending
	r.pending = nil
	return r.flush(batch)
}

// issue builds the issue of one problem of row.
func (r *rowReporter) issue(code string, row scoutbook.TroopRow, pe *scoutbook.ParseError) Issue {
	is := Issue{Severity: r.severity(), Code: code, Line: pe.Line, Item: pe.Field,
		Message: rowProblemMessage(pe)}
	if len(row.BSAMemberID) <= scoutbook.MaxMemberIDLength && row.BSAMemberID != "" && strings.Trim(row.BSAMemberID, "0123456789") == "" {
		is.BSAMemberID = row.BSAMemberID
	}
	is.ScoutName = clip(strings.TrimSpace(row.FirstName+" "+row.LastName), 100)
	is.Details = map[string]any{"field": pe.Field, "value": clip(pe.Value, 200)}
	return is
}

// rowProblemMessage is the leader's message for a row problem: `Line 17, field "datecompleted":
// "13/45/2024" is not a real calendar date (...); it was read as no date.` A long value is cut.
func rowProblemMessage(pe *scoutbook.ParseError) string {
	short := *pe
	short.Value = clip(pe.Value, 100)
	msg := short.Error()
	if msg != "" {
		r, size := utf8.DecodeRuneInString(msg)
		msg = string(unicode.ToUpper(r)) + msg[size:]
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// clip cuts s to at most n bytes (on a rune boundary), marking the cut with "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
