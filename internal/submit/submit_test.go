package submit_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/internal/scoutgen"
	"github.com/chuckbox/importworker/internal/submit"
	"github.com/chuckbox/importworker/internal/supabaseclient"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

type fixture struct {
	db      *pgtest.DB
	unit    uuid.UUID
	leader  pgtest.Person
	project *project
	csv     string // path of a small generated export
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.NewDB(t)
	unit := db.CreateUnit(t, "Troop 7")
	f := &fixture{db: db, unit: unit, leader: db.Leader(t, unit, "leader@example.org"), project: newProject(t, db)}
	var buf bytes.Buffer
	_, err := scoutgen.WriteTroop(&buf, scoutgen.TroopOptions{Scouts: 2, Seed: 11})
	require.NoError(t, err)
	f.csv = writeFile(t, "Troop 7 advancement.csv", buf.String())
	return f
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

func (f *fixture) identity(token string) submit.Identity {
	return submit.Identity{URL: f.project.srv.URL, AnonKey: anonKey, AccessToken: token}
}

// startWorker runs a real worker that reads uploads from the fake Storage with a service
// role client, until the test ends.
func (f *fixture) startWorker(t *testing.T) {
	t.Helper()
	store, err := supabaseclient.New(f.project.srv.URL, "service-role-key")
	require.NoError(t, err)
	w, err := jobs.NewWorker(jobs.Config{Pool: f.db.Pool, WorkerID: "submit-test", PollInterval: 100 * time.Millisecond,
		Handlers: map[string]jobs.Handler{advancement.JobType: advancement.TroopHandler{Storage: store}},
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil))})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
}

func (f *fixture) jobCount(t *testing.T) int {
	t.Helper()
	var n int
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select count(*) from import_jobs`).Scan(&n))
	return n
}

// A leader submits an export and follows it: the file goes to Storage under the unit's folder
// (the Storage policy allowed it), the job is created through PostgREST as the leader (RLS
// and grants allowed it), the worker imports it from Storage, and --follow sees it complete.
func TestSubmitAndFollowAsLeader(t *testing.T) {
	f := newFixture(t)
	f.startWorker(t)
	var out bytes.Buffer
	state, err := submit.Run(context.Background(), f.identity(f.project.user(f.leader)), submit.Options{
		UnitID: f.unit, File: f.csv, Follow: true, PollInterval: 20 * time.Millisecond, Out: &out})
	require.NoError(t, err, out.String())
	require.Equal(t, "completed", state.Status)
	require.Contains(t, out.String(), "uploaded Troop 7 advancement.csv")
	require.Contains(t, out.String(), "import job "+state.ID.String()+" created (pending)")
	require.Contains(t, out.String(), "completed  done")
	require.Contains(t, out.String(), "result: {")

	var path string
	var createdBy uuid.UUID
	var scouts int
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select input_path, created_by,
		(select count(*) from scouts where unit_id = j.unit_id) from import_jobs j where id = $1`, state.ID).Scan(&path, &createdBy, &scouts))
	require.True(t, strings.HasPrefix(path, f.unit.String()+"/"), path)
	require.True(t, strings.HasSuffix(path, "-Troop_7_advancement.csv"), path)
	require.Equal(t, f.leader.ProfileID, createdBy, "created_by comes from the leader's JWT")
	require.Equal(t, 2, scouts, "the export was imported")
	var owner uuid.UUID
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select owner from storage.objects where bucket_id = 'imports' and name = $1`, path).Scan(&owner))
	require.Equal(t, f.leader.UserID, owner, "the object belongs to the leader")

	// What went over the wire: one upload with the user's token, one insert, polls.
	var uploads, inserts, polls int
	for _, r := range f.project.srv.Requests() {
		switch {
		case r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/storage/v1/object/imports/"+f.unit.String()+"/"):
			uploads++
			require.Equal(t, "Bearer token-"+f.leader.UserID.String(), r.Header.Get("Authorization"))
			require.Equal(t, anonKey, r.Header.Get("apikey"))
			require.Equal(t, "text/csv", r.Header.Get("Content-Type"))
		case r.Method == http.MethodPost && r.Path == "/rest/v1/import_jobs":
			inserts++
			require.Equal(t, "return=representation", r.Header.Get("Prefer"))
		case r.Method == http.MethodGet && r.Path == "/rest/v1/import_jobs":
			polls++
		}
	}
	require.Equal(t, 1, uploads)
	require.Equal(t, 1, inserts)
	require.Positive(t, polls)
}

func TestSubmitSignsInWithEmailAndPassword(t *testing.T) {
	f := newFixture(t)
	f.project.user(f.leader)
	var out bytes.Buffer
	who := submit.Identity{URL: f.project.srv.URL, AnonKey: anonKey, Email: f.leader.Email, Password: "secret"}
	state, err := submit.Run(context.Background(), who, submit.Options{UnitID: f.unit, File: f.csv, DryRun: true, Out: &out})
	require.NoError(t, err)
	require.Equal(t, "pending", state.Status, "without --follow it returns once the job exists")
	require.Contains(t, out.String(), "signed in as leader@example.org")
	var dryRun bool
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select (options->>'dryRun')::boolean from import_jobs where id = $1`, state.ID).Scan(&dryRun))
	require.True(t, dryRun)

	who.Password = "wrong"
	_, err = submit.Run(context.Background(), who, submit.Options{UnitID: f.unit, File: f.csv, Out: io.Discard})
	require.ErrorContains(t, err, "Invalid login credentials")
	require.ErrorContains(t, err, "sign in again")
	require.NotContains(t, err.Error(), "wrong")
}

