package jobs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
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

// isDeadlock reports whether PostgreSQL aborted the statement to break a deadlock.
func isDeadlock(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "40P01"
}

// retryWrite runs write until it succeeds, fails for a reason other than a lost connection or
// a deadlock, or ctx ends: an end-of-job write survives a database restart of a few seconds
// instead of leaving the job to the reaper, and a write PostgreSQL aborted to break a deadlock
// (a completion meeting an insert of several units' jobs, see the unit turns) runs again.
// Every such write is fenced by the lease, so running it twice changes nothing.
func retryWrite(ctx context.Context, write func(ctx context.Context) (bool, error)) (bool, error) {
	delay := 100 * time.Millisecond
	for {
		ok, err := write(ctx)
		if err == nil || !(isConnectionError(err) || isDeadlock(err)) {
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

// PermanentConnectError tells whether err, from connecting to the database, is a configuration
// mistake that waiting cannot fix: a wrong password, a user or database that does not exist,
// a server that refuses TLS or whose certificate does not verify, a host name that does not
// resolve. It returns what to fix, in one sentence, and false for everything else: a refused
// connection, a server starting up or shutting down (57P01-57P03, too many connections), a
// timeout or a lost network are transient, and a worker waits for them.
func PermanentConnectError(err error) (string, bool) {
	if err == nil {
		return "", false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01":
			return "password authentication failed: the password in DATABASE_URL is wrong for this user", true
		case "28000":
			return fmt.Sprintf("the server does not let this user connect (%s): check the user name in DATABASE_URL "+
				"(on Supavisor it is postgres.<project ref>)", pgErr.Message), true
		case "3D000":
			return fmt.Sprintf("%s: check the database name at the end of DATABASE_URL (on Supabase it is postgres)", pgErr.Message), true
		case "42501":
			return fmt.Sprintf("%s: grant CONNECT on the database to this user or use another one", pgErr.Message), true
		}
		return "", false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return fmt.Sprintf("host %q not found: check the host name in DATABASE_URL", dnsErr.Name), true
	}
	var certErr *tls.CertificateVerificationError
	var authorityErr x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidErr x509.CertificateInvalidError
	if errors.As(err, &certErr) || errors.As(err, &authorityErr) || errors.As(err, &hostErr) || errors.As(err, &invalidErr) {
		return "the server's TLS certificate does not verify for this host: check the host name and sslmode in DATABASE_URL", true
	}
	if strings.Contains(err.Error(), "server refused TLS connection") {
		return "the server does not offer TLS but DATABASE_URL requires it (sslmode=require or stricter): " +
			"enable TLS on the server, or use sslmode=disable for a local server only", true
	}
	return "", false
}
