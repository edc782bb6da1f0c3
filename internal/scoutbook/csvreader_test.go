package scoutbook

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// troopHeader is the header of a real export (domain.md 1.1).
const troopHeader = "bsamemberid,firstname,nickname,middlename,lastname,advancementtype,advancement,version,awarded," +
	"datecompleted,approved,markedcompleteddate,markedcompleteduserid,markedcompletedby,counselorapprovedby," +
	"counselorapproveddate,leaderapprovedby,leaderapproveddate,awardedby,awardeddate,id,unitnumber,unittypeid"

// readAllTroop reads every row of input, collecting rows and row errors,
// and returns the first fatal error (nil at a clean io.EOF).
func readAllTroop(t *testing.T, input string) (rows []TroopRow, rowErrs []*ParseError, fatal error) {
	t.Helper()
	tr, err := NewTroopReader(strings.NewReader(input))
	require.NoError(t, err)
	for range 100_000 {
		row, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return rows, rowErrs, nil
		}
		var perr *ParseError
		if errors.As(err, &perr) && !perr.Fatal {
			rowErrs = append(rowErrs, perr)
			continue
		}
		if err != nil {
			return rows, rowErrs, err
		}
		rows = append(rows, row)
	}
	t.Fatal("Next did not reach the end")
	return nil, nil, nil
}

func TestParseErrorFormat(t *testing.T) {
	t.Parallel()
	require.Equal(t, `line 17, field "datecompleted": "13/45/2024" is not a date`,
		(&ParseError{Line: 17, Field: "datecompleted", Value: "13/45/2024", Msg: "is not a date"}).Error())
	require.Equal(t, `line 3, field "bsamemberid": the BSA member ID is empty`,
		(&ParseError{Line: 3, Field: "bsamemberid", Msg: "the BSA member ID is empty"}).Error())
	require.Equal(t, `line 5: a quoted field is not closed`, (&ParseError{Line: 5, Msg: "a quoted field is not closed"}).Error())
	require.Equal(t, `the file is empty`, (&ParseError{Msg: "the file is empty"}).Error())

	cause := errors.New("disk on fire")
	require.ErrorIs(t, &ParseError{Msg: "x", Err: cause}, cause)
}

func TestNewTroopReader(t *testing.T) {
	t.Parallel()

	t.Run("NilReader", func(t *testing.T) {
		t.Parallel()
		_, err := NewTroopReader(nil)
		require.Error(t, err)
	})

	t.Run("MissingColumnsNamed", func(t *testing.T) {
		t.Parallel()
		_, err := NewTroopReader(strings.NewReader("bsamemberid,firstname,lastname,advancementtype,advancement,version,awarded,datecompleted\n"))
		var perr *ParseError
		require.ErrorAs(t, err, &perr)
		require.True(t, perr.Fatal)
		require.ErrorIs(t, err, ErrMalformed)
		require.Equal(t, 1, perr.Line)
		require.Contains(t, perr.Msg, "approved, markedcompleteddate")
		require.NotContains(t, perr.Msg, "awardeddate", "optional columns are not required")
	})

	t.Run("HeaderNameSpellings", func(t *testing.T) {
		t.Parallel()
		for _, spelling := range []string{"bsamemberid", "BSA Member ID", " BsaMemberId ", "bsa_member_id", "BSA_MEMBER_ID", "\ufeffbsamemberid"} {
			input := "\n" + spelling + ",firstname,lastname,advancementtype,advancement,version,awarded,datecompleted,approved,markedcompleteddate\n" +
				"123,A,B,Rank,Scout,2024,1,,1,\n"
			rows, rowErrs, fatal := readAllTroop(t, input)
			require.NoError(t, fatal, spelling)
			require.Empty(t, rowErrs, spelling)
			require.Len(t, rows, 1, spelling)
			require.Equal(t, "123", rows[0].BSAMemberID, spelling)
			require.Equal(t, 3, rows[0].Line, spelling)
		}
	})

	t.Run("DuplicateColumnFirstWins", func(t *testing.T) {
		t.Parallel()
		rows, _, fatal := readAllTroop(t, "bsamemberid,firstname,lastname,advancementtype,advancement,version,awarded,datecompleted,approved,markedcompleteddate,firstname\n"+
			"123,First,B,Rank,Scout,2024,1,,1,,Second\n")
		require.NoError(t, fatal)
		require.Equal(t, "First", rows[0].FirstName)
	})
}

