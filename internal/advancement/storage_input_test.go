package advancement_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
	"github.com/chuckbox/importworker/internal/jobs"
	"github.com/chuckbox/importworker/internal/scoutgen"
	"github.com/chuckbox/importworker/internal/supabaseclient"
	"github.com/chuckbox/importworker/internal/supabasetest"
)

// storageFixture is a troop whose leader uploads to a fake Supabase Storage, read by the
// worker with a service role client.
type storageFixture struct {
	*troopFixture
	srv   *supabasetest.Server
	store *supabaseclient.Client
}

func newStorageFixture(t *testing.T) *storageFixture {
	t.Helper()
	srv := supabasetest.New(t)
	store, err := supabaseclient.New(srv.URL, "service-role-key")
	require.NoError(t, err)
	return &storageFixture{troopFixture: newTroop(t), srv: srv, store: store}
}

// upload puts content in the unit's folder and inserts the job as the leader's browser would
// (RLS, JWT claims), naming the file by input_path.
func (f *storageFixture) upload(t *testing.T, jobType, name, content string) uuid.UUID {
	t.Helper()
	path := f.unit.String() + "/" + name
	f.srv.Put(advancement.InputBucket, path, []byte(content))
	return f.insertJob(t, `insert into import_jobs (unit_id, type, input_path, options)
		values ($1, '`+jobType+`', $2, $3) returning id`, path, nil)
}

// run runs workers with Storage access until every job has finished (a job retried after a
// transient failure waits a millisecond, which an idle worker may not wait for).
func (f *storageFixture) run(t *testing.T) {
	t.Helper()
	f.runUntilFinished(t, f.store)
}

func (f *storageFixture) runUntilFinished(t *testing.T, store *supabaseclient.Client) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for f.count(t, `select count(*) from import_jobs where status in ('pending', 'processing')`) > 0 {
		require.True(t, time.Now().Before(deadline), "the jobs finish")
		f.runWorkerWith(t, advancement.TroopHandler{Storage: store}, func(c *jobs.Config) {
			c.Handlers[advancement.HistoryJobType] = advancement.HistoryHandler{Storage: store}
			c.Backoff = jobs.Backoff{Base: time.Millisecond, Max: time.Millisecond}
		})
	}
}

// The whole import path from a Storage object: the same export gives exactly the same rows
// whether it travels in input_csv or is uploaded and named by input_path.
func TestImportFromStorageWritesTheSameRowsAsInputCSV(t *testing.T) {
	opts := scoutgen.DefaultTroopOptions()
	csv := generate(t, opts)
	roster := scoutgen.Roster(opts)

	ref := newTroop(t)
	ref.seedRoster(t, roster)
	refID := ref.submit(t, csv, nil)
	ref.runWorker(t, advancement.TroopHandler{})
	want := ref.job(t, refID)
	require.Equal(t, "completed", want.Status, "error: %v", want.Error)

	f := newStorageFixture(t)
	f.seedRoster(t, roster)
	id := f.upload(t, advancement.JobType, "troop-export.csv", csv)
	f.run(t)
	got := f.job(t, id)
	require.Equal(t, "completed", got.Status, "error: %v", got.Error)
	require.Equal(t, ref.naturalDump(t), f.naturalDump(t), "same rows as from input_csv")
	require.Equal(t, want.TotalItems, got.TotalItems)
	require.Equal(t, want.Result.Warnings, got.Result.Warnings)

	var gets int
	for _, r := range f.srv.Requests() {
		if r.Method == http.MethodGet {
			gets++
			require.Equal(t, "/storage/v1/object/imports/"+f.unit.String()+"/troop-export.csv", r.Path)
			require.Equal(t, "Bearer service-role-key", r.Header.Get("Authorization"))
		}
	}
	require.Equal(t, 1, gets, "one download")
}

func TestHistoryImportFromStorage(t *testing.T) {
	f := newStorageFixture(t)
	report := testdata(t, "history_crafted.csv")
	ref := newHistFixture(t)
	refScout := histCraftedSetup(t, ref)
	ref.importReport(t, report, nil).requireCompleted(t)

	hf := &histFixture{f.troopFixture}
	scout := histCraftedSetup(t, hf)
	id := f.upload(t, advancement.HistoryJobType, "history.csv", report)
	f.run(t)
	hf.job(t, id).requireCompleted(t)
	require.Equal(t, ref.rows(t, refScout), hf.rows(t, scout))
}

