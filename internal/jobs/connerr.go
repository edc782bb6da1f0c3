package jobs

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// isConnectionError reports whether err comes from losing the database (server restart,
// failover, network) rather than from the job: such a failure must not use up one of the
// job's attempts.
func isConnectionError(err error) bool {
	if err == nil {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect now.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	return errors.As(err, &connectErr) || errors.As(err, &netErr) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || pgconn.SafeToRetry(err) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "connection refused")
}

// retryWrite runs write until it succeeds, fails for a reason other than a lost connection,
// or ctx ends: an end-of-job write survives a database restart of a few seconds instead of
// leaving the job to the reaper.
func retryWrite(ctx context.Context, write func(ctx context.Context) (bool, error)) (bool, error) {
	delay := 100 * time.Millisecond
	for {
		ok, err := write(ctx)
		if err == nil || !isConnectionError(err) {
			return ok, err
		}
		select {
		case <-ctx.Done():
			return ok, err
		case <-time.After(delay): // backoff between attempts while the database is away
		}
		delay = min(2*delay, 2*time.Second)
	}
}
