package supabaseclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// NewJob is the row `worker submit` inserts into public.import_jobs: only the client columns
// (the database sets created_by, status and the rest).
type NewJob struct {
	UnitID         uuid.UUID      `json:"unit_id"`
	Type           string         `json:"type"`
	InputPath      string         `json:"input_path"`
	Options        map[string]any `json:"options,omitempty"`
	IdempotencyKey string         `json:"idempotency_key,omitempty"`
}

// JobState is what `worker submit --follow` reads of a job: the narrow columns, never the
// input.
type JobState struct {
	ID              uuid.UUID       `json:"id"`
	Status          string          `json:"status"`
	CurrentPhase    *string         `json:"current_phase"`
	ProcessedItems  int             `json:"processed_items"`
	TotalItems      int             `json:"total_items"`
	ProcessedScouts int             `json:"processed_scouts"`
	TotalScouts     int             `json:"total_scouts"`
	Attempt         int             `json:"attempt"`
	ErrorMessage    *string         `json:"error_message"`
	Result          json.RawMessage `json:"result"`
}

// jobStateColumns is the PostgREST select list of JobState.
const jobStateColumns = "id,status,current_phase,processed_items,total_items,processed_scouts,total_scouts,attempt,error_message,result"

// Final reports whether the job has stopped (completed, failed or cancelled).
func (s JobState) Final() bool {
	return s.Status == "completed" || s.Status == "failed" || s.Status == "cancelled"
}

// InsertJob inserts job through PostgREST (POST /rest/v1/import_jobs, Prefer:
// return=representation) as this client's user, so the unit's row-level security and column
// grants apply exactly as for the browser, and returns the new row's state.
func (c *Client) InsertJob(ctx context.Context, job NewJob) (JobState, error) {
	op := "insert import job"
	var rows []JobState
	err := runBounded(ctx, c.Limits.HeaderTimeout+c.Limits.IdleTimeout, func() error {
		// The representation is the whole new row: with input_path it carries no large column.
		_, err := c.sb.From("import_jobs").Insert(job, false, "", "representation", "").ExecuteTo(&rows)
		return err
	})
	if err != nil {
		return JobState{}, restError(op, err)
	}
	if len(rows) != 1 {
		return JobState{}, &Error{Op: op, Kind: KindForbidden, Message: "the job was not returned: the account cannot read the unit's jobs"}
	}
	return rows[0], nil
}

// JobByID reads a job's state through PostgREST (GET /rest/v1/import_jobs?id=eq.<id>).
// KindNotFound when the job does not exist or the user may not see it.
func (c *Client) JobByID(ctx context.Context, id uuid.UUID) (JobState, error) {
	return c.jobWhere(ctx, "read import job "+id.String(), "id", id.String())
}

// JobByIdempotencyKey finds the job inserted with key (used after an insert whose answer was
// lost, to tell whether it went through).
func (c *Client) JobByIdempotencyKey(ctx context.Context, key string) (JobState, error) {
	return c.jobWhere(ctx, "find import job by idempotency key", "idempotency_key", key)
}

func (c *Client) jobWhere(ctx context.Context, op, column, value string) (JobState, error) {
	var rows []JobState
	err := runBounded(ctx, c.Limits.HeaderTimeout+c.Limits.IdleTimeout, func() error {
		_, err := c.sb.From("import_jobs").Select(jobStateColumns, "", false).Eq(column, value).ExecuteTo(&rows)
		return err
	})
	if err != nil {
		return JobState{}, restError(op, err)
	}
	if len(rows) == 0 {
		return JobState{}, &Error{Op: op, Kind: KindNotFound, Message: "no such job visible to this account"}
	}
	return rows[0], nil
}

