package scoutgen

// person is an adult named in the marked-by, counselor, leader and
// awarded-by columns.
type person struct {
	name   string
	userID int
}

// row is one data row before it is written. The scout columns come from the
// Scout the row belongs to.
type row struct {
	kind    RowKind
	typ     string // advancementtype
	adv     string // advancement: item name or requirement ID
	version string // "" when the row has no version

	awarded       bool
	completed     day // datecompleted
	approved      bool
	marked        day // markedcompleteddate
	markedBy      *person
	counselor     *person
	counselorDate day
	leader        *person
	leaderDate    day
	awardedBy     *person
	awardedDate   day
	itemID        int // the export's numeric id column
}

// isCompletedRequirement reports whether the importer would keep the row as
// a completed requirement (domain.md 1.5).
func (r *row) isCompletedRequirement() bool {
	if r.kind != KindRankRequirement && r.kind != KindMeritBadgeRequirement {
		return false
	}
	return r.adv != "" && (r.completed != noDay || r.approved)
}

// itemID derives the export's numeric id for an item from its identity, so
// the same requirement has the same id for every scout.
func itemID(parts ...string) int {
	return 100_000 + int(hashKey(parts...)%900_000)
}
