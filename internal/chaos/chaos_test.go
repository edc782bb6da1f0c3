package chaos_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/internal/scoutgen"
)

// workerEnv carries the workerSpec (JSON) of a worker child process.
const workerEnv = "CHAOS_WORKER_PROCESS"

func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) != "" || os.Getenv("CHAOS") == "" {
		// A worker child uses the parent's cluster; without CHAOS=1 every test skips, so no
		// PostgreSQL is started either.
		os.Exit(m.Run())
	}
	os.Exit(pgtest.Main(m))
}

// workerSpec configures a worker child process.
type workerSpec struct {
	DBURL     string        `json:"db_url"`
	WorkerID  string        `json:"worker_id"`
	Lease     time.Duration `json:"lease"`
	IdleInTx  time.Duration `json:"idle_in_tx"`
	ChunkSize int           `json:"chunk_size"`
}

// Timings of the chaos workers: a short lease so that frozen and killed workers are rescued
// quickly; the idle-in-transaction limit below it, as in production.
const (
	chaosLease     = 3 * time.Second
	chaosIdleInTx  = 2 * time.Second
	chaosChunkSize = 250
	chaosGrace     = 5 * time.Second
)

// TestChaosWorkerProcess is not a test: TestChaos re-executes the test binary with only this
// function selected and workerEnv set, to get worker processes it can kill, freeze and stop.
// It runs the troop import until SIGTERM, as `worker run` does, and fails if the worker's Run
// returns an error.
func TestChaosWorkerProcess(t *testing.T) {
	raw := os.Getenv(workerEnv)
	if raw == "" {
		t.Skip("worker child process of TestChaos; runs only when it starts it")
	}
	var spec workerSpec
	require.NoError(t, json.Unmarshal([]byte(raw), &spec))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	poolCfg, err := pgxpool.ParseConfig(spec.DBURL)
	require.NoError(t, err)
	poolCfg.MaxConns = 6
	poolCfg.ConnConfig.RuntimeParams["application_name"] = spec.WorkerID
	jobs.SessionLimits{IdleInTransaction: spec.IdleInTx, KeepAlive: time.Second}.Apply(&poolCfg.ConnConfig.Config)
	pool, err := pgxpool.NewWithConfig(ctx, poolCfg)
	require.NoError(t, err)
	defer pool.Close()
	listenCfg := poolCfg.ConnConfig.Copy()
	w, err := jobs.NewWorker(jobs.Config{
		Pool:          pool,
		ListenConnect: func(ctx context.Context) (*pgx.Conn, error) { return pgx.ConnectConfig(ctx, listenCfg) },
		Handlers:      map[string]jobs.Handler{advancement.JobType: advancement.TroopHandler{ChunkSize: spec.ChunkSize}},
		WorkerID:      spec.WorkerID,
		LeaseDuration: spec.Lease,
		PollInterval:  500 * time.Millisecond, FallbackPollInterval: 500 * time.Millisecond,
		ShutdownGrace: chaosGrace,
		Backoff:       jobs.Backoff{Base: 200 * time.Millisecond, Max: time.Second, Jitter: 0.2},
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, nil)),
	})
	require.NoError(t, err)
	require.NoError(t, w.Run(ctx))
}

// chaosConfig is the size of the run (environment knobs, see the package doc).
type chaosConfig struct {
	seed     uint64
	faults   int
	duration time.Duration
	workers  int
	units    int
}

func readConfig(t *testing.T) chaosConfig {
	t.Helper()
	c := chaosConfig{seed: uint64(time.Now().UnixNano()), faults: 10, duration: 90 * time.Second, workers: 3, units: 4}
	num := func(name string, dst *int) {
		if v := os.Getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			require.NoError(t, err, name)
			require.Positive(t, n, name)
			*dst = n
		}
	}
	if v := os.Getenv("CHAOS_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		require.NoError(t, err, "CHAOS_SEED")
		c.seed = n
	}
	if v := os.Getenv("CHAOS_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, "CHAOS_DURATION")
		c.duration = d
	}
	num("CHAOS_FAULTS", &c.faults)
	num("CHAOS_WORKERS", &c.workers)
	num("CHAOS_UNITS", &c.units)
	return c
}

// jobsPerUnit is how many exports each unit imports: two exports of different scouts, and the
// first one again (a re-import: every item is a duplicate or an update). Whatever order the
// faults make them run in, the unit ends up with the same rows.
const jobsPerUnit = 3

