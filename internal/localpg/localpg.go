// Package localpg runs a throwaway PostgreSQL cluster shaped like a Supabase database, for tests
// and for `worker demo`.
//
// A Server is started from the installed server binaries (initdb, postgres) in a temporary
// directory on a free loopback port with wal_level=logical. Its superuser is supabase_admin, as
// on Supabase. Databases are created from a template that holds the local Supabase stand-in and
// every migration, applied once, so each test gets a fresh, fully migrated database in
// milliseconds. Programs then connect as the non-superuser postgres role, as on Supabase.
//
// When run as root (initdb refuses root), the server runs as the `postgres` operating-system
// user (or `nobody` when there is none).
package localpg

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Superuser is the cluster's superuser role, named as on Supabase.
const Superuser = "supabase_admin"

// Server is a running throwaway PostgreSQL cluster. Its methods are safe for concurrent use.
type Server struct {
	dir     string // temporary directory holding data/ and the socket
	binDir  string
	port    int
	runAs   *syscall.Credential // nil when not root
	logPath string
	super   string // the cluster's superuser role

	mu   sync.Mutex
	proc *exec.Cmd
	done chan struct{} // closed when proc exits
}

// Options tune Start.
type Options struct {
	// Settings are extra `-c name=value` server settings.
	Settings map[string]string
	// Superuser names the cluster's superuser (default Superuser, as on Supabase). Tests of
	// an ordinary local cluster use "postgres".
	Superuser string
	// HBA lines are put before the default rules of pg_hba.conf (which trust every local
	// connection), e.g. "host all app 127.0.0.1/32 scram-sha-256" to test password checks.
	HBA []string
}

// FindBinDir returns the directory holding initdb and postgres: PATH first, then the newest
// /usr/lib/postgresql/<version>/bin.
func FindBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		dir := filepath.Dir(p)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	sort.Slice(matches, func(i, j int) bool { return versionOf(matches[i]) > versionOf(matches[j]) })
	for _, m := range matches {
		dir := filepath.Dir(m)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir, nil
		}
	}
	return "", errors.New("PostgreSQL server binaries (initdb, postgres) not found on PATH or under /usr/lib/postgresql/*/bin; install postgresql-15")
}

func versionOf(initdbPath string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdbPath))))
	return v
}

// Start initialises and starts a new cluster. Call Stop when done; the directory is removed.
func Start(ctx context.Context, opts Options) (*Server, error) {
	binDir, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "localpg-")
	if err != nil {
		return nil, fmt.Errorf("create temp dir: %w", err)
	}
	s := &Server{dir: dir, binDir: binDir, logPath: filepath.Join(dir, "postgres.log"), super: Superuser}
	if opts.Superuser != "" {
		s.super = opts.Superuser
	}

	if os.Geteuid() == 0 {
		cred, err := unprivilegedUser()
		if err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
		s.runAs = cred
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("chown %s: %w", dir, err)
		}
	}

	initdb := exec.CommandContext(ctx, filepath.Join(binDir, "initdb"),
		"-D", s.dataDir(), "-U", s.super, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: s.runAs}
	if out, err := initdb.CombinedOutput(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}

	if len(opts.HBA) > 0 {
		if err := prependFile(filepath.Join(s.dataDir(), "pg_hba.conf"), strings.Join(opts.HBA, "\n")+"\n"); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
	}

	port, err := freePort()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	s.port = port

	settings := map[string]string{
		"listen_addresses":        "127.0.0.1",
		"unix_socket_directories": dir,
		"wal_level":               "logical",
		"max_replication_slots":   "20",
		"max_wal_senders":         "20",
		"max_connections":         "300",
		"shared_buffers":          "128MB",
		// fsync off: a crash of the server process (the tests' SIGQUIT) keeps everything in
		// the OS page cache, so only a machine crash could lose data. synchronous_commit stays
		// on, as on Supabase: a commit the client saw is never lost when the server crashes.
		"fsync":            "off",
		"full_page_writes": "off",
		"log_min_messages": "warning",
	}
	for k, v := range opts.Settings {
		settings[k] = v
	}
	conf := ""
	for k, v := range settings {
		conf += fmt.Sprintf("%s = '%s'\n", k, v)
	}
	if err := appendFile(filepath.Join(s.dataDir(), "postgresql.auto.conf"), conf); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}

	if err := s.startProcess(ctx); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }

