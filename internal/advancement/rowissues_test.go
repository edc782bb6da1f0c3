package advancement

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// badRows is an endless-looking export: a header, then n rows whose member id is not digits,
// produced as they are read (the file never exists whole). read counts the bytes taken.
type badRows struct {
	n, next int
	buf     []byte
	read    int64
}

func (b *badRows) Read(p []byte) (int, error) {
	if len(b.buf) == 0 {
		switch {
		case b.next == 0:
			b.buf = []byte("bsamemberid,firstname,nickname,middlename,lastname,advancementtype,advancement,version,awarded,datecompleted,approved,markedcompleteddate\n")
		case b.next > b.n:
			return 0, io.EOF
		default:
			b.buf = fmt.Appendf(nil, "\"X%d\",\"A\",\"\",\"\",\"B\",\"Rank\",\"Star Rank\",\"2024\",1,1/2/2024,1,1/2/2024\n", b.next)
		}
		b.next++
	}
	n := copy(p, b.buf)
	b.buf = b.buf[n:]
	b.read += int64(n)
	return n, nil
}

// TestErrorBudgetStopsReading: a million unreadable rows are not read to the end. Reading stops
// after the budget, the problems are handed over in batches (never all held), and what was
// handed over is exactly the first budget rows.
func TestErrorBudgetStopsReading(t *testing.T) {
	in := &badRows{n: 1_000_000}
	var stored, batches, largest int
	rows := newRowReporter(false, 2_000, func(batch []Issue) error {
		stored += len(batch)
		batches++
		largest = max(largest, len(batch))
		return nil
	})
	_, err := stageTroopCSV(in, &reference{}, nil, rows, Limits{})
	require.ErrorIs(t, err, errTooManyProblemRows)
	require.Equal(t, 2_000, stored, "the first budget rows are stored")
	require.LessOrEqual(t, largest, issueBatch)
	require.GreaterOrEqual(t, batches, 2_000/issueBatch)
	require.Empty(t, rows.kept, "with a store, nothing is kept")
	require.Less(t, in.read, int64(1<<20), "reading stopped early (%d bytes read)", in.read)
}

// TestRowReporterKeepsForDryRun: without a store the problems are kept for the preview, and the
// budget bounds them too.
func TestRowReporterKeepsForDryRun(t *testing.T) {
	rows := newRowReporter(false, 10, nil)
	_, err := stageTroopCSV(&badRows{n: 100}, &reference{}, nil, rows, Limits{})
	require.True(t, errors.Is(err, errTooManyProblemRows))
	require.Len(t, rows.kept, 10)
	require.Equal(t, "warning", rows.kept[0].Severity)
	require.Equal(t, 2, rows.kept[0].Line)
	require.Len(t, rows.first, 3)
}

// TestChooseWarningsKeepsImportantFirst: a flood of routine warnings does not push the ones a
// leader must act on out of the capped sample, and every type gets a share.
func TestChooseWarningsKeepsImportantFirst(t *testing.T) {
	var all []Issue
	for i := range 500 {
		all = append(all, Issue{Severity: "warning", Code: codeRequirementNotFound, Line: 0, Fingerprint: fmt.Sprint("r", i)})
	}
	for i := range 300 {
		all = append(all, Issue{Severity: "warning", Code: codeInvalidValue, Line: 1000 + i})
	}
	all = append(all,
		Issue{Severity: "warning", Code: codeUnknownBadge, Line: 7},
		Issue{Severity: "warning", Code: codeInactiveScout, Line: 3},
		Issue{Severity: "warning", Code: codeInvalidRow, Line: 9},
		Issue{Severity: "warning", Code: codeVersionMismatch, Line: 5},
		Issue{Severity: "error", Code: codeInvalidRow, Line: 11}, // not a warning: left out
	)
	var r Result
	r.setWarnings(all, nil)
	require.Equal(t, 804, r.WarningCount)
	require.True(t, r.WarningsTruncated)
	require.Len(t, r.Warnings, maxResultWarnings)
	var types []string
	for _, w := range r.Warnings[:4] {
		types = append(types, w.Type)
	}
	require.Equal(t, []string{codeInvalidRow, codeUnknownBadge, codeInactiveScout, codeVersionMismatch}, types)
	kinds := map[string]int{}
	for _, w := range r.Warnings {
		kinds[w.Type]++
	}
	require.Equal(t, map[string]int{codeInvalidRow: 1, codeUnknownBadge: 1, codeInactiveScout: 1, codeVersionMismatch: 1,
		codeInvalidValue: 86, codeRequirementNotFound: 10}, kinds)
	require.Equal(t, map[string]int{codeRequirementNotFound: 500, codeInvalidValue: 300, codeUnknownBadge: 1,
		codeInactiveScout: 1, codeInvalidRow: 1, codeVersionMismatch: 1}, r.WarningCounts)
	require.Equal(t, codeInvalidRow, r.WarningSummary[0].Type)
	require.Equal(t, codeRequirementNotFound, r.WarningSummary[len(r.WarningSummary)-1].Type)
	require.Equal(t, "500 badge or rank version(s) list requirement ids the reference data lacks.", r.WarningSummary[len(r.WarningSummary)-1].Message)
}

// BenchmarkErrorBudget stages an export of a million rows that cannot be read (about 80 MB,
// generated as it is read) with the default budget and a store that drops the batches. It
// reports how much of the input was read and the heap in use at the end: both stay small
// because reading stops at the budget.
func BenchmarkErrorBudget(b *testing.B) {
	b.ReportAllocs()
	var read int64
	var heap uint64
	for b.Loop() {
		in := &badRows{n: 1_000_000}
		rows := newRowReporter(false, 0, func([]Issue) error { return nil })
		if _, err := stageTroopCSV(in, &reference{}, nil, rows, Limits{}); !errors.Is(err, errTooManyProblemRows) {
			b.Fatalf("staging ended with %v", err)
		}
		read = in.read
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = ms.HeapInuse
	}
	b.ReportMetric(float64(read)/(1<<20), "MiB-read")
	b.ReportMetric(float64(heap)/(1<<20), "MiB-heap-in-use")
}