// exports returns each unit's exports, from fixed seeds.
func exports(t *testing.T, units int) [][]string {
	t.Helper()
	out := make([][]string, units)
	for u := range out {
		for j := range 2 {
			opts := scoutgen.TroopOptions{Scouts: 5 + 2*(u%3), Seed: int64(100 + 10*u + j), Noise: true}
			var buf bytes.Buffer
			_, err := scoutgen.WriteTroop(&buf, opts)
			require.NoError(t, err)
			out[u] = append(out[u], buf.String())
		}
		out[u] = append(out[u], out[u][0])
	}
	return out
}

// unitFixture is one unit of a run.
type unitFixture struct {
	name   string
	id     uuid.UUID
	leader pgtest.Person
	jobs   []uuid.UUID
}

// setup creates the units, their leaders and their jobs (in the same order in every run).
// Jobs get many attempts: the run takes them away on purpose.
func setup(t *testing.T, db *pgtest.DB, inputs [][]string) []unitFixture {
	t.Helper()
	units := make([]unitFixture, len(inputs))
	for u := range units {
		name := fmt.Sprintf("Troop %d", 100+u)
		id := db.CreateUnit(t, name)
		units[u] = unitFixture{name: name, id: id, leader: db.Leader(t, id, fmt.Sprintf("leader%d@example.org", u))}
	}
	for j := range jobsPerUnit {
		for u := range units {
			var id uuid.UUID
			require.NoError(t, db.Pool.QueryRow(context.Background(), `insert into public.import_jobs
				(unit_id, created_by, type, input_csv, max_attempts) values ($1, $2, $3, $4, 50) returning id`,
				units[u].id, units[u].leader.ProfileID, advancement.JobType, inputs[u][j]).Scan(&id))
			units[u].jobs = append(units[u].jobs, id)
		}
	}
	return units
}

// worker is a worker child process.
type worker struct {
	id     string
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
	paused bool
}

// fleet is the run's worker processes.
type fleet struct {
	t      *testing.T
	db     *pgtest.DB
	dir    string
	mu     sync.Mutex
	seq    int
	live   []*worker
	killed []*worker // stopped on purpose
}

func (f *fleet) start() *worker {
	f.t.Helper()
	f.seq++
	id := fmt.Sprintf("chaos-worker-%d", f.seq)
	raw, err := json.Marshal(workerSpec{DBURL: f.db.URL, WorkerID: id, Lease: chaosLease, IdleInTx: chaosIdleInTx,
		ChunkSize: chaosChunkSize})
	require.NoError(f.t, err)
	w := &worker{id: id, log: filepath.Join(f.dir, id+".log"), exited: make(chan struct{})}
	out, err := os.Create(w.log)
	require.NoError(f.t, err)
	w.cmd = exec.Command(os.Args[0], "-test.run=^TestChaosWorkerProcess$", "-test.count=1", "-test.v")
	w.cmd.Env = append(os.Environ(), workerEnv+"="+string(raw))
	w.cmd.Stdout, w.cmd.Stderr = out, out
	require.NoError(f.t, w.cmd.Start())
	go func() { _ = w.cmd.Wait(); out.Close(); close(w.exited) }()
	f.live = append(f.live, w)
	return w
}

// retire removes w from the live workers.
func (f *fleet) retire(w *worker) {
	f.live = slices.DeleteFunc(f.live, func(x *worker) bool { return x == w })
	f.killed = append(f.killed, w)
}

// holder returns a live worker that holds a running job, if any.
func (f *fleet) holder(ctx context.Context, rng *rand.Rand) *worker {
	rows, err := f.db.Pool.Query(ctx, `select lease_owner from public.import_jobs where status = 'processing' and lease_owner is not null`)
	if err != nil {
		return nil
	}
	owners, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(owners) == 0 {
		return nil
	}
	owner := owners[rng.IntN(len(owners))]
	for _, w := range f.live {
		if w.id == owner {
			return w
		}
	}
	return nil
}

func (w *worker) tail() string {
	b, _ := os.ReadFile(w.log)
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

// poll calls cond until it is true or the deadline passes; database errors (the server is
// restarting) count as false.
func poll(within time.Duration, cond func(ctx context.Context) (bool, error)) bool {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		ok, err := cond(ctx)
		cancel()
		if err == nil && ok {
			return true
		}
		time.Sleep(20 * time.Millisecond) // polling period of the condition
	}
	return false
}

// progressMark is the run's progress: items processed, plus a large step per finished job.
func progressMark(ctx context.Context, db *pgtest.DB) (int, error) {
	var n int
	err := db.Pool.QueryRow(ctx, `select coalesce(sum(processed_items), 0)
		+ 1000000 * count(*) filter (where status in ('completed', 'failed', 'cancelled')) from public.import_jobs`).Scan(&n)
	return n, err
}

