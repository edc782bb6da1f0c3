package scoutbook

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrMalformed is wrapped by every fatal *ParseError caused by the file's
// structure: an unusable header, a quote that is never closed, a record too
// long to be real. Test with errors.Is(err, ErrMalformed).
var ErrMalformed = errors.New("scoutbook: malformed troop advancement export")

// ParseError describes a problem in a Troop Advancement export, in terms a
// troop leader can act on: where it is (Line, Field), what was found (Value)
// and what was expected (Msg).
//
// Row-level errors (Fatal false) concern one row; the TroopReader stays
// usable and the caller may go on collecting errors. Fatal errors mean the
// rest of the file cannot be trusted; every later call to Next returns the
// same error.
type ParseError struct {
	// Line is the 1-based line of the record's first physical line, or 0 when
	// unknown.
	Line int `json:"line"`
	// Field is the canonical column name (e.g. "datecompleted"), or "" when
	// the problem concerns the whole record.
	Field string `json:"field,omitempty"`
	// Value is the offending value, trimmed; "" when not applicable.
	Value string `json:"value,omitempty"`
	// Msg says what is wrong and what was expected.
	Msg string `json:"msg"`
	// Fatal is true when reading cannot continue.
	Fatal bool `json:"fatal,omitempty"`
	// Err is the underlying cause, if any: ErrMalformed (possibly joined with
	// an encoding/csv error) for structural problems, or the read error of
	// the underlying io.Reader.
	Err error `json:"-"`
}

