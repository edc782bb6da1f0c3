package supabaseclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	storage_go "github.com/supabase-community/storage-go"
)

// Limits bound the Storage calls of a Client.
type Limits struct {
	// HeaderTimeout is how long a request may wait for the response headers (default 30 s).
	HeaderTimeout time.Duration
	// IdleTimeout is how long a download may go without receiving a byte (default 30 s): a
	// stalled transfer fails (transient) instead of holding the job forever.
	IdleTimeout time.Duration
	// MaxDownloadBytes is the largest object Open will read (default 300 MiB, the imports
	// bucket's own limit).
	MaxDownloadBytes int64
}

// DefaultLimits are the limits of a new Client.
func DefaultLimits() Limits {
	return Limits{HeaderTimeout: 30 * time.Second, IdleTimeout: 30 * time.Second, MaxDownloadBytes: 300 << 20}
}

// Object is a Storage object being downloaded: an io.ReadCloser streaming its bytes.
type Object struct {
	// Size is the Content-Length the service announced, or -1.
	Size int64

	op      string
	body    io.ReadCloser
	max     int64
	read    int64
	idle    time.Duration
	timer   *time.Timer
	cancel  context.CancelCauseFunc
	ctx     context.Context // the request's context
	parent  context.Context // the caller's context
	errOnce sync.Once
	err     error
}

// errIdle is the cancel cause of a download that stopped receiving data.
var errIdle = errors.New("no data received")

// Read implements io.Reader. A cut-off, stalled or oversized body is an *Error (Unavailable,
// or TooLarge); Err reports it afterwards even when the reader's caller swallowed it.
func (o *Object) Read(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	// Read one byte past the limit to tell "exactly at the limit" from "over it".
	if room := o.max + 1 - o.read; int64(len(p)) > room {
		p = p[:room]
	}
	n, err := o.body.Read(p)
	o.read += int64(n)
	if n > 0 {
		o.timer.Reset(o.idle)
	}
	if o.read > o.max {
		return 0, o.fail(&Error{Op: o.op, Kind: KindTooLarge,
			Message: fmt.Sprintf("the file is larger than %d MiB", o.max>>20)})
	}
	switch {
	case err == nil, err == io.EOF:
		if err == io.EOF {
			o.timer.Stop()
		}
		return n, err
	case o.parent.Err() != nil:
		// The caller's context ended (cancel, shutdown): not the service's fault.
		return n, o.fail(context.Cause(o.parent))
	case context.Cause(o.ctx) == errIdle:
		return n, o.fail(&Error{Op: o.op, Kind: KindUnavailable,
			Err: fmt.Errorf("the transfer stalled: %w for %s after %d bytes", errIdle, o.idle, o.read)})
	default:
		return n, o.fail(&Error{Op: o.op, Kind: KindUnavailable,
			Err: fmt.Errorf("the download was cut off after %d bytes: %w", o.read, err)})
	}
}

func (o *Object) fail(err error) error {
	o.errOnce.Do(func() { o.err = err })
	return o.err
}

// Err is the first failure Read returned (nil after a clean EOF).
func (o *Object) Err() error { return o.err }

// Close releases the connection.
func (o *Object) Close() error {
	o.timer.Stop()
	err := o.body.Close()
	o.cancel(context.Canceled)
	return err
}

// objectURL is the Storage endpoint of an object: /storage/v1/object/<bucket>/<path>, each
// path segment escaped.
func (c *Client) objectURL(bucket, path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return c.url + "/storage/v1/object/" + url.PathEscape(bucket) + "/" + strings.Join(segs, "/")
}

// storage returns supabase-go's Storage client for this identity.
func (c *Client) storage() *storage_go.Client { return c.sb.Storage }

// Open starts downloading bucket/path (GET /storage/v1/object/<bucket>/<path>) and returns
// the streaming body. The caller reads it and closes it. Errors are *Error: NotFound for a
// missing object, TooLarge for one over Limits.MaxDownloadBytes, Unavailable or RateLimited
// for what a retry may fix.
func (c *Client) Open(ctx context.Context, bucket, path string) (*Object, error) {
	op := "download " + bucket + "/" + path
	req, err := c.storage().NewRequest(http.MethodGet, c.objectURL(bucket, path))
	if err != nil {
		return nil, &Error{Op: op, Kind: KindInvalid, Err: err}
	}
	rctx, cancel := context.WithCancelCause(ctx)
	timer := time.AfterFunc(c.Limits.HeaderTimeout, func() {
		cancel(fmt.Errorf("no response within %s", c.Limits.HeaderTimeout))
	})
	resp, err := c.storage().Do(req.WithContext(rctx), nil)
	if err != nil {
		timer.Stop()
		defer cancel(context.Canceled)
		return nil, c.classify(rctx, ctx, op, resp, err)
	}
	if resp.ContentLength > c.Limits.MaxDownloadBytes {
		timer.Stop()
		resp.Body.Close()
		cancel(context.Canceled)
		return nil, &Error{Op: op, Kind: KindTooLarge, Status: resp.StatusCode,
			Message: fmt.Sprintf("the file is %d MiB, more than the %d MiB allowed", resp.ContentLength>>20, c.Limits.MaxDownloadBytes>>20)}
	}
	// From here on the timer watches the body: every byte received resets it.
	timer.Stop()
	o := &Object{Size: resp.ContentLength, op: op, body: resp.Body, max: c.Limits.MaxDownloadBytes,
		idle: c.Limits.IdleTimeout, cancel: cancel, ctx: rctx, parent: ctx}
	o.timer = time.AfterFunc(o.idle, func() { cancel(errIdle) })
	return o, nil
}

