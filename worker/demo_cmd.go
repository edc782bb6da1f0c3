package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/localpg"
	"github.com/chuckbox/importworker/internal/scoutgen"
	sqlfiles "github.com/chuckbox/importworker/sql"
	"github.com/chuckbox/importworker/supabase"
)

// demoCommand is `worker demo`: everything the product does, on this machine, with nothing to
// configure. It starts a throwaway PostgreSQL shaped like Supabase, migrates it, seeds a troop
// with a leader and most of its roster, generates a realistic Scoutbook export, submits the
// import exactly as the leader's browser would (role authenticated + the leader's JWT claims,
// row-level security enforced), runs the worker, draws the progress bar from the job row, and
// prints the result. Then it imports the same file again to show that nothing is written twice.
func demoCommand(ctx context.Context, args []string) error {
	fs := newFlags("demo", "[--scouts N] [--seed S] [-v]",
		"Start a throwaway local PostgreSQL shaped like Supabase, submit a realistic troop import as a leader's\n"+
			"browser would, follow its progress, then import the same file again (nothing is written twice).")
	scouts := fs.Int("scouts", scoutgen.DefaultScouts, "scouts in the generated export")
	seed := fs.Int64("seed", 1, "generator seed")
	verbose := fs.Bool("v", false, "show the worker's logs")
	if err := fs.parse(args); err != nil {
		return err
	}
	if *scouts < 1 || *scouts > maxScouts {
		fmt.Fprintf(stderr, "worker demo: --scouts must be between 1 and %d, got %d\n", maxScouts, *scouts)
		return errUsage
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	step := func(format string, a ...any) { fmt.Printf("==> "+format+"\n", a...) }

	step("starting a local PostgreSQL (Supabase stand-in, wal_level=logical)")
	server, err := localpg.Start(ctx, localpg.Options{})
	if err != nil {
		return err
	}
	defer server.Stop() //nolint:errcheck
	cluster := server.Cluster()
	template, err := cluster.PrepareTemplate(ctx, sqlfiles.StandIn, supabase.Migrations())
	if err != nil {
		return err
	}
	if err := cluster.CreateDatabase(ctx, "troop_demo", template); err != nil {
		return err
	}
	migrations, _ := localPGMigrationCount()
	step("migrated: %d migrations applied (stand-in + schema + reference data), server on 127.0.0.1:%d", migrations, server.Port())

	pool, err := pgxpool.New(ctx, cluster.URL("troop_demo", "postgres"))
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer pool.Close()

	opts := scoutgen.TroopOptions{Scouts: *scouts, Seed: *seed, Noise: true}
	unitID, leader, onRoster, err := seedTroop(ctx, pool, scoutgen.Roster(opts))
	if err != nil {
		return err
	}
	step("seeded Troop 123 with leader %s and %d of the %d scouts on its roster", leader.email, onRoster, *scouts)

	var export bytes.Buffer
	stats, err := scoutgen.WriteTroop(&export, opts)
	if err != nil {
		return err
	}
	step("generated a Scoutbook Troop Advancement export: %d rows, %d scouts, %d completed requirements, %.1f MB",
		stats.Rows, stats.Scouts, stats.CompletedRequirements, float64(export.Len())/1e6)

	// The worker runs as its own least-privilege role, as in production.
	workerURL := cluster.URL("troop_demo", localpg.WorkerRole)
	workerPool, err := pgxpool.New(ctx, workerURL)
	if err != nil {
		return fmt.Errorf("connect as %s: %w", localpg.WorkerRole, err)
	}
	defer workerPool.Close()
	if err := checkRole(ctx, workerPool, false, logger); err != nil {
		return err
	}
	worker, err := jobs.NewWorker(jobs.Config{
		Pool: workerPool,
		ListenConnect: func(ctx context.Context) (*pgx.Conn, error) {
			return pgx.Connect(ctx, workerURL)
		},
		Handlers:    handlers(nil),
		WorkerID:    "demo-worker",
		Concurrency: 2,
		Logger:      logger,
	})
	if err != nil {
		return err
	}
	workerCtx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan error, 1)
	go func() { workerDone <- worker.Run(workerCtx) }()
	defer func() { stopWorker(); <-workerDone }()
	for deadline := time.Now().Add(10 * time.Second); !worker.Ready(); {
		if time.Now().After(deadline) {
			return fmt.Errorf("the worker did not become ready")
		}
		time.Sleep(10 * time.Millisecond) // polling a condition with a deadline
	}
	step("worker running as role %s (no superuser, no BYPASSRLS; LISTEN import_jobs + SKIP LOCKED claims)", localpg.WorkerRole)

	for round, title := range []string{"first import", "same file again (idempotent)"} {
		step("%s: the leader's browser inserts the job (role authenticated, RLS enforced)", title)
		jobID, err := submitAsBrowser(ctx, cluster.URL("troop_demo", "authenticator"), leader, unitID, export.String())
		if err != nil {
			return err
		}
		committed := time.Now() // the insert has committed: the browser has its job id
		res, elapsed, err := followJob(ctx, pool, jobID, committed)
		if err != nil {
			return err
		}
		byKind, err := warningsByKind(ctx, pool, jobID)
		if err != nil {
			return err
		}
		printResult(res, elapsed, byKind)
		if round == 0 {
			fmt.Printf("    every warning is a row of import_job_issues; Studio view: select * from import_job_overview;\n")
		}
	}
	return nil
}

