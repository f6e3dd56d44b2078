// Package testpostgres runs a real, temporary PostgreSQL cluster for tests
// (the Debian package postgresql): initdb and pg_ctl in a temporary
// directory on a free loopback port, as the postgres user when the tests
// run as root, removed again when stopped. A test package shares one
// cluster: its TestMain calls Main, its tests call Shared.
package testpostgres

import (
	"context"
	"errors"
	"fmt"
	"helhed/freeport"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// ErrMissing means the PostgreSQL server binaries are not installed.
var ErrMissing = errors.New("initdb/pg_ctl not found under /usr/lib/postgresql/*/bin (install the Debian package postgresql; scripts/test does)")

// Required says whether a missing PostgreSQL fails the tests instead of
// skipping them: under CI it does.
func Required() bool { return os.Getenv("CI") != "" }

// Server is a running temporary cluster.
type Server struct {
	Port  int
	bin   string // the server binaries' directory
	dir   string // holds data/, the socket and the log
	runAs bool   // run the binaries as the postgres user (we are root)
}

// binDir finds the newest installed server's binaries.
func binDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", ErrMissing
}

func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// Start makes a cluster in a temporary directory and starts it.
func Start() (_ *Server, err error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	port, err := freeport.Reserve("127.0.0.1")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "testpostgres")
	if err != nil {
		return nil, err
	}
	s := &Server{Port: port, bin: bin, dir: dir, runAs: os.Geteuid() == 0}
	defer func() {
		if err != nil {
			s.Stop()
		}
	}()
	if s.runAs {
		// initdb refuses to run as root; the cluster belongs to postgres.
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs the postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return nil, err
		}
	}
	if err := s.run("initdb", "-D", s.data(), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"); err != nil {
		return nil, err
	}
	if err := s.StartServer(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) data() string { return filepath.Join(s.dir, "data") }

// run runs one of the server's binaries, as postgres when we are root.
func (s *Server) run(name string, args ...string) error {
	path := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.runAs {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Dir = s.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// StartServer starts the (stopped) server and waits until it accepts
// connections.
func (s *Server) StartServer() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", s.Port, s.dir)
	return s.run("pg_ctl", "-D", s.data(), "-l", filepath.Join(s.dir, "server.log"), "-o", opts, "-w", "-t", "60", "start")
}

// StopServer stops the server (fast shutdown: connections are cut), the
// cluster kept for StartServer.
func (s *Server) StopServer() error {
	return s.run("pg_ctl", "-D", s.data(), "-m", "fast", "-w", "stop")
}

// Stop stops the server and removes the cluster.
func (s *Server) Stop() {
	if _, err := os.Stat(filepath.Join(s.data(), "postmaster.pid")); err == nil {
		_ = s.run("pg_ctl", "-D", s.data(), "-m", "immediate", "-w", "stop")
	}
	_ = os.RemoveAll(s.dir)
}

// URL is the connection URL of database db.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
}

// CreateDatabase makes an empty database and returns its URL; each test
// takes its own, so tests sharing the cluster see nothing of each other.
func (s *Server) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return s.URL(name), nil
}

var shared struct {
	once sync.Once
	s    *Server
	err  error
}

// Shared is the package's cluster, started at the first call. Without
// PostgreSQL installed it skips t, or fails it under CI.
func Shared(t testing.TB) *Server {
	t.Helper()
	shared.once.Do(func() { shared.s, shared.err = Start() })
	switch {
	case errors.Is(shared.err, ErrMissing) && !Required():
		t.Skip(shared.err)
	case shared.err != nil:
		t.Fatal(shared.err)
	}
	return shared.s
}

// Database is a new database on the shared cluster, named after t.
func Database(t testing.TB) string {
	t.Helper()
	s := Shared(t)
	name := strings.ToLower(strings.NewReplacer("/", "_", " ", "_", "-", "_").Replace(t.Name()))
	url, err := s.CreateDatabase(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return url
}

// Main runs the package's tests and removes the shared cluster after.
func Main(m *testing.M) {
	code := m.Run()
	if shared.s != nil {
		shared.s.Stop()
	}
	os.Exit(code)
}
