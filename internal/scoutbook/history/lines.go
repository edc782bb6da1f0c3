package history

import (
	"strings"
)

// historyBOM is the UTF-8 byte order mark some spreadsheet tools add.
const historyBOM = "\ufeff"

// historySplitLines turns the raw input into physical lines: it drops a
// leading byte order mark and accepts LF, CRLF and lone CR line endings.
// Line numbers in messages are indexes into this slice plus one, which is
// what an editor shows.
func historySplitLines(data []byte) []string {
	text := strings.TrimPrefix(string(data), historyBOM)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

// historyMaxLineBytes is the longest line (and the longest quoted field)
// Parse reads. Real lines are well under a kilobyte; skipping longer
// ones keeps the work on a hostile or corrupt file small.
const historyMaxLineBytes = 64 << 10

// historyMaxQuotedLines is how many lines one quoted field may span. A
// requirement's text with a line break spans two or three; a quote that is
// still open after this many lines was never closed where it should be.
const historyMaxQuotedLines = 20

// historyRecordStatus says how a record was read.
type historyRecordStatus int

const (
	// historyRecordOK: a well-formed CSV record.
	historyRecordOK historyRecordStatus = iota
	// historyRecordStrayQuote: a " inside a quoted field was not doubled; it
	// was kept as a literal quote, as lenient CSV readers do.
	historyRecordStrayQuote
	// historyRecordUnclosed: a quoted field that starts on quoteLine is not
	// closed before the end of its line (the next quote is not a closing
	// one, or there is none): the record cannot be read.
	historyRecordUnclosed
)

// historyScanRecord reads the CSV record that starts on lines[i]. Quoted
// fields may span lines (the line break is part of the field), "" inside
// quotes is a quote, and a quote inside an unquoted field is a literal
// character. It returns the raw fields, the index of the line after the
// record and how the record was read. For historyRecordUnclosed, quoteLine
// is the index of the line where the unclosed field starts and next is the
// line after it, where reading can start again: one missing quote then costs
// only its own line.
func historyScanRecord(lines []string, i int) (fields []string, next int, status historyRecordStatus, quoteLine int) {
	var field strings.Builder
	li, line, pos := i, lines[i], 0
	for {
		for pos < len(line) && (line[pos] == ' ' || line[pos] == '\t') {
			pos++
		}
		if pos < len(line) && line[pos] == '"' {
			pos++
			quoteLine = li
			crossed := false
		quoted:
			for {
				j := strings.IndexByte(line[pos:], '"')
				if j < 0 {
					// The field goes on past the end of the line.
					field.WriteString(line[pos:])
					if li+1 >= len(lines) || li+1-quoteLine >= historyMaxQuotedLines ||
						field.Len()+len(lines[li+1]) > historyMaxLineBytes {
						return nil, quoteLine + 1, historyRecordUnclosed, quoteLine
					}
					field.WriteByte('\n')
					li++
					line, pos, crossed = lines[li], 0, true
					continue
				}
				field.WriteString(line[pos : pos+j])
				pos += j + 1
				if pos < len(line) && line[pos] == '"' {
					field.WriteByte('"') // "" is an escaped quote
					pos++
					continue
				}
				k := pos
				for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
					k++
				}
				if k == len(line) || line[k] == ',' {
					pos = k
					break quoted
				}
				if crossed {
					// The quote that seemed to close the field belongs to a later line:
					// the field was never closed on its own line.
					return nil, quoteLine + 1, historyRecordUnclosed, quoteLine
				}
				field.WriteByte('"')
				status = historyRecordStrayQuote
			}
		} else {
			j := strings.IndexByte(line[pos:], ',')
			if j < 0 {
				j = len(line) - pos
			}
			field.WriteString(line[pos : pos+j])
			pos += j
		}
		fields = append(fields, field.String())
		field.Reset()
		if pos < len(line) && line[pos] == ',' {
			pos++
			continue
		}
		return fields, li + 1, status, quoteLine
	}
}

// historyCells trims the raw fields of a record, turns the line breaks of a
// multi-line field into spaces, and removes trailing empty cells. It returns
// nil for a record with no content (empty, spaces, or only commas and empty
// quotes).
func historyCells(fields []string) []string {
	end := 0
	for i, f := range fields {
		f = strings.TrimSpace(f)
		if strings.ContainsRune(f, '\n') {
			f = strings.Join(strings.Fields(f), " ")
		}
		fields[i] = f
		if f != "" {
			end = i + 1
		}
	}
	if end == 0 {
		return nil
	}
	return fields[:end]
}