// localPGMigrationCount counts the embedded migrations.
func localPGMigrationCount() (int, error) {
	names, err := fsGlobMigrations()
	return len(names), err
}

type demoLeader struct {
	userID uuid.UUID
	email  string
}

// seedTroop creates the unit, its leader (a login, a profile and an active leader
// membership) and the roster scouts the generator marks as known to the unit.
func seedTroop(ctx context.Context, pool *pgxpool.Pool, roster []scoutgen.Scout) (uuid.UUID, demoLeader, int, error) {
	leader := demoLeader{userID: uuid.New(), email: "scoutmaster@troop123.example"}
	var unitID, profileID uuid.UUID
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `insert into units (name, unit_number, unit_type, unit_gender) values ('Troop 123', '123', 'troop', 'boys') returning id`).Scan(&unitID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into auth.users (id, email, role, aud) values ($1, $2, 'authenticated', 'authenticated')`, leader.userID, leader.email); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `insert into profiles (user_id, email, first_name, last_name, full_name) values ($1, $2, 'Pat', 'Leader', 'Pat Leader') returning id`,
			leader.userID, leader.email).Scan(&profileID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `insert into unit_memberships (unit_id, profile_id, role, status) values ($1, $2, 'leader', 'active')`, unitID, profileID); err != nil {
			return err
		}
		for _, s := range roster {
			if !s.OnRoster {
				continue
			}
			if _, err := tx.Exec(ctx, `insert into scouts (unit_id, first_name, middle_name, last_name, bsa_member_id, is_active) values ($1, $2, nullif($3, ''), $4, $5, $6)`,
				unitID, s.FirstName, s.MiddleName, s.LastName, s.BSAMemberID, !s.InactiveOnRoster); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return uuid.Nil, leader, 0, fmt.Errorf("seed the troop: %w", err)
	}
	n := 0
	for _, s := range roster {
		if s.OnRoster {
			n++
		}
	}
	return unitID, leader, n, nil
}

// submitAsBrowser inserts the job as supabase-js would: through the authenticator role,
// switched to authenticated with the leader's JWT claims, in one transaction.
func submitAsBrowser(ctx context.Context, authenticatorURL string, leader demoLeader, unitID uuid.UUID, csv string) (uuid.UUID, error) {
	conn, err := pgx.Connect(ctx, authenticatorURL)
	if err != nil {
		return uuid.Nil, fmt.Errorf("connect as authenticator: %w", err)
	}
	defer conn.Close(ctx)
	now := time.Now().Unix()
	claims := map[string]any{"sub": leader.userID.String(), "role": "authenticated", "aud": "authenticated",
		"email": leader.email, "iat": now, "exp": now + 3600}
	var id uuid.UUID
	err = localpg.RunAsClient(ctx, conn, claims, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `insert into import_jobs (unit_id, type, input_csv) values ($1, 'troop_advancement', $2) returning id`,
			unitID, csv).Scan(&id)
	})
	if err != nil {
		return uuid.Nil, fmt.Errorf("submit the job as the leader: %w", err)
	}
	return id, nil
}

// followJob draws a progress bar from the job row (what the browser's Realtime subscription
// receives) until the job ends, and returns the time from committed to completed_at.
func followJob(ctx context.Context, pool *pgxpool.Pool, id uuid.UUID, committed time.Time) (*advancement.Result, time.Duration, error) {
	var lastLine string
	for {
		var status, phase string
		var processed, total, scoutsDone, scoutsTotal int
		var completed *time.Time
		var errMsg *string
		var raw []byte
		err := pool.QueryRow(ctx, `select status, coalesce(current_phase, ''), processed_items, total_items, processed_scouts, total_scouts,
			completed_at, error_message, result from import_jobs where id = $1`, id).
			Scan(&status, &phase, &processed, &total, &scoutsDone, &scoutsTotal, &completed, &errMsg, &raw)
		if err != nil {
			return nil, 0, err
		}
		line := progressLine(status, phase, processed, total, scoutsDone, scoutsTotal)
		if line != lastLine {
			if isTerminal {
				fmt.Printf("\r    %-100s", line)
			} else {
				fmt.Printf("    %s\n", line)
			}
			lastLine = line
		}
		switch status {
		case "completed":
			if isTerminal {
				fmt.Println()
			}
			var res advancement.Result
			if err := json.Unmarshal(raw, &res); err != nil {
				return nil, 0, fmt.Errorf("decode result: %w", err)
			}
			return &res, completed.Sub(committed), nil
		case "failed", "cancelled":
			if isTerminal {
				fmt.Println()
			}
			return nil, 0, fmt.Errorf("the import ended %s: %s", status, deref(errMsg))
		}
		select {
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case <-time.After(50 * time.Millisecond): // the browser would get a Realtime event instead
		}
	}
}

// isTerminal is true when standard output is a terminal: the progress bar then redraws in
// place; otherwise (CI logs, pipes) each change is a new line.
var isTerminal = func() bool {
	fi, err := os.Stdout.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}()

func progressLine(status, phase string, processed, total, scoutsDone, scoutsTotal int) string {
	const width = 40
	pct := 0.0
	if total > 0 {
		pct = float64(processed) / float64(total)
	}
	filled := int(pct * width)
	return fmt.Sprintf("[%s%s] %5.1f%%  %6d/%-6d items  %3d/%-3d scouts  %-10s %s",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), pct*100, processed, total, scoutsDone, scoutsTotal, status, phase)
}

// warningKind is how many warnings of one code a job has.
type warningKind struct {
	code  string
	count int
}

// warningsByKind counts the job's warnings in import_job_issues by code, most frequent first.
func warningsByKind(ctx context.Context, pool *pgxpool.Pool, jobID uuid.UUID) ([]warningKind, error) {
	rows, err := pool.Query(ctx, `select code, count(*)::int from import_job_issues
		where job_id = $1 and severity = 'warning' group by code order by 2 desc, 1`, jobID)
	if err != nil {
		return nil, fmt.Errorf("count the job's warnings: %w", err)
	}
	kinds, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (warningKind, error) {
		var k warningKind
		return k, row.Scan(&k.code, &k.count)
	})
	if err != nil {
		return nil, fmt.Errorf("count the job's warnings: %w", err)
	}
	return kinds, nil
}

// printResult prints the job's result. The numbers reconcile: the warnings are the sum of
// their kinds (one row each in import_job_issues); rows of unknown items and requirement ids
// registered are counted separately, because a warning stands for several of them (one per
// scout and unknown item, one per badge or rank version with registered ids).
func printResult(r *advancement.Result, elapsed time.Duration, byKind []warningKind) {
	fmt.Printf("    done in %s (job row committed -> completed)\n", elapsed.Round(time.Millisecond))
	fmt.Printf("    scouts created %d, matched %d | ranks %d | badges %d | rank requirements %d | badge requirements %d | duplicates skipped %d | updated %d\n",
		r.ScoutsCreated, r.ScoutsMatched, r.RanksImported, r.BadgesImported, r.RankRequirementsImported, r.BadgeRequirementsImported,
		r.DuplicatesSkipped, r.ItemsUpdated)
	fmt.Printf("    %s\n", warningSummary(r.WarningCount, byKind))
	fmt.Printf("    rows of unknown items not imported %d | requirement ids recorded for this unit only (not in the reference data) %d\n",
		r.UnknownItems, r.RequirementDefinitionsRegistered)
	fmt.Printf("    timings (ms): %s\n", formatTimings(r.TimingsMs))
}

// warningSummary reads "warnings 332 = requirement_not_found 325 + unknown_badge 5 + ...".
func warningSummary(total int, byKind []warningKind) string {
	if total == 0 {
		return "warnings 0"
	}
	parts := make([]string, len(byKind))
	sum := 0
	for i, k := range byKind {
		parts[i] = fmt.Sprintf("%s %d", k.code, k.count)
		sum += k.count
	}
	line := fmt.Sprintf("warnings %d = %s", total, strings.Join(parts, " + "))
	if sum != total {
		line += fmt.Sprintf(" (import_job_issues holds %d)", sum)
	}
	return line
}

func formatTimings(t map[string]int64) string {
	order := []string{"staging", "scouts", "requirement_definitions", "ranks", "merit_badges", "rank_requirements", "merit_badge_requirements", "total"}
	var parts []string
	for _, k := range order {
		if v, ok := t[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %d", k, v))
		}
	}
	return strings.Join(parts, ", ")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
