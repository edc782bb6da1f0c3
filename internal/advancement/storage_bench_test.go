package advancement_test

import (
	"bufio"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/scoutgen"
	"github.com/chuckbox/importworker/internal/supabaseclient"
	"github.com/chuckbox/importworker/internal/supabasetest"
)

// BenchmarkImport550FromStorage (run with -bench=550) imports the 105 MB 10x export from a
// Storage object served from disk, so the heap figure is the worker's alone: the download is
// streamed into staging, never held whole.
func BenchmarkImport550FromStorage(b *testing.B) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "550") {
		b.Skip("the 10x export takes a while; run it with -bench=550")
	}
	opts := scoutgen.DefaultTroopOptions()
	opts.Scouts = 10 * scoutgen.DefaultScouts
	file := filepath.Join(b.TempDir(), "export.csv")
	out, err := os.Create(file)
	require.NoError(b, err)
	w := bufio.NewWriter(out)
	_, err = scoutgen.WriteTroop(w, opts)
	require.NoError(b, err)
	require.NoError(b, w.Flush())
	require.NoError(b, out.Close())
	info, err := os.Stat(file)
	require.NoError(b, err)

	srv := supabasetest.New(b)
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		f, err := os.Open(file)
		if err != nil {
			return false
		}
		defer f.Close()
		w.Header().Set("Content-Length", strconv.FormatInt(info.Size(), 10))
		_, _ = io.Copy(w, f)
		return true
	}
	store, err := supabaseclient.New(srv.URL, "service-role-key")
	require.NoError(b, err)

	var peak uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newTroop(b)
		f.seedRoster(b, scoutgen.Roster(opts))
		id := f.insertJob(b, `insert into import_jobs (unit_id, type, input_path, options)
			values ($1, 'troop_advancement', $2, $3) returning id`, f.unit.String()+"/export.csv", nil)
		runtime.GC()
		stop := sampleHeap(&peak)
		b.StartTimer()
		f.runWorker(b, advancement.TroopHandler{Storage: store})
		b.StopTimer()
		stop()
		j := f.job(b, id)
		require.Equal(b, "completed", j.Status, "error: %s", j.errorMessage())
		b.Logf("%d MB from Storage, %d items: timings (ms) %v", info.Size()>>20, j.TotalItems, j.Result.TimingsMs)
	}
	b.ReportMetric(float64(info.Size())/(1<<20), "file-MB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}