// Error formats the error as
// `line 17, field "datecompleted": "13/45/2024" is not a date (...)`.
func (e *ParseError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Field != "" {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString("field ")
		b.WriteString(strconv.Quote(e.Field))
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Value != "" {
		b.WriteString(strconv.Quote(e.Value))
		b.WriteByte(' ')
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap returns the underlying cause, so that errors.Is(err, ErrMalformed)
// works for structural problems.
func (e *ParseError) Unwrap() error { return e.Err }

// Limits that keep memory bounded whatever the input.
const (
	// troopMaxRecordBytes caps one record (including quoted newlines, and
	// any blank lines before it). A real row is a few hundred bytes; a
	// runaway quote would otherwise pull the rest of the file into memory
	// before failing.
	troopMaxRecordBytes = 1 << 20
	// troopReadBuffer is the size of the read buffer.
	troopReadBuffer = 64 << 10
	// troopCacheEntries and troopCacheKeyLen bound the name caches.
	troopCacheEntries = 4096
	troopCacheKeyLen  = 256
)

// errTroopRecordTooLong is returned by troopInput when a record grows past
// troopMaxRecordBytes.
var errTroopRecordTooLong = errors.New("record too long")

// TroopReader reads a Scoutbook "Troop Advancement" CSV export one row at a
// time, holding only the current record in memory. Create one with
// [NewTroopReader] and call [TroopReader.Next] until it returns io.EOF.
// A TroopReader is not safe for concurrent use.
type TroopReader struct {
	in  *troopInput
	csv *csv.Reader
	bom int64 // bytes of the skipped byte order mark

	cols        [troopColumnCount]int // column index in the record, -1 if absent
	minFields   int                   // records need this many fields to hold every required column
	maxFields   int                   // records with more fields than this are shifted: skipped
	hasHeader   bool
	pending     []string // first record when the file has no header row
	pendingLine int

	lastLine int   // last physical line of the previous record
	fatal    error // sticky fatal *ParseError
	stats    TroopStats

	// Caches of derived names, keyed by raw column values; names repeat on
	// thousands of rows. Bounded by troopCacheEntries.
	typeCache  map[string]troopTypeClass
	badgeCache map[string][2]string // advancement → {badge name, badge key}
}

// NewTroopReader reads the header of a Troop Advancement export from r and
// returns a reader positioned on the first data row. r is read incrementally
// and never closed.
//
// Columns are found by header name, ignoring case, whitespace and underscores
// (`BSA Member ID` matches `bsamemberid`). When the first row is data rather
// than a header (its first field is a number), the standard Scoutbook column
// positions are used and that row is returned by the first Next call.
//
// The error is a fatal *ParseError (wrapping ErrMalformed) when the file is
// empty, is not UTF-8 text, or its header lacks a required column; the
// message names the missing columns.
func NewTroopReader(r io.Reader) (*TroopReader, error) {
	if r == nil {
		return nil, errors.New("scoutbook: NewTroopReader: nil reader")
	}
	in := &troopInput{r: r, limit: troopMaxRecordBytes + troopReadBuffer}
	buffered := bufio.NewReaderSize(in, troopReadBuffer)
	tr := &TroopReader{
		in:         in,
		typeCache:  make(map[string]troopTypeClass),
		badgeCache: make(map[string][2]string),
	}
	if err := tr.skipByteOrderMark(buffered); err != nil {
		return nil, err
	}

	tr.csv = csv.NewReader(buffered)
	tr.csv.FieldsPerRecord = -1 // rows may be shorter than the header; checked per row
	tr.csv.ReuseRecord = true   // field strings stay valid; only the slice is reused
	// LazyQuotes stays false: with it, a quote that is never closed silently
	// swallows the rest of the file into one field. A real export quotes
	// every text field and doubles embedded quotes, so strict RFC 4180
	// parsing costs nothing and turns corruption into an error with a line.

	record, line, err := tr.readRecord()
	if errors.Is(err, io.EOF) {
		return nil, tr.setFatal(&ParseError{
			Msg: "the file is empty: expected a Scoutbook Troop Advancement export starting with a header row",
			Err: ErrMalformed,
		})
	}
	if err != nil {
		return nil, err
	}
	if err := tr.mapColumns(record, line); err != nil {
		return nil, tr.setFatal(err)
	}
	return tr, nil
}

// Next returns the next data row. Blank lines, and rows whose fields are all
// blank, are skipped. At the end of the input it returns io.EOF.
//
// A row that cannot be used at all (missing, non-numeric or too long member
// ID; a Rank or Merit Badges row without a name; too few fields to hold every
// required column, or more fields than the header has) is returned as a
// *ParseError with Fatal false, together with the row as far as it was read
// (at least Line and the raw text columns); the caller skips it and the next
// call continues with the following row. A value that cannot be read (a date,
// a flag other than 1 or 0, a version that is not a year) does not make the
// row unusable: the row is returned without error and the problem is listed
// in TroopRow.Problems. A fatal *ParseError is returned again by every later
// call.
func (r *TroopReader) Next() (TroopRow, error) {
	if r.fatal != nil {
		return TroopRow{}, r.fatal
	}
	record, line := r.pending, r.pendingLine
	r.pending = nil
	if record == nil {
		var err error
		record, line, err = r.readRecord()
		var bare *ParseError
		if errors.As(err, &bare) && !bare.Fatal {
			// A row with a stray quote: its line is consumed, the rest of the file is fine.
			r.stats.TotalRows++
			r.stats.RowErrors++
			return TroopRow{Line: bare.Line}, bare
		}
		if err != nil {
			return TroopRow{}, err
		}
	}

	r.stats.TotalRows++
	row, perr := r.convert(record, line)
	if perr != nil {
		r.stats.RowErrors++
		return row, perr
	}
	r.stats.countKind(row.Kind)
	r.stats.ValueProblems += len(row.Problems)
	return row, nil
}

// Stats returns the counters for the rows read so far.
func (r *TroopReader) Stats() TroopStats { return r.stats }

// HasHeader reports whether the file started with a header row. When it did
// not, columns were taken from the standard Scoutbook positions.
func (r *TroopReader) HasHeader() bool { return r.hasHeader }

// readRecord returns the next record that is not blank and the line it
// starts on. A " inside a field that is not quoted (Robert "Bob") makes only
// its row unreadable: encoding/csv has consumed that line and goes on with
// the next, so it is returned as a row-level *ParseError once the header has
// been read. Other errors are fatal and also recorded in r.fatal; io.EOF is
// returned as is.
func (r *TroopReader) readRecord() ([]string, int, error) {
	for {
		r.in.limit = r.consumed() + troopMaxRecordBytes + troopReadBuffer
		record, err := r.csv.Read()
		if errors.Is(err, io.EOF) {
			return nil, 0, io.EOF
		}
		var csvErr *csv.ParseError
		if r.minFields > 0 && errors.As(err, &csvErr) && errors.Is(csvErr.Err, csv.ErrBareQuote) {
			r.lastLine = csvErr.Line
			return nil, 0, &ParseError{Line: csvErr.StartLine, Msg: fmt.Sprintf(
				"a \" appears inside a field that is not quoted, at line %d, column %d (a field that contains \" must be wrapped in quotes "+
					"with each \" doubled: \"\"); the row was skipped", csvErr.Line, csvErr.Column)}
		}
		if err != nil {
			return nil, 0, r.setFatal(r.readError(err))
		}

		line, _ := r.csv.FieldPos(0)
		lastLine, _ := r.csv.FieldPos(len(record) - 1)
		r.lastLine = lastLine + strings.Count(record[len(record)-1], "\n")
		if troopRecordBlank(record) {
			continue
		}
		if !troopRecordText(record) {
			return nil, 0, r.setFatal(&ParseError{
				Line: line,
				Msg: "the line holds bytes that are not text (not UTF-8, or control characters): is it the right file? " +
					"Export it again from Scoutbook, or save it as \"CSV UTF-8\"",
				Err: ErrMalformed,
			})
		}
		return record, line, nil
	}
}

// consumed returns how many input bytes the CSV parser has used up.
func (r *TroopReader) consumed() int64 {
	if r.csv == nil {
		return 0
	}
	return r.bom + r.csv.InputOffset()
}

// setFatal records err as the reader's permanent error and returns it.
func (r *TroopReader) setFatal(err *ParseError) error {
	err.Fatal = true
	r.fatal = err
	return err
}

// skipByteOrderMark drops a leading UTF-8 byte order mark and rejects UTF-16
// files, which encoding/csv would read as garbage.
func (r *TroopReader) skipByteOrderMark(b *bufio.Reader) error {
	head, err := b.Peek(3)
	if err != nil && !errors.Is(err, io.EOF) {
		return r.setFatal(&ParseError{Msg: "reading the file failed: " + err.Error(), Err: err})
	}
	if len(head) >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF) {
		return r.setFatal(&ParseError{
			Line: 1,
			Msg:  "the file is UTF-16 text; export it again from Scoutbook, or save it as \"CSV UTF-8\"",
			Err:  ErrMalformed,
		})
	}
	if len(head) == 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF {
		if _, err := b.Discard(3); err != nil {
			return r.setFatal(&ParseError{Msg: "reading the file failed: " + err.Error(), Err: err})
		}
		r.bom = 3
	}
	return nil
}

// readError turns an error from csv.Reader.Read into a fatal *ParseError.
func (r *TroopReader) readError(err error) *ParseError {
	var csvErr *csv.ParseError
	switch {
	case errors.As(err, &csvErr):
		return r.quoteError(csvErr)
	case errors.Is(err, errTroopRecordTooLong):
		return &ParseError{
			Line: r.lastLine + 1,
			Msg: fmt.Sprintf("a record starting on or after this line is longer than %d KiB; "+
				"a quoted field is probably never closed (check for a missing closing \")", troopMaxRecordBytes>>10),
			Err: ErrMalformed,
		}
	default:
		return &ParseError{Msg: "reading the file failed: " + err.Error(), Err: err}
	}
}

// quoteError explains a csv.ParseError. With FieldsPerRecord = -1 and the
// default separators, only quote errors can happen.
func (r *TroopReader) quoteError(e *csv.ParseError) *ParseError {
	cause := fmt.Errorf("%w: %w", ErrMalformed, e)
	var msg string
	switch {
	case errors.Is(e.Err, csv.ErrBareQuote):
		msg = fmt.Sprintf("a \" appears inside a field that is not quoted, at line %d, column %d; "+
			"a field that contains \" must be wrapped in quotes with each \" doubled (\"\")", e.Line, e.Column)
	case errors.Is(e.Err, csv.ErrQuote) && r.in.eof && r.consumed() == r.in.n:
		msg = fmt.Sprintf("a quoted field is not closed before the end of the file (line %d); "+
			"check for a missing closing \" or a \" inside quotes that is not doubled (\"\")", e.Line)
	case errors.Is(e.Err, csv.ErrQuote):
		msg = fmt.Sprintf("a stray \" inside a quoted field, at line %d, column %d; "+
			"inside quotes a \" must be doubled (\"\") and the closing \" must be followed by a comma or the end of the line",
			e.Line, e.Column)
	default:
		msg = "the line is not valid CSV: " + e.Err.Error()
	}
	return &ParseError{Line: e.StartLine, Msg: msg, Err: cause}
}

// troopRecordText reports whether every field of record is UTF-8 text
// without control characters other than tab, line feed and carriage return.
// Anything else is a binary file or another encoding, whose values the
// database would refuse or store as garbage.
func troopRecordText(record []string) bool {
	for _, f := range record {
		for i := 0; i < len(f); i++ {
			if c := f[i]; c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
		}
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}

// troopRecordBlank reports whether every field of record is blank, as in a
// line of only commas or spaces.
func troopRecordBlank(record []string) bool {
	for _, f := range record {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// troopInput wraps the caller's reader to count bytes, note EOF, and refuse
// to deliver more than limit bytes in total, which caps the size of one
// record. The TroopReader raises limit before reading each record.
type troopInput struct {
	r     io.Reader
	n     int64 // bytes delivered so far
	limit int64
	eof   bool
}

// Read implements io.Reader.
func (t *troopInput) Read(p []byte) (int, error) {
	if t.n >= t.limit {
		return 0, errTroopRecordTooLong
	}
	if room := t.limit - t.n; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := t.r.Read(p)
	t.n += int64(n)
	if errors.Is(err, io.EOF) {
		t.eof = true
	}
	return n, err
}

// The columns the importer uses. Other columns of the export are ignored.
type troopColumn int

const (
	troopColMemberID troopColumn = iota
	troopColFirstName
	troopColNickname
	troopColMiddleName
	troopColLastName
	troopColAdvancementType
	troopColAdvancement
	troopColVersion
	troopColAwarded
	troopColDateCompleted
	troopColApproved
	troopColMarkedCompletedDate
	troopColAwardedDate
	troopColumnCount
)

// troopColumns gives each column's canonical header name, its 0-based
// position in a standard export (domain.md 1.1), and whether it is required.
var troopColumns = [troopColumnCount]struct {
	name     string
	position int
	required bool
}{
	troopColMemberID:            {"bsamemberid", 0, true},
	troopColFirstName:           {"firstname", 1, true},
	troopColNickname:            {"nickname", 2, false},
	troopColMiddleName:          {"middlename", 3, false},
	troopColLastName:            {"lastname", 4, true},
	troopColAdvancementType:     {"advancementtype", 5, true},
	troopColAdvancement:         {"advancement", 6, true},
	troopColVersion:             {"version", 7, true},
	troopColAwarded:             {"awarded", 8, true},
	troopColDateCompleted:       {"datecompleted", 9, true},
	troopColApproved:            {"approved", 10, true},
	troopColMarkedCompletedDate: {"markedcompleteddate", 11, true},
	troopColAwardedDate:         {"awardeddate", 19, false},
}

// troopHeaderKey normalises a header cell for matching: lower case, with
// whitespace, underscores and byte order marks removed.
func troopHeaderKey(name string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '\ufeff' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, name)
}

// mapColumns decides whether the first record is a header, and sets r.cols.
func (r *TroopReader) mapColumns(first []string, line int) *ParseError {
	if troopAllDigits(strings.TrimSpace(strings.TrimPrefix(first[0], "\ufeff"))) {
		// The first row is already data: use the standard positions.
		for c := range r.cols {
			r.cols[c] = troopColumns[c].position
		}
		r.setMinFields(troopStandardWidth)
		r.pending, r.pendingLine = first, line
		return nil
	}

	r.hasHeader = true
	for c := range r.cols {
		r.cols[c] = -1
	}
	recognised := 0
	for i, cell := range first {
		key := troopHeaderKey(cell)
		for c := range troopColumns {
			if troopColumns[c].name == key && r.cols[c] < 0 { // the first of duplicate columns wins
				r.cols[c] = i
				recognised++
			}
		}
	}
	var missing []string
	for c := range troopColumns {
		if troopColumns[c].required && r.cols[c] < 0 {
			missing = append(missing, troopColumns[c].name)
		}
	}
	if len(missing) == 0 {
		r.setMinFields(len(first))
		return nil
	}

	msg := "the header row is missing required column(s) " + strings.Join(missing, ", ")
	switch {
	case len(first) == 1 && strings.ContainsAny(first[0], ";\t"):
		msg += "; the file seems to separate columns with semicolons or tabs, but a comma-separated CSV is expected"
	case recognised == 0:
		msg += "; the first line does not look like the header of a Scoutbook Troop Advancement export " +
			"(expected column names such as bsamemberid, firstname, lastname, advancementtype)"
	}
	return &ParseError{Line: line, Msg: msg, Err: ErrMalformed}
}

// troopStandardWidth is the number of columns of a standard export, the
// most fields a row of a file without a header row may have.
const troopStandardWidth = 23

// setMinFields computes how many fields a record needs to contain every
// required column, and how many it may have: as many as the header row, or
// the standard export's width when there is no header.
func (r *TroopReader) setMinFields(headerWidth int) {
	r.minFields = 0
	for c := range troopColumns {
		if troopColumns[c].required && r.cols[c]+1 > r.minFields {
			r.minFields = r.cols[c] + 1
		}
	}
	r.maxFields = max(headerWidth, r.minFields)
}
