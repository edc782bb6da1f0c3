package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/chuckbox/importworker/internal/jobs"
)

// The classification of start-up connection errors; the real-server cases (wrong password,
// missing database, unknown host, TLS refused, connection refused) are tested end to end in
// the worker command's tests.
func TestPermanentConnectError(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		permanent bool
	}{
		{"wrong password", &pgconn.PgError{Code: "28P01", Message: "password authentication failed for user \"x\""}, true},
		{"no such role or pg_hba", &pgconn.PgError{Code: "28000", Message: "role \"x\" does not exist"}, true},
		{"missing database", fmt.Errorf("ping: %w", &pgconn.PgError{Code: "3D000", Message: "database \"x\" does not exist"}), true},
		{"no connect privilege", &pgconn.PgError{Code: "42501", Message: "permission denied for database x"}, true},
		{"unknown host", &net.DNSError{Err: "no such host", Name: "nonexistent.invalid", IsNotFound: true}, true},
		{"DNS server down", &net.DNSError{Err: "server misbehaving", Name: "db.example.org", IsTemporary: true}, false},
		{"server starting up", &pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, false},
		{"admin shutdown", &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}, false},
		{"too many connections", &pgconn.PgError{Code: "53300", Message: "sorry, too many clients already"}, false},
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, false},
		{"timeout", context.DeadlineExceeded, false},
		{"other", errors.New("something else"), false},
	} {
		fix, permanent := jobs.PermanentConnectError(tc.err)
		require.Equal(t, tc.permanent, permanent, tc.name)
		require.Equal(t, permanent, fix != "", "%s: a permanent error says what to fix", tc.name)
	}
}