func TestStorageInputFailures(t *testing.T) {
	csv := generate(t, scoutgen.TroopOptions{Scouts: 2, Seed: 3})

	t.Run("a missing object fails the job at once with a clear message", func(t *testing.T) {
		f := newStorageFixture(t)
		path := f.unit.String() + "/never-uploaded.csv"
		id := f.insertJob(t, `insert into import_jobs (unit_id, type, input_path, options)
			values ($1, 'troop_advancement', $2, $3) returning id`, path, nil)
		f.run(t)
		j := f.job(t, id)
		require.Equal(t, "failed", j.Status)
		require.Equal(t, 1, j.Attempt, "not retried")
		require.Contains(t, j.errorMessage(), "the uploaded file is missing from storage")
		require.Contains(t, j.errorMessage(), "never-uploaded.csv")
		require.Zero(t, f.count(t, `select count(*) from scouts`))
	})

	t.Run("5xx and rate limits are retried, then the import succeeds", func(t *testing.T) {
		f := newStorageFixture(t)
		id := f.upload(t, advancement.JobType, "flaky.csv", csv)
		answers := []int{http.StatusServiceUnavailable, http.StatusTooManyRequests}
		f.srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
			if len(answers) == 0 {
				return false
			}
			w.WriteHeader(answers[0])
			answers = answers[1:]
			return true
		}
		f.run(t)
		j := f.job(t, id)
		require.Equal(t, "completed", j.Status, "error: %v", j.Error)
		require.Equal(t, 3, j.Attempt, "two transient failures, then success")
	})

	t.Run("a download cut off mid-file is retried, never half-imported", func(t *testing.T) {
		f := newStorageFixture(t)
		id := f.upload(t, advancement.JobType, "cut.csv", csv)
		cut := true
		f.srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
			if !cut {
				return false
			}
			cut = false
			conn, buf, err := w.(http.Hijacker).Hijack()
			require.NoError(t, err)
			_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: " + strconv.Itoa(len(csv)) + "\r\n\r\n" + csv[:len(csv)/2])
			_ = buf.Flush()
			_ = conn.Close()
			return true
		}
		f.run(t)
		j := f.job(t, id)
		require.Equal(t, "completed", j.Status, "error: %v", j.Error)
		require.Equal(t, 2, j.Attempt, "requests: %d, result %+v", len(f.srv.Requests()), j.RawResult)
	})

	t.Run("a worker without Storage access retries and then fails, saying what to set", func(t *testing.T) {
		f := newStorageFixture(t)
		id := f.upload(t, advancement.JobType, "x.csv", csv)
		f.exec(t, `update import_jobs set max_attempts = 2 where id = $1`, id)
		f.runUntilFinished(t, nil)
		j := f.job(t, id)
		require.Equal(t, "failed", j.Status)
		require.Contains(t, j.errorMessage(), "SUPABASE_SERVICE_ROLE_KEY")
	})
}

func TestCheckInputPath(t *testing.T) {
	unit := uuid.MustParse("0b7c2a4e-4a4b-4c1e-9d7e-0f5c1b2a3d4e")
	for _, ok := range []string{
		unit.String() + "/export.csv",
		strings.ToUpper(unit.String()) + "/2026/12/export..csv",
	} {
		require.NoError(t, advancement.CheckInputPath(unit, ok), ok)
	}
	for _, bad := range []string{
		"export.csv",
		uuid.NewString() + "/export.csv",
		unit.String() + "/../" + uuid.NewString() + "/export.csv",
		unit.String() + "/./export.csv",
		unit.String() + "//export.csv",
		unit.String() + "/",
		"/" + unit.String() + "/export.csv",
		"imports/" + unit.String() + "/export.csv",
		unit.String() + "/a\\b.csv",
		unit.String() + "/a\nb.csv",
		unit.String() + "/" + strings.Repeat("x", 1024),
	} {
		err := advancement.CheckInputPath(unit, bad)
		require.Error(t, err, bad)
		require.Contains(t, err.Error(), "upload the export to imports/"+unit.String())
	}
}
