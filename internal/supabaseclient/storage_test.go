package supabaseclient_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/supabaseclient"
	"github.com/chuckbox/importworker/internal/supabasetest"
)

const (
	serviceKey = "service-role-key-SECRET"
	anonKey    = "anon-key-PUBLIC"
	userToken  = "user.jwt.TOKEN"
	unitPath   = "0b7c2a4e-4a4b-4c1e-9d7e-0f5c1b2a3d4e/Troop 42 export é.csv"
	escaped    = "/storage/v1/object/imports/0b7c2a4e-4a4b-4c1e-9d7e-0f5c1b2a3d4e/Troop%2042%20export%20%C3%A9.csv"
)

func serviceClient(t *testing.T, srv *supabasetest.Server) *supabaseclient.Client {
	t.Helper()
	c, err := supabaseclient.New(srv.URL, serviceKey)
	require.NoError(t, err)
	return c
}

// kindOf asserts err is a classified *Error and returns its kind.
func kindOf(t *testing.T, err error) supabaseclient.Kind {
	t.Helper()
	require.Error(t, err)
	k, ok := supabaseclient.KindOf(err)
	require.True(t, ok, "want a classified *supabaseclient.Error, got %T: %v", err, err)
	require.NotContains(t, err.Error(), serviceKey, "no key in errors")
	return k
}

func TestDownloadSendsTheDocumentedRequestAndStreamsTheObject(t *testing.T) {
	srv := supabasetest.New(t)
	content := strings.Repeat("Scout,Rank\n", 10_000)
	srv.Put("imports", unitPath, []byte(content))

	obj, err := serviceClient(t, srv).Open(context.Background(), "imports", unitPath)
	require.NoError(t, err)
	got, err := io.ReadAll(obj)
	require.NoError(t, err)
	require.NoError(t, obj.Close())
	require.NoError(t, obj.Err())
	require.Equal(t, content, string(got))
	require.Equal(t, int64(len(content)), obj.Size)

	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	r := reqs[0]
	require.Equal(t, http.MethodGet, r.Method)
	require.Equal(t, escaped, r.Path, "GET /storage/v1/object/<bucket>/<path>, each segment escaped")
	require.Equal(t, serviceKey, r.Header.Get("apikey"))
	require.Equal(t, "Bearer "+serviceKey, r.Header.Get("Authorization"))
	require.Contains(t, r.Header.Get("X-Client-Info"), "storage-go/", "sent through supabase-go's Storage client")
}

func TestDownloadFailuresAreClassified(t *testing.T) {
	cases := []struct {
		name      string
		answer    func(w http.ResponseWriter)
		kind      supabaseclient.Kind
		transient bool
	}{
		{"missing object (HTTP 400, statusCode 404 in the body)", func(w http.ResponseWriter) {
			supabasetest.StorageError(w, 404, "NoSuchKey", "Object not found")
		}, supabaseclient.KindNotFound, false},
		{"missing object (plain HTTP 404)", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"statusCode":"404","error":"not_found","message":"Object not found"}`))
		}, supabaseclient.KindNotFound, false},
		{"missing bucket", func(w http.ResponseWriter) {
			supabasetest.StorageError(w, 404, "NoSuchBucket", "Bucket not found")
		}, supabaseclient.KindNotFound, false},
		{"key refused (401)", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"message":"Invalid API key"}`))
		}, supabaseclient.KindUnauthorized, false},
		{"expired JWT (400 with the real status in the body)", func(w http.ResponseWriter) {
			supabasetest.StorageError(w, 403, "InvalidJWT", "jwt expired")
		}, supabaseclient.KindUnauthorized, false},
		{"forbidden (403)", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"message":"Forbidden"}`))
		}, supabaseclient.KindForbidden, false},
		{"too large (413 from a gateway)", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusRequestEntityTooLarge)
		}, supabaseclient.KindTooLarge, false},
		{"rate limited (429)", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"message":"API rate limit exceeded"}`))
		}, supabaseclient.KindRateLimited, true},
		{"storage internal error (500)", func(w http.ResponseWriter) {
			supabasetest.StorageError(w, 500, "InternalError", "Internal server error")
		}, supabaseclient.KindUnavailable, true},
		{"gateway error page (502, HTML)", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html>502 Bad Gateway</html>"))
		}, supabaseclient.KindUnavailable, true},
		{"database connection timeout (400 with 544 in the body)", func(w http.ResponseWriter) {
			supabasetest.StorageError(w, 544, "DatabaseTimeout", "The connection to the database timed out")
		}, supabaseclient.KindUnavailable, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := supabasetest.New(t)
			srv.Fault = func(w http.ResponseWriter, r *http.Request) bool { tc.answer(w); return true }
			_, err := serviceClient(t, srv).Open(context.Background(), "imports", unitPath)
			require.Equal(t, tc.kind, kindOf(t, err), "%v", err)
			require.Equal(t, tc.transient, supabaseclient.IsTransient(err))
		})
	}
}

// blockUntilGone makes a handler hold the request open until the client gives up.
func blockUntilGone(r *http.Request) { <-r.Context().Done() }

func TestSlowHeadersTimeOutAsTransient(t *testing.T) {
	srv := supabasetest.New(t)
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool { blockUntilGone(r); return true }
	c := serviceClient(t, srv)
	c.Limits.HeaderTimeout = 50 * time.Millisecond
	_, err := c.Open(context.Background(), "imports", unitPath)
	require.Equal(t, supabaseclient.KindUnavailable, kindOf(t, err))
	require.ErrorContains(t, err, "no response within")
}

