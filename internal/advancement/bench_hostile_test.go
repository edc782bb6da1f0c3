package advancement_test

// Benchmarks of hostile inputs (issue: nothing bounded what one upload could cost). Each one
// sets up the database state and the file of one finding, runs the job through a real worker
// and reports, besides ns/op, peak-heap-MB (HeapInuse sampled every 5 ms), peak-rss-MB (the
// process's resident high-water mark, reset before the job) and the job's own timings. Each
// asserts the outcome and that the worker's heap stayed under 128 MiB (the GOMEMLIMIT of a
// 256 MB VM). The stored rows are not analyzed: the worst case, tables without statistics.
// peak-rss-MB is the whole test process's, the generated file included.
//
//	go test -run='^$' -bench=Hostile -benchtime=1x ./internal/advancement

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
)

// heapBudget is the worker heap every hostile input must stay under.
const heapBudget = 128 << 20

// BenchmarkHostileRequirementIDs: links, markup, a 5,000-character id and 2,000 junk ids.
func BenchmarkHostileRequirementIDs(b *testing.B) {
	benchHostile(b, func(b *testing.B, f *troopFixture) string {
		e := newExport()
		e.requirement("900000601", "Camping Merit Badge Requirements", "Visit http://evil.example to finish this badge", "2019", "03/01/2019")
		e.requirement("900000601", "Camping Merit Badge Requirements", `<script>alert("x")</script>`, "2019", "03/01/2019")
		e.requirement("900000601", "Camping Merit Badge Requirements", "1"+strings.Repeat("a", 4999), "2019", "03/01/2019")
		for i := range 2000 {
			e.requirement("900000601", "Camping Merit Badge Requirements", fmt.Sprintf("junk-%05d", i), "2019", "03/03/2019")
		}
		return e.String()
	}, func(b *testing.B, f *troopFixture, j jobRow) {
		require.Equal(b, 2003, j.Result.Rows.RefusedIDs)
		require.Zero(b, f.count(b, `select count(*) from unit_requirement_definitions`))
	})
}

// BenchmarkHostileUnknownBadges: 200,000 unknown merit badges in a 25 MB file (the worker
// peaked at 407 MB before warnings were bounded).
func BenchmarkHostileUnknownBadges(b *testing.B) {
	benchHostile(b, func(b *testing.B, f *troopFixture) string {
		e := newExport()
		for i := range 200_000 {
			e.award("900000602", "Merit Badges", "Basket Weaving "+strconv.Itoa(i)+" MB", "2020", "04/04/2024")
		}
		return e.String()
	}, func(b *testing.B, f *troopFixture, j jobRow) {
		require.Equal(b, 200_000, j.Result.UnknownItems)
		require.Equal(b, advancement.DefaultMaxWarningsPerKind+1, f.count(b, `select count(*) from import_job_issues where job_id = $1`, j.ID))
	})
}

// BenchmarkHostileStoredProgressOneBadge: 62,000 progress rows stored for one scout's badge,
// and a file naming 4,050 of its requirements (a chunk of 4,000 ids took 182 s when the probe
// matched on the progress row only).
func BenchmarkHostileStoredProgressOneBadge(b *testing.B) {
	const versions, perVersion = 27, 2300
	benchHostile(b, func(b *testing.B, f *troopFixture) string {
		scout := f.seedScout(b, "900000603", "Avery", "Testwood", true)
		f.exec(b, `insert into bsa_merit_badge_requirements (merit_badge_id, version_year, requirement_number, scoutbook_requirement_number, description, display_order)
			select b.id, 2000 + v, n::text, n::text, 'Camping ' || n, n
			from bsa_merit_badges b, generate_series(0, $1 - 1) v, generate_series(1, $2) n where b.code = 'camping'`, versions, perVersion)
		f.exec(b, `insert into scout_merit_badge_progress (scout_id, merit_badge_id, status, requirement_version_year)
			select $1, id, 'in_progress', 2024 from bsa_merit_badges where code = 'camping'`, scout)
		f.exec(b, `insert into scout_merit_badge_requirement_progress (scout_merit_badge_progress_id, requirement_id, status)
			select p.id, d.id, 'not_started' from scout_merit_badge_progress p join bsa_merit_badge_requirements d on d.merit_badge_id = p.merit_badge_id`)
		e := newExport()
		for v := range versions {
			for n := 1; n <= 150; n++ {
				e.requirement("900000603", "Camping Merit Badge Requirements", strconv.Itoa(n), strconv.Itoa(2000+v), "03/01/2024")
			}
		}
		return e.String()
	}, func(b *testing.B, f *troopFixture, j jobRow) {
		require.Equal(b, versions*150, j.Result.BadgeRequirementsImported, "every named requirement moved up")
		require.Equal(b, versions*perVersion, f.count(b, `select count(*) from scout_merit_badge_requirement_progress`))
	})
}

