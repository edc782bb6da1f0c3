package scoutgen

import (
	"bufio"
	"fmt"
	"io"
)

// WriteTroop writes a synthetic Troop Advancement export for opts to w and
// reports what it wrote. It streams one scout at a time through a buffered
// writer, so memory does not grow with the number of scouts. On a write
// error it stops and returns the statistics so far with the error.
func WriteTroop(w io.Writer, opts TroopOptions) (TroopStats, error) {
	stats := TroopStats{RowsByKind: map[RowKind]int{}}
	o, err := opts.normalized()
	if err != nil {
		return stats, err
	}
	g := newGenerator(o)
	roster := buildRoster(o)

	ew := &errWriter{w: w}
	bw := bufio.NewWriterSize(ew, 64<<10)
	cw := &csvWriter{w: bw, eol: "\n", unitNum: g.unitNumber}
	if o.CRLF {
		cw.eol = "\r\n"
	}
	if o.BOM {
		_, _ = bw.WriteString("\ufeff")
	}
	cw.header()

	forceAwardedDateOnly := false
	for i := range roster {
		scout := &roster[i]
		forceAwardedDateOnly = forceAwardedDateOnly || i == g.noise.awardedDateOnly
		rows := g.scoutRows(i)
		var noise rowNoise
		if o.Noise {
			noise = rowNoise{r: newRand(o.Seed, streamScoutNoise+uint64(i))}
		}
		dups := dupPositions(noise, len(rows), g.noise.duplicates[i])
		for j := range rows {
			rw := &rows[j]
			style, empty := dateTwoDigits, emptySlashes
			if o.Noise {
				style, empty = noise.dateStyles()
				if rw.kind == KindMeritBadge {
					noise.badgeName(rw)
					if noise.awardedFlag(rw, forceAwardedDateOnly) {
						forceAwardedDateOnly = false
					}
				}
			}
			times := 1 + dups[j]
			for range times {
				cw.write(scout, rw, style, empty)
				stats.count(rw)
			}
			stats.DuplicateRows += times - 1
		}
		stats.Scouts++
		if g.noise.blankAfter[i] {
			cw.blank()
			stats.BlankLines++
		}
		if ew.err != nil {
			return stats, fmt.Errorf("scoutgen: writing scout %d of %d: %w", i+1, len(roster), ew.err)
		}
	}
	if o.Noise {
		cw.blank() // a trailing blank line, as editors leave
		stats.BlankLines++
	}
	if err := bw.Flush(); err != nil {
		return stats, fmt.Errorf("scoutgen: flushing the export: %w", err)
	}
	return stats, nil
}

// count adds one written row to the statistics.
func (s *TroopStats) count(rw *row) {
	s.Rows++
	s.RowsByKind[rw.kind]++
	if rw.isCompletedRequirement() {
		s.CompletedRequirements++
	}
	if rw.kind == KindMeritBadgeRequirement && rw.adv == "" {
		s.MeritBadgeHeaderRows++
	}
}

// dupPositions returns, per row, how many extra copies to write: n rows of
// the scout, chosen at random, are written twice.
func dupPositions(noise rowNoise, rows, n int) []int {
	dups := make([]int, rows)
	if noise.r == nil || rows == 0 {
		return dups
	}
	for range n {
		dups[noise.r.IntN(rows)] = 1
	}
	return dups
}

// errWriter remembers the first error of the underlying writer, so the
// generator can stop early instead of formatting rows nobody will read.
type errWriter struct {
	w   io.Writer
	err error
}

// Write passes p through until the first error, then keeps failing with it.
func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		e.err = err
	}
	return n, err
}
