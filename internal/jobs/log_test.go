package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// lockedBuffer is a log destination shared by the worker's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(b.buf.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		out = append(out, m)
	}
	return out
}

// Every log line about a job carries its job_id, unit_id, type and attempt: the worker's own
// lines (claimed, retry scheduled, attempt ended, lease rescued) and the handler's, logged
// through the logger of its context.
func TestEveryJobLogLineCarriesJobUnitAndAttempt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	id := e.insertJob(t, e.unit)
	// A job whose worker died: its lease has expired, the reaper rescues it.
	rescued := e.insertJob(t, e.unit)
	_, err := e.db.Pool.Exec(ctx, `update public.import_jobs set status = 'processing', attempt = 1,
		lease_owner = 'dead-worker', lease_token = gen_random_uuid(), lease_expires_at = now() - interval '1 minute',
		started_at = now() where id = $1`, rescued)
	require.NoError(t, err)

	var calls atomic.Int32
	logs := &lockedBuffer{}
	t.Cleanup(func() {
		if t.Failed() { // the worker's own account of what it did
			logs.mu.Lock()
			defer logs.mu.Unlock()
			t.Log(logs.buf.String())
		}
	})
	h := e.startWorker(t, jobs.Config{ExitWhenIdle: true, FallbackPollInterval: 20 * time.Millisecond,
		Backoff: jobs.Backoff{Base: time.Millisecond, Max: time.Millisecond},
		Logger:  slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Handlers: handlers(jobs.HandlerFunc(func(ctx context.Context, run *jobs.Run) error {
			jobs.Logger(ctx).Info("handler at work")
			if run.Job.ID == id && calls.Add(1) == 1 {
				return errors.New("a transient failure")
			}
			return nil
		}))})
	require.NoError(t, h.wait(t, 60*time.Second))
	require.Contains(t, []string{"pending", "completed"}, e.job(t, id).Status, "retried, or its retry is due later")
	require.Equal(t, "completed", e.job(t, rescued).Status)

	seen := map[string]bool{}
	for _, line := range e.jobLines(t, logs) {
		msg := line["msg"].(string)
		seen[msg] = true
		require.Equal(t, e.unit.String(), line["unit_id"], "unit_id on %q", msg)
		require.Equal(t, "troop_advancement", line["type"], "type on %q", msg)
		require.Contains(t, line, "attempt", "attempt on %q", msg)
	}
	for _, msg := range []string{"lease expired; job rescued", "job claimed", "handler at work",
		"job attempt failed; retry scheduled", "job attempt ended"} {
		require.True(t, seen[msg], "a %q line was logged", msg)
	}
}

// jobLines returns the log lines that name a job.
func (e *env) jobLines(t *testing.T, logs *lockedBuffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range logs.lines(t) {
		if _, ok := line["job_id"]; ok {
			out = append(out, line)
		}
	}
	require.NotEmpty(t, out)
	return out
}