// SignIn signs in with email and password through Supabase Auth (POST
// /auth/v1/token?grant_type=password, with the anon key) and returns the user's access token.
func SignIn(ctx context.Context, projectURL, anonKey, email, password string) (string, error) {
	c, err := New(projectURL, anonKey)
	if err != nil {
		return "", err
	}
	op := "sign in as " + email
	auth := c.sb.Auth.WithClient(http.Client{Timeout: c.Limits.HeaderTimeout + c.Limits.IdleTimeout})
	var token string
	err = runBounded(ctx, 0, func() error {
		resp, err := auth.SignInWithEmailPassword(email, password)
		if err != nil {
			return err
		}
		token = resp.AccessToken
		return nil
	})
	if err != nil {
		return "", authError(op, err)
	}
	if token == "" {
		return "", &Error{Op: op, Kind: KindUnavailable, Message: "no access token in the answer"}
	}
	return token, nil
}

// errTimedOut is the error of a call that runBounded gave up on.
var errTimedOut = errors.New("no answer in time")

// runBounded runs fn, a supabase-go call without a context, and returns when it does, when
// ctx ends, or after limit (0: no limit). A call given up on finishes in the background; its
// result is dropped.
func runBounded(ctx context.Context, limit time.Duration, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	var timeout <-chan time.Time
	if limit > 0 {
		t := time.NewTimer(limit)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-timeout:
		return fmt.Errorf("%w (%s)", errTimedOut, limit)
	}
}

// restError classifies an error of postgrest-go, which reports a PostgREST error as
// "(<code>) <message>" without the HTTP status, and a response that is not PostgREST's JSON
// (a gateway's error page) as "error parsing error response".
func restError(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	msg := err.Error()
	code, text := "", msg
	if strings.HasPrefix(msg, "(") {
		if i := strings.Index(msg, ") "); i > 0 {
			code, text = msg[1:i], msg[i+2:]
		}
	}
	kind := KindUnavailable
	switch {
	case errors.Is(err, errTimedOut), strings.HasPrefix(msg, "error parsing error response"):
		kind = KindUnavailable
	case code == "42501":
		kind = KindForbidden
	case strings.HasPrefix(code, "PGRST3"): // JWT problems
		kind = KindUnauthorized
	case code == "23505":
		kind = KindConflict
	case code == "" && strings.Contains(strings.ToLower(text), "rate limit"):
		kind = KindRateLimited
	case code == "" && (strings.Contains(strings.ToLower(text), "invalid api key") || strings.Contains(strings.ToLower(text), "jwt")):
		kind = KindUnauthorized
	case strings.HasPrefix(code, "PGRST") || len(code) == 5:
		kind = KindInvalid // a PostgREST or PostgreSQL refusal (check violation, bad column...)
	}
	if strings.HasPrefix(msg, "error parsing error response") || errors.Is(err, errTimedOut) {
		return &Error{Op: op, Kind: kind, Err: err}
	}
	if code == "" && !strings.HasPrefix(msg, "(") {
		// A transport error (connection refused, reset...).
		return &Error{Op: op, Kind: KindUnavailable, Err: err}
	}
	return &Error{Op: op, Kind: kind, Message: text}
}

// authError classifies an error of gotrue-go ("response status code <n>: <body>").
func authError(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	var status int
	var body string
	if _, scanErr := fmt.Sscanf(err.Error(), "response status code %d", &status); scanErr == nil {
		if i := strings.Index(err.Error(), ": "); i > 0 {
			body = err.Error()[i+2:]
		}
		var parsed struct {
			Msg         string `json:"msg"`
			Message     string `json:"message"`
			Description string `json:"error_description"`
		}
		_ = json.Unmarshal([]byte(body), &parsed)
		message := firstNonEmpty(parsed.Msg, parsed.Description, parsed.Message)
		kind := kindForStatus(status)
		if status == http.StatusBadRequest {
			kind = KindUnauthorized // wrong email or password ("invalid_grant")
		}
		return &Error{Op: op, Kind: kind, Status: status, Message: message}
	}
	return &Error{Op: op, Kind: KindUnavailable, Err: err}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
