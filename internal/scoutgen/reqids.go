package scoutgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
)

// idShape is one of the requirement ID shapes measured in a real export
// (domain.md 1.7).
type idShape int

// The shapes, with an example of each.
const (
	shapeLetter            idShape = iota // 4b
	shapeFreeText                         // 7c Nordic, 4a1 Triathlon Option, 2k Opt B, 5b Grp 3, 6d dairy
	shapePlain                            // 7
	shapeParenLetter                      // 5(a)
	shapeBracket                          // 3a[1]
	shapeOptionWord                       // 2 Option A (3)(b)
	shapeTrailingPeriod                   // 5g., 7.
	shapeParenLetterNumber                // 1(b)(2)
	shapeLetterParenNumber                // 9b(2)
	shapeNestedBracket                    // 7a[1]b, 1a[5c]
	shapeOptionLetterParen                // 6A(a)(1)
	shapeOther                            // 6b(ii), 5b(1).
	shapeCount
)

// shapeShare is the measured share (percent) of distinct requirement IDs
// per shape.
var shapeShare = [shapeCount]float64{47.5, 11.4, 11.2, 9.4, 6.1, 5.3, 5.2, 1.7, 0.9, 0.8, 0.4, 0.2}

// shapeGroupSize is the range of the number of IDs one top-level
// requirement of each shape produces.
var shapeGroupSize = [shapeCount][2]int{
	shapeLetter:            {2, 6},
	shapeFreeText:          {2, 5},
	shapePlain:             {1, 1},
	shapeParenLetter:       {2, 5},
	shapeBracket:           {2, 4},
	shapeOptionWord:        {3, 6},
	shapeTrailingPeriod:    {1, 5},
	shapeParenLetterNumber: {2, 4},
	shapeLetterParenNumber: {2, 3},
	shapeNestedBracket:     {2, 3},
	shapeOptionLetterParen: {2, 4},
	shapeOther:             {2, 3},
}

// shapeDraw picks the shape of the next top-level requirement. A shape's
// weight is its ID share divided by its mean group size, so that the share
// of IDs, not of groups, matches the measurement.
var shapeDraw = func() weighted {
	w := make([]float64, shapeCount)
	for s := range shapeCount {
		mean := float64(shapeGroupSize[s][0]+shapeGroupSize[s][1]) / 2
		w[s] = shapeShare[s] / mean
	}
	return newWeighted(w)
}()

// Option texts for the free-text shape. Each list is one theme; a group
// uses one theme throughout.
var freeTextThemes = [][]string{
	{"Nordic", "Alpine", "Snowboard", "Freestyle", "Backcountry"},
	{"beef", "dairy", "poultry", "sheep", "swine", "horses"},
	{"Grp 1", "Grp 2", "Grp 3", "Grp 4"},
	{"Opt A", "Opt B", "Opt C"},
	{"Canoe", "Kayak", "Raft", "Paddleboard"},
}

// Free-text options that follow a letter and a digit: `4a1 Triathlon Option`.
var freeTextNumberedOptions = []string{"Triathlon Option", "Duathlon Option", "Aquathlon Option"}

var romanNumerals = []string{"i", "ii", "iii", "iv", "v"}

// Bounds of the number of completable requirement IDs per badge version,
// measured at 5 to 91 with a median of 22 (domain.md 6.1).
const (
	minRequirementIDs    = 5
	maxRequirementIDs    = 91
	medianRequirementIDs = 22
)

// requirementList returns the rows of one badge version in display order:
// requirement IDs, with "" for the section header rows that carry no ID.
// The list depends only on (code, version), so every scout working the same
// badge version lists the same IDs.
func requirementList(code string, version int) []string {
	r := newRand(int64(version), hashKey("requirements", code))

	// Log-normal around the measured median, clamped to the measured range.
	n := int(math.Round(medianRequirementIDs * math.Exp(0.5*r.NormFloat64())))
	n = max(minRequirementIDs, min(maxRequirementIDs, n))

	rows := make([]string, 0, n+n/4+1)
	if chance(r, 0.3) {
		rows = append(rows, "") // "Do the following:" above everything
	}
	ids := 0
	for number := 1; ids < n; number++ {
		shape := idShape(shapeDraw.draw(r))
		size := between(r, shapeGroupSize[shape][0], shapeGroupSize[shape][1])
		size = min(size, n-ids)
		group := shapeGroup(r, shape, number, size)
		if len(group) > 1 && chance(r, 0.35) {
			rows = append(rows, "") // header of a requirement with sub-items
		}
		rows = append(rows, group...)
		ids += len(group)
	}
	return rows
}

