package advancement_test

// Rank progress has no version: a scout holds one completion per (rank, requirement id),
// whatever version years the file or the database name.

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
)

// TestRankRequirementOncePerIDAcrossVersions: the file lists Tenderfoot 1a under 2016 and
// 2024, 1b under 2019 only, and 40 (an id no reference version has) under 2016 and 2019. Each
// id becomes one completion: 1a under the current version 2024 (the file names it), 1b under
// 2024 too (2019 is not in the reference data, the current version has 1b), 40 under the
// unit's own definition of the first version named. Re-importing changes nothing.
func TestRankRequirementOncePerIDAcrossVersions(t *testing.T) {
	f := newTroop(t)
	const scout = "900000501"
	e := newExport()
	e.requirement(scout, "Tenderfoot Rank Requirements", "1a", "2016", "01/10/2016")
	e.requirement(scout, "Tenderfoot Rank Requirements", "1a", "2024", "02/01/2024")
	e.requirement(scout, "Tenderfoot Rank Requirements", "1b", "2019", "03/01/2019")
	e.requirement(scout, "Tenderfoot Rank Requirements", "40", "2016", "04/01/2016")
	e.requirement(scout, "Tenderfoot Rank Requirements", "40", "2019", "05/01/2019")
	shared := f.sharedDigest(t)

	first, second := f.importTwice(t, e.String())
	require.Equal(t, shared, f.sharedDigest(t))
	require.Equal(t, sorted([]string{
		"900000501 | tenderfoot | 2024 | 1a | reference | completed | 2024-02-01T00:00:00Z | leader | Imported from Scoutbook",
		"900000501 | tenderfoot | 2024 | 1b | reference | completed | 2019-03-01T00:00:00Z | leader | Imported from Scoutbook",
		"900000501 | tenderfoot | 2016 | 40 | unit | completed | 2016-04-01T00:00:00Z | leader | Imported from Scoutbook",
	}), f.naturalDump(t)["scout_rank_requirement_progress"])
	require.Equal(t, sorted([]string{
		"unit rank | tenderfoot | 2016 | 40 | 2 | this unit | job",
		"unit rank | tenderfoot | 2019 | 40 | 2 | this unit | job",
	}), f.registeredDefinitions(t))
	require.Equal(t, 3, first.TotalItems, "one item per (scout, rank, id)")
	require.Equal(t, 3, first.Result.RankRequirementsImported)
	require.Equal(t, 2, first.Result.Rows.DuplicateRows, "1a and 40 listed twice")
	require.Equal(t, 3, second.Result.DuplicatesSkipped)
}

// TestRankRequirementDoneUnderAnotherVersion: the database has the scout's requirements under
// the current version (written by the app) or under an older one (written by an older
// import), and the file names them under another version year, which the reference data also
// defines. Nothing is added: a done requirement stays as it is (down to xmin), one not done
// yet is moved up in place, under the version it already has.
func TestRankRequirementDoneUnderAnotherVersion(t *testing.T) {
	f := newTroop(t)
	const bsaID = "900000502"
	scout := f.seedScout(t, bsaID, "Avery", "Testwood", true)
	// Tenderfoot 2016 is older reference data: 1a, 1b and 1c are defined there too.
	f.exec(t, `insert into bsa_rank_requirements (rank_id, version_year, requirement_number, description, display_order)
		select id, 2016, n, 'Tenderfoot 2016 ' || n, o from bsa_ranks, unnest(array['1a', '1b', '1c']) with ordinality as v(n, o)
		where code = 'tenderfoot'`)
	def := func(version int, number string) uuid.UUID {
		return f.uuidOf(t, `select d.id from bsa_rank_requirements d join bsa_ranks r on r.id = d.rank_id
			where r.code = 'tenderfoot' and d.version_year = $1 and d.requirement_number = $2`, version, number)
	}
	progress := f.uuidOf(t, `insert into scout_rank_progress (scout_id, rank_id, status)
		select $1, id, 'in_progress' from bsa_ranks where code = 'tenderfoot' returning id`, scout)
	add := func(version int, number, status string) {
		f.exec(t, `insert into scout_rank_requirement_progress (scout_rank_progress_id, requirement_id, status, completed_at, updated_at)
			values ($1, $2, $3::advancement_status, case when $3::text = 'not_started' then null else '2023-01-01Z'::timestamptz end, '2020-01-01Z')`,
			progress, def(version, number), status)
	}
	add(2024, "1a", "approved")    // the app approved it under the current version
	add(2016, "1b", "completed")   // an older import wrote it under 2016
	add(2024, "1c", "not_started") // the app initialised it
	untouched := func() []string {
		return f.strings(t, `select concat_ws(' ', id, xmin, updated_at) from scout_rank_requirement_progress where status <> 'not_started' and completed_by is null`)
	}
	before := untouched()

	e := newExport()
	e.requirement(bsaID, "Tenderfoot Rank Requirements", "1a", "2016", "01/10/2016")
	e.requirement(bsaID, "Tenderfoot Rank Requirements", "1b", "2024", "02/01/2024")
	e.requirement(bsaID, "Tenderfoot Rank Requirements", "1c", "2016", "03/01/2016")
	id := f.submit(t, e.String(), nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())

	require.Equal(t, before, untouched(), "done requirements are not rewritten")
	require.Equal(t, sorted([]string{
		"900000502 | tenderfoot | 2024 | 1a | reference | approved | 2023-01-01T00:00:00Z | - | -",
		"900000502 | tenderfoot | 2016 | 1b | reference | completed | 2023-01-01T00:00:00Z | - | -",
		"900000502 | tenderfoot | 2024 | 1c | reference | completed | 2016-03-01T00:00:00Z | leader | -",
	}), f.naturalDump(t)["scout_rank_requirement_progress"])
	require.Empty(t, f.registeredDefinitions(t))
	r := j.Result
	require.Equal(t, 2, r.DuplicatesSkipped)
	require.Equal(t, 1, r.RankRequirementsImported)
	require.Equal(t, 1, r.ItemsUpdated)

	// A dry run of the same file now finds every item done.
	id = f.submit(t, e.String(), map[string]any{"dryRun": true})
	f.runWorker(t, advancement.TroopHandler{})
	j = f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %s", j.errorMessage())
	require.Equal(t, 3, j.Result.Preview.Summary.Duplicates)
	require.Zero(t, j.Result.Preview.Summary.NewRankRequirements)
}
