package advancement_test

// End-to-end benchmarks of the troop import: a job inserted through the leader's browser path
// (RLS), claimed and run by a real jobs.Worker until it is completed. Setting up the database
// (a fresh copy per iteration, the roster, the job row) is not timed.
//
//	go test -run='^$' -bench=. -benchtime=1x ./internal/advancement      # 55 scouts, import and re-import
//	go test -run='^$' -bench=550 -benchtime=1x ./internal/advancement    # the 10x export (about 105 MB)
//
// Besides ns/op, each benchmark reports items/op (ranks, badges and requirements staged),
// peak-heap-MB (the highest HeapInuse sampled every 5 ms while the job ran, the test's own
// copy of the file already released) and alloc-MB/op (bytes allocated while the job ran).

import (
	"flag"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

func BenchmarkImport55Scouts(b *testing.B) { benchImport(b, scoutgen.DefaultScouts, false) }

func BenchmarkReimport55Scouts(b *testing.B) { benchImport(b, scoutgen.DefaultScouts, true) }

// BenchmarkImport550Scouts runs only when asked for by name (-bench=550): it generates,
// stores and imports a 105 MB export.
func BenchmarkImport550Scouts(b *testing.B) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "550") {
		b.Skip("the 10x export takes a while; run it with -bench=550")
	}
	benchImport(b, 10*scoutgen.DefaultScouts, false)
}

// benchImport times the import of a generated export of n scouts into a unit whose roster
// holds the export's on-roster scouts; with reimport, the file has been imported once
// already (untimed) and the second import is timed.
func benchImport(b *testing.B, n int, reimport bool) {
	opts := scoutgen.DefaultTroopOptions()
	opts.Scouts = n
	roster := scoutgen.Roster(opts)
	var items int
	var peak, allocated uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newTroop(b)
		f.seedRoster(b, roster)
		if reimport {
			id := f.submit(b, generate(b, opts), nil)
			f.runWorker(b, advancement.TroopHandler{})
			require.Equal(b, "completed", f.job(b, id).Status)
		}
		id := f.submit(b, generate(b, opts), nil)

		runtime.GC() // the generated file is garbage now; measure the worker alone
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		stop := sampleHeap(&peak)
		b.StartTimer()
		f.runWorker(b, advancement.TroopHandler{})
		b.StopTimer()
		stop()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		allocated += after.TotalAlloc - before.TotalAlloc

		j := f.job(b, id)
		require.Equal(b, "completed", j.Status, "error: %s", j.errorMessage())
		require.Equal(b, j.TotalItems, j.ProcessedItems)
		if reimport {
			require.Equal(b, j.TotalItems, j.Result.DuplicatesSkipped)
		}
		items = j.TotalItems
		b.Logf("%d scouts, %d items: timings (ms) %v", n, j.TotalItems, j.Result.TimingsMs)
	}
	b.ReportMetric(float64(items), "items/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(allocated)/float64(b.N)/(1<<20), "alloc-MB/op")
}

// sampleHeap records the highest HeapInuse into *peak until the returned stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > *peak {
				*peak = m.HeapInuse
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
