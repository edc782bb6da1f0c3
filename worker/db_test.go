package main

// Tests against a real PostgreSQL cluster of the ordinary kind: its superuser is postgres (as
// after `apt install postgresql` or in the postgres Docker image), it has none of Supabase's
// roles, and one role (pw_user) must give a password.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/localpg"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if ordinary.server != nil {
		_ = ordinary.server.Stop()
	}
	os.Exit(code)
}

var ordinary struct {
	once   sync.Once
	server *localpg.Server
	err    error
}

// ordinaryCluster starts the package's cluster on first use.
func ordinaryCluster(t *testing.T) *localpg.Server {
	t.Helper()
	ordinary.once.Do(func() {
		ctx := context.Background()
		s, err := localpg.Start(ctx, localpg.Options{Superuser: "postgres",
			HBA: []string{"host all pw_user 127.0.0.1/32 scram-sha-256"}})
		if err != nil {
			ordinary.err = err
			return
		}
		ordinary.server = s
		conn, err := pgx.Connect(ctx, s.URL("postgres", "postgres"))
		if err != nil {
			ordinary.err = err
			return
		}
		defer conn.Close(ctx)
		_, ordinary.err = conn.Exec(ctx, `create role pw_user login password 'right-password'`)
	})
	require.NoError(t, ordinary.err, "start the ordinary cluster")
	return ordinary.server
}

// createDatabase creates an empty database on the ordinary cluster.
func createDatabase(t *testing.T, s *localpg.Server, name string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.URL("postgres", "postgres"))
	require.NoError(t, err)
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `create database `+name)
	require.NoError(t, err)
	return s.URL(name, "postgres")
}

// logLines collects log output and signals each line that contains want.
type logLines struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan string
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for _, line := range strings.Split(string(p), "\n") {
		if l.want != "" && strings.Contains(line, l.want) {
			select {
			case l.seen <- line:
			default:
			}
		}
	}
	return len(p), nil
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// runAgainst runs `worker run` against databaseURL with JSON logs, without HTTP endpoints.
func runAgainst(ctx context.Context, t *testing.T, databaseURL string, logs *logLines) error {
	t.Helper()
	cfg, err := parseRunConfig(nil, envOf(map[string]string{"DATABASE_URL": databaseURL, "WORKER_HTTP_ADDR": ""}))
	require.NoError(t, err)
	return runWorker(ctx, cfg, newLoggerTo(logs, "json", 0))
}

// A configuration mistake that waiting cannot fix makes `worker run` exit at once with what to
// fix; it is never logged as "not reachable yet".
func TestRunExitsAtOnceOnPermanentConnectionErrors(t *testing.T) {
	s := ordinaryCluster(t)
	port := s.Port()
	for _, tc := range []struct {
		name, url, want string
	}{
		{"wrong password", fmt.Sprintf("postgres://pw_user:wrong@127.0.0.1:%d/postgres?sslmode=disable", port),
			"the password in DATABASE_URL is wrong for this user"},
		{"missing database", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/no_such_db?sslmode=disable", port),
			`database "no_such_db" does not exist: check the database name at the end of DATABASE_URL`},
		{"missing role", fmt.Sprintf("postgres://nobody_here@127.0.0.1:%d/postgres?sslmode=disable", port),
			"the server does not let this user connect"},
		{"unknown host", "postgres://postgres@nonexistent.invalid:5432/postgres?sslmode=disable",
			`host "nonexistent.invalid" not found: check the host name in DATABASE_URL`},
		{"TLS required, server without TLS", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=require", port),
			"the server does not offer TLS but DATABASE_URL requires it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang fails, not passes
			defer cancel()
			logs := &logLines{}
			err := runAgainst(ctx, t, tc.url, logs)
			require.Error(t, err)
			require.NoError(t, ctx.Err(), "it did not give up by itself")
			require.Contains(t, err.Error(), tc.want)
			require.NotContains(t, logs.String(), "not reachable yet", "a permanent error is not retried")
			require.Contains(t, logs.String(), `"level":"ERROR","msg":"cannot connect to the database; not retrying"`)
			require.NotContains(t, err.Error()+logs.String(), "right-password")
		})
	}
}

// A server that is not there yet (connection refused) is waited for, with the delay logged as
// a duration.
func TestRunWaitsOnTransientConnectionErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close()) // nothing listens there now: connection refused

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &logLines{want: "database not reachable yet", seen: make(chan string, 1)}
	done := make(chan error, 1)
	go func() {
		done <- runAgainst(ctx, t, fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), logs)
	}()
	select {
	case line := <-logs.seen:
		require.Contains(t, line, `"level":"WARN"`)
		require.Contains(t, line, `"retry_in":"500ms"`, "durations read as durations")
	case err := <-done:
		t.Fatalf("worker run gave up on a refused connection: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("no retry was logged within a minute")
	}
	cancel()
	require.NoError(t, <-done, "a shutdown while waiting is not an error")
}

// `worker migrate` on an ordinary cluster: without the stand-in it refuses in one sentence
// and changes nothing (no dirty flag, the same answer the second time); with the stand-in,
// applied by the cluster's superuser postgres, it works.
func TestMigrateOnAnOrdinaryCluster(t *testing.T) {
	s := ordinaryCluster(t)
	url := createDatabase(t, s, "plain_app")

	for range 2 {
		code, out, errOut := cli(t, "migrate", "--database-url", url)
		require.Equal(t, 1, code)
		require.Empty(t, out)
		require.Equal(t, "worker migrate: this database lacks what Supabase provides (role anon, role authenticated, "+
			"role service_role, table auth.users, function auth.uid()): run against a Supabase project, or on a local "+
			"PostgreSQL add --with-local-stand-in; nothing was changed\n", errOut)
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, url)
		require.NoError(t, err)
		var history bool
		require.NoError(t, conn.QueryRow(ctx, `select to_regclass('import_migrations.schema_migrations') is not null`).Scan(&history))
		require.NoError(t, conn.Close(ctx))
		require.False(t, history, "nothing was changed: no history table, so no dirty flag")
	}

	// The stand-in needs a superuser; an ordinary role is told how to give one.
	code, _, errOut := cli(t, "migrate", "--with-local-stand-in", "--database-url",
		fmt.Sprintf("postgres://pw_user:right-password@127.0.0.1:%d/plain_app?sslmode=disable", s.Port()))
	require.Equal(t, 1, code)
	require.Contains(t, errOut, `the local Supabase stand-in must be applied by a superuser (connected as "pw_user") `+
		`(Give a superuser's URL with --stand-in-url`)
	require.NotContains(t, errOut, "right-password")

	code, out, errOut := cli(t, "migrate", "--with-local-stand-in", "--database-url", url)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "applied the local Supabase stand-in\n")
	require.Contains(t, out, "note: postgres is this cluster's superuser and stays one")
	require.Contains(t, out, "applied 20261129000100_host_tables.sql\n")
	require.Contains(t, out, "schema is at version ")

	code, out, errOut = cli(t, "migrate", "--with-local-stand-in", "--database-url", url)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "nothing to do: schema is at version ")

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var super bool
	require.NoError(t, conn.QueryRow(ctx, `select rolsuper from pg_roles where rolname = 'postgres'`).Scan(&super))
	require.True(t, super, "the cluster keeps its superuser")
}
