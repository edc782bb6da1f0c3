package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// importRun is one import measured: job claimed -> completed (the database's timestamps;
// summed over the files of a split export), items, and the worker process's peak RSS.
type importRun struct {
	seconds float64
	items   int
	rssMB   float64
}

// runImport enqueues the troop's export in db and runs the real worker binary until the queue
// is empty (--exit-when-idle), with the Dockerfile's GOMEMLIMIT.
func (b *bench) runImport(ctx context.Context, pool *pgxpool.Pool, db string, t *troop) (importRun, error) {
	// Every file of the export is queued at once; the unit's files run one after the other.
	ids := make([]uuid.UUID, len(t.parts))
	for i, part := range t.parts {
		if err := pool.QueryRow(ctx, `insert into public.import_jobs (unit_id, created_by, type, input_csv)
			values ($1, $2, 'troop_advancement', $3) returning id`, t.unit, t.profile, part).Scan(&ids[i]); err != nil {
			return importRun{}, fmt.Errorf("enqueue: %w", err)
		}
	}
	cmd := exec.CommandContext(ctx, b.workerBin, "run", "--exit-when-idle")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+b.cluster.URL(db, "postgres"), "WORKER_ID=bench",
		"WORKER_HTTP_ADDR=", "LOG_FORMAT=json")
	if b.gomemlimit != "" {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+b.gomemlimit)
	}
	logf, err := os.Create(b.tmpDir + "/worker.log")
	if err != nil {
		return importRun{}, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return importRun{}, fmt.Errorf("worker: %w", err)
	}
	// Peak RSS: the kernel's high-water mark of the process (VmHWM), read until it exits. Not
	// the rusage of the child: Go starts it with vfork, so its maxrss starts from this
	// process's own RSS.
	var r importRun
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	for waiting := true; waiting; {
		if kb := vmHWM(cmd.Process.Pid); kb > 0 {
			r.rssMB = max(r.rssMB, float64(kb)/1024)
		}
		select {
		case err := <-exited:
			if err != nil {
				return importRun{}, fmt.Errorf("worker: %w (log in %s)", err, logf.Name())
			}
			waiting = false
		case <-poll.C:
		}
	}
	for _, id := range ids {
		var status string
		var msg *string
		var secs float64
		var items int
		err = pool.QueryRow(ctx, `select status, error_message, coalesce(extract(epoch from completed_at - started_at), 0)::float8,
			coalesce(total_items, 0) from public.import_jobs where id = $1`, id).Scan(&status, &msg, &secs, &items)
		if err != nil {
			return r, err
		}
		if status != "completed" {
			return r, fmt.Errorf("import job ended %s: %s", status, deref(msg))
		}
		r.seconds += secs
		r.items += items
	}
	return r, nil
}

// vmHWM returns the peak resident set size of process pid in kB, 0 when unknown.
func vmHWM(pid int) int {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return kb
		}
	}
	return 0
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// written is what an import wrote, table by table, as JSON arrays of rows.
type written struct {
	tables []string
	rows   map[string][]byte
	counts map[string]int
}