func TestStalledBodyFailsAsTransient(t *testing.T) {
	srv := supabasetest.New(t)
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Length", "100000")
		_, _ = w.Write([]byte(strings.Repeat("x", 1000)))
		w.(http.Flusher).Flush()
		blockUntilGone(r)
		return true
	}
	c := serviceClient(t, srv)
	c.Limits.IdleTimeout = 50 * time.Millisecond
	obj, err := c.Open(context.Background(), "imports", unitPath)
	require.NoError(t, err)
	defer obj.Close()
	n, err := io.Copy(io.Discard, obj)
	require.Equal(t, int64(1000), n, "the bytes that came are delivered")
	require.Equal(t, supabaseclient.KindUnavailable, kindOf(t, err))
	require.ErrorContains(t, err, "stalled")
	require.Equal(t, err, obj.Err(), "Err keeps the failure for a caller whose parser swallowed it")
}

func TestCutOffBodyFailsAsTransient(t *testing.T) {
	srv := supabasetest.New(t)
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		conn, buf, err := w.(http.Hijacker).Hijack()
		require.NoError(t, err)
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: 5000\r\n\r\n" + strings.Repeat("y", 2000))
		_ = buf.Flush()
		_ = conn.Close()
		return true
	}
	obj, err := serviceClient(t, srv).Open(context.Background(), "imports", unitPath)
	require.NoError(t, err)
	defer obj.Close()
	n, err := io.Copy(io.Discard, obj)
	require.Equal(t, int64(2000), n)
	require.Equal(t, supabaseclient.KindUnavailable, kindOf(t, err))
	require.ErrorContains(t, err, "cut off after 2000 bytes")
	require.True(t, supabaseclient.IsTransient(obj.Err()))
}

func TestOversizedObjectIsRefused(t *testing.T) {
	t.Run("announced by Content-Length", func(t *testing.T) {
		srv := supabasetest.New(t)
		srv.Put("imports", unitPath, make([]byte, 2048))
		c := serviceClient(t, srv)
		c.Limits.MaxDownloadBytes = 1024
		_, err := c.Open(context.Background(), "imports", unitPath)
		require.Equal(t, supabaseclient.KindTooLarge, kindOf(t, err))
	})
	t.Run("discovered while streaming (no Content-Length)", func(t *testing.T) {
		srv := supabasetest.New(t)
		srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
			for range 4 {
				_, _ = w.Write(make([]byte, 512))
				w.(http.Flusher).Flush() // chunked: no length up front
			}
			return true
		}
		c := serviceClient(t, srv)
		c.Limits.MaxDownloadBytes = 1024
		obj, err := c.Open(context.Background(), "imports", unitPath)
		require.NoError(t, err)
		defer obj.Close()
		n, err := io.Copy(io.Discard, obj)
		require.LessOrEqual(t, n, int64(1024), "never more than the limit is handed on")
		require.Equal(t, supabaseclient.KindTooLarge, kindOf(t, err))
		require.False(t, supabaseclient.IsTransient(err))
	})
	t.Run("exactly at the limit is fine", func(t *testing.T) {
		srv := supabasetest.New(t)
		srv.Put("imports", unitPath, make([]byte, 1024))
		c := serviceClient(t, srv)
		c.Limits.MaxDownloadBytes = 1024
		obj, err := c.Open(context.Background(), "imports", unitPath)
		require.NoError(t, err)
		defer obj.Close()
		n, err := io.Copy(io.Discard, obj)
		require.NoError(t, err)
		require.Equal(t, int64(1024), n)
	})
}

func TestCallerCancelIsNotAServiceFailure(t *testing.T) {
	srv := supabasetest.New(t)
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		_, _ = w.Write([]byte("a,b\n"))
		w.(http.Flusher).Flush()
		blockUntilGone(r)
		return true
	}
	cause := errors.New("cancel requested")
	ctx, cancel := context.WithCancelCause(context.Background())
	obj, err := serviceClient(t, srv).Open(ctx, "imports", unitPath)
	require.NoError(t, err)
	defer obj.Close()
	line, err := bufio.NewReader(obj).ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "a,b\n", line)
	cancel(cause)
	_, err = io.Copy(io.Discard, obj)
	require.ErrorIs(t, err, cause)
	_, classified := supabaseclient.KindOf(err)
	require.False(t, classified, "the job's own cancel is reported as such, not as Storage trouble")
}

func TestRemoveSendsPrefixesAndIsIdempotent(t *testing.T) {
	srv := supabasetest.New(t)
	srv.Put("imports", "u/a.csv", []byte("a"))
	srv.Put("imports", "u/b.csv", []byte("b"))
	c := serviceClient(t, srv)

	names, err := c.Remove(context.Background(), "imports", []string{"u/a.csv", "u/b.csv", "u/gone.csv"})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"u/a.csv", "u/b.csv"}, names, "a path already gone is not an error")
	_, ok := srv.Object("imports", "u/a.csv")
	require.False(t, ok)

	r := srv.Requests()[0]
	require.Equal(t, http.MethodDelete, r.Method)
	require.Equal(t, "/storage/v1/object/imports", r.Path)
	require.Equal(t, serviceKey, r.Header.Get("apikey"))
	require.Equal(t, "Bearer "+serviceKey, r.Header.Get("Authorization"))
	require.Equal(t, "application/json", r.Header.Get("Content-Type"))
	var body struct{ Prefixes []string }
	require.NoError(t, json.Unmarshal(r.Body, &body))
	require.Equal(t, []string{"u/a.csv", "u/b.csv", "u/gone.csv"}, body.Prefixes)

	again, err := c.Remove(context.Background(), "imports", []string{"u/a.csv"})
	require.NoError(t, err)
	require.Empty(t, again)

	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
	_, err = c.Remove(context.Background(), "imports", []string{"u/x.csv"})
	require.True(t, supabaseclient.IsTransient(err), "%v", err)
}
