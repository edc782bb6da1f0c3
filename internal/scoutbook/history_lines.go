package scoutbook

import (
	"bufio"
	"encoding/csv"
	"strings"
)

// historyBOM is the UTF-8 byte order mark some spreadsheet tools add.
const historyBOM = "\ufeff"

// historySplitLines turns the raw input into physical lines: it drops a
// leading byte order mark and accepts LF, CRLF and lone CR line endings.
//
// The report is split into lines before any quote handling, so that one
// stray quote can only damage its own line and line numbers always match
// what an editor shows. The price is that a quoted field cannot hold a line
// break, which the report never needs.
func historySplitLines(data []byte) []string {
	text := strings.TrimPrefix(string(data), historyBOM)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// historyMaxLineBytes is the longest line ParseHistory reads. Real lines
// are well under a kilobyte; skipping longer ones keeps the work on a
// hostile or corrupt file small.
const historyMaxLineBytes = 64 << 10

// historyRows splits every line into cells (see historyLineReader.cells).
// It returns one entry per physical line; blank lines get a nil entry.
// Lines longer than historyMaxLineBytes are not split: their entry is nil
// and tooLong reports them.
func historyRows(lines []string) (rows [][]string, tooLong []bool) {
	lr := historyNewLineReader()
	rows = make([][]string, len(lines))
	tooLong = make([]bool, len(lines))
	for i, line := range lines {
		if len(line) > historyMaxLineBytes {
			tooLong[i] = true
			continue
		}
		rows[i] = lr.cells(line)
	}
	return rows, tooLong
}

// historyLineReader parses single lines as CSV records. It reuses one
// buffered reader for all lines of a file: a fresh 4 KB buffer for each
// line of a large file would be wasteful.
type historyLineReader struct {
	src strings.Reader
	buf *bufio.Reader
}

// historyNewLineReader returns a reader ready for cells.
func historyNewLineReader() *historyLineReader {
	l := &historyLineReader{}
	l.buf = bufio.NewReader(&l.src)
	return l
}

// cells returns the trimmed cells of one line with trailing empty cells
// removed, or nil for a line with no content (empty, spaces, or only
// commas and empty quotes).
func (l *historyLineReader) cells(line string) []string {
	if strings.TrimSpace(line) == "" {
		return nil
	}
	var rec []string
	if strings.ContainsRune(line, '"') {
		rec = l.record(line)
	} else {
		// Without quotes, CSV splitting is splitting on commas.
		rec = strings.Split(line, ",")
	}
	end := 0
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
		if rec[i] != "" {
			end = i + 1
		}
	}
	if end == 0 {
		return nil
	}
	return rec[:end]
}

// record returns the fields of one line as encoding/csv reads them, with
// lazy quotes and any number of fields. It falls back to a plain split on
// commas if the CSV reader still rejects the line.
func (l *historyLineReader) record(line string) []string {
	l.src.Reset(line)
	l.buf.Reset(&l.src)
	r := csv.NewReader(l.buf)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.TrimLeadingSpace = true
	rec, err := r.Read()
	if err != nil {
		return strings.Split(line, ",")
	}
	return rec
}
