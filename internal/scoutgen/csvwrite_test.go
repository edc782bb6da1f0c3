package scoutgen

import (
	"bufio"
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRowFormatFollowsTheExport pins the byte format of one row against the
// synthetic examples of domain.md 1.8: text fields quoted (with doubled
// quotes inside), flags, numbers and dates unquoted.
func TestRowFormatFollowsTheExport(t *testing.T) {
	var buf bytes.Buffer
	bw := bufio.NewWriter(&buf)
	cw := &csvWriter{w: bw, eol: "\r\n", unitNum: "42"}

	scout := &Scout{BSAMemberID: "900000101", FirstName: "Avery", Nickname: `"Ace"`, MiddleName: "Quinn", LastName: "Testwood, Jr."}
	leader := &person{name: "Sam Example", userID: 1234567}
	completed := dayOf(DefaultExportDate) - 10
	rank := &row{
		kind: KindRank, typ: "Rank", adv: "Tenderfoot Rank", version: "2024",
		awarded: true, completed: completed, approved: true, marked: completed, markedBy: leader,
		leader: leader, leaderDate: completed, awardedBy: leader, awardedDate: completed + 3, itemID: 123456,
	}
	cw.write(scout, rank, dateTwoDigits, emptySlashes)
	header := &row{kind: KindMeritBadgeRequirement, typ: "Signs, Signals, and Codes Merit Badge Requirements", version: "2026", itemID: 7}
	cw.write(scout, header, dateOneDigitTime, emptyUnderscores)
	cw.write(scout, rank, dateOneDigitTime, emptyBlank)
	require.NoError(t, bw.Flush())

	want := `"900000101","Avery","""Ace""","Quinn","Testwood, Jr.","Rank","Tenderfoot Rank","2024",1,01/05/2026,1,01/05/2026,1234567,"Sam Example","",/  /,"Sam Example",01/05/2026,"Sam Example",01/08/2026,123456,"42",2` + "\r\n" +
		`"900000101","Avery","""Ace""","Quinn","Testwood, Jr.","Signs, Signals, and Codes Merit Badge Requirements","","2026",0,__________,0,__________,0,"","",__________,"",__________,"",__________,7,"42",2` + "\r\n" +
		`"900000101","Avery","""Ace""","Quinn","Testwood, Jr.","Rank","Tenderfoot Rank","2024",1,1/5/2026 12:00:00 AM,1,1/5/2026 12:00:00 AM,1234567,"Sam Example","",,"Sam Example",1/5/2026 12:00:00 AM,"Sam Example",1/8/2026 12:00:00 AM,123456,"42",2` + "\r\n"
	require.Equal(t, want, buf.String())
}