func TestTroopReaderPositionsWithoutHeader(t *testing.T) {
	t.Parallel()
	input := "\xef\xbb\xbf\r\n" +
		`"900000101","Avery","","Quinn","Testwood","Rank","Tenderfoot Rank","2024",1,03/14/2024,1,03/10/2024,0,"","",/  /,"",/  /,"",03/15/2024,0,0,0` + "\r\n" +
		`"900000101","Avery","","Quinn","Testwood","Tenderfoot Rank Requirements","1a","2024",0,03/01/2024,1,03/01/2024` + "\r\n"
	tr, err := NewTroopReader(strings.NewReader(input))
	require.NoError(t, err)
	require.False(t, tr.HasHeader())

	first, err := tr.Next()
	require.NoError(t, err)
	require.Equal(t, 2, first.Line, "the first data line is returned, not dropped")
	require.Equal(t, "tenderfoot", first.RankCode)
	require.Equal(t, "2024-03-15", first.AwardedDate.String(), "awardeddate is column 19")

	second, err := tr.Next()
	require.NoError(t, err)
	require.Equal(t, 3, second.Line)
	require.Equal(t, "1a", second.RequirementID)
	require.True(t, second.AwardedDate.IsZero(), "a 12-field row has no awardeddate")

	_, err = tr.Next()
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, TroopStats{TotalRows: 2, RankRows: 1, RankRequirementRows: 1}, tr.Stats())
}

func TestTroopReaderLineNumbers(t *testing.T) {
	t.Parallel()
	input := troopHeader + "\r\n" + // line 1
		"\r\n" + // line 2
		`"1","Multi` + "\r\n" + `line","","","X","Rank","Scout Rank","2024",1,,1,,,,,,,,,,,,` + "\r\n" + // lines 3-4
		`"2","A","","","X","Rank","Scout Rank","2024",1,2/30/2024,1,,,,,,,,,,,,` + "\r\n" + // line 5: row error
		`"3","A","Two` + "\n\n" + `blank","","X","Rank","Scout Rank","2024",1,,1,,,,,,,,,,,,` + "\n" + // lines 6-8
		"  \n" + // line 9: whitespace-only, skipped
		`"4","A","","","X","Rank","Scout Rank","2024",1,,1,,,,,,,,,,,,` // line 10, no final newline
	rows, rowErrs, fatal := readAllTroop(t, input)
	require.NoError(t, fatal)
	require.Empty(t, rowErrs)
	require.Len(t, rows, 4)
	require.Equal(t, []int{3, 5, 6, 10}, []int{rows[0].Line, rows[1].Line, rows[2].Line, rows[3].Line})
	require.Equal(t, "Multi\nline", rows[0].FirstName, "a quoted CRLF becomes \\n")
	require.Equal(t, "Two\n\nblank", rows[2].Nickname, "blank lines inside quotes are data")
	require.Len(t, rows[1].Problems, 1, "an unreadable date is a problem of the row, which is kept")
	require.Equal(t, 5, rows[1].Problems[0].Line)
	require.Equal(t, "datecompleted", rows[1].Problems[0].Field)
	require.Equal(t, "2/30/2024", rows[1].Problems[0].Value)
	require.True(t, rows[1].DateCompleted.IsZero())
}

func TestTroopReaderRowErrorsKeepReading(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("testdata", "troop", "row_errors.csv"))
	require.NoError(t, err)
	rows, rowErrs, fatal := readAllTroop(t, string(data))
	require.NoError(t, fatal)
	require.Len(t, rows, 8)
	require.Len(t, rowErrs, 6)

	lines := make([]int, 0, len(rowErrs))
	for _, e := range rowErrs {
		require.False(t, e.Fatal)
		require.NotErrorIs(t, e, ErrMalformed)
		lines = append(lines, e.Line)
	}
	require.Equal(t, []int{2, 3, 4, 10, 11, 16}, lines, "rows without a usable member id or name are skipped")
	require.Equal(t, ParseError{Line: 3, Field: "bsamemberid", Value: "ABC123",
		Msg: "is not a BSA member ID (expected digits only); the row was skipped"}, *rowErrs[1])

	// Values that cannot be read leave the rest of the row usable.
	var problems []string
	for _, r := range rows {
		for _, p := range r.Problems {
			require.Equal(t, r.Line, p.Line)
			problems = append(problems, fmt.Sprintf("%d %s %s", p.Line, p.Field, p.Value))
		}
	}
	require.Equal(t, []string{"5 awarded maybe", "7 approved 2", "8 version 20x4", "9 version 2024.0",
		"12 awarded No", "12 approved yes", "13 awarded maybe", "13 datecompleted 31/1/2024",
		"14 awarded TRUE", "14 approved x", "15 awarded Y", "15 approved false"}, problems)
	require.Equal(t, "Quoted\nNewline", rows[0].FirstName, "line 5-6 is one record with a quoted newline")
	require.False(t, rows[0].Awarded, "a flag that is not 1 is false")
	require.Zero(t, rows[2].VersionYear, "a version that is not a year is no version")
	require.Equal(t, 12, troopReadStats(t, string(data)).ValueProblems)
}