// Remove deletes objects of bucket (DELETE /storage/v1/object/<bucket> with {"prefixes":
// [...]}) and returns the names the service deleted. A path that no longer exists is simply
// not in the list: removing is idempotent.
func (c *Client) Remove(ctx context.Context, bucket string, paths []string) ([]string, error) {
	op := fmt.Sprintf("remove %d object(s) from %s", len(paths), bucket)
	if len(paths) == 0 {
		return nil, nil
	}
	req, err := c.storage().NewRequest(http.MethodDelete, c.url+"/storage/v1/object/"+url.PathEscape(bucket),
		map[string]any{"prefixes": paths})
	if err != nil {
		return nil, &Error{Op: op, Kind: KindInvalid, Err: err}
	}
	rctx, cancel := context.WithTimeoutCause(ctx, c.Limits.HeaderTimeout+c.Limits.IdleTimeout,
		fmt.Errorf("no complete response within %s", c.Limits.HeaderTimeout+c.Limits.IdleTimeout))
	defer cancel()
	var deleted []struct {
		Name string `json:"name"`
	}
	resp, err := c.storage().Do(req.WithContext(rctx), &deleted)
	if err != nil {
		return nil, c.classify(rctx, ctx, op, resp, err)
	}
	names := make([]string, 0, len(deleted))
	for _, d := range deleted {
		names = append(names, d.Name)
	}
	return names, nil
}

// Upload stores r at bucket/path (POST /storage/v1/object/<bucket>/<path>, never
// overwriting: x-upsert false) with supabase-go's UploadFile. contentType is sent as is
// (the imports bucket accepts text/csv and text/plain).
//
// UploadFile takes no context: the upload runs in its own goroutine, ctx aborts the body
// being sent, and a call whose ctx ends returns at once.
func (c *Client) Upload(ctx context.Context, bucket, path string, r io.Reader, contentType string) error {
	op := "upload " + bucket + "/" + path
	upsert := false
	cacheControl := "no-cache"
	body := &ctxReader{ctx: ctx, r: r}
	type result struct {
		resp storage_go.FileUploadResponse
		err  error
	}
	done := make(chan result, 1)
	// UploadFile sets the file's Content-Type on its client's shared headers, where it would
	// stay for every later request of that client (a JSON delete would go out as text/csv):
	// each upload gets its own Storage client, with this identity's headers.
	uploader := storage_go.NewClient(c.url+"/storage/v1", c.token, map[string]string{"apikey": c.key})
	go func() {
		resp, err := uploader.UploadFile(bucket, escapePath(path), body, storage_go.FileOptions{
			ContentType: &contentType, Upsert: &upsert, CacheControl: &cacheControl,
		})
		done <- result{resp, err}
	}()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case res := <-done:
		if res.err != nil {
			return c.classify(ctx, ctx, op, nil, res.err)
		}
		return nil
	}
}

// escapePath escapes each segment of an object path for a URL.
func escapePath(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// ctxReader fails its reads once ctx is done, so an upload stops sending.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r *ctxReader) Read(p []byte) (int, error) {
	if err := r.ctx.Err(); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// classify turns a failed Storage call into an *Error.
//
// The Storage service answers most refusals with HTTP 400 and puts the real status in the
// body ({"statusCode": "404", "error": "not_found", "message": "Object not found"});
// supabase-go keeps only the message. So a 400 is classified by the service's documented
// messages, and any other status by the status itself.
func (c *Client) classify(rctx, callerCtx context.Context, op string, resp *http.Response, err error) error {
	var se *storage_go.StorageError
	if errors.As(err, &se) {
		status := 0
		if resp != nil {
			status = resp.StatusCode
			resp.Body.Close()
		}
		kind := kindForStatus(status)
		switch {
		case status == 0 && se.Message == "":
			// No status known (supabase-go's upload drops the response) and no message: a
			// gateway error page rather than the Storage service's own refusal.
			kind = KindUnavailable
		case status == http.StatusBadRequest || status == 0:
			kind = kindForStorageMessage(se.Message, kind)
		}
		return &Error{Op: op, Kind: kind, Status: status, Message: se.Message}
	}
	if callerCtx.Err() != nil {
		// The caller gave up (cancel, shutdown): report that, not a service failure.
		return fmt.Errorf("%s: %w", op, callerCtx.Err())
	}
	if cause := context.Cause(rctx); cause != nil && rctx.Err() != nil {
		return &Error{Op: op, Kind: KindUnavailable, Err: cause}
	}
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &Error{Op: op, Kind: KindUnavailable, Err: fmt.Errorf("unreadable response: %w", err)}
	}
	return &Error{Op: op, Kind: KindUnavailable, Err: err}
}

// kindForStorageMessage maps the Storage service's messages (which accompany HTTP 400) to a
// Kind; def when none matches.
func kindForStorageMessage(msg string, def Kind) Kind {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "not found"):
		return KindNotFound
	case strings.Contains(m, "exceeded the maximum allowed size"), strings.Contains(m, "payload too large"):
		return KindTooLarge
	case strings.Contains(m, "already exists"):
		return KindConflict
	case strings.Contains(m, "jwt"), strings.Contains(m, "token has expired"), strings.Contains(m, "invalid signature"):
		return KindUnauthorized
	case strings.Contains(m, "row-level security"), strings.Contains(m, "access denied"), strings.Contains(m, "unauthorized"):
		return KindForbidden
	case strings.Contains(m, "too many"), strings.Contains(m, "rate limit"):
		return KindRateLimited
	case strings.Contains(m, "timed out"), strings.Contains(m, "try again later"), strings.Contains(m, "read-only mode"):
		return KindUnavailable
	}
	return def
}
