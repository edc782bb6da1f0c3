// Package scoutbook reads the files that Scoutbook exports, starting with
// the unit-wide "Troop Advancement" CSV. It knows the file formats only: it
// uses nothing but the standard library and never touches a database.
//
// The single-scout "Scouts BSA History Report" has its own parser in the
// subpackage history; what both formats share (dates, names, the rank and
// merit badge reference) lives here.
//
// # Troop Advancement export
//
// The export has one row per (scout, advancement item): ranks, merit badges,
// and every requirement of both, plus awards the importer ignores. A real
// troop file has about 55,000 rows, so [TroopReader] streams it:
//
//	tr, err := scoutbook.NewTroopReader(file)
//	if err != nil {
//		return fmt.Errorf("read export header: %w", err) // fatal, e.g. missing columns
//	}
//	for {
//		row, err := tr.Next()
//		if errors.Is(err, io.EOF) {
//			break
//		}
//		var perr *scoutbook.ParseError
//		if errors.As(err, &perr) && !perr.Fatal {
//			problems = append(problems, perr) // one unusable row: skip it, keep going
//			continue
//		}
//		if err != nil {
//			return fmt.Errorf("read export: %w", err)
//		}
//		problems = append(problems, row.Problems...) // values read as empty
//		use(row)
//	}
//
// The reader accepts what real and hand-edited exports contain: a UTF-8
// byte order mark, CRLF line endings, blank lines anywhere, quoted fields
// with commas, newlines and doubled quotes, header names in any case and
// spacing and in any order (or no header at all), and every date form
// Scoutbook writes (see [ParseDate]). Each row is classified by its
// advancementtype into a [Kind], with rank codes ([RankCodeFromName]) and
// badge keys ([NormalizeBadgeName], [BadgeAliases]) already derived.
//
// # Errors
//
// Problems are reported as [*ParseError] values that name the line, the
// column and the value, in words a troop leader can act on. A value that
// cannot be read (a date, a flag other than 1 or 0, a version that is not a
// year) is taken as empty and listed in [TroopRow.Problems]; the row is still
// returned. A row that cannot be used at all (no usable member ID, too few or
// too many fields) is a row-level error that leaves the reader usable.
// Structural problems (a broken header, a quote that is never closed, bytes
// that are not text) are fatal and wrap [ErrMalformed].
package scoutbook