// troopReadStats reads data to the end and returns the reader's counters.
func troopReadStats(t *testing.T, data string) TroopStats {
	t.Helper()
	tr, err := NewTroopReader(strings.NewReader(data))
	require.NoError(t, err)
	for {
		if _, err := tr.Next(); errors.Is(err, io.EOF) {
			return tr.Stats()
		}
	}
}

func TestTroopReaderRowErrorCarriesRow(t *testing.T) {
	t.Parallel()
	tr, err := NewTroopReader(strings.NewReader(troopHeader + "\n" +
		`"900000101","Avery","","","Testwood","Rank","Scout Rank","2024",maybe,,1,,,,,,,,,,,,` + "\n"))
	require.NoError(t, err)
	row, err := tr.Next()
	require.NoError(t, err, "an unreadable flag does not make the row unusable")
	require.Len(t, row.Problems, 1)
	require.Equal(t, "awarded", row.Problems[0].Field)
	require.False(t, row.Awarded)
	require.Equal(t, TroopStats{TotalRows: 1, RankRows: 1, ValueProblems: 1}, tr.Stats())

	tr, err = NewTroopReader(strings.NewReader(troopHeader + "\n" +
		`"X900000101","Avery","","","Testwood","Rank","Scout Rank","2024",1,,1,,,,,,,,,,,,` + "\n"))
	require.NoError(t, err)
	row, err = tr.Next()
	var perr *ParseError
	require.ErrorAs(t, err, &perr)
	require.Equal(t, "bsamemberid", perr.Field)
	require.Equal(t, 2, row.Line)
	require.Equal(t, "Avery", row.FirstName, "the caller can say whose row failed")
	require.Equal(t, "X900000101", row.BSAMemberID)
	require.Equal(t, TroopStats{TotalRows: 1, RowErrors: 1}, tr.Stats())
}

// TestTroopReaderBareQuoteSkipsTheRow: a " inside a field that is not quoted makes only its row
// unreadable; the rows after it are read.
func TestTroopReaderBareQuoteSkipsTheRow(t *testing.T) {
	t.Parallel()
	good := `"1","A","","","X","Rank","Scout Rank","2024",1,,1,,,,,,,,,,,,`
	tr, err := NewTroopReader(strings.NewReader(troopHeader + "\n" + good + "\n" +
		`2,Robert "Bob",,,X,Rank,Scout Rank,2024,1,,1,` + "\n" + good))
	require.NoError(t, err)
	_, err = tr.Next()
	require.NoError(t, err)
	row, err := tr.Next()
	var perr *ParseError
	require.ErrorAs(t, err, &perr)
	require.False(t, perr.Fatal)
	require.Equal(t, 3, perr.Line)
	require.Equal(t, 3, row.Line)
	require.Contains(t, perr.Msg, "not quoted, at line 3, column 10")
	require.Contains(t, perr.Msg, "the row was skipped")
	row, err = tr.Next()
	require.NoError(t, err)
	require.Equal(t, 4, row.Line)
	_, err = tr.Next()
	require.ErrorIs(t, err, io.EOF)
	require.Equal(t, TroopStats{TotalRows: 3, RowErrors: 1, RankRows: 2}, tr.Stats())
}

