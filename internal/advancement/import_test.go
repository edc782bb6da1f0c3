package advancement_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestGeneratedTroopImportsCompletelyAndReimportWritesNothing(t *testing.T) {
	f := newTroop(t)
	csv := generate(t, scoutgen.DefaultTroopOptions())

	id := f.submit(t, csv, nil)
	f.runWorker(t, advancement.TroopHandler{})
	j := f.job(t, id)
	require.Equal(t, "completed", j.Status, "error: %v", j.Error)
	require.Equal(t, j.TotalItems, j.ProcessedItems)
	require.Equal(t, j.TotalScouts, j.ProcessedScouts)
	require.Greater(t, j.Result.BadgeRequirementsImported+j.Result.RankRequirementsImported, 27000)
	t.Logf("first import: %d scouts created, %d requirements, timings %v", j.Result.ScoutsCreated, j.Result.BadgeRequirementsImported+j.Result.RankRequirementsImported, j.Result.TimingsMs)

	id2 := f.submit(t, csv, nil)
	f.runWorker(t, advancement.TroopHandler{})
	j2 := f.job(t, id2)
	require.Equal(t, "completed", j2.Status)
	require.Zero(t, j2.Result.ScoutsCreated)
	require.Zero(t, j2.Result.RanksImported+j2.Result.BadgesImported+j2.Result.RankRequirementsImported+j2.Result.BadgeRequirementsImported)
	require.Equal(t, j2.TotalItems, j2.Result.DuplicatesSkipped)
	t.Logf("re-import: timings %v", j2.Result.TimingsMs)
}
