package supabaseclient

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies a failed Supabase API call by what the caller can do about it.
type Kind int

// Kinds of failure.
const (
	// KindUnavailable: the service could not be reached or answered 5xx, timed out, or cut
	// the body off. Transient: retry later.
	KindUnavailable Kind = iota
	// KindRateLimited: HTTP 429. Transient: retry later.
	KindRateLimited
	// KindNotFound: the object (or row) does not exist.
	KindNotFound
	// KindUnauthorized: HTTP 401, the key or token was refused (expired, wrong project).
	KindUnauthorized
	// KindForbidden: HTTP 403, or a row-level security refusal: the identity may not do this.
	KindForbidden
	// KindTooLarge: HTTP 413, or a download over the size limit.
	KindTooLarge
	// KindConflict: HTTP 409, e.g. an object already exists at that path.
	KindConflict
	// KindInvalid: any other refusal of the request (HTTP 4xx).
	KindInvalid
)

var kindNames = map[Kind]string{
	KindUnavailable: "unavailable", KindRateLimited: "rate limited", KindNotFound: "not found",
	KindUnauthorized: "unauthorized", KindForbidden: "forbidden", KindTooLarge: "too large",
	KindConflict: "conflict", KindInvalid: "invalid",
}

func (k Kind) String() string { return kindNames[k] }

// Error is a failed Supabase API call. Its message names the operation and the object,
// never a key or token.
type Error struct {
	Op      string // e.g. "download imports/<path>"
	Kind    Kind
	Status  int    // HTTP status, 0 when no response arrived
	Message string // the service's own message, when it sent one
	Err     error  // the underlying transport error, if any
}

func (e *Error) Error() string {
	var detail string
	switch {
	case e.Status != 0 && e.Message != "":
		detail = fmt.Sprintf("HTTP %d: %s", e.Status, e.Message)
	case e.Status != 0:
		detail = fmt.Sprintf("HTTP %d", e.Status)
	case e.Err != nil:
		detail = e.Err.Error()
	default:
		detail = e.Message
	}
	return fmt.Sprintf("%s: %s (%s)", e.Op, detail, e.Kind)
}

func (e *Error) Unwrap() error { return e.Err }

// Transient reports whether retrying later may succeed.
func (e *Error) Transient() bool { return e.Kind == KindUnavailable || e.Kind == KindRateLimited }

// IsTransient reports whether err is an *Error that retrying later may fix.
func IsTransient(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Transient()
}

// KindOf returns the kind of err, and false when err is not an *Error.
func KindOf(err error) (Kind, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind, true
	}
	return 0, false
}

// kindForStatus maps an HTTP status to a Kind.
func kindForStatus(status int) Kind {
	switch {
	case status == http.StatusNotFound:
		return KindNotFound
	case status == http.StatusUnauthorized:
		return KindUnauthorized
	case status == http.StatusForbidden:
		return KindForbidden
	case status == http.StatusRequestEntityTooLarge:
		return KindTooLarge
	case status == http.StatusConflict:
		return KindConflict
	case status == http.StatusTooManyRequests:
		return KindRateLimited
	case status == http.StatusRequestTimeout || status >= 500:
		return KindUnavailable
	default:
		return KindInvalid
	}
}
