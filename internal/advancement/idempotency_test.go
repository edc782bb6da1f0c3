package advancement_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

// TestReimportChangesNothing imports the same export twice. The second import must not insert,
// update or even rewrite a single row (same xmin, same updated_at) in any table the import
// writes, and must report every item as a duplicate.
func TestReimportChangesNothing(t *testing.T) {
	t.Run("crafted", func(t *testing.T) {
		f := newTroop(t)
		f.seedCraftedRoster(t)
		_, second := f.importTwice(t, testdata(t, "crafted_troop.csv"))
		require.Equal(t, 3, second.Result.ScoutsMatched, "Riley, created by the first import, is matched now")
		require.Zero(t, second.Result.ScoutsCreated)
		// The warnings that describe the file are given again; nothing is registered again.
		issues := issueSummary(f.issues(t, second.ID))
		require.Equal(t, []string{
			"warning | historical_badge_mapped | 33 | 900000103 | World Brotherhood | ",
			"warning | inactive_scout | 20 | 900000102 |  | ",
			"warning | requirement_refused | 0 |  | Tenderfoot | 2024",
			"warning | unknown_merit_badge | 27 | 900000102 | Underwater Basket Weaving | 2020",
			"warning | version_mismatch | 16 | 900000101 | Cooking | 2019",
		}, issues)
	})

	t.Run("generated 55 scouts", func(t *testing.T) {
		f := newTroop(t)
		opts := scoutgen.DefaultTroopOptions()
		roster := scoutgen.Roster(opts)
		f.seedRoster(t, roster)
		onRoster := 0
		for _, s := range roster {
			if s.OnRoster {
				onRoster++
			}
		}
		first, second := f.importTwice(t, generate(t, opts))
		// The whole export was imported: every item of the file written.
		require.Equal(t, len(roster), first.Result.ScoutsInFile)
		require.Equal(t, onRoster, first.Result.ScoutsMatched)
		require.Equal(t, len(roster)-onRoster, first.Result.ScoutsCreated)
		require.Equal(t, len(roster), f.count(t, `select count(*) from scouts`), "no scout duplicated")
		require.Zero(t, first.Result.DuplicatesSkipped)
		require.Equal(t, first.TotalItems, first.Result.RanksImported+first.Result.BadgesImported+
			first.Result.RankRequirementsImported+first.Result.BadgeRequirementsImported)
		require.Greater(t, first.TotalItems, 27000)
		require.Equal(t, len(roster), second.Result.ScoutsMatched)
		t.Logf("first import %d ms, re-import %d ms", first.Result.TimingsMs["total"], second.Result.TimingsMs["total"])
	})
}

// importTwice imports csv, snapshots the tables, imports it again and checks that the second
// import changed nothing and reported every item as a duplicate. It returns both jobs.
func (f *troopFixture) importTwice(t *testing.T, csv string) (first, second jobRow) {
	t.Helper()
	id := f.submit(t, csv, nil)
	f.runWorker(t, advancement.TroopHandler{})
	first = f.job(t, id)
	require.Equal(t, "completed", first.Status, "error: %s", first.errorMessage())
	require.Equal(t, first.TotalItems, first.ProcessedItems)
	require.Positive(t, first.TotalItems)

	before := f.rawSnapshot(t)
	beforeNatural := f.naturalDump(t)
	id2 := f.submit(t, csv, nil)
	f.runWorker(t, advancement.TroopHandler{})
	second = f.job(t, id2)
	require.Equal(t, "completed", second.Status, "error: %s", second.errorMessage())
	after := f.rawSnapshot(t)
	after["import_job_checkpoints rows"] = before["import_job_checkpoints rows"] // the second job has its own checkpoint
	for table := range before {
		// Compare table by table: a failure names the table, not a multi-megabyte map.
		require.True(t, before[table] == after[table], "%s changed on re-import", table)
	}
	require.Equal(t, beforeNatural, f.naturalDump(t))

	r := second.Result
	require.Equal(t, first.TotalItems, second.TotalItems, "the same file stages the same items")
	unresolved := r.UnknownItems - r.Rows.UnknownItems // items whose requirement id was refused
	require.Equal(t, first.Result.UnknownItems, r.UnknownItems)
	require.Equal(t, second.TotalItems-unresolved, r.DuplicatesSkipped, "every item is a duplicate")
	require.Zero(t, r.ScoutsCreated)
	require.Zero(t, r.RanksImported)
	require.Zero(t, r.BadgesImported)
	require.Zero(t, r.RankRequirementsImported)
	require.Zero(t, r.BadgeRequirementsImported)
	require.Zero(t, r.ItemsUpdated)
	require.Zero(t, r.RequirementDefinitionsRegistered)
	require.Equal(t, first.Result.Rows, r.Rows)
	require.Equal(t, first.Result.ScoutsInFile, r.ScoutsInFile)
	require.Equal(t, second.TotalItems, second.ProcessedItems)
	return first, second
}
