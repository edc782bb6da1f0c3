package localpg

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chuckbox/importworker/internal/migrate"
)

// Cluster is a PostgreSQL server on which databases are made from a migrated template: either
// a Server started here or an existing server reached through a superuser URL
// (TEST_DATABASE_URL). Its methods are safe for concurrent use.
type Cluster struct {
	server   *Server  // nil for an external server
	external *url.URL // superuser URL of an external server
}

// Cluster returns the cluster view of a started server.
func (s *Server) Cluster() *Cluster { return &Cluster{server: s} }

// External returns a Cluster for an existing server. superuserURL must name a superuser (the
// stand-in creates roles) on a server with wal_level=logical for the Realtime tests.
func External(superuserURL string) (*Cluster, error) {
	u, err := url.Parse(superuserURL)
	if err != nil {
		return nil, fmt.Errorf("parse TEST_DATABASE_URL: %w", err)
	}
	return &Cluster{external: u}, nil
}

// Server returns the local server, or nil for an external cluster.
func (c *Cluster) Server() *Server { return c.server }

// URL returns a URL for database connecting as role. On an external server the superuser's
// credentials are used and the role is assumed at connection start.
func (c *Cluster) URL(database, role string) string {
	if c.server != nil {
		return c.server.URL(database, role)
	}
	u := *c.external
	u.Path = "/" + database
	q := u.Query()
	q.Del("options")
	u.RawQuery = q.Encode()
	if role != "" && (u.User == nil || role != u.User.Username()) {
		// %20, not "+": libpq-style parsers do not turn "+" into a space.
		if u.RawQuery != "" {
			u.RawQuery += "&"
		}
		// Role settings (ALTER ROLE ... SET search_path) follow the login role, not SET ROLE:
		// give the session the search_path the role has on Supabase too.
		u.RawQuery += "options=" + strings.ReplaceAll(url.QueryEscape("-c role="+role+" -c search_path=public,extensions"), "+", "%20")
	}
	return u.String()
}

// AdminURL is a superuser URL for database.
func (c *Cluster) AdminURL(database string) string {
	if c.server != nil {
		return c.server.URL(database, c.server.super)
	}
	return c.URL(database, "")
}

