package supabaseclient_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/supabaseclient"
	"github.com/chuckbox/importworker/internal/supabasetest"
)

func userClient(t *testing.T, srv *supabasetest.Server) *supabaseclient.Client {
	t.Helper()
	c, err := supabaseclient.NewUser(srv.URL, anonKey, userToken)
	require.NoError(t, err)
	return c
}

func TestUploadSendsTheDocumentedRequest(t *testing.T) {
	srv := supabasetest.New(t)
	content := strings.Repeat("Scout,Rank\n", 5000)
	err := userClient(t, srv).Upload(context.Background(), "imports", unitPath, strings.NewReader(content), "text/csv")
	require.NoError(t, err)

	stored, ok := srv.Object("imports", unitPath)
	require.True(t, ok)
	require.Equal(t, content, string(stored))
	r := srv.Requests()[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, escaped, r.Path)
	require.Equal(t, anonKey, r.Header.Get("apikey"), "apikey is the anon key")
	require.Equal(t, "Bearer "+userToken, r.Header.Get("Authorization"), "the user's token, so Storage applies the user's policies")
	require.Equal(t, "text/csv", r.Header.Get("Content-Type"))
	require.Len(t, r.Header.Values("Content-Type"), 1)
	require.Equal(t, "false", r.Header.Get("x-upsert"), "never overwrites")
	require.Equal(t, int64(len(content)), r.Size)
}

func TestUploadFailuresAreClassified(t *testing.T) {
	cases := []struct {
		name   string
		status int
		msg    string
		kind   supabaseclient.Kind
	}{
		{"row-level security refusal", 403, "new row violates row-level security policy", supabaseclient.KindForbidden},
		{"already exists", 409, "The resource already exists", supabaseclient.KindConflict},
		{"over the bucket's size limit", 413, "The object exceeded the maximum allowed size", supabaseclient.KindTooLarge},
		{"type not allowed", 415, "mime type application/pdf is not supported", supabaseclient.KindInvalid},
		{"expired token", 400, "\"exp\" claim timestamp check failed (jwt expired)", supabaseclient.KindUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := supabasetest.New(t)
			srv.CheckUpload = func(*http.Request, string, string, int64) (int, string) { return tc.status, tc.msg }
			err := userClient(t, srv).Upload(context.Background(), "imports", unitPath, strings.NewReader("x"), "text/csv")
			require.Equal(t, tc.kind, kindOf(t, err), "%v", err)
			require.Contains(t, err.Error(), tc.msg, "the service's message is kept for the user")
		})
	}
	for _, status := range []int{http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := supabasetest.New(t)
			srv.Fault = func(w http.ResponseWriter, r *http.Request) bool { w.WriteHeader(status); return true }
			err := userClient(t, srv).Upload(context.Background(), "imports", unitPath, strings.NewReader("x"), "text/csv")
			require.True(t, supabaseclient.IsTransient(err), "%v", err)
		})
	}
}

// restHandler answers /rest/v1/import_jobs with a fixed status and body.
func restAnswer(status int, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	})
}

