package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
)

// Channels the worker listens on.
const (
	// ChannelJobs carries a job id (or nothing) when a job becomes pending.
	ChannelJobs = "import_jobs"
	// ChannelCancel carries the id of a running job whose cancel was requested.
	ChannelCancel = "import_job_cancel"
)

// listener owns the LISTEN connection: it wakes the dispatcher on new jobs, forwards cancel
// requests and restarts itself when its connection silently dies (watchdog pings).
type listener struct {
	connect        func(ctx context.Context) (*pgx.Conn, error)
	reconnectDelay time.Duration
	pingChannel    string
	logger         *slog.Logger
	metrics        *Metrics

	wake     func()             // non-blocking wake-up of the dispatcher
	onCancel func(id uuid.UUID) // a cancel request for a running job

	connected atomic.Bool
	connects  atomic.Int64
	lastPing  atomic.Int64 // unix nanoseconds of the last ping received
	restart   chan struct{}
}

func newListener(connect func(context.Context) (*pgx.Conn, error), workerID string, logger *slog.Logger, metrics *Metrics,
	wake func(), onCancel func(uuid.UUID)) *listener {
	return &listener{
		connect:        connect,
		reconnectDelay: 2 * time.Second,
		pingChannel:    "import_worker_ping_" + uuid.NewString()[:8],
		logger:         logger,
		metrics:        metrics,
		wake:           wake,
		onCancel:       onCancel,
		restart:        make(chan struct{}, 1),
	}
}

// run listens until ctx ends, restarting the listener when the watchdog asks.
func (l *listener) run(ctx context.Context) {
	for ctx.Err() == nil {
		inner, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			pl := &pgxlisten.Listener{
				Connect:        l.connect,
				ReconnectDelay: l.reconnectDelay,
				LogError: func(ctx context.Context, err error) {
					l.setConnected(false)
					if ctx.Err() == nil {
						l.logger.Warn("listener connection error; reconnecting", slog.Any("error", err),
							slog.Duration("reconnect_delay", l.reconnectDelay))
					}
				},
			}
			pl.Handle(ChannelJobs, jobsHandler{l: l})
			pl.Handle(ChannelCancel, pgxlisten.HandlerFunc(func(ctx context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
				id, err := uuid.Parse(n.Payload)
				if err == nil {
					l.onCancel(id)
				}
				return nil
			}))
			pl.Handle(l.pingChannel, pgxlisten.HandlerFunc(func(context.Context, *pgconn.Notification, *pgx.Conn) error {
				l.lastPing.Store(time.Now().UnixNano())
				return nil
			}))
			_ = pl.Listen(inner)
		}()
		select {
		case <-ctx.Done():
		case <-l.restart:
			l.logger.Warn("listener watchdog: no ping came back on the LISTEN connection; reconnecting")
		}
		cancel()
		<-done
		l.setConnected(false)
	}
}

func (l *listener) setConnected(up bool) {
	l.connected.Store(up)
	if up {
		l.metrics.listenerUp.Set(1)
	} else {
		l.metrics.listenerUp.Set(0)
	}
}

// jobsHandler wakes the dispatcher on a notification and after every (re)connect, when
// notifications may have been missed (pgxlisten calls HandleBacklog after LISTEN).
type jobsHandler struct{ l *listener }

func (h jobsHandler) HandleNotification(context.Context, *pgconn.Notification, *pgx.Conn) error {
	h.l.wake()
	return nil
}

func (h jobsHandler) HandleBacklog(context.Context, string, *pgx.Conn) error {
	if h.l.connects.Add(1) > 1 {
		h.l.metrics.listenerReconnects.Inc()
		h.l.logger.Info("listener reconnected")
	}
	h.l.lastPing.Store(time.Now().UnixNano())
	h.l.setConnected(true)
	h.l.wake()
	return nil
}

// watchdog NOTIFYs the ping channel every interval through the pool and restarts the listener
// when a connected listener has not heard a ping for three intervals: a half-open TCP
// connection can block WaitForNotification for a long time without an error.
func (l *listener) watchdog(ctx context.Context, ping func(ctx context.Context, channel string) error, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !l.connected.Load() {
			continue
		}
		if err := ping(ctx, l.pingChannel); err != nil {
			l.logger.Warn("listener watchdog: ping failed", slog.Any("error", err))
			continue
		}
		last := time.Unix(0, l.lastPing.Load())
		if time.Since(last) > 3*interval {
			select {
			case l.restart <- struct{}{}:
			default:
			}
		}
	}
}

// ErrNotifyNotDelivered is returned by the self-probe when a NOTIFY never reached the LISTEN
// connection.
var ErrNotifyNotDelivered = errors.New("NOTIFY was not delivered to the LISTEN connection")

// probeNotify LISTENs on a private channel on a dedicated connection, NOTIFYs it through the
// pool and waits for it. Through Supavisor's transaction mode (port 6543) LISTEN "works" but
// nothing ever arrives, so this is the only way to notice.
func probeNotify(ctx context.Context, connect func(context.Context) (*pgx.Conn, error),
	notify func(ctx context.Context, channel, payload string) error, timeout time.Duration) error {
	conn, err := connect(ctx)
	if err != nil {
		return fmt.Errorf("connect for the NOTIFY self-probe: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	channel := "import_worker_probe_" + uuid.NewString()[:8]
	if _, err := conn.Exec(ctx, "listen "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return fmt.Errorf("listen for the self-probe: %w", err)
	}
	payload := uuid.NewString()
	if err := notify(ctx, channel, payload); err != nil {
		return fmt.Errorf("notify for the self-probe: %w", err)
	}
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		n, err := conn.WaitForNotification(waitCtx)
		if err != nil {
			if waitCtx.Err() != nil && ctx.Err() == nil {
				return ErrNotifyNotDelivered
			}
			return fmt.Errorf("wait for the self-probe: %w", err)
		}
		if n.Channel == channel && n.Payload == payload {
			return nil
		}
	}
}