// startProcess starts postgres and waits until it accepts connections.
func (s *Server) startProcess(ctx context.Context) error {
	logFile, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}
	cmd := exec.Command(filepath.Join(s.binDir, "postgres"), "-D", s.dataDir(), "-p", strconv.Itoa(s.port))
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	// Pdeathsig stops the server if this process dies without calling Stop. It fires when the
	// OS thread that started the child exits, so the child is started and waited for on a
	// goroutine locked to its thread.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.runAs, Setpgid: true, Pdeathsig: syscall.SIGQUIT}

	started := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		_ = logFile.Close()
		close(done)
	}()
	if err := <-started; err != nil {
		_ = logFile.Close()
		return fmt.Errorf("start postgres: %w", err)
	}
	s.mu.Lock()
	s.proc, s.done = cmd, done
	s.mu.Unlock()

	deadline := time.Now().Add(60 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, s.URL("postgres", s.super))
		if err == nil {
			_ = conn.Close(ctx)
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("postgres exited during start-up; log:\n%s", s.tailLog())
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres did not accept connections within 60s: %w; log:\n%s", err, s.tailLog())
		}
		time.Sleep(20 * time.Millisecond) // polling a condition with a deadline
	}
}

// SuperuserName is the cluster's superuser role.
func (s *Server) SuperuserName() string { return s.super }

// PID is the postmaster's process id, 0 while the server is stopped. The server runs in its own
// process group (Setpgid), so the postmaster's id is also the group id of every backend and
// background process: a benchmark sums their CPU time by it.
func (s *Server) PID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil || s.proc.Process == nil {
		return 0
	}
	return s.proc.Process.Pid
}

// Port is the server's TCP port on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// URL returns a connection URL for database as role (trust authentication, no password).
func (s *Server) URL(database, role string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(role),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Stop shuts the server down (fast mode) and removes its directory.
func (s *Server) Stop() error {
	err := s.Kill(syscall.SIGINT)
	if rmErr := os.RemoveAll(s.dir); rmErr != nil && err == nil {
		err = rmErr
	}
	return err
}

// Kill sends sig to the server (SIGINT: fast shutdown; SIGQUIT: immediate, like a crash) and
// waits for it to exit. The data directory stays, so Restart can bring it back.
func (s *Server) Kill(sig syscall.Signal) error {
	s.mu.Lock()
	proc, done := s.proc, s.done
	s.proc = nil
	s.mu.Unlock()
	if proc == nil {
		return nil
	}
	_ = proc.Process.Signal(sig)
	select {
	case <-done:
		return nil
	case <-time.After(60 * time.Second):
		_ = proc.Process.Kill()
		<-done
		return errors.New("postgres did not stop within 60s; killed")
	}
}

// Restart starts a stopped server again on the same port and data directory.
func (s *Server) Restart(ctx context.Context) error {
	s.mu.Lock()
	running := s.proc != nil
	s.mu.Unlock()
	if running {
		return errors.New("server is running")
	}
	return s.startProcess(ctx)
}

func (s *Server) tailLog() string {
	b, _ := os.ReadFile(s.logPath)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// unprivilegedUser returns the credentials of the postgres OS user, or nobody.
func unprivilegedUser() (*syscall.Credential, error) {
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root, but neither a postgres nor a nobody user exists to run the server")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if _, err := f.WriteString(text); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// prependFile puts text before the content of the file at path, keeping its mode and owner.
func prependFile(path, text string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	if _, err := f.WriteString(text + string(old)); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// quoteIdent quotes a SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