func TestTroopReaderFatalErrors(t *testing.T) {
	t.Parallel()
	good := `"1","A","","","X","Rank","Scout Rank","2024",1,,1,,,,,,,,,,,,`

	for name, tc := range map[string]struct {
		body     string
		line     int
		cause    error
		contains string
	}{
		"UnterminatedQuote": {
			body: good + "\n" + `2,A,,,X,Rank,"Tenderfoot Rank,2024,1,,1,` + "\n3,A,,,X,Rank,Star,2024,1,,1,\n",
			line: 3, cause: csv.ErrQuote, contains: "not closed before the end of the file (line 4)",
		},
		"StrayQuoteAfterQuotedNewline": {
			body: good + "\n" + `"2","A` + "\n" + `","","X","Rank","Scout "Rank","2024",1,,1,` + "\n" + good,
			line: 3, cause: csv.ErrQuote, contains: "at line 4, column 24",
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			tr, err := NewTroopReader(strings.NewReader(troopHeader + "\n" + tc.body))
			require.NoError(t, err)
			_, err = tr.Next()
			require.NoError(t, err, "rows before the problem are returned")

			_, err = tr.Next()
			var perr *ParseError
			require.ErrorAs(t, err, &perr)
			require.True(t, perr.Fatal)
			require.ErrorIs(t, err, ErrMalformed)
			require.ErrorIs(t, err, tc.cause)
			require.Equal(t, tc.line, perr.Line)
			require.Contains(t, perr.Error(), "line "+strconv.Itoa(tc.line)+": ")
			require.Contains(t, perr.Msg, tc.contains)

			for range 3 {
				_, again := tr.Next()
				require.Same(t, perr, again, "fatal errors are sticky")
			}
			require.Equal(t, 1, tr.Stats().TotalRows)
		})
	}
}

func TestTroopReaderRecordTooLong(t *testing.T) {
	t.Parallel()
	// A quote that never closes, followed by far more than the record limit.
	input := troopHeader + "\n" + `"1","A","","","X","Rank","Scout Rank","2024",1,,1,,,,,,,,,,,,` + "\n" +
		`2,A,,,X,Rank,"Tenderfoot` + "\n" + strings.Repeat("3,A,,,X,Rank,Star,2024,1,,1,\n", troopMaxRecordBytes/20)
	in := &countingReader{r: strings.NewReader(input)}
	tr, err := NewTroopReader(in)
	require.NoError(t, err)
	_, err = tr.Next()
	require.NoError(t, err)

	_, err = tr.Next()
	var perr *ParseError
	require.ErrorAs(t, err, &perr)
	require.True(t, perr.Fatal)
	require.ErrorIs(t, err, ErrMalformed)
	require.Equal(t, 3, perr.Line)
	require.Contains(t, perr.Msg, "longer than 1024 KiB")
	require.Less(t, in.n, int64(troopMaxRecordBytes+3*troopReadBuffer), "the reader stops near the limit")
	require.Greater(t, int64(len(input)), int64(troopMaxRecordBytes+3*troopReadBuffer), "the input is bigger than that")
}

func TestTroopReaderReadError(t *testing.T) {
	t.Parallel()
	diskErr := errors.New("connection reset")
	r := io.MultiReader(strings.NewReader(troopHeader+"\n"+`1,A,,,X,Rank,Scout,2024,1,,1,`+"\n"), &failingReader{err: diskErr})
	tr, err := NewTroopReader(r)
	require.NoError(t, err)
	_, err = tr.Next()
	require.NoError(t, err)

	_, err = tr.Next()
	var perr *ParseError
	require.ErrorAs(t, err, &perr)
	require.True(t, perr.Fatal)
	require.ErrorIs(t, err, diskErr)
	require.NotErrorIs(t, err, ErrMalformed, "an I/O failure is not the file's fault")
	require.Contains(t, err.Error(), "reading the file failed: connection reset")
}

