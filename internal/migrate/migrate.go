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
	"github.com/golang-migrate/migrate/v4/database"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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

	if err := checkSupabaseShape(ctx, db); err != nil {
		return Result{}, err
	}
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
		return Result{}, fmt.Errorf("schema version %d is marked dirty: an earlier run of migration %d stopped without recording "+
			"whether it committed; check whether its objects exist, then set the version in %s "+
			"(to %d with dirty = false when they do, to the previous version when they do not) and run again",
			before, before, historyTable, before)
	}

	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return Result{}, failed(m, files, all, err)
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

// failed explains a failed m.Up in one sentence and, when the failed migration rolled back
// completely, clears golang-migrate's dirty flag: the database is exactly at the previous
// version, so nothing is left to fix by hand and the next run tries the migration again.
//
// golang-migrate marks a version dirty before running its file and clean after. Each file is
// sent as one simple-protocol query, which PostgreSQL runs as one implicit transaction unless
// the file holds its own transaction control (see runsAsOneTransaction; a test keeps every
// migration of the project free of it). So an error the server reported means nothing of the
// file was committed.
func failed(m *migrate.Migrate, files fs.FS, all []Migration, upErr error) error {
	version, dirty, verr := m.Version()
	if verr != nil || !dirty {
		return fmt.Errorf("apply migrations: %w", upErr)
	}
	var name string
	prev := -1 // no migration applied before it
	for _, mig := range all {
		if mig.Version == uint64(version) {
			name = mig.Name
			break
		}
		prev = int(mig.Version)
	}
	var dbErr database.Error
	var pgErr *pgconn.PgError
	if name == "" || !errors.As(upErr, &dbErr) || !errors.As(dbErr.OrigErr, &pgErr) {
		return fmt.Errorf("migration %d failed and may have been applied in part; the schema is marked dirty: %w", version, upErr)
	}
	where := name
	if pgErr.Position > 0 && dbErr.Line > 0 {
		where = fmt.Sprintf("%s failed at line %d", name, dbErr.Line)
	} else {
		where = name + " failed"
	}
	text, err := fs.ReadFile(files, name)
	if err != nil || !runsAsOneTransaction(string(text)) {
		return fmt.Errorf("migration %s and may have been applied in part (it controls its own transactions); "+
			"the schema is marked dirty: %s", where, pgErrorText(pgErr))
	}
	if err := m.Force(prev); err != nil {
		return fmt.Errorf("migration %s and was rolled back (%s), but clearing the dirty flag failed: %w",
			where, pgErrorText(pgErr), err)
	}
	return fmt.Errorf("migration %s and was rolled back, nothing of it is applied: %s", where, pgErrorText(pgErr))
}

// pgErrorText is a server error in one line: message, detail and hint, without the SQL text.
func pgErrorText(e *pgconn.PgError) string {
	s := e.Message + " (SQLSTATE " + e.Code + ")"
	if e.Detail != "" {
		s += "; " + e.Detail
	}
	if e.Hint != "" {
		s += "; hint: " + e.Hint
	}
	return s
}

// transactionControl finds statements that end or start a transaction at the top level of a
// migration file (a PL/pgSQL block's `begin` is followed by a line break, not by `;`).
var transactionControl = regexp.MustCompile(`(?im)^\s*(commit|rollback|begin\s*;|begin\s+(work|transaction)|start\s+transaction)\b`)

// runsAsOneTransaction reports whether a migration file runs as one implicit transaction:
// it has no transaction control of its own and nothing that refuses to run inside a
// transaction (CREATE INDEX CONCURRENTLY, VACUUM, ...).
func runsAsOneTransaction(sql string) bool {
	return !transactionControl.MatchString(sql) && !outsideTransaction.MatchString(sql)
}

// outsideTransaction finds statements PostgreSQL refuses to run inside a transaction block.
var outsideTransaction = regexp.MustCompile(`(?im)\b(index|view)\s+concurrently\b|^\s*vacuum\b|^\s*alter\s+system\b`)

// supabaseObjects are what Supabase creates in every project and the migrations use: the API
// roles, Auth's users table and its auth.uid() helper.
const supabaseObjects = `
	select x.what
	from (values ('role anon', to_regrole('anon') is not null),
	             ('role authenticated', to_regrole('authenticated') is not null),
	             ('role service_role', to_regrole('service_role') is not null),
	             ('table auth.users', to_regclass('auth.users') is not null),
	             ('function auth.uid()', to_regprocedure('auth.uid()') is not null)) x(what, present)
	where not x.present`

// checkSupabaseShape refuses, in one sentence, to migrate a database that lacks what Supabase
// provides (plain PostgreSQL without the local stand-in), instead of failing half-way into a
// migration with "role authenticated does not exist".
func checkSupabaseShape(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, supabaseObjects)
	if err != nil {
		return fmt.Errorf("check for Supabase's roles and auth schema: %w", err)
	}
	defer rows.Close()
	var missing []string
	for rows.Next() {
		var what string
		if err := rows.Scan(&what); err != nil {
			return fmt.Errorf("check for Supabase's roles and auth schema: %w", err)
		}
		missing = append(missing, what)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check for Supabase's roles and auth schema: %w", err)
	}
	if len(missing) > 0 {
		return fmt.Errorf("this database lacks what Supabase provides (%s): run against a Supabase project, "+
			"or on a local PostgreSQL add --with-local-stand-in; nothing was changed", strings.Join(missing, ", "))
	}
	return nil
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