// BenchmarkHostileDefinitionsOneVersion: 200,000 definitions stored for one badge version and
// 27 scouts naming 150 of its ids each, half of them unknown (4,000 new ids ran past 60 s when
// the lookups matched on (badge, version) and filtered the number afterwards).
func BenchmarkHostileDefinitionsOneVersion(b *testing.B) {
	benchHostile(b, func(b *testing.B, f *troopFixture) string {
		f.exec(b, `insert into bsa_merit_badge_requirements (merit_badge_id, version_year, requirement_number, scoutbook_requirement_number, description, display_order)
			select b.id, 2024, n::text, n::text, 'Camping ' || n, n
			from bsa_merit_badges b, generate_series(1, 200000) n where b.code = 'camping'`)
		e := newExport()
		for s := range 27 {
			for n := range 150 {
				id := strconv.Itoa(1 + n*1000) // known
				if n%2 == 1 {
					id = fmt.Sprintf("%da", n) // unknown in a version the reference data defines: refused
				}
				e.requirement(fmt.Sprintf("9000007%02d", s), "Camping Merit Badge Requirements", id, "2024", "03/01/2024")
			}
		}
		return e.String()
	}, func(b *testing.B, f *troopFixture, j jobRow) {
		require.Equal(b, 27*75, j.Result.BadgeRequirementsImported)
		require.Equal(b, 27*75, j.Result.UnknownItems-j.Result.Rows.UnknownItems, "the unknown ids are refused")
		require.Zero(b, f.count(b, `select count(*) from unit_requirement_definitions`))
	})
}

// benchHostile runs setup (untimed: database state and the file), then the job, and checks it.
func benchHostile(b *testing.B, setup func(*testing.B, *troopFixture) string, check func(*testing.B, *troopFixture, jobRow)) {
	var peakHeap, peakRSS uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newTroop(b)
		csv := setup(b, f)
		size := len(csv)
		id := f.submit(b, csv, nil)
		csv = ""
		shared := f.sharedDigest(b)

		runtime.GC()
		resetPeakRSS(b)
		stop := sampleHeap(&peakHeap)
		b.StartTimer()
		f.runWorker(b, advancement.TroopHandler{})
		b.StopTimer()
		stop()
		peakRSS = max(peakRSS, readPeakRSS(b))

		j := f.job(b, id)
		require.Equal(b, "completed", j.Status, "error: %s", j.errorMessage())
		require.Equal(b, shared, f.sharedDigest(b), "the shared reference data is unchanged")
		check(b, f, j)
		b.Logf("file %.1f MB, %d items: timings (ms) %v", float64(size)/(1<<20), j.TotalItems, j.Result.TimingsMs)
	}
	require.Less(b, peakHeap, uint64(heapBudget), "the worker's heap stays under 128 MiB")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(peakRSS)/(1<<20), "peak-rss-MB")
}

// resetPeakRSS resets the process's resident-set high-water mark (Linux: clear_refs 5).
func resetPeakRSS(b *testing.B) {
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the RSS high-water mark (%v): peak-rss-MB includes the setup", err)
	}
}

// readPeakRSS returns VmHWM, the process's resident-set high-water mark, in bytes (0 when
// unknown).
func readPeakRSS(b *testing.B) uint64 {
	fh, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
