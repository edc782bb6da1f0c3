// Package supabasetest is an httptest stand-in for the Supabase HTTP endpoints the project
// calls: Storage (/storage/v1/object/...) and, through a pluggable handler, PostgREST
// (/rest/v1/...) and Auth (/auth/v1/...). It answers as the documented services do (paths,
// status codes, the Storage service's JSON error bodies) and records every request, so tests
// can assert what supabase-go sends.
//
// Import it from tests only.
package supabasetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Request is one request the server received.
type Request struct {
	Method string
	Path   string // escaped path, e.g. /storage/v1/object/imports/<unit>/a%20b.csv
	Query  url.Values
	Header http.Header
	Body   []byte // at most the first 64 KiB
	Size   int64  // body length
}

// UploadCheck may refuse an upload as the Storage service would (RLS, size, type): it
// returns 0 to accept, or the status to put in the error body (403, 409, 413, 415) and the
// message.
type UploadCheck func(r *http.Request, bucket, name string, size int64) (status int, message string)

// Server is the fake Supabase project.
type Server struct {
	*httptest.Server

	// Fault, when set, is asked first for every request; it returns true when it answered
	// (to inject 5xx, 429, slow or cut-off bodies).
	Fault func(w http.ResponseWriter, r *http.Request) bool
	// Rest answers /rest/v1/... (nil: 404).
	Rest http.Handler
	// Auth answers /auth/v1/... (nil: 404).
	Auth http.Handler
	// CheckUpload, when set, may refuse uploads.
	CheckUpload UploadCheck

	mu       sync.Mutex
	objects  map[string][]byte // "bucket/name"
	requests []Request
}

// New starts a fake project; it is closed when the test ends.
func New(t testing.TB) *Server {
	s := &Server{objects: map[string][]byte{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// Put stores an object.
func (s *Server) Put(bucket, name string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.objects[bucket+"/"+name] = data
}

// Object returns a stored object.
func (s *Server) Object(bucket, name string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objects[bucket+"/"+name]
	return b, ok
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := Request{Method: r.Method, Path: r.URL.EscapedPath(), Query: r.URL.Query(), Header: r.Header.Clone(), Size: int64(len(body))}
	rec.Body = body[:min(len(body), 64<<10)]
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))

	if s.Fault != nil && s.Fault(w, r) {
		return
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/storage/v1/object/"):
		s.storage(w, r, body)
	case strings.HasPrefix(r.URL.Path, "/rest/v1/") && s.Rest != nil:
		s.Rest.ServeHTTP(w, r)
	case strings.HasPrefix(r.URL.Path, "/auth/v1/") && s.Auth != nil:
		s.Auth.ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}

// StorageError writes the Storage service's error answer: HTTP 400 (500 for a 500) with the
// real status in the body, as the service does.
func StorageError(w http.ResponseWriter, status int, code, message string) {
	httpStatus := http.StatusBadRequest
	if status >= 500 {
		httpStatus = status
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(map[string]string{
		"statusCode": strconv.Itoa(status), "code": code, "error": code, "message": message,
	})
}

func (s *Server) storage(w http.ResponseWriter, r *http.Request, body []byte) {
	rest := strings.TrimPrefix(r.URL.Path, "/storage/v1/object/")
	bucket, name, _ := strings.Cut(rest, "/")
	switch {
	case r.Method == http.MethodGet && name != "":
		data, ok := s.Object(bucket, name)
		if !ok {
			StorageError(w, http.StatusNotFound, "NoSuchKey", "Object not found")
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		_, _ = w.Write(data)
	case r.Method == http.MethodPost && name != "":
		if s.CheckUpload != nil {
			if status, msg := s.CheckUpload(r, bucket, name, int64(len(body))); status != 0 {
				StorageError(w, status, codeFor(status), msg)
				return
			}
		}
		s.mu.Lock()
		_, exists := s.objects[bucket+"/"+name]
		if exists && r.Header.Get("x-upsert") != "true" {
			s.mu.Unlock()
			StorageError(w, http.StatusConflict, "Duplicate", "The resource already exists")
			return
		}
		s.objects[bucket+"/"+name] = body
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"Key": bucket + "/" + name, "Id": fmt.Sprintf("%08x-0000-4000-8000-000000000000", len(body))})
	case r.Method == http.MethodDelete && name == "":
		var req struct {
			Prefixes []string `json:"prefixes"`
		}
		if err := json.Unmarshal(body, &req); err != nil || len(req.Prefixes) == 0 {
			StorageError(w, http.StatusBadRequest, "InvalidRequest", "body/prefixes must NOT have fewer than 1 items")
			return
		}
		var deleted []map[string]string
		s.mu.Lock()
		for _, p := range req.Prefixes {
			if _, ok := s.objects[bucket+"/"+p]; ok {
				delete(s.objects, bucket+"/"+p)
				deleted = append(deleted, map[string]string{"name": p, "bucket_id": bucket})
			}
		}
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if deleted == nil {
			deleted = []map[string]string{}
		}
		_ = json.NewEncoder(w).Encode(deleted)
	default:
		StorageError(w, http.StatusBadRequest, "InvalidRequest", "Route not handled")
	}
}

func codeFor(status int) string {
	switch status {
	case http.StatusForbidden:
		return "Unauthorized"
	case http.StatusConflict:
		return "Duplicate"
	case http.StatusRequestEntityTooLarge:
		return "EntityTooLarge"
	case http.StatusUnsupportedMediaType:
		return "InvalidMimeType"
	default:
		return "InvalidRequest"
	}
}
