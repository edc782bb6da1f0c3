package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chuckbox/importworker/internal/localpg"
	"github.com/chuckbox/importworker/internal/scoutgen"
	sqlfiles "github.com/chuckbox/importworker/sql"
	"github.com/chuckbox/importworker/supabase"
)

// bench holds the cluster, the binaries and the prepared template databases.
type bench struct {
	server     *localpg.Server
	cluster    *localpg.Cluster
	tmpDir     string
	workerBin  string
	riverBin   string
	gomemlimit string
	troops     map[int]*troop // by scout count
	refNote    string
	queueUnits []uuid.UUID
	queueBy    uuid.UUID // created_by of the queue benchmark's jobs
}

// troop is a template database with one unit, its leader and its roster, and the export.
type troop struct {
	db      string
	unit    uuid.UUID
	profile uuid.UUID
	parts   []string // the export, split at scout boundaries into files under the upload limit
	rows    int
}

// partBytes is the largest file the bench uploads: the worker refuses troop files over
// advancement.MaxTroopInputBytes (128 MB), and a leader splits a larger troop's export.
const partBytes = 120 << 20

// splitExport cuts a troop export into files of at most partBytes (a scout's rows are never
// more than a tenth of it), each with the header, at
// scout boundaries (the first column is the BSA member id; a scout's rows are contiguous).
func splitExport(export string, partBytes int) ([]string, error) {
	if len(export) <= partBytes {
		return []string{export}, nil
	}
	nl := strings.IndexByte(export, '\n')
	header := export[:nl+1]
	r := csv.NewReader(strings.NewReader(export[nl+1:]))
	r.FieldsPerRecord, r.LazyQuotes = -1, true
	var parts []string
	partStart, recStart := int64(0), int64(0)
	lastID := ""
	body := export[nl+1:]
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("split the export: %w", err)
		}
		if rec[0] != lastID && recStart-partStart > int64(partBytes-len(header))*9/10 {
			parts = append(parts, header+body[partStart:recStart])
			partStart = recStart
		}
		lastID = rec[0]
		recStart = r.InputOffset()
	}
	parts = append(parts, header+body[partStart:])
	total := 0
	for _, p := range parts {
		if len(p) > partBytes {
			return nil, fmt.Errorf("split the export: a file of %d bytes", len(p))
		}
		total += len(p) - len(header)
	}
	if total != len(body) {
		return nil, fmt.Errorf("split the export: %d of %d bytes", total, len(body))
	}
	return parts, nil
}

// setup builds the binaries, starts the cluster and prepares the databases: the troops of the
// sizes listed in scouts (the import comparisons that will run) and the queue's.
func setup(ctx context.Context, scouts []int) (*bench, error) {
	b := &bench{troops: map[int]*troop{}, gomemlimit: dockerGOMEMLIMIT()}
	var err error
	if b.tmpDir, err = os.MkdirTemp("", "importworker-bench-"); err != nil {
		return nil, err
	}
	step("building bin: worker and bench/river")
	if b.workerBin, b.riverBin, err = buildBinaries(ctx, b.tmpDir); err != nil {
		return nil, err
	}
	step("starting PostgreSQL (fsync on, full_page_writes on, wal_level=logical)")
	b.server, err = localpg.Start(ctx, localpg.Options{Settings: map[string]string{
		"fsync": "on", "full_page_writes": "on", "synchronous_commit": "on",
	}})
	if err != nil {
		return nil, err
	}
	b.cluster = b.server.Cluster()
	tmpl, err := b.cluster.PrepareTemplate(ctx, sqlfiles.StandIn, supabase.Migrations())
	if err != nil {
		return nil, err
	}
	if err := b.cluster.CreateDatabase(ctx, "bench_ref", tmpl); err != nil {
		return nil, err
	}
	if err := b.loadReference(ctx); err != nil {
		return nil, err
	}
	for _, n := range scouts {
		t, err := b.prepareTroop(ctx, n)
		if err != nil {
			return nil, err
		}
		b.troops[n] = t
	}
	if err := b.prepareQueue(ctx); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *bench) close() {
	if b.server != nil {
		_ = b.server.Stop()
	}
	_ = os.RemoveAll(b.tmpDir)
}

func (b *bench) adminPool(ctx context.Context, db string) (*pgxpool.Pool, error) {
	pool, err := pgxpool.New(ctx, b.cluster.AdminURL(db))
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", db, err)
	}
	return pool, nil
}

