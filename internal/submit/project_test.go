package submit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chuckbox/importworker/internal/pgtest"
	"github.com/chuckbox/importworker/internal/supabasetest"
)

const anonKey = "anon-key"

// project is a fake Supabase project whose Storage and PostgREST answer from the real test
// database exactly as the real services do: every upload is an INSERT into storage.objects
// and every job insert or read a statement on import_jobs, run as the caller's role with the
// caller's JWT claims. So the Storage policies, row-level security and column grants decide,
// not the fake.
type project struct {
	t   *testing.T
	db  *pgtest.DB
	srv *supabasetest.Server

	mu     sync.Mutex
	tokens map[string]pgtest.Claims // access token -> claims
	logins map[string]string        // email -> access token (password "secret")
}

func newProject(t *testing.T, db *pgtest.DB) *project {
	p := &project{t: t, db: db, srv: supabasetest.New(t), tokens: map[string]pgtest.Claims{}, logins: map[string]string{}}
	p.srv.CheckUpload = p.checkUpload
	p.srv.Rest = http.HandlerFunc(p.rest)
	p.srv.Auth = http.HandlerFunc(p.auth)
	return p
}

// user registers person's access token (and password sign-in) and returns the token.
func (p *project) user(person pgtest.Person) string {
	token := "token-" + person.UserID.String()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tokens[token] = person.Claims()
	p.logins[person.Email] = token
	return token
}

// claims returns the caller's claims: the anon key alone is anon; an unknown token is none.
func (p *project) claims(r *http.Request) (pgtest.Claims, bool) {
	if r.Header.Get("apikey") != anonKey {
		return nil, false
	}
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == anonKey {
		return pgtest.AnonClaims(), true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.tokens[token]
	return c, ok
}

// checkUpload does what the Storage service does before it keeps an upload: the bucket's
// size and type limits, then the INSERT into storage.objects as the caller.
func (p *project) checkUpload(r *http.Request, bucket, name string, size int64) (int, string) {
	claims, ok := p.claims(r)
	if !ok {
		return http.StatusBadRequest, "Invalid JWT"
	}
	ctx := context.Background()
	var limit *int64
	var types []string
	if err := p.db.Pool.QueryRow(ctx, `select file_size_limit, allowed_mime_types from storage.buckets where id = $1`, bucket).
		Scan(&limit, &types); err != nil {
		return http.StatusNotFound, "Bucket not found"
	}
	if limit != nil && size > *limit {
		return http.StatusRequestEntityTooLarge, "The object exceeded the maximum allowed size"
	}
	if ct := r.Header.Get("Content-Type"); types != nil && !slices.Contains(types, strings.TrimSpace(strings.Split(ct, ";")[0])) {
		return http.StatusUnsupportedMediaType, "mime type " + ct + " is not supported"
	}
	err := p.db.AsClient(ctx, claims, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `insert into storage.objects (bucket_id, name, owner, metadata)
			values ($1, $2, auth.uid(), jsonb_build_object('size', $3::bigint, 'mimetype', $4::text))`,
			bucket, name, size, r.Header.Get("Content-Type"))
		return err
	})
	if err != nil {
		return http.StatusForbidden, "new row violates row-level security policy"
	}
	return 0, ""
}

// rest answers POST and GET /rest/v1/import_jobs as PostgREST does.
func (p *project) rest(w http.ResponseWriter, r *http.Request) {
	claims, ok := p.claims(r)
	if !ok {
		postgrestError(w, http.StatusUnauthorized, "PGRST301", "JWT could not be decoded")
		return
	}
	if r.URL.Path != "/rest/v1/import_jobs" {
		postgrestError(w, http.StatusNotFound, "PGRST205", "Could not find the table in the schema cache")
		return
	}
	ctx := context.Background()
	var out []json.RawMessage
	var err error
	status := http.StatusOK
	switch r.Method {
	case http.MethodPost:
		var row map[string]any
		if derr := json.NewDecoder(r.Body).Decode(&row); derr != nil {
			postgrestError(w, http.StatusBadRequest, "PGRST102", "Empty or invalid json")
			return
		}
		cols, args, params := []string{}, []any{}, []string{}
		for k, v := range row {
			if k == "options" {
				b, _ := json.Marshal(v)
				v = string(b)
			}
			cols = append(cols, pgx.Identifier{k}.Sanitize())
			args = append(args, v)
			params = append(params, fmt.Sprintf("$%d", len(args)))
		}
		err = p.db.AsClient(ctx, claims, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `with ins as (insert into public.import_jobs (`+strings.Join(cols, ", ")+`)
				values (`+strings.Join(params, ", ")+`) returning *) select coalesce(json_agg(ins), '[]') from ins`, args...).Scan(&out)
		})
		status = http.StatusCreated
	case http.MethodGet:
		var col, val string
		for _, c := range []string{"id", "idempotency_key"} {
			if v := r.URL.Query().Get(c); strings.HasPrefix(v, "eq.") {
				col, val = c, strings.TrimPrefix(v, "eq.")
			}
		}
		err = p.db.AsClient(ctx, claims, func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `select coalesce(json_agg(j), '[]') from public.import_jobs j where `+
				pgx.Identifier{col}.Sanitize()+`::text = $1`, val).Scan(&out)
		})
	default:
		postgrestError(w, http.StatusMethodNotAllowed, "PGRST117", "Unsupported HTTP method")
		return
	}
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &pgErr):
		httpStatus := http.StatusBadRequest
		switch {
		case pgErr.Code == "42501" && claims["role"] == "anon":
			httpStatus = http.StatusUnauthorized
		case pgErr.Code == "42501":
			httpStatus = http.StatusForbidden
		case pgErr.Code == "23505":
			httpStatus = http.StatusConflict
		}
		postgrestError(w, httpStatus, pgErr.Code, pgErr.Message)
		return
	case err != nil:
		postgrestError(w, http.StatusInternalServerError, "XX000", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

func postgrestError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": message, "details": nil, "hint": nil})
}

// auth answers the password grant of /auth/v1/token.
func (p *project) auth(w http.ResponseWriter, r *http.Request) {
	var body struct{ Email, Password string }
	_ = json.NewDecoder(r.Body).Decode(&body)
	p.mu.Lock()
	token, ok := p.logins[body.Email]
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Query().Get("grant_type") != "password" || r.Header.Get("apikey") != anonKey || !ok || body.Password != "secret" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":400,"error_code":"invalid_credentials","msg":"Invalid login credentials"}`))
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": token, "token_type": "bearer", "expires_in": 3600, "refresh_token": "r"})
}