// TemplateName returns the name of the template database for the given stand-in and
// migrations: it changes whenever their content changes, so a stale template is never used.
func TemplateName(standIn string, migrations fs.FS) (string, error) {
	h := sha256.New()
	h.Write([]byte(standIn))
	names, err := fs.Glob(migrations, "*.sql")
	if err != nil {
		return "", fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for _, n := range names {
		b, err := fs.ReadFile(migrations, n)
		if err != nil {
			return "", fmt.Errorf("read migration %s: %w", n, err)
		}
		h.Write([]byte(n))
		h.Write(b)
	}
	return "import_tmpl_" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// PrepareTemplate makes sure a template database exists with the stand-in applied (as
// superuser) and every migration applied (as postgres). It is safe to call from several
// processes at once: creation is serialised with an advisory lock and an existing template is
// reused. It returns the template's name.
func (c *Cluster) PrepareTemplate(ctx context.Context, standIn string, migrations fs.FS) (string, error) {
	name, err := TemplateName(standIn, migrations)
	if err != nil {
		return "", err
	}
	admin, err := pgx.Connect(ctx, c.AdminURL("postgres"))
	if err != nil {
		return "", fmt.Errorf("connect as superuser: %w", err)
	}
	defer admin.Close(ctx)

	if _, err := admin.Exec(ctx, `select pg_advisory_lock(hashtext('localpg template'))`); err != nil {
		return "", fmt.Errorf("lock template creation: %w", err)
	}
	defer admin.Exec(context.WithoutCancel(ctx), `select pg_advisory_unlock(hashtext('localpg template'))`) //nolint:errcheck

	var ready bool
	err = admin.QueryRow(ctx, `select datistemplate from pg_database where datname = $1`, name).Scan(&ready)
	if err == nil && ready {
		return name, enableWorkerLogin(ctx, admin)
	}
	if err == nil { // a half-built template from a crashed run
		if _, err := admin.Exec(ctx, `drop database `+quoteIdent(name)+` with (force)`); err != nil {
			return "", fmt.Errorf("drop half-built template: %w", err)
		}
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("look up template: %w", err)
	}

	building := name + "_build"
	if _, err := admin.Exec(ctx, `drop database if exists `+quoteIdent(building)+` with (force)`); err != nil {
		return "", fmt.Errorf("drop stale build database: %w", err)
	}
	if _, err := admin.Exec(ctx, `create database `+quoteIdent(building)+` template template0`); err != nil {
		return "", fmt.Errorf("create template database: %w", err)
	}
	if err := ApplyStandIn(ctx, c.AdminURL(building), standIn); err != nil {
		return "", err
	}
	if _, err := migrate.Up(ctx, c.URL(building, "postgres"), migrations); err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err := admin.Exec(ctx, `alter database `+quoteIdent(building)+` rename to `+quoteIdent(name)); err != nil {
		return "", fmt.Errorf("rename template: %w", err)
	}
	if _, err := admin.Exec(ctx, `alter database `+quoteIdent(name)+` is_template true`); err != nil {
		return "", fmt.Errorf("mark template: %w", err)
	}
	return name, enableWorkerLogin(ctx, admin)
}

// WorkerRole is the worker's least-privilege role, created (NOLOGIN) by the migrations.
const WorkerRole = "import_worker"

// enableWorkerLogin lets the worker role log in on this throwaway cluster (trust
// authentication, no password), as an operator does on Supabase with
// `alter role import_worker with login password '...'`. Roles are cluster-wide, so this holds
// for every database made from the template.
func enableWorkerLogin(ctx context.Context, admin *pgx.Conn) error {
	_, err := admin.Exec(ctx, `do $$
		begin
			if exists (select from pg_roles where rolname = 'import_worker') then
				alter role import_worker with login;
			end if;
		end
		$$`)
	if err != nil {
		return fmt.Errorf("give %s a login: %w", WorkerRole, err)
	}
	return nil
}

// ApplyStandIn runs the local Supabase stand-in SQL on the database at superuserURL.
func ApplyStandIn(ctx context.Context, superuserURL, standIn string) error {
	conn, err := pgx.Connect(ctx, superuserURL)
	if err != nil {
		return fmt.Errorf("connect to apply the stand-in: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, standIn); err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Hint != "" {
			return fmt.Errorf("apply local Supabase stand-in: %s (%s)", pgErr.Message, pgErr.Hint)
		}
		return fmt.Errorf("apply local Supabase stand-in: %w", err)
	}
	return nil
}

// CreateDatabase creates database name as a copy of template, owned by postgres.
func (c *Cluster) CreateDatabase(ctx context.Context, name, template string) error {
	admin, err := pgx.Connect(ctx, c.AdminURL("postgres"))
	if err != nil {
		return fmt.Errorf("connect as superuser: %w", err)
	}
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, `create database `+quoteIdent(name)+` template `+quoteIdent(template)+` owner postgres`)
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// DropDatabase drops database name, disconnecting its sessions and dropping its replication
// slots first.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	admin, err := pgx.Connect(ctx, c.AdminURL("postgres"))
	if err != nil {
		return fmt.Errorf("connect as superuser: %w", err)
	}
	defer admin.Close(ctx)
	// A test's slot connection may still be exiting: end its backend, wait for the slot to be
	// released (temporary slots then vanish), drop what is left, then the database.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, _ = admin.Exec(ctx, `select pg_terminate_backend(active_pid) from pg_replication_slots
			where database = $1 and active_pid is not null`, name)
		_, _ = admin.Exec(ctx, `select pg_drop_replication_slot(slot_name) from pg_replication_slots
			where database = $1 and not active`, name)
		_, err := admin.Exec(ctx, `drop database if exists `+quoteIdent(name)+` with (force)`)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		time.Sleep(50 * time.Millisecond) // polling a condition with a deadline
	}
}
