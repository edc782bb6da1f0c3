package advancement_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/advancement"
)

// browserInsert inserts a job as the leader's browser would and returns the database's error
// (nil when the job was accepted).
func (f *troopFixture) browserInsert(t *testing.T, typ, input string, options string) error {
	t.Helper()
	return f.db.AsClient(context.Background(), f.leader.Claims(), func(tx pgx.Tx) error {
		_, err := tx.Exec(context.Background(), `insert into import_jobs (unit_id, type, input_csv, options)
			values ($1, $2, $3, $4::jsonb)`, f.unit, typ, input, options)
		return err
	})
}

// requireRefused checks that err is the check_violation a leader sees, with message and hint.
func requireRefused(t *testing.T, err error, message, hint string) {
	t.Helper()
	var pgErr *pgconn.PgError
	require.ErrorAs(t, err, &pgErr)
	require.Equal(t, "23514", pgErr.Code, "check_violation: PostgREST answers HTTP 400")
	require.Equal(t, message, pgErr.Message)
	require.Contains(t, pgErr.Hint, hint)
	require.Empty(t, pgErr.ConstraintName, "a sentence, not a constraint name")
}

// Hostile uploads through the browser's path are refused by the database with a message for
// the leader, and nothing is queued.
func TestUploadsAreCheckedAtTheDoor(t *testing.T) {
	f := newTroop(t)

	// An 11 MB "history report": over the 10 MB limit. (The issue's 107 MB one is refused the
	// same way; a smaller one keeps this test light on a shared machine.)
	requireRefused(t, f.browserInsert(t, advancement.HistoryJobType, strings.Repeat("x", 11<<20), `{}`),
		"the uploaded file is too large: 11 MB for a scout history import (at most 10 MB)",
		"One scout's history report is a few kilobytes: check that it is the right file.")
	// A troop export over its limit (lowered to 1 MB here, as the project owner may).
	f.exec(t, `update import_private.import_job_types set max_input_bytes = 1024 * 1024 where type = 'troop_advancement'`)
	requireRefused(t, f.browserInsert(t, advancement.JobType, strings.Repeat("x", 2<<20), `{}`),
		"the uploaded file is too large: 2048 kB for a Troop Advancement import (at most 1024 kB)",
		"Export fewer scouts at a time")

	// A misspelled option must not run a real import.
	requireRefused(t, f.browserInsert(t, advancement.JobType, "csv", `{"dry_run": true}`),
		"options.dry_run is not an option of a Troop Advancement import (did you mean dryRun?); nothing was imported",
		"The options of a Troop Advancement import are: createUnmatchedScouts, dryRun, strict.")
	requireRefused(t, f.browserInsert(t, advancement.JobType, "csv", `{"dryRun": "true"}`),
		`options.dryRun must be true or false, not "true"`, "Send a JSON boolean")
	requireRefused(t, f.browserInsert(t, advancement.HistoryJobType, "csv", `{"scoutId": "'; drop table scouts; --"}`),
		`options.scoutId must be a scout id (a UUID such as 3f1c2a9e-0b6d-4c8e-9a51-2d7e4b6f8c10), not "'; drop table scouts; --"`,
		"Choose the scout in the app")
	require.Zero(t, f.count(t, `select count(*) from import_jobs`), "nothing was queued")
}

// Flooding: the 21st waiting job of a unit is refused with the message the browser shows.
func TestUnitQuotaRefusesTheTwentyFirstWaitingJob(t *testing.T) {
	f := newTroop(t)
	for i := 0; i < 20; i++ {
		require.NoError(t, f.browserInsert(t, advancement.JobType, "csv", `{}`))
	}
	requireRefused(t, f.browserInsert(t, advancement.JobType, "csv", `{}`),
		"this unit already has 20 imports waiting; wait for them to finish or cancel some",
		"at most 20 imports waiting")
	require.Equal(t, 20, f.count(t, `select count(*) from import_jobs`))
}

// The worker measures the input in SQL and refuses one over its own ceiling before loading
// it, even when the database's limit was raised: the job fails with the leader's message and
// nothing is written.
func TestWorkerRefusesOversizedInputBeforeLoading(t *testing.T) {
	f := newTroop(t)
	f.exec(t, `update import_private.import_job_types set max_input_bytes = 1024 * 1024 * 1024`)
	insert := func(typ string, size int) uuid.UUID {
		// As a trusted enqueuer: a browser's request this large would meet PostgREST's
		// statement timeout on a busy test machine.
		return f.uuidOf(t, `insert into import_jobs (unit_id, created_by, type, input_csv)
			values ($1, $2, $3, repeat('x', $4)) returning id`, f.unit, f.leader.ProfileID, typ, size)
	}
	id := insert(advancement.HistoryJobType, 11<<20)
	(&histFixture{f}).run(t)
	j := f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Equal(t, "the uploaded file is too large: 11.0 MB for a scout history import (at most 10 MB); "+
		"one scout's history report is a few kilobytes, so check that it is the right file; nothing was imported",
		j.errorMessage())

	id = insert(advancement.JobType, 129<<20)
	f.runWorker(t, advancement.TroopHandler{})
	j = f.job(t, id)
	require.Equal(t, "failed", j.Status)
	require.Equal(t, "the uploaded file is too large: 129.0 MB for a Troop Advancement import (at most 128 MB); "+
		"export fewer scouts at a time and upload each file; nothing was imported", j.errorMessage())
	f.requireNothingImported(t, 0)
}

// staged_data passes the CSV path's member-id and version checks: a bad one fails the file
// with a message naming the scout and the value, and nothing is written.
func TestStagedDataMemberIDAndVersionChecked(t *testing.T) {
	for _, tc := range []struct {
		name     string
		memberID string
		version  string
		message  string
	}{
		{"member id with letters", "12345abc", "2024",
			`scout Ann Hostile: BSA member ID "12345abc" is not a BSA member ID (expected digits only)`},
		{"member id too long", strings.Repeat("9", 21), "2024",
			`scout Ann Hostile: BSA member ID "999999999999999999999" is not a BSA member ID (21 digits; at most 20)`},
		{"version not a year", "900000199", "2024; drop table scouts",
			`scout 900000199: Tenderfoot Rank: version "2024; drop table scouts" is not a version year (expected a year such as 2024, or nothing)`},
		{"negative version", "900000199", "-5",
			`scout 900000199: Tenderfoot Rank: version "-5" is not a version year (expected a year such as 2024, or nothing)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newTroop(t)
			staged := map[string]any{"scouts": []map[string]any{{
				"bsaMemberId": tc.memberID, "firstName": "Ann", "lastName": "Hostile",
				"ranks": []any{map[string]any{"type": "rank", "name": "Tenderfoot Rank", "code": "tenderfoot",
					"version": tc.version, "date": "2024-03-14"}},
			}}}
			id := f.submitStaged(t, staged, nil, nil)
			f.runWorker(t, advancement.TroopHandler{})
			j := f.job(t, id)
			require.Equal(t, "failed", j.Status)
			var messages []string
			for _, is := range f.issues(t, id) {
				messages = append(messages, is.Message)
			}
			require.Contains(t, messages, tc.message)
			f.requireNothingImported(t, 0)
		})
	}
}
