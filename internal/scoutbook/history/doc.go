// Package history reads Scoutbook's single-scout "Scouts BSA History Report"
// export: one scout's header (name, unit, BSA ID, current rank, positions),
// the requirements of each rank, completed and partial merit badges,
// leadership and activities. [Parse] returns a [Report]; lines it cannot use
// become [Report.Warnings] with their line number, and only a file that is
// not a history report at all fails with a [*ParseError].
//
// The troop-wide "Troop Advancement" CSV is read by the parent package
// scoutbook, which also holds what both formats share: calendar dates
// ([scoutbook.Date], [scoutbook.ParseDate]), the rank and merit badge
// reference ([scoutbook.RankCodeFromName], [scoutbook.MeritBadgeByCode]) and
// badge name normalisation. Like scoutbook, this package uses nothing but the
// standard library and scoutbook, and never touches a database.
package history
