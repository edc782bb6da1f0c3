package scoutgen

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Column positions of the export (domain.md 1.1), for reading test output.
const (
	colMemberID      = 0
	colFirstName     = 1
	colNickname      = 2
	colMiddleName    = 3
	colLastName      = 4
	colType          = 5
	colAdvancement   = 6
	colVersion       = 7
	colAwarded       = 8
	colDateCompleted = 9
	colApproved      = 10
	colMarkedDate    = 11
	colAwardedDate   = 19
)

// generate writes a troop file for opts and returns its bytes and stats.
func generate(t testing.TB, opts TroopOptions) ([]byte, TroopStats) {
	t.Helper()
	var buf bytes.Buffer
	stats, err := WriteTroop(&buf, opts)
	require.NoError(t, err)
	return buf.Bytes(), stats
}

// readRecords parses a generated file with encoding/csv, requiring exactly
// 23 fields on every record, and returns the header and the data records.
func readRecords(t testing.TB, data []byte) (header []string, records [][]string) {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = 23
	all, err := r.ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, all)
	return all[0], all[1:]
}

// kindOf classifies an advancementtype value the way domain.md 1.2 does.
func kindOf(typ string) RowKind {
	lower := strings.ToLower(strings.TrimSpace(typ))
	switch {
	case lower == "rank":
		return KindRank
	case lower == "merit badges":
		return KindMeritBadge
	case strings.HasSuffix(lower, " merit badge requirements"):
		return KindMeritBadgeRequirement
	}
	for _, t := range rankRequirementTypes {
		if strings.EqualFold(typ, t) {
			return KindRankRequirement
		}
	}
	return KindOther
}

// isRequirement reports whether a record is a rank or badge requirement row.
func isRequirement(rec []string) bool {
	k := kindOf(rec[colType])
	return k == KindRankRequirement || k == KindMeritBadgeRequirement
}

// hasDate reports whether a date field holds a date (not one of the empty
// spellings).
func hasDate(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && s != "/  /" && !strings.Contains(s, "__")
}

// isCompleted applies the importer's rule for completed requirement rows.
func isCompleted(rec []string) bool {
	return isRequirement(rec) && rec[colAdvancement] != "" &&
		(hasDate(rec[colDateCompleted]) || rec[colApproved] == "1")
}