// Nobody but the unit's active leaders gets a file in: Storage's policy refuses the upload,
// and no job is created.
func TestSubmitRefusedForOthers(t *testing.T) {
	f := newFixture(t)
	parent := f.db.CreatePerson(t, "parent@example.org")
	f.db.AddMember(t, f.unit, parent, "parent", "active")
	otherUnit := f.db.CreateUnit(t, "Troop 8")
	otherLeader := f.db.Leader(t, otherUnit, "other@example.org")

	for name, person := range map[string]pgtest.Person{"parent of the unit": parent, "leader of another unit": otherLeader} {
		t.Run(name, func(t *testing.T) {
			_, err := submit.Run(context.Background(), f.identity(f.project.user(person)), submit.Options{UnitID: f.unit, File: f.csv, Out: io.Discard})
			require.ErrorContains(t, err, "row-level security")
			require.ErrorContains(t, err, "may not import for unit "+f.unit.String())
			require.Zero(t, f.jobCount(t))
		})
	}
	t.Run("unknown token", func(t *testing.T) {
		_, err := submit.Run(context.Background(), f.identity("expired"), submit.Options{UnitID: f.unit, File: f.csv, Out: io.Discard})
		require.ErrorContains(t, err, "sign in again")
		require.Zero(t, f.jobCount(t))
	})
	t.Run("a file over the bucket's limit", func(t *testing.T) {
		_, err := f.db.Pool.Exec(context.Background(), `update storage.buckets set file_size_limit = 100 where id = 'imports'`)
		require.NoError(t, err)
		defer f.db.Pool.Exec(context.Background(), `update storage.buckets set file_size_limit = 314572800 where id = 'imports'`)
		_, err = submit.Run(context.Background(), f.identity(f.project.user(f.leader)), submit.Options{UnitID: f.unit, File: f.csv, Out: io.Discard})
		require.ErrorContains(t, err, "larger than the project accepts")
		require.Zero(t, f.jobCount(t))
	})
}

// A followed job that fails makes submit fail (worker submit exits non-zero) with the
// worker's message.
func TestSubmitFollowReportsAFailedJob(t *testing.T) {
	f := newFixture(t)
	f.startWorker(t)
	notAnExport := writeFile(t, "notes.csv", "hello,world\nthis is not,a Scoutbook export\n")
	var out bytes.Buffer
	state, err := submit.Run(context.Background(), f.identity(f.project.user(f.leader)), submit.Options{
		UnitID: f.unit, File: notAnExport, Follow: true, PollInterval: 20 * time.Millisecond, Out: &out})
	require.ErrorIs(t, err, submit.ErrJobNotCompleted)
	require.Equal(t, "failed", state.Status)
	require.ErrorContains(t, err, "failed: ")
	require.Contains(t, out.String(), "failed")
}

// A lost answer to the insert is retried without creating a second job: the idempotency key
// finds the first one.
func TestSubmitInsertRetryCreatesOneJob(t *testing.T) {
	f := newFixture(t)
	lost := true
	f.project.srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != http.MethodPost || r.URL.Path != "/rest/v1/import_jobs" || !lost {
			return false
		}
		lost = false
		f.project.rest(httptest.NewRecorder(), r) // the insert happens...
		w.WriteHeader(http.StatusBadGateway)      // ...but its answer is lost
		return true
	}
	state, err := submit.Run(context.Background(), f.identity(f.project.user(f.leader)), submit.Options{UnitID: f.unit, File: f.csv, Out: io.Discard})
	require.NoError(t, err)
	require.Equal(t, 1, f.jobCount(t), "one job, found again by its idempotency key")
	var id uuid.UUID
	require.NoError(t, f.db.Pool.QueryRow(context.Background(), `select id from import_jobs`).Scan(&id))
	require.Equal(t, id, state.ID)
}

func TestSubmitValidatesItsInput(t *testing.T) {
	_, err := submit.Run(context.Background(), submit.Identity{URL: "http://127.0.0.1:1", AnonKey: anonKey, AccessToken: "t"},
		submit.Options{File: "", Type: "members", Out: io.Discard})
	require.ErrorContains(t, err, "--unit is required")
	require.ErrorContains(t, err, "--file is required")
	require.ErrorContains(t, err, "--type must be troop_advancement or scout_history")

	empty := writeFile(t, "empty.csv", "")
	_, err = submit.Run(context.Background(), submit.Identity{URL: "http://127.0.0.1:1", AnonKey: anonKey, AccessToken: "t"},
		submit.Options{UnitID: uuid.New(), File: empty, Out: io.Discard})
	require.ErrorContains(t, err, "is empty")

	_, err = submit.IdentityFromEnv(func(string) string { return "" })
	require.ErrorContains(t, err, "SUPABASE_URL")
	require.ErrorContains(t, err, "SUPABASE_ANON_KEY")
	require.ErrorContains(t, err, "SUPABASE_ACCESS_TOKEN")
}
