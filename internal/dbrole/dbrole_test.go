package dbrole_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/dbrole"
	"github.com/chuckbox/importworker/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// check connects to url and runs Check, returning its role, error and log output.
func check(t *testing.T, url string, allow bool) (dbrole.Role, string, error) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var logs bytes.Buffer
	r, err := dbrole.Check(ctx, conn, allow, "--allow-superuser", slog.New(slog.NewTextHandler(&logs, nil)))
	return r, logs.String(), err
}

func TestWorkerRoleRunsQuietly(t *testing.T) {
	db := pgtest.NewDB(t)
	r, logs, err := check(t, db.WorkerURL, false)
	require.NoError(t, err)
	require.Equal(t, dbrole.Role{Name: "import_worker"}, r, "the migrations' worker role: no superuser, no BYPASSRLS")
	require.Empty(t, logs, "nothing to warn about")
}

func TestBypassRLSRoleIsWarned(t *testing.T) {
	db := pgtest.NewDB(t)
	r, logs, err := check(t, db.URL, false)
	require.NoError(t, err, "Supabase's postgres role still runs")
	require.True(t, r.BypassRLS)
	require.Contains(t, logs, "level=WARN")
	require.Contains(t, logs, "bypasses row-level security; connect as import_worker")
}

func TestSuperuserIsRefusedUnlessAllowed(t *testing.T) {
	db := pgtest.NewDB(t)
	admin := pgtest.Cluster().AdminURL(db.Name)
	_, _, err := check(t, admin, false)
	require.ErrorContains(t, err, "a superuser: the worker refuses to run with every privilege; connect as import_worker")
	require.ErrorContains(t, err, "--allow-superuser")

	r, logs, err := check(t, admin, true)
	require.NoError(t, err)
	require.True(t, r.Superuser)
	require.Contains(t, logs, "connected as a superuser (allowed)")
}