// loadReference adds the merit badge requirement catalogue to bench_ref (the migrations seed
// ranks, rank requirements and badges, not badge requirements) and analyzes the tables, as a
// production database would have them.
func (b *bench) loadReference(ctx context.Context) error {
	pool, err := b.adminPool(ctx, "bench_ref")
	if err != nil {
		return err
	}
	defer pool.Close()
	defs := scoutgen.ReferenceRequirements()
	codes := make([]string, len(defs))
	years := make([]int32, len(defs))
	ids := make([]string, len(defs))
	orders := make([]int32, len(defs))
	for i, d := range defs {
		codes[i], years[i], ids[i], orders[i] = d.BadgeCode, int32(d.VersionYear), d.ID, int32(d.DisplayOrder)
	}
	_, err = pool.Exec(ctx, `insert into public.bsa_merit_badge_requirements
		    (version_year, merit_badge_id, requirement_number, scoutbook_requirement_number, description, display_order)
		select v.year, b.id, v.req, v.req, 'Requirement ' || v.req, v.ord
		from unnest($1::text[], $2::int[], $3::text[], $4::int[]) as v (code, year, req, ord)
		join public.bsa_merit_badges b on b.code = v.code
		on conflict do nothing`, codes, years, ids, orders)
	if err != nil {
		return fmt.Errorf("load merit badge requirements: %w", err)
	}
	if _, err := pool.Exec(ctx, `analyze`); err != nil {
		return err
	}
	// The generated 2,000-scout export (about 380 MB) goes in files under the 128 MB per-file
	// limit, all queued at once: beyond the default 256 MB a unit may have waiting, so the bench
	// raises that quota.
	if _, err := pool.Exec(ctx, `update import_private.import_limits set max_unit_input_bytes = 2048::bigint * 1024 * 1024`); err != nil {
		return fmt.Errorf("raise input limits: %w", err)
	}
	var ranks, rankReqs, badges, badgeReqs int
	err = pool.QueryRow(ctx, `select (select count(*) from public.bsa_ranks), (select count(*) from public.bsa_rank_requirements),
		(select count(*) from public.bsa_merit_badges), (select count(*) from public.bsa_merit_badge_requirements)`).
		Scan(&ranks, &rankReqs, &badges, &badgeReqs)
	if err != nil {
		return err
	}
	b.refNote = fmt.Sprintf("Reference data in every measured database: %d ranks and %d rank requirements (seeded by the migrations), "+
		"%d merit badges (migrations) and %d merit badge requirement definitions (every badge version and requirement id the "+
		"generator writes, loaded by the bench; tables analyzed).", ranks, rankReqs, badges, badgeReqs)
	step("reference data: %d rank requirements, %d merit badge requirements", rankReqs, badgeReqs)
	return nil
}

// prepareTroop makes the template database of an n-scout troop: the unit, a leader and the
// roster scouts, and generates its export.
func (b *bench) prepareTroop(ctx context.Context, n int) (*troop, error) {
	t := &troop{db: fmt.Sprintf("troop_%d", n)}
	if err := b.cluster.CreateDatabase(ctx, t.db, "bench_ref"); err != nil {
		return nil, err
	}
	pool, err := b.adminPool(ctx, t.db)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	opts := scoutgen.TroopOptions{Scouts: n, Seed: 1, Noise: true}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `insert into public.units (name, unit_number, unit_type, unit_gender)
			values ('Troop 123', '123', 'troop', 'boys') returning id`).Scan(&t.unit); err != nil {
			return err
		}
		user := uuid.New()
		if _, err := tx.Exec(ctx, `insert into auth.users (id, email, role, aud) values ($1, 'leader@bench.example', 'authenticated', 'authenticated')`, user); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `insert into public.profiles (user_id, email, first_name, last_name, full_name)
			values ($1, 'leader@bench.example', 'Pat', 'Leader', 'Pat Leader') returning id`, user).Scan(&t.profile); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into public.unit_memberships (unit_id, profile_id, role, status) values ($1, $2, 'leader', 'active')`, t.unit, t.profile); err != nil {
			return err
		}
		for _, s := range scoutgen.Roster(opts) {
			if !s.OnRoster {
				continue
			}
			if _, err := tx.Exec(ctx, `insert into public.scouts (unit_id, first_name, middle_name, last_name, bsa_member_id, is_active)
				values ($1, $2, nullif($3, ''), $4, $5, $6)`, t.unit, s.FirstName, s.MiddleName, s.LastName, s.BSAMemberID, !s.InactiveOnRoster); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed the %d-scout troop: %w", n, err)
	}
	if _, err := pool.Exec(ctx, `analyze`); err != nil {
		return nil, err
	}
	var export bytes.Buffer
	stats, err := scoutgen.WriteTroop(&export, opts)
	if err != nil {
		return nil, err
	}
	if t.parts, err = splitExport(export.String(), partBytes); err != nil {
		return nil, err
	}
	t.rows = stats.Rows
	debug.FreeOSMemory()
	step("troop of %d scouts: %d rows, %.1f MB in %d file(s)", n, stats.Rows, float64(export.Len())/1e6, len(t.parts))
	return t, nil
}