// allFinished reports whether every job has ended.
func allFinished(ctx context.Context, db *pgtest.DB) (bool, error) {
	var open int
	err := db.Pool.QueryRow(ctx, `select count(*) from public.import_jobs where status in ('pending', 'processing')`).Scan(&open)
	return open == 0, err
}

// TestChaos imports several units' exports with several worker processes while killing,
// freezing and stopping workers and restarting and crashing PostgreSQL, and then requires
// every job completed, every unit's tables equal to an uninterrupted run's, and every worker
// that was not killed on purpose still alive and able to stop cleanly.
func TestChaos(t *testing.T) {
	if os.Getenv("CHAOS") == "" {
		t.Skip("the chaos run is long: run it with `make chaos` (CHAOS=1)")
	}
	server := pgtest.Cluster().Server()
	if server == nil {
		t.Skip("TEST_DATABASE_URL points at an external server, which the chaos run cannot restart")
	}
	cfg := readConfig(t)
	t.Logf("chaos run: seed %d (CHAOS_SEED=%d reproduces the choices), %d faults at most within %s, %d workers, %d units x %d jobs",
		cfg.seed, cfg.seed, cfg.faults, cfg.duration, cfg.workers, cfg.units, jobsPerUnit)
	rng := rand.New(rand.NewPCG(cfg.seed, cfg.seed^0x9e3779b97f4a7c15))
	inputs := exports(t, cfg.units)

	// The reference: the same jobs, one worker, no fault.
	refStart := time.Now()
	ref := pgtest.NewDB(t)
	refUnits := setup(t, ref, inputs)
	refWorker, err := jobs.NewWorker(jobs.Config{Pool: ref.Pool, WorkerID: "reference", ExitWhenIdle: true,
		Handlers: map[string]jobs.Handler{advancement.JobType: advancement.TroopHandler{ChunkSize: chaosChunkSize}},
		Logger:   slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	require.NoError(t, refWorker.Run(context.Background()))
	requireAllCompleted(t, ref)
	want := dumpUnits(t, ref, refUnits)
	t.Logf("reference run: %s", time.Since(refStart).Round(time.Millisecond))

	// The chaos run.
	db := pgtest.NewDB(t)
	units := setup(t, db, inputs)
	fl := &fleet{t: t, db: db, dir: t.TempDir()}
	for range cfg.workers {
		fl.start()
	}
	t.Cleanup(func() {
		for _, w := range append(fl.live, fl.killed...) {
			select {
			case <-w.exited:
			default:
				_ = w.cmd.Process.Signal(syscall.SIGCONT)
				_ = w.cmd.Process.Kill()
				<-w.exited
			}
			if t.Failed() {
				t.Logf("log of %s (last 3000 bytes):\n%s", w.id, w.tail())
			}
		}
	})

	start := time.Now()
	deadline := start.Add(cfg.duration)
	var done []string
	for len(done) < cfg.faults && time.Now().Before(deadline) {
		// Let the run make progress before each fault: a random number of items.
		ctx := context.Background()
		before, _ := progressMark(ctx, db)
		step := 200 + rng.IntN(1500)
		poll(time.Until(deadline), func(ctx context.Context) (bool, error) {
			if finished, err := allFinished(ctx, db); err != nil || finished {
				return finished, err
			}
			n, err := progressMark(ctx, db)
			return n >= before+step, err
		})
		if finished, err := allFinished(ctx, db); err == nil && finished {
			break
		}
		fault := ""
		switch rng.IntN(5) {
		case 0: // SIGKILL a worker; a new one takes its place
			w := fl.live[rng.IntN(len(fl.live))]
			require.NoError(t, w.cmd.Process.Signal(syscall.SIGKILL))
			<-w.exited
			fl.retire(w)
			fl.start()
			fault = "SIGKILL " + w.id
		case 1: // freeze a worker holding a job past its lease, until the job is rescued
			w := fl.holder(ctx, rng)
			if w == nil {
				continue
			}
			require.NoError(t, w.cmd.Process.Signal(syscall.SIGSTOP))
			frozen := time.Now()
			rescued := poll(10*chaosLease, func(ctx context.Context) (bool, error) {
				var held int
				err := db.Pool.QueryRow(ctx, `select count(*) from public.import_jobs
					where status = 'processing' and lease_owner = $1`, w.id).Scan(&held)
				return held == 0, err
			})
			require.NoError(t, w.cmd.Process.Signal(syscall.SIGCONT))
			require.True(t, rescued, "the job of %s, frozen, was not rescued within %s", w.id, 10*chaosLease)
			fault = fmt.Sprintf("SIGSTOP %s inside its job, SIGCONT %s later, once the job was rescued",
				w.id, time.Since(frozen).Round(time.Millisecond))
		case 2: // SIGTERM a worker: it must stop cleanly within its grace period
			w := fl.live[rng.IntN(len(fl.live))]
			require.NoError(t, w.cmd.Process.Signal(syscall.SIGTERM))
			select {
			case <-w.exited:
			case <-time.After(chaosGrace + 10*time.Second):
				t.Fatalf("%s did not stop within its grace period after SIGTERM", w.id)
			}
			require.True(t, w.cmd.ProcessState.Success(), "%s stopped with %v after SIGTERM", w.id, w.cmd.ProcessState)
			fl.retire(w)
			fl.start()
			fault = "SIGTERM " + w.id
		case 3: // restart PostgreSQL (fast shutdown)
			require.NoError(t, server.Kill(syscall.SIGINT))
			require.NoError(t, server.Restart(context.Background()))
			fault = "PostgreSQL restart"
		case 4: // crash PostgreSQL (immediate shutdown, then crash recovery)
			require.NoError(t, server.Kill(syscall.SIGQUIT))
			require.NoError(t, server.Restart(context.Background()))
			fault = "PostgreSQL crash"
		}
		done = append(done, fault)
		t.Logf("%6s  fault %d: %s", time.Since(start).Round(100*time.Millisecond), len(done), fault)
	}

	// Every job ends, and every worker that was not stopped on purpose is still running.
	require.True(t, poll(3*time.Minute, func(ctx context.Context) (bool, error) { return allFinished(ctx, db) }),
		"jobs still open 3 minutes after the faults")
	t.Logf("all jobs ended %s after the start, after %d faults", time.Since(start).Round(100*time.Millisecond), len(done))
	for _, w := range fl.live {
		select {
		case <-w.exited:
			t.Fatalf("%s exited on its own: %v", w.id, w.cmd.ProcessState)
		default:
		}
		require.NoError(t, w.cmd.Process.Signal(syscall.SIGTERM))
	}
	for _, w := range fl.live {
		select {
		case <-w.exited:
		case <-time.After(chaosGrace + 10*time.Second):
			t.Fatalf("%s did not stop after SIGTERM", w.id)
		}
		require.True(t, w.cmd.ProcessState.Success(), "%s stopped with %v", w.id, w.cmd.ProcessState)
		require.NotContains(t, w.tail(), "panic")
	}

	requireAllCompleted(t, db)
	got := dumpUnits(t, db, units)
	require.Equal(t, len(want), len(got))
	for unit := range want {
		for table, rows := range want[unit] {
			missing, extra := difference(rows, got[unit][table]), difference(got[unit][table], rows)
			if len(missing)+len(extra) > 0 {
				t.Errorf("%s, %s: %d rows differ from the uninterrupted run\nmissing: %s\nextra: %s", unit, table,
					len(missing)+len(extra), limit(missing), limit(extra))
			}
		}
	}
}

// difference returns the rows of a that b lacks (as multisets).
func difference(a, b []string) []string {
	count := map[string]int{}
	for _, r := range b {
		count[r]++
	}
	var out []string
	for _, r := range a {
		if count[r] > 0 {
			count[r]--
			continue
		}
		out = append(out, r)
	}
	return out
}

func limit(rows []string) string {
	if len(rows) > 8 {
		return fmt.Sprintf("%q ... (%d more)", rows[:8], len(rows)-8)
	}
	return fmt.Sprintf("%q", rows)
}

// requireAllCompleted checks that every job of db completed.
func requireAllCompleted(t *testing.T, db *pgtest.DB) {
	t.Helper()
	rows, err := db.Pool.Query(context.Background(), `select id, status, coalesce(error_message, '') from public.import_jobs
		where status <> 'completed'`)
	require.NoError(t, err)
	type bad struct {
		ID     uuid.UUID
		Status string
		Error  string
	}
	failed, err := pgx.CollectRows(rows, pgx.RowToStructByPos[bad])
	require.NoError(t, err)
	require.Empty(t, failed, "jobs that did not complete")
}

// dumpUnits lists, per unit name, what the imports wrote, without ids or timestamps that
// differ between runs: scouts, rank and badge progress and requirement progress, plus each
// job's item counts. The shared reference tables are compared by row count.
func dumpUnits(t *testing.T, db *pgtest.DB, units []unitFixture) map[string]map[string][]string {
	t.Helper()
	day := func(col string) string {
		return fmt.Sprintf(`coalesce(to_char(%s at time zone 'UTC', 'YYYY-MM-DD'), '-')`, col)
	}
	queries := map[string]string{ // $1 the unit, $2 its leader (completed_by)
		"scouts": `select concat_ws(' | ', s.bsa_member_id, s.first_name, coalesce(s.middle_name, '-'), s.last_name, s.is_active::text)
			from public.scouts s where s.unit_id = $1 and $2::uuid is not null`,
		"scout_rank_progress": `select concat_ws(' | ', s.bsa_member_id, r.code, p.status::text,
				` + day("p.started_at") + `, ` + day("p.completed_at") + `, ` + day("p.awarded_at") + `)
			from public.scout_rank_progress p join public.scouts s on s.id = p.scout_id join public.bsa_ranks r on r.id = p.rank_id
			where s.unit_id = $1 and $2::uuid is not null`,
		"scout_rank_requirement_progress": `select concat_ws(' | ', s.bsa_member_id, r.code, d.version_year::text,
				d.requirement_number, q.status::text, ` + day("q.completed_at") + `, (q.completed_by = $2)::text, coalesce(q.notes, '-'))
			from public.scout_rank_requirement_progress q
			join public.scout_rank_progress p on p.id = q.scout_rank_progress_id
			join public.scouts s on s.id = p.scout_id join public.bsa_ranks r on r.id = p.rank_id
			join public.bsa_rank_requirements d on d.id = q.requirement_id
			where s.unit_id = $1`,
		"scout_merit_badge_progress": `select concat_ws(' | ', s.bsa_member_id, b.code, p.status::text,
				coalesce(p.requirement_version_year::text, '-'), ` + day("p.started_at") + `, ` + day("p.completed_at") + `, ` + day("p.awarded_at") + `)
			from public.scout_merit_badge_progress p join public.scouts s on s.id = p.scout_id
			join public.bsa_merit_badges b on b.id = p.merit_badge_id
			where s.unit_id = $1 and $2::uuid is not null`,
		"scout_merit_badge_requirement_progress": `select concat_ws(' | ', s.bsa_member_id, b.code, d.version_year::text,
				d.requirement_number, q.status::text, ` + day("q.completed_at") + `, (q.completed_by = $2)::text, coalesce(q.notes, '-'))
			from public.scout_merit_badge_requirement_progress q
			join public.scout_merit_badge_progress p on p.id = q.scout_merit_badge_progress_id
			join public.scouts s on s.id = p.scout_id join public.bsa_merit_badges b on b.id = p.merit_badge_id
			join public.bsa_merit_badge_requirements d on d.id = q.requirement_id
			where s.unit_id = $1`,
		// Per job: status and sizes. Per unit: the items imported and scouts created by all
		// its jobs together (which of two jobs of the same file imports an item depends on
		// the order the faults make them run in; that it is imported once does not).
		"jobs": `select concat_ws(' | ', j.status, j.total_items::text, j.processed_items::text, j.total_scouts::text)
			from public.import_jobs j where j.unit_id = $1 and $2::uuid is not null
			union all
			select concat_ws(' | ', 'unit total', 'created ' || sum((j.result->>'scoutsCreated')::int),
				'imported ' || sum((j.result->>'ranksImported')::int + (j.result->>'badgesImported')::int
					+ (j.result->>'rankRequirementsImported')::int + (j.result->>'badgeRequirementsImported')::int))
			from public.import_jobs j where j.unit_id = $1`,
	}
	out := map[string]map[string][]string{}
	for _, u := range units {
		m := map[string][]string{}
		for name, q := range queries {
			rows, err := db.Pool.Query(context.Background(), q, u.id, u.leader.ProfileID)
			require.NoError(t, err, name)
			list, err := pgx.CollectRows(rows, pgx.RowTo[string])
			require.NoError(t, err, name)
			slices.Sort(list)
			m[name] = list
		}
		out[u.name] = m
	}
	var shared []string
	for _, table := range []string{"bsa_rank_requirements", "bsa_merit_badge_requirements"} {
		var n int
		require.NoError(t, db.Pool.QueryRow(context.Background(), "select count(*) from public."+table).Scan(&n))
		shared = append(shared, fmt.Sprintf("%s: %d rows", table, n))
	}
	out["shared reference tables"] = map[string][]string{"counts": shared}
	return out
}
