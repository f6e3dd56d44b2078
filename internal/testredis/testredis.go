// Package testredis starts a real redis-server (the Debian package) for
// tests, on a free loopback port with persistence off.
package testredis

import (
	"context"
	"fmt"
	"helhed/freeport"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a running redis-server process.
type Server struct {
	Addr string
	bin  string
	cmd  *exec.Cmd
	dir  string
}

// URL is the REDIS_URL for this server.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// ErrMissing means redis-server is not installed.
var ErrMissing = fmt.Errorf("redis-server not found on PATH (install the Debian package redis-server; scripts/test does)")

// Start launches redis-server and waits until it answers PING.
func Start() (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, ErrMissing
	}
	port, err := freeport.Reserve("127.0.0.1")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "testredis")
	if err != nil {
		return nil, err
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), bin: bin, dir: dir}
	if err := s.run(); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// run launches redis-server on s.Addr and waits until it answers PING.
func (s *Server) run() error {
	_, port, _ := net.SplitHostPort(s.Addr)
	s.cmd = exec.Command(s.bin, "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--loglevel", "warning")
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redis-server on %s did not answer: %w", s.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Kill kills the server, as a crash would, keeping its address for
// Restart. With persistence off, what it held is lost.
func (s *Server) Kill() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_, _ = s.cmd.Process.Wait()
	}
}

// Restart starts a killed server again on the same address and waits
// until it answers PING.
func (s *Server) Restart() error { return s.run() }

// Stop kills the server and waits for it to exit.
func (s *Server) Stop() {
	s.Kill()
	_ = os.RemoveAll(s.dir)
}

// Required reports whether a missing redis-server should fail the test run
// rather than skip: on CI it must be there.
func Required() bool { return os.Getenv("CI") != "" }

// Main runs a package's tests against a fresh redis-server, for a
// TestMain: set receives the server and a client on it before m.Run, and
// both are stopped after. Without redis-server the package is skipped
// (exit 0), except on CI (Required), where that is a failure.
func Main(m *testing.M, set func(s *Server, c *redis.Client)) int {
	s, err := Start()
	if err != nil {
		fmt.Println(err)
		if Required() {
			return 1
		}
		fmt.Println("skipping the tests that need redis-server")
		return 0
	}
	defer s.Stop()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	set(s, c)
	return m.Run()
}

// StartT starts a redis-server for one test and a client on it, both
// stopped when the test ends. Without redis-server the test is skipped,
// except on CI (Required), where that is a failure.
func StartT(t testing.TB) (*Server, *redis.Client) {
	t.Helper()
	s, err := Start()
	if err != nil {
		if Required() {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	t.Cleanup(s.Stop)
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	t.Cleanup(func() { _ = c.Close() })
	return s, c
}