func TestInsertJobSendsTheDocumentedRequest(t *testing.T) {
	srv := supabasetest.New(t)
	id := uuid.New()
	srv.Rest = restAnswer(http.StatusCreated, `[{"id":"`+id.String()+`","status":"pending","current_phase":null,"processed_items":0,"total_items":0,"attempt":0,"input_csv":null}]`)
	unit := uuid.New()
	job, err := userClient(t, srv).InsertJob(context.Background(), supabaseclient.NewJob{
		UnitID: unit, Type: "troop_advancement", InputPath: unit.String() + "/x.csv",
		Options: map[string]any{"dryRun": true}, IdempotencyKey: "k-1",
	})
	require.NoError(t, err)
	require.Equal(t, id, job.ID)
	require.Equal(t, "pending", job.Status)

	r := srv.Requests()[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/rest/v1/import_jobs", r.Path)
	require.Equal(t, anonKey, r.Header.Get("apikey"))
	require.Equal(t, "Bearer "+userToken, r.Header.Get("Authorization"))
	require.Equal(t, "return=representation", r.Header.Get("Prefer"))
	require.Equal(t, "public", r.Header.Get("Content-Profile"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &body))
	require.Equal(t, map[string]any{"unit_id": unit.String(), "type": "troop_advancement", "input_path": unit.String() + "/x.csv",
		"options": map[string]any{"dryRun": true}, "idempotency_key": "k-1"}, body, "only client columns")
}

func TestInsertJobFailuresAreClassified(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		kind   supabaseclient.Kind
		msg    string
	}{
		{"RLS refusal", 403, `{"code":"42501","message":"new row violates row-level security policy for table \"import_jobs\"","details":null,"hint":null}`, supabaseclient.KindForbidden, "row-level security"},
		{"expired JWT", 401, `{"code":"PGRST301","message":"JWT expired","details":null,"hint":null}`, supabaseclient.KindUnauthorized, "JWT expired"},
		{"bad input path", 400, `{"code":"23514","message":"input_path \"x\" is not a file in the unit's folder","details":null,"hint":null}`, supabaseclient.KindInvalid, "not a file in the unit's folder"},
		{"duplicate idempotency key", 409, `{"code":"23505","message":"duplicate key value violates unique constraint","details":null,"hint":null}`, supabaseclient.KindConflict, "duplicate"},
		{"gateway page", 502, `<html>bad gateway</html>`, supabaseclient.KindUnavailable, ""},
		{"rate limit", 429, `{"message":"API rate limit exceeded"}`, supabaseclient.KindRateLimited, "rate limit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := supabasetest.New(t)
			srv.Rest = restAnswer(tc.status, tc.body)
			_, err := userClient(t, srv).InsertJob(context.Background(), supabaseclient.NewJob{UnitID: uuid.New(), Type: "troop_advancement", InputPath: "x"})
			require.Equal(t, tc.kind, kindOf(t, err), "%v", err)
			require.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestJobByIDReadsTheNarrowColumns(t *testing.T) {
	srv := supabasetest.New(t)
	id := uuid.New()
	srv.Rest = restAnswer(http.StatusOK, `[{"id":"`+id.String()+`","status":"processing","current_phase":"ranks","processed_items":40,"total_items":100,"attempt":1}]`)
	job, err := userClient(t, srv).JobByID(context.Background(), id)
	require.NoError(t, err)
	require.Equal(t, "processing", job.Status)
	require.Equal(t, 40, job.ProcessedItems)
	require.False(t, job.Final())

	r := srv.Requests()[0]
	require.Equal(t, http.MethodGet, r.Method)
	require.Equal(t, "/rest/v1/import_jobs", r.Path)
	require.Equal(t, "eq."+id.String(), r.Query.Get("id"))
	require.NotContains(t, r.Query.Get("select"), "input_csv", "never fetches the input")
	require.Contains(t, r.Query.Get("select"), "status")

	srv.Rest = restAnswer(http.StatusOK, `[]`)
	_, err = userClient(t, srv).JobByID(context.Background(), id)
	require.Equal(t, supabaseclient.KindNotFound, kindOf(t, err))
}

func TestSignInSendsThePasswordGrant(t *testing.T) {
	srv := supabasetest.New(t)
	srv.Auth = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		w.Header().Set("Content-Type", "application/json")
		if body["password"] != "right" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"code":400,"error_code":"invalid_credentials","msg":"Invalid login credentials"}`))
			return
		}
		_, _ = w.Write([]byte(`{"access_token":"fresh.jwt.token","token_type":"bearer","expires_in":3600,"refresh_token":"r","user":{"id":"` + uuid.NewString() + `"}}`))
	})
	token, err := supabaseclient.SignIn(context.Background(), srv.URL, anonKey, "leader@example.org", "right")
	require.NoError(t, err)
	require.Equal(t, "fresh.jwt.token", token)

	r := srv.Requests()[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/auth/v1/token", r.Path)
	require.Equal(t, "password", r.Query.Get("grant_type"))
	require.Equal(t, anonKey, r.Header.Get("apikey"))
	var body map[string]any
	require.NoError(t, json.Unmarshal(r.Body, &body))
	require.Equal(t, "leader@example.org", body["email"])

	_, err = supabaseclient.SignIn(context.Background(), srv.URL, anonKey, "leader@example.org", "wrong")
	require.Equal(t, supabaseclient.KindUnauthorized, kindOf(t, err))
	require.ErrorContains(t, err, "Invalid login credentials")
	require.NotContains(t, err.Error(), "wrong", "the password is never echoed")
}

func TestServiceFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := supabaseclient.ServiceFromEnv(env(nil))
	require.NoError(t, err)
	require.Nil(t, c, "not configured: no client, no error")

	_, err = supabaseclient.ServiceFromEnv(env(map[string]string{"SUPABASE_URL": "https://x.supabase.co"}))
	require.ErrorContains(t, err, "SUPABASE_SERVICE_ROLE_KEY")
	_, err = supabaseclient.ServiceFromEnv(env(map[string]string{"SUPABASE_SERVICE_ROLE_KEY": serviceKey}))
	require.ErrorContains(t, err, "SUPABASE_URL")
	require.NotContains(t, err.Error(), serviceKey)
	_, err = supabaseclient.ServiceFromEnv(env(map[string]string{"SUPABASE_URL": "db.example.org:5432", "SUPABASE_SERVICE_ROLE_KEY": serviceKey}))
	require.ErrorContains(t, err, "http(s) URL")

	c, err = supabaseclient.ServiceFromEnv(env(map[string]string{"SUPABASE_URL": "https://x.supabase.co/", "SUPABASE_SERVICE_ROLE_KEY": serviceKey}))
	require.NoError(t, err)
	require.Equal(t, "https://x.supabase.co", c.URL())
	require.NotContains(t, c.String(), serviceKey)
}

// An upload leaves the client's other requests alone: a delete after it is still JSON.
func TestUploadDoesNotChangeLaterRequests(t *testing.T) {
	srv := supabasetest.New(t)
	c := userClient(t, srv)
	require.NoError(t, c.Upload(context.Background(), "imports", "u/a.csv", strings.NewReader("a"), "text/csv"))
	_, err := c.Remove(context.Background(), "imports", []string{"u/a.csv"})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 2)
	require.Equal(t, http.MethodDelete, reqs[1].Method)
	require.Equal(t, []string{"application/json"}, reqs[1].Header.Values("Content-Type"))
	require.Equal(t, "Bearer "+userToken, reqs[1].Header.Get("Authorization"))
}
