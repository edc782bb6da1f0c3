// Package migrate applies the project's Supabase migrations with golang-migrate.
//
// The migration files keep the Supabase CLI's naming (`<version>_<name>.sql`, forward only), so
// that `supabase db push` and `worker migrate` read the same files. golang-migrate expects
// `<version>_<name>.up.sql`; an fs.FS adapter presents each file under that name. The history
// table lives in the private schema import_migrations, never in public, where the Data API
// could expose it.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// HistorySchema is the private schema holding golang-migrate's history table.
const HistorySchema = "import_migrations"

// historyTable is golang-migrate's table, schema-qualified and quoted.
const historyTable = `"` + HistorySchema + `"."schema_migrations"`

// cliName matches a Supabase CLI migration file name: `<version>_<name>.sql`.
var cliName = regexp.MustCompile(`^([0-9]+)_(.+)\.sql$`)

// Migration is one migration file.
type Migration struct {
	Version uint64
	Name    string // file name, e.g. 20261129000100_host_tables.sql
}

// List returns the migrations in files in version order.
func List(files fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		m := cliName.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil || strings.HasSuffix(e.Name(), ".down.sql") {
			continue
		}
		v, err := strconv.ParseUint(m[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("migration %s: version: %w", e.Name(), err)
		}
		out = append(out, Migration{Version: v, Name: e.Name()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].Name, out[i].Name, out[i].Version)
		}
	}
	return out, nil
}

// upFS presents `<v>_<name>.sql` files as `<v>_<name>.up.sql` for golang-migrate.
type upFS struct{ files fs.FS }

// Open opens the CLI-named file behind an `.up.sql` name.
func (u upFS) Open(name string) (fs.File, error) {
	if name == "." {
		return u.files.Open(".")
	}
	return u.files.Open(strings.TrimSuffix(name, ".up.sql") + ".sql")
}

// ReadDir lists the migration files under their `.up.sql` names.
func (u upFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(u.files, name)
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, 0, len(entries))
	for _, e := range entries {
		if e.IsDir() || !cliName.MatchString(e.Name()) || strings.HasSuffix(e.Name(), ".down.sql") {
			continue
		}
		out = append(out, renamedEntry{DirEntry: e, name: strings.TrimSuffix(e.Name(), ".sql") + ".up.sql"})
	}
	return out, nil
}

// renamedEntry is a directory entry shown under another name.
type renamedEntry struct {
	fs.DirEntry
	name string
}

func (r renamedEntry) Name() string { return r.name }

// Result tells what Up did.
type Result struct {
	Applied []Migration // migrations applied by this call, in order
	Version uint64      // schema version after the call (0 when none)
}

// Up applies every migration in files that the database at databaseURL has not applied yet.
// It connects with the URL's role (on Supabase: postgres, never a superuser) and is safe to
// run twice: the second run applies nothing. Use a direct or session-mode connection
// (golang-migrate holds a session advisory lock), never the transaction pooler.
func Up(ctx context.Context, databaseURL string, files fs.FS) (Result, error) {
	all, err := List(files)
	if err != nil {
		return Result{}, err
	}

	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return Result{}, fmt.Errorf("parse database url: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()

	if _, err := db.ExecContext(ctx, `create schema if not exists `+HistorySchema); err != nil {
		return Result{}, fmt.Errorf("create schema %s: %w", HistorySchema, err)
	}
	if _, err := db.ExecContext(ctx, `revoke all on schema `+HistorySchema+` from public`); err != nil {
		return Result{}, fmt.Errorf("revoke schema %s: %w", HistorySchema, err)
	}

	m, err := newMigrator(db, files)
	if err != nil {
		return Result{}, err
	}
	defer m.Close()

	before, dirty, err := m.Version()
	switch {
	case errors.Is(err, migrate.ErrNilVersion):
		before = 0
	case err != nil:
		return Result{}, fmt.Errorf("read schema version: %w", err)
	case dirty:
		return Result{}, fmt.Errorf("schema version %d is marked dirty: a previous migration failed half-way; fix the database by hand, then clear the flag in %s", before, historyTable)
	}

	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return Result{}, fmt.Errorf("apply migrations: %w", err)
	}

	after, _, err := m.Version()
	if err != nil && !errors.Is(err, migrate.ErrNilVersion) {
		return Result{}, fmt.Errorf("read schema version: %w", err)
	}
	res := Result{Version: uint64(after)}
	for _, mig := range all {
		if mig.Version > uint64(before) && mig.Version <= uint64(after) {
			res.Applied = append(res.Applied, mig)
		}
	}
	return res, nil
}

// newMigrator builds a golang-migrate instance over db and files.
func newMigrator(db *sql.DB, files fs.FS) (*migrate.Migrate, error) {
	src, err := iofs.New(upFS{files: files}, ".")
	if err != nil {
		return nil, fmt.Errorf("open migration source: %w", err)
	}
	driver, err := pgxmigrate.WithInstance(db, &pgxmigrate.Config{
		MigrationsTable:       historyTable,
		MigrationsTableQuoted: true,
		StatementTimeout:      5 * time.Minute,
	})
	if err != nil {
		return nil, fmt.Errorf("open migration driver: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", driver)
	if err != nil {
		return nil, fmt.Errorf("create migrator: %w", err)
	}
	return m, nil
}

// CurrentVersion returns the applied schema version (0 when nothing is applied) and whether it
// is dirty, reading the history table directly (no lock taken).
func CurrentVersion(ctx context.Context, conn interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}) (uint64, bool, error) {
	var exists bool
	if err := conn.QueryRow(ctx, `select to_regclass($1) is not null`, historyTable).Scan(&exists); err != nil {
		return 0, false, fmt.Errorf("look up %s: %w", historyTable, err)
	}
	if !exists {
		return 0, false, nil
	}
	var version int64
	var dirty bool
	err := conn.QueryRow(ctx, `select version, dirty from `+historyTable+` limit 1`).Scan(&version, &dirty)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read %s: %w", historyTable, err)
	}
	return uint64(version), dirty, nil
}

// Latest returns the newest migration version in files.
func Latest(files fs.FS) (uint64, error) {
	all, err := List(files)
	if err != nil {
		return 0, err
	}
	if len(all) == 0 {
		return 0, nil
	}
	return all[len(all)-1].Version, nil
}
