// Package pgtest gives tests a real, fully migrated PostgreSQL database shaped like Supabase.
//
// Each test package calls Main from its TestMain: it starts one throwaway cluster (package
// localpg) or uses the server named by TEST_DATABASE_URL (a superuser URL), builds the template
// database once (local Supabase stand-in + every migration) and stops the cluster when the
// tests end, also after a failure. NewDB then hands each test a fresh copy of the template.
//
// Connections use the non-superuser postgres role, as on Supabase. AsClient runs SQL as a
// browser's request through PostgREST would: connected as authenticator, in one transaction,
// with role and request.jwt.claims set for the transaction only.
//
// Import this package from _test.go files only.
package pgtest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/chuckbox/importworker/internal/localpg"
	sqlfiles "github.com/chuckbox/importworker/sql"
	"github.com/chuckbox/importworker/supabase"
)

var (
	cluster  *localpg.Cluster
	template string
	counter  atomic.Int64
)

// Main starts the test cluster, runs the package's tests and stops the cluster. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
func Main(m *testing.M) int {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	var server *localpg.Server
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		c, err := localpg.External(url)
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
			return 2
		}
		cluster = c
	} else {
		s, err := localpg.Start(ctx, localpg.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: start PostgreSQL:", err)
			return 2
		}
		server = s
		cluster = s.Cluster()
	}
	code := func() int {
		defer func() {
			if server != nil {
				if err := server.Stop(); err != nil {
					fmt.Fprintln(os.Stderr, "pgtest: stop PostgreSQL:", err)
				}
			}
		}()
		name, err := cluster.PrepareTemplate(ctx, sqlfiles.StandIn, supabase.Migrations())
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: prepare template:", err)
			return 2
		}
		template = name
		return m.Run()
	}()
	return code
}

// Cluster returns the test cluster (for tests that restart the server or need a superuser).
func Cluster() *localpg.Cluster { return cluster }

// DB is a fresh database for one test.
type DB struct {
	Name string
	// Pool is connected as postgres (non-superuser, BYPASSRLS), like the worker on Supabase.
	Pool *pgxpool.Pool
	// URL connects as postgres.
	URL string
	// WorkerURL connects as import_worker, the worker's least-privilege role (no BYPASSRLS):
	// tests run workers with it, so every query the worker makes is checked against its grants
	// and policies.
	WorkerURL string
}

// NewDB creates a fresh migrated database, dropped when the test ends.
func NewDB(t testing.TB) *DB {
	t.Helper()
	if cluster == nil {
		t.Fatal("pgtest: call pgtest.Main from TestMain")
	}
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), counter.Add(1))
	if err := cluster.CreateDatabase(ctx, name, template); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	db := &DB{Name: name, URL: cluster.URL(name, "postgres"), WorkerURL: cluster.URL(name, localpg.WorkerRole)}
	pool, err := pgxpool.New(ctx, db.URL)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	db.Pool = pool
	t.Cleanup(func() {
		pool.Close()
		if err := cluster.DropDatabase(context.Background(), name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return db
}

// WorkerPool opens a pool connected as import_worker (see WorkerURL), closed when the test
// ends.
func (d *DB) WorkerPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), d.WorkerURL)
	if err != nil {
		t.Fatalf("pgtest: connect as %s: %v", localpg.WorkerRole, err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// URLAs returns a URL for this database connecting as role.
func (d *DB) URLAs(role string) string { return cluster.URL(d.Name, role) }

// Claims are the JWT claims of a simulated Supabase user.
type Claims map[string]any

// UserClaims returns the claims Supabase Auth puts in an authenticated user's JWT.
func UserClaims(userID uuid.UUID, email string) Claims {
	now := time.Now().Unix()
	return Claims{
		"sub": userID.String(), "role": "authenticated", "aud": "authenticated",
		"email": email, "phone": "", "app_metadata": map[string]any{"provider": "email"},
		"user_metadata": map[string]any{}, "aal": "aal1", "is_anonymous": false,
		"session_id": uuid.NewString(), "iat": now, "exp": now + 3600,
	}
}

// AnonClaims are the claims of the anon key.
func AnonClaims() Claims { return Claims{"role": "anon", "iss": "supabase"} }

// AsClient runs fn exactly as PostgREST runs a request: on a connection as authenticator, in
// one transaction with role, request.jwt.claims and search_path set for the transaction
// only. It commits when fn returns nil and rolls back otherwise, returning fn's error.
func (d *DB) AsClient(ctx context.Context, claims Claims, fn func(tx pgx.Tx) error) error {
	conn, err := pgx.Connect(ctx, d.URLAs("authenticator"))
	if err != nil {
		return fmt.Errorf("connect as authenticator: %w", err)
	}
	defer conn.Close(ctx)
	return RunAsClient(ctx, conn, claims, fn)
}

// RunAsClient is AsClient on an existing authenticator connection.
func RunAsClient(ctx context.Context, conn *pgx.Conn, claims Claims, fn func(tx pgx.Tx) error) error {
	return localpg.RunAsClient(ctx, conn, claims, fn)
}

// IsPermissionDenied reports whether err is PostgreSQL's insufficient_privilege (42501), which
// includes RLS WITH CHECK violations.
func IsPermissionDenied(err error) bool {
	return err != nil && (strings.Contains(err.Error(), "SQLSTATE 42501"))
}