// TestTroopReaderStreams reads a 10x-size export (550,000 rows; 55,000
// with -short) generated on the fly and checks that the reader only ever pulls a small window of
// it ahead of the row it returns.
func TestTroopReaderStreams(t *testing.T) {
	t.Parallel()
	rows := 550_000
	if testing.Short() {
		rows = 55_000
	}
	src := &countingReader{r: newSyntheticExport(rows)}
	tr, err := NewTroopReader(src)
	require.NoError(t, err)

	_, err = tr.Next()
	require.NoError(t, err)
	require.LessOrEqual(t, src.n, int64(2*troopReadBuffer), "the first row needs only the first buffer")

	n := 1
	for {
		_, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil { // not require: this loop runs 550,000 times
			t.Fatalf("row %d: %v", n+1, err)
		}
		n++
	}
	require.Equal(t, rows, n)
	require.Equal(t, rows, tr.Stats().TotalRows)
	require.Zero(t, tr.Stats().RowErrors)
	require.LessOrEqual(t, len(tr.typeCache), troopCacheEntries)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// failingReader always fails with err.
type failingReader struct{ err error }

func (f *failingReader) Read([]byte) (int, error) { return 0, f.err }

// syntheticExport is an io.Reader that produces a plausible Troop
// Advancement export of n data rows without holding it in memory. Shares
// follow domain.md 7.2 (about 62% merit badge requirement rows).
type syntheticExport struct {
	n, next int
	buf     bytes.Buffer
}

func newSyntheticExport(rows int) *syntheticExport {
	s := &syntheticExport{n: rows}
	s.buf.WriteString("\ufeff" + troopHeader + "\r\n")
	return s
}

var syntheticBadges = []string{"Camping", "Chess", "Family Life", "Environmental Science", "Cooking", "Personal Fitness",
	"Citizenship in the Community", "Emergency Preparedness", "Signs, Signals, and Codes", "Fish and Wildlife Management"}

var syntheticRequirementIDs = []string{"", "1a", "1b", "2", "3a[1]", "4a1 Triathlon Option", "5(a)", "5g.", "6A(a)(1)", "7"}

// writeRow appends data row i.
func (s *syntheticExport) writeRow(i int) {
	b := &s.buf
	scout := 900000000 + i/1000
	b.WriteString(`"` + strconv.Itoa(scout) + `","Avery","","Quinn","Testwood, Jr.",`)
	completed := i%3 != 0
	date := "/  /"
	if completed {
		date = strconv.Itoa(1+i%12) + "/" + strconv.Itoa(1+i%28) + "/2024 12:00:00 AM"
	}
	flag := "0"
	if completed {
		flag = "1"
	}
	switch k := i % 100; {
	case k < 62:
		badge := syntheticBadges[i%len(syntheticBadges)]
		b.WriteString(`"` + badge + ` Merit Badge Requirements","` + syntheticRequirementIDs[i%len(syntheticRequirementIDs)] + `","20` + strconv.Itoa(13+i%13) + `",0,`)
	case k < 84:
		b.WriteString(`"Second Class Rank Requirements","` + strconv.Itoa(1+i%9) + `a","2024",0,`)
	case k < 87:
		b.WriteString(`"Merit Badges","` + syntheticBadges[i%len(syntheticBadges)] + ` MB","2024",` + flag + `,`)
	case k < 88:
		b.WriteString(`"Rank","Star Scout Rank","2024",` + flag + `,`)
	default:
		b.WriteString(`"Awards","Example Service Award","",0,`)
	}
	b.WriteString(date + "," + flag + "," + date + `,0,"","",/  /,"",/  /,"",` + date + ",0,0,0\r\n")
}

// Read implements io.Reader.
func (s *syntheticExport) Read(p []byte) (int, error) {
	for s.buf.Len() < len(p) && s.next < s.n {
		s.writeRow(s.next)
		s.next++
	}
	if s.buf.Len() == 0 {
		return 0, io.EOF
	}
	return s.buf.Read(p)
}

func TestTroopReaderRejectsOverlongMemberID(t *testing.T) {
	t.Parallel()
	id := strings.Repeat("9", MaxMemberIDLength+1)
	rows, rowErrs, fatal := readAllTroop(t, troopHeader+"\n"+
		`"`+id+`","Avery","","","Testwood","Rank","Scout Rank","2024",1,01/02/2024,1,,,,,,,,,,,,`+"\n"+
		`"`+id[:MaxMemberIDLength]+`","Avery","","","Testwood","Rank","Scout Rank","2024",1,01/02/2024,1,,,,,,,,,,,,`+"\n")
	require.NoError(t, fatal)
	require.Len(t, rows, 1, "a 20-digit id still fits scouts.bsa_member_id varchar(20)")
	require.Len(t, rowErrs, 1)
	require.Equal(t, 2, rowErrs[0].Line)
	require.Equal(t, "bsamemberid", rowErrs[0].Field)
	require.Contains(t, rowErrs[0].Msg, "at most 20")
}