// dumpWritten collects the rows of public tables written by transactions from fromXid on (the
// import's), except the queue's own tables.
func dumpWritten(ctx context.Context, pool *pgxpool.Pool, fromXid int64) (*written, error) {
	rows, err := pool.Query(ctx, `select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
		where n.nspname = 'public' and c.relkind = 'r' and c.relname not like 'import_job%' order by 1`)
	if err != nil {
		return nil, err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	w := &written{rows: map[string][]byte{}, counts: map[string]int{}}
	for _, t := range tables {
		var raw []byte
		var n int
		// Rows that name the job which wrote them (recorded_by_job_id) are upserted by the
		// anchor without it: the anchor's database has no such job (the column is nullable).
		err := pool.QueryRow(ctx, `select coalesce(jsonb_agg(case when to_jsonb(t) ? 'recorded_by_job_id'
			then to_jsonb(t) || '{"recorded_by_job_id": null}' else to_jsonb(t) end), '[]'), count(*) from `+t+` t
			where t.xmin::text::bigint >= $1`, fromXid%(1<<32)).Scan(&raw, &n)
		if err != nil {
			return nil, fmt.Errorf("dump %s: %w", t, err)
		}
		if n > 0 {
			w.tables = append(w.tables, t)
			w.rows[t], w.counts[t] = raw, n
		}
	}
	return w, nil
}

func (w *written) summary() string {
	parts := make([]string, 0, len(w.tables))
	for _, t := range w.tables {
		parts = append(parts, fmt.Sprintf("%s %d", strings.TrimPrefix(t, "public."), w.counts[t]))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

// upsertStatement is the anchor: one statement upserting every written row into its table
// (one data-modifying CTE per table, the rows sent as JSON parameters), on each table's
// primary key. guarded skips rows that would not change.
func upsertStatement(ctx context.Context, pool *pgxpool.Pool, w *written, guarded bool) (string, []any, error) {
	var ctes []string
	var args []any
	for i, t := range w.tables {
		var cols, pk []string
		var identityAlways bool
		err := pool.QueryRow(ctx, `select
			array_agg(quote_ident(a.attname) order by a.attnum) filter (where a.attgenerated = ''),
			coalesce((select array_agg(quote_ident(pa.attname) order by pa.attnum) from pg_index i
			  join pg_attribute pa on pa.attrelid = i.indrelid and pa.attnum = any(i.indkey)
			  where i.indrelid = $1::regclass and i.indisprimary), '{}'),
			bool_or(a.attidentity = 'a')
			from pg_attribute a where a.attrelid = $1::regclass and a.attnum > 0 and not a.attisdropped`, t).
			Scan(&cols, &pk, &identityAlways)
		if err != nil {
			return "", nil, fmt.Errorf("columns of %s: %w", t, err)
		}
		args = append(args, w.rows[t])
		list := strings.Join(cols, ", ")
		override := ""
		if identityAlways {
			override = " overriding system value"
		}
		conflict := " on conflict do nothing"
		if len(pk) > 0 {
			sets := make([]string, 0, len(cols))
			for _, c := range cols {
				sets = append(sets, c+" = excluded."+c)
			}
			conflict = fmt.Sprintf(" on conflict (%s) do update set %s", strings.Join(pk, ", "), strings.Join(sets, ", "))
			if guarded {
				old := make([]string, len(cols))
				for j, c := range cols {
					old[j] = "t." + c
				}
				conflict += fmt.Sprintf(" where (%s) is distinct from (excluded.%s)", strings.Join(old, ", "),
					strings.Join(cols, ", excluded."))
			}
		}
		ctes = append(ctes, fmt.Sprintf("w%d as (insert into %s as t (%s)%s select %s from jsonb_populate_recordset(null::%s, $%d)%s returning 1)",
			i, t, list, override, list, t, i+1, conflict))
	}
	if len(ctes) == 0 {
		return "", nil, errors.New("the import wrote nothing")
	}
	counts := make([]string, len(ctes))
	for i := range ctes {
		counts[i] = fmt.Sprintf("(select count(*) from w%d)", i)
	}
	return "with " + strings.Join(ctes, ",\n") + "\nselect " + strings.Join(counts, " + "), args, nil
}

// importRound runs one round of a troop size: the import by the worker; with anchors, also the
// re-import of the same file and the bulk upsert of the same rows into a fresh copy of the
// database and then the guarded upsert. Each database is dropped after use.
func (b *bench) importRound(ctx context.Context, n, round int, anchors bool) (first, again importRun, bulk, guarded float64, w *written, err error) {
	t := b.troops[n]
	db := fmt.Sprintf("run_%d_%d", n, round)
	if err = b.cluster.CreateDatabase(ctx, db, t.db); err != nil {
		return
	}
	defer func() { _ = b.cluster.DropDatabase(context.Background(), db) }()
	pool, err := b.adminPool(ctx, db)
	if err != nil {
		return
	}
	defer pool.Close()
	var fromXid int64
	if err = pool.QueryRow(ctx, `select txid_current()`).Scan(&fromXid); err != nil {
		return
	}
	if first, err = b.runImport(ctx, pool, db, t); err != nil {
		return
	}
	if !anchors {
		return
	}
	if w, err = dumpWritten(ctx, pool, fromXid); err != nil {
		return
	}
	if again, err = b.runImport(ctx, pool, db, t); err != nil {
		return
	}
	pool.Close()
	adb := db + "_anchor"
	if err = b.cluster.CreateDatabase(ctx, adb, t.db); err != nil {
		return
	}
	defer func() { _ = b.cluster.DropDatabase(context.Background(), adb) }()
	apool, err := b.adminPool(ctx, adb)
	if err != nil {
		return
	}
	defer apool.Close()
	for i, g := range []bool{false, true} {
		sql, args, e := upsertStatement(ctx, apool, w, g)
		if e != nil {
			err = e
			return
		}
		start := time.Now()
		if _, err = apool.Exec(ctx, sql, args...); err != nil {
			err = fmt.Errorf("anchor upsert: %w", err)
			return
		}
		if i == 0 {
			bulk = time.Since(start).Seconds()
		} else {
			guarded = time.Since(start).Seconds()
		}
	}
	return
}
