package schematest_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/pgtest"
)

// TestPgTAP runs every pgTAP file under supabase/tests with pg_prove, as `supabase test db`
// does: pgtap installed in schema extensions, pg_prove connected as postgres. Each file
// brings its own fixtures and rolls back, so one fresh database serves them all.
func TestPgTAP(t *testing.T) {
	prove, err := exec.LookPath("pg_prove")
	if err != nil {
		t.Fatal("pg_prove not found: run make deps (installs libtap-parser-sourcehandler-pgtap-perl)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	db := pgtest.NewDB(t)
	installPgTAP(ctx, t, db)

	testsDir := filepath.Join(repoRoot(t), "supabase", "tests")
	files, err := filepath.Glob(filepath.Join(testsDir, "database", "*.test.sql"))
	require.NoError(t, err)
	require.NotEmpty(t, files, "no pgTAP files under %s", testsDir)

	cmd := exec.CommandContext(ctx, prove, "-v", "--ext", ".sql", "-r", testsDir)
	cmd.Env = append(os.Environ(), libpqEnv(t, db.URL)...)
	output, exitErr := runStreaming(t, cmd)
	passed := exitErr == nil && strings.Contains(output, "Result: PASS")
	if !passed && !testing.Verbose() {
		// Every assertion and the JWT claims each block runs with, only when they are needed.
		t.Log("pg_prove output:\n" + output)
	}

	require.NoError(t, exitErr, "pg_prove reported failures (see the log above)")
	require.Contains(t, output, "Result: PASS")
	require.Contains(t, output, fmt.Sprintf("Files=%d,", len(files)), "pg_prove ran every pgTAP file")
}

// installPgTAP creates the pgtap extension in schema extensions; that needs a superuser.
func installPgTAP(ctx context.Context, t *testing.T, db *pgtest.DB) {
	t.Helper()
	admin, err := pgx.Connect(ctx, pgtest.Cluster().AdminURL(db.Name))
	require.NoError(t, err, "connect as superuser")
	defer admin.Close(ctx)
	_, err = admin.Exec(ctx, `create extension if not exists pgtap with schema extensions`)
	require.NoError(t, err, "install pgtap (Debian package postgresql-15-pgtap)")
}

// libpqEnv turns a connection URL into the PG* environment variables psql (run by pg_prove)
// reads. Later entries win over the inherited environment.
func libpqEnv(t *testing.T, dbURL string) []string {
	t.Helper()
	cfg, err := pgx.ParseConfig(dbURL)
	require.NoError(t, err, "parse the database URL")
	env := []string{
		"PGHOST=" + cfg.Host,
		"PGPORT=" + strconv.Itoa(int(cfg.Port)),
		"PGUSER=" + cfg.User,
		"PGDATABASE=" + cfg.Database,
		"PGPASSWORD=" + cfg.Password,
	}
	u, err := url.Parse(dbURL)
	require.NoError(t, err, "parse the database URL")
	if mode := u.Query().Get("sslmode"); mode != "" {
		env = append(env, "PGSSLMODE="+mode)
	}
	// Run-time parameters of the URL (e.g. "options=-c role=postgres" on an external server).
	var opts []string
	for k, v := range cfg.RuntimeParams {
		if k == "options" { // already in PGOPTIONS syntax
			opts = append(opts, v)
			continue
		}
		opts = append(opts, fmt.Sprintf("-c %s=%s", k, v))
	}
	env = append(env, "PGOPTIONS="+strings.Join(opts, " "))
	return env
}

// runStreaming runs cmd, copying each line of its combined output to the file named by
// PGTAP_REPORT when set, and logging it as it comes with go test -v (otherwise the caller logs
// the whole output when the run failed). It returns the whole output and cmd's error.
func runStreaming(t *testing.T, cmd *exec.Cmd) (string, error) {
	t.Helper()
	var report io.Writer = io.Discard
	if path := os.Getenv("PGTAP_REPORT"); path != "" {
		f, err := os.Create(path)
		require.NoError(t, err, "create PGTAP_REPORT file")
		defer func() { require.NoError(t, f.Close(), "close PGTAP_REPORT file") }()
		report = f
	}

	pr, pw := io.Pipe()
	cmd.Stdout = pw
	cmd.Stderr = pw
	require.NoError(t, cmd.Start(), "start %s", cmd.Path)
	done := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		_ = pw.Close()
		done <- err
	}()

	var all strings.Builder
	var writeErr error
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if testing.Verbose() {
			t.Log(line)
		}
		all.WriteString(line)
		all.WriteByte('\n')
		if _, err := fmt.Fprintln(report, line); err != nil && writeErr == nil {
			writeErr = err
		}
	}
	scanErr := sc.Err()
	_, _ = io.Copy(io.Discard, pr) // after a scan error, let the command finish
	exitErr := <-done
	require.NoError(t, scanErr, "read pg_prove output")
	require.NoError(t, writeErr, "write PGTAP_REPORT")
	return all.String(), exitErr
}