// shapeGroup returns the IDs of top-level requirement number in the given
// shape; it returns size IDs, or fewer where a shape cannot be that small.
func shapeGroup(r *rand.Rand, shape idShape, number, size int) []string {
	num := strconv.Itoa(number)
	out := make([]string, 0, size)
	letter := func(i int) string { return string(rune('a' + i)) }
	upper := func(i int) string { return string(rune('A' + i)) }

	switch shape {
	case shapeLetter:
		for i := range size {
			out = append(out, num+letter(i))
		}
	case shapeFreeText:
		switch r.IntN(3) {
		case 0: // 4a1 Triathlon Option
			sub := letter(r.IntN(3))
			for i := range size {
				out = append(out, fmt.Sprintf("%s%s%d %s", num, sub, i+1, freeTextNumberedOptions[i%len(freeTextNumberedOptions)]))
			}
		default: // 7c Nordic, 5b Grp 3, 2k Opt B, 6d dairy
			theme := pick(r, freeTextThemes)
			start := r.IntN(3)
			for i := range size {
				out = append(out, fmt.Sprintf("%s%s %s", num, letter(start+i), theme[i%len(theme)]))
			}
		}
	case shapePlain:
		out = append(out, num)
	case shapeParenLetter:
		for i := range size {
			out = append(out, num+"("+letter(i)+")")
		}
	case shapeBracket:
		// 3a[1] 3a[2] 3b[1] ...
		for i := range size {
			out = append(out, fmt.Sprintf("%s%s[%d]", num, letter(i/2), i%2+1))
		}
	case shapeOptionWord:
		// 2 Option A (1)(a) ... 2 Option B (2)
		for i := range size {
			opt := upper(i / 3)
			if i%3 == 2 {
				out = append(out, fmt.Sprintf("%s Option %s (%d)", num, opt, i%3+1))
			} else {
				out = append(out, fmt.Sprintf("%s Option %s (%d)(%s)", num, opt, i%3+1, letter(i%3)))
			}
		}
	case shapeTrailingPeriod:
		if size == 1 {
			out = append(out, num+".")
			break
		}
		for i := range size {
			out = append(out, num+letter(i)+".")
		}
	case shapeParenLetterNumber:
		for i := range size {
			out = append(out, fmt.Sprintf("%s(%s)(%d)", num, letter(i/2), i%2+1))
		}
	case shapeLetterParenNumber:
		sub := letter(r.IntN(3))
		for i := range size {
			out = append(out, fmt.Sprintf("%s%s(%d)", num, sub, i+1))
		}
	case shapeNestedBracket:
		if chance(r, 0.5) { // 7a[1]b
			for i := range size {
				out = append(out, fmt.Sprintf("%sa[1]%s", num, letter(i)))
			}
		} else { // 1a[5c]
			for i := range size {
				out = append(out, fmt.Sprintf("%sa[%d%s]", num, i+1, letter(i)))
			}
		}
	case shapeOptionLetterParen:
		for i := range size {
			out = append(out, fmt.Sprintf("%s%s(a)(%d)", num, upper(i/2), i%2+1))
		}
	case shapeOther:
		if chance(r, 0.7) { // 6b(ii)
			for i := range size {
				out = append(out, fmt.Sprintf("%sb(%s)", num, romanNumerals[i]))
			}
		} else { // 5b(1).
			for i := range size {
				out = append(out, fmt.Sprintf("%sb(%d).", num, i+1))
			}
		}
	}
	return out
}

// completable returns the non-header rows of a requirement list.
func completable(rows []string) []string {
	out := make([]string, 0, len(rows))
	for _, id := range rows {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}
