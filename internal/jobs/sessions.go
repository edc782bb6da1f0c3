package jobs

import (
	"context"
	"net"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// SessionLimits bound what a worker's database sessions can hold when the worker stops
// answering (paused, swapped out, or behind a half-open connection). A chunk's transaction
// holds a FOR KEY SHARE lock on its job row, which hides the job from the reaper (it locks
// with SKIP LOCKED), and row locks that other jobs of the unit may need: without a bound a
// frozen worker keeps its job forever and stalls whoever waits on its locks.
type SessionLimits struct {
	// IdleInTransaction ends a session that sits in an open transaction without sending a
	// statement for this long (idle_in_transaction_session_timeout): the server rolls the
	// chunk back and releases its locks, so the reaper can rescue the job once its lease
	// expires. A healthy chunk sends its statements back to back. Default 10 s; negative
	// disables.
	IdleInTransaction time.Duration
	// LockTimeout fails a worker statement that waits longer than this for a lock
	// (lock_timeout); the job is retried later. 0 leaves the server's setting.
	LockTimeout time.Duration
	// StatementTimeout fails a worker statement that runs longer than this
	// (statement_timeout). 0 leaves the server's setting.
	StatementTimeout time.Duration
	// KeepAlive is the TCP keepalive idle time and probe interval on both ends of the
	// connection (three unanswered probes end it): a peer that vanished without closing the
	// connection is noticed in about four times this. Default 10 s; negative disables.
	KeepAlive time.Duration
}

// DefaultSessionLimits are the limits used when a field is zero.
var DefaultSessionLimits = SessionLimits{IdleInTransaction: 10 * time.Second, KeepAlive: 10 * time.Second}

// keepAliveProbes is how many unanswered keepalive probes end a connection.
const keepAliveProbes = 3

// Apply sets the limits on a connection configuration (the pool's ConnConfig.Config, and the
// LISTEN connection's): server settings as startup parameters, so every session starts with
// them, and TCP keepalives on the worker's side of the socket.
func (l SessionLimits) Apply(cfg *pgconn.Config) {
	if l.IdleInTransaction == 0 {
		l.IdleInTransaction = DefaultSessionLimits.IdleInTransaction
	}
	if l.KeepAlive == 0 {
		l.KeepAlive = DefaultSessionLimits.KeepAlive
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	ms := func(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }
	if l.IdleInTransaction > 0 {
		cfg.RuntimeParams["idle_in_transaction_session_timeout"] = ms(l.IdleInTransaction)
	}
	if l.LockTimeout > 0 {
		cfg.RuntimeParams["lock_timeout"] = ms(l.LockTimeout)
	}
	if l.StatementTimeout > 0 {
		cfg.RuntimeParams["statement_timeout"] = ms(l.StatementTimeout)
	}
	if l.KeepAlive > 0 {
		secs := strconv.Itoa(max(1, int(l.KeepAlive.Seconds())))
		// The server's side: it notices a vanished worker and ends the session, releasing
		// its locks, even while the session waits to send.
		cfg.RuntimeParams["tcp_keepalives_idle"] = secs
		cfg.RuntimeParams["tcp_keepalives_interval"] = secs
		cfg.RuntimeParams["tcp_keepalives_count"] = strconv.Itoa(keepAliveProbes)
		cfg.RuntimeParams["tcp_user_timeout"] = ms(time.Duration(keepAliveProbes+1) * l.KeepAlive)
		// The worker's side: a chunk waiting on a server that vanished fails instead of
		// waiting forever.
		dialer := &net.Dialer{
			Timeout: cfg.ConnectTimeout,
			KeepAliveConfig: net.KeepAliveConfig{Enable: true, Idle: l.KeepAlive, Interval: l.KeepAlive,
				Count: keepAliveProbes},
		}
		cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, addr)
		}
	}
}
