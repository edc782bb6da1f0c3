// Command bench is `make bench`: the import and the queue measured side by side with their
// anchors, in one run on one local PostgreSQL cluster (fsync on, wal_level=logical, as on
// Supabase), in interleaved rounds, reported as medians and ratios. Absolute times depend on
// the machine and its load; the ratios are what the targets are about.
//
//	go run ./bench [-out bench/results.md] [-rounds55 3] [-rounds550 2] [-rounds2000 2] [-quick]
//
// What it compares:
//   - the 55-scout import (the real `worker` binary, job claimed -> completed) against one
//     statement that upserts the same rows into the same tables (the rows the import wrote,
//     sent as JSON parameters, into a fresh copy of the same database), and the re-import of the
//     same file against a guarded upsert that skips unchanged rows;
//   - 550- and 2,000-scout imports: time per item and the worker process's peak RSS, with the
//     Dockerfile's GOMEMLIMIT;
//   - no-op jobs per second of the queue (one process) against River, with the CPU time each
//     spends per job (its process and the PostgreSQL cluster), and pickup latency
//     (insert -> handler start) at about 4 and 200 jobs per second against River with its
//     defaults (bench/river, its own Go module);
//   - WAL bytes per heartbeat and per progress write, with import_jobs in the Realtime
//     publication.
//
// Every database is made from the migrated template plus reference data: the ranks and rank
// requirements the migrations seed and a merit badge requirement catalogue (every badge
// version and requirement id the generator can write), as a production database has them.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/chuckbox/importworker/internal/scoutgen"
)

func main() {
	out := flag.String("out", "bench/results.md", "file the results table is written to")
	r55 := flag.Int("rounds55", 3, "rounds of the 55-scout comparison")
	r550 := flag.Int("rounds550", 2, "rounds of the 550-scout import")
	r2000 := flag.Int("rounds2000", 2, "rounds of the 2,000-scout import, each after a 550-scout round")
	rq := flag.Int("rounds-queue", 5, "rounds of each queue comparison (the pickup figures swing by a millisecond between rounds on a shared machine)")
	quick := flag.Bool("quick", false, "one round of everything, small sizes (a smoke run of the harness)")
	flag.Parse()
	if *quick {
		*r55, *r550, *r2000, *rq = 1, 1, 0, 1
	}
	ctx := context.Background()
	var scouts []int
	for _, r := range []struct{ n, rounds int }{{scoutgen.DefaultScouts, *r55}, {550, *r550}, {2000, *r2000}} {
		if r.rounds > 0 {
			scouts = append(scouts, r.n)
		}
	}
	b, err := setup(ctx, scouts)
	if err != nil {
		log.Fatalf("bench: %v", err)
	}
	defer b.close()
	res, err := b.run(ctx, *r55, *r550, *r2000, *rq)
	if err != nil {
		log.Fatalf("bench: %v", err)
	}
	text := res.markdown()
	fmt.Print("\n" + text)
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		log.Fatalf("bench: write %s: %v", *out, err)
	}
	fmt.Printf("\nwritten to %s\n", *out)
}

// dockerGOMEMLIMIT reads GOMEMLIMIT from the Dockerfile, so the worker runs with the memory
// setting it has in production.
func dockerGOMEMLIMIT() string {
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		return ""
	}
	m := regexp.MustCompile(`GOMEMLIMIT=(\S+)`).FindSubmatch(raw)
	if m == nil {
		return ""
	}
	return string(m[1])
}

// buildBinaries builds the worker and the River benchmark into dir.
func buildBinaries(ctx context.Context, dir string) (worker, river string, err error) {
	worker = filepath.Join(dir, "worker")
	river = filepath.Join(dir, "riverbench")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", worker, "./worker")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("build worker: %v\n%s", err, out)
	}
	cmd = exec.CommandContext(ctx, "go", "build", "-o", river, ".")
	cmd.Dir = "bench/river"
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("build bench/river: %v\n%s", err, out)
	}
	return worker, river, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// row is one line of the results table.
type row struct {
	what, unit    string
	ours, anchor  float64
	anchorName    string
	target        string
	ok            bool
	ratioInverted bool // ratio printed as anchor/ours (throughput: higher is better)
	context       bool // a comparison for context, with no target of its own
}

type results struct {
	rows  []row
	notes []string
}

func (r *results) add(x row) { r.rows = append(r.rows, x) }

func (r *results) markdown() string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "| what | ours | anchor | ratio | target | met |\n|---|---|---|---|---|---|\n")
	for _, x := range r.rows {
		ratio := 0.0
		if x.anchor != 0 {
			ratio = x.ours / x.anchor
		}
		met := "no"
		if x.ok {
			met = "yes"
		}
		if x.context {
			met = "(context)"
		}
		fmt.Fprintf(&b, "| %s | %s %s | %s: %s %s | %.2fx | %s | %s |\n", x.what, fmtNum(x.ours), x.unit,
			x.anchorName, fmtNum(x.anchor), x.unit, ratio, x.target, met)
	}
	b.WriteString("\n")
	for _, n := range r.notes {
		b.WriteString("- " + n + "\n")
	}
	return b.String()
}

func fmtNum(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.3g", v)
	}
}

func loadavg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Join(strings.Fields(string(raw))[:3], " ")
}

var start = time.Now()

func step(format string, a ...any) {
	fmt.Printf("[%5.0fs] "+format+"\n", append([]any{time.Since(start).Seconds()}, a...)...)
}
