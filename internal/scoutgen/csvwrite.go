package scoutgen

import (
	"bufio"
	"strconv"
	"strings"
)

// troopHeader is the header row of the export: the 23 columns of domain.md
// 1.1, in order.
var troopHeader = []string{
	"bsamemberid", "firstname", "nickname", "middlename", "lastname", "advancementtype", "advancement",
	"version", "awarded", "datecompleted", "approved", "markedcompleteddate", "markedcompleteduserid",
	"markedcompletedby", "counselorapprovedby", "counselorapproveddate", "leaderapprovedby",
	"leaderapproveddate", "awardedby", "awardeddate", "id", "unitnumber", "unittypeid",
}

// unitTypeTroop is the unittypeid written for a troop (an opaque number in
// the export; the importer ignores it).
const unitTypeTroop = 2

// csvWriter formats rows the way the export does (domain.md 1.8): text
// fields quoted, with `""` for a quote inside; flags, numbers and dates
// unquoted. It reuses one buffer for every row.
type csvWriter struct {
	w       *bufio.Writer
	eol     string
	buf     []byte
	unitNum string
}

// header writes the header row, unquoted like the app's rebuilt CSV.
func (c *csvWriter) header() {
	c.buf = append(c.buf[:0], strings.Join(troopHeader, ",")...)
	c.buf = append(c.buf, c.eol...)
	_, _ = c.w.Write(c.buf) // errors are sticky in bufio.Writer and checked by the caller
}

// blank writes an empty line.
func (c *csvWriter) blank() {
	_, _ = c.w.WriteString(c.eol)
}

// write formats one row for scout s with the given date spellings.
func (c *csvWriter) write(s *Scout, rw *row, style dateStyle, empty emptyStyle) {
	b := c.buf[:0]
	b = appendQuoted(b, s.BSAMemberID)
	b = appendQuoted(append(b, ','), s.FirstName)
	b = appendQuoted(append(b, ','), s.Nickname)
	b = appendQuoted(append(b, ','), s.MiddleName)
	b = appendQuoted(append(b, ','), s.LastName)
	b = appendQuoted(append(b, ','), rw.typ)
	b = appendQuoted(append(b, ','), rw.adv)
	b = appendQuoted(append(b, ','), rw.version)
	b = appendFlag(append(b, ','), rw.awarded)
	b = appendDate(append(b, ','), rw.completed, style, empty)
	b = appendFlag(append(b, ','), rw.approved)
	b = appendDate(append(b, ','), rw.marked, style, empty)
	b = append(b, ',')
	if rw.markedBy != nil {
		b = strconv.AppendInt(b, int64(rw.markedBy.userID), 10)
	} else {
		b = append(b, '0')
	}
	b = appendQuoted(append(b, ','), personName(rw.markedBy))
	b = appendQuoted(append(b, ','), personName(rw.counselor))
	b = appendDate(append(b, ','), rw.counselorDate, style, empty)
	b = appendQuoted(append(b, ','), personName(rw.leader))
	b = appendDate(append(b, ','), rw.leaderDate, style, empty)
	b = appendQuoted(append(b, ','), personName(rw.awardedBy))
	b = appendDate(append(b, ','), rw.awardedDate, style, empty)
	b = strconv.AppendInt(append(b, ','), int64(rw.itemID), 10)
	b = appendQuoted(append(b, ','), c.unitNum)
	b = strconv.AppendInt(append(b, ','), unitTypeTroop, 10)
	b = append(b, c.eol...)
	c.buf = b
	_, _ = c.w.Write(b)
}

// personName returns the person's name, or "" for nobody.
func personName(p *person) string {
	if p == nil {
		return ""
	}
	return p.name
}

// appendQuoted appends s as a quoted CSV field.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// appendFlag appends 1 or 0.
func appendFlag(b []byte, v bool) []byte {
	if v {
		return append(b, '1')
	}
	return append(b, '0')
}
