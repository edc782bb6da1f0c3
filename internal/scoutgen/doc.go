// Package scoutgen writes realistic synthetic Scoutbook "Troop Advancement"
// exports, so the importer can be tested and demonstrated at the scale of a
// real troop without real people's data.
//
// The shape of the output follows measurements of real troop exports: about
// 1,000 rows per scout, about 62%
// of them merit badge requirement rows, rank progressions skewed toward the
// lower ranks, badges drawn by popularity, requirement version years and
// requirement ID shapes in the measured proportions, and, on request, the
// noise a real export carries (empty-date spellings, time suffixes,
// duplicate rows, historical and unknown badge names, quoted commas, CRLF
// line endings, a byte order mark and blank lines).
//
// Output is a pure function of the options: the same TroopOptions always
// produce the same bytes, and Roster returns the scouts of that file. The
// writer streams one scout at a time, so memory stays bounded however many
// scouts are asked for. All people, member IDs and unit numbers are
// invented.
package scoutgen
