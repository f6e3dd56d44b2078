// Package teststack starts the whole helhed process for integration
// tests, as TestMain or a single test needs it: a real redis-server
// (internal/testredis), a temporary DATA_DIR, a config on free loopback
// ports with the Temporal UI off, the plan derived around today
// (internal/testplan), and app.Start with a quiet logger. Dev stacks
// embed Temporal; a non-dev one joins a Temporal already running.
package teststack

import (
	"context"
	"errors"
	"fmt"
	"helhed/freeport"
	"io"
	"log/slog"
	"maps"
	"os"
	"testing"

	"github.com/sethvargo/go-envconfig"

	"helhed/app"
	"helhed/capability"
	"helhed/config"
	"helhed/devserver"
	"helhed/internal/replaytest"
	"helhed/internal/testplan"
	"helhed/internal/testredis"
)

// Options say how the stack differs from the default dev stack.
type Options struct {
	// Name names the tests in messages and the temporary DATA_DIR.
	Name string
	// Env adds to or overrides the configuration's environment. A
	// DATA_DIR or REDIS_URL given here is used instead of a new one; so is
	// a PLAN_FILE (even ""), instead of the plan testplan.Around derives
	// for today, whose file lives as long as the stack.
	Env map[string]string
	// NonDev loads the config of a production process (no embedded
	// Temporal): Env names TEMPORAL_ADDRESS, OPERATOR_TOKEN and PAYLOAD_KEY.
	NonDev bool
	// FixedPorts serves HTTP and metrics on ports chosen before the start,
	// kept across Restart, with PUBLIC_URL on the HTTP one (unless Env
	// sets them).
	FixedPorts bool
	// PayloadKeyFile is a file holding the PAYLOAD_KEY, for tests that
	// record histories the replay tests decode (internal/replaytest).
	PayloadKeyFile string
	// Prepare runs once the DATA_DIR and the PLAN_FILE exist, before the
	// config is loaded: it may write files there and add their settings
	// to env.
	Prepare func(dir string, env map[string]string) error
	// Extra are capabilities beyond helhed's own (test probes).
	Extra []capability.Capability
	// Logger replaces the quiet logger.
	Logger *slog.Logger
}

// Stack is a running process and what it runs on. Close it once.
type Stack struct {
	*app.App
	// RedisServer is the stack's own redis-server (nil when Env named
	// REDIS_URL).
	RedisServer *testredis.Server
	// Dir is the DATA_DIR.
	Dir string

	env      map[string]string
	opts     Options
	tempDir  bool
	planDir  string // the derived plan's, removed on Close
	cleanups []func()
}

// errRedis marks a stack that could not start its redis-server: the
// tests then skip, except on CI.
var errRedis = errors.New("redis-server")

// Start starts a stack. On error it stops what it had started.
func Start(ctx context.Context, opts Options) (_ *Stack, err error) {
	s := &Stack{env: maps.Clone(opts.Env), opts: opts}
	if s.env == nil {
		s.env = map[string]string{}
	}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.env["REDIS_URL"] == "" {
		if s.RedisServer, err = testredis.Start(); err != nil {
			return nil, fmt.Errorf("%w: %w", errRedis, err)
		}
		s.env["REDIS_URL"] = s.RedisServer.URL()
	}
	if s.Dir = s.env["DATA_DIR"]; s.Dir == "" {
		if s.Dir, err = os.MkdirTemp("", "helhed-"+opts.Name); err != nil {
			return nil, err
		}
		s.tempDir, s.env["DATA_DIR"] = true, s.Dir
	}
	if _, set := s.env["PLAN_FILE"]; !set {
		if s.env["PLAN_FILE"], err = s.writePlan(); err != nil {
			return nil, err
		}
	}
	if opts.FixedPorts {
		for _, k := range []string{"HTTP_ADDR", "METRICS_ADDR"} {
			if s.env[k] == "" {
				if s.env[k], err = FreeAddr(); err != nil {
					return nil, err
				}
			}
		}
		if s.env["PUBLIC_URL"] == "" {
			s.env["PUBLIC_URL"] = "http://" + s.env["HTTP_ADDR"]
		}
	}
	if opts.PayloadKeyFile != "" {
		if s.env["PAYLOAD_KEY"], err = replaytest.ReadKey(opts.PayloadKeyFile); err != nil {
			return nil, err
		}
	}
	if opts.Prepare != nil {
		if err := opts.Prepare(s.Dir, s.env); err != nil {
			return nil, err
		}
	}
	if s.App, err = s.start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// writePlan writes the plan derived around today to a directory of its
// own and returns the file's path.
func (s *Stack) writePlan() (string, error) {
	p, err := testplan.Around(testplan.Today())
	if err != nil {
		return "", err
	}
	if s.planDir, err = os.MkdirTemp("", "helhed-plan-"+s.opts.Name); err != nil {
		return "", err
	}
	return testplan.Write(s.planDir, p)
}

// start loads the config from the stack's environment and starts the app.
func (s *Stack) start(ctx context.Context) (*app.App, error) {
	base := map[string]string{
		"TEMPORAL_ADDRESS": "127.0.0.1:0", "HTTP_ADDR": "127.0.0.1:0", "METRICS_ADDR": "127.0.0.1:0",
		"TEMPORAL_UI_ADDR": "", "PLAN_FILE": "",
	}
	maps.Copy(base, s.env)
	cfg, err := config.Load(ctx, envconfig.MapLookuper(base), !s.opts.NonDev)
	if err != nil {
		return nil, err
	}
	logger := s.opts.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return app.Start(ctx, app.Options{Config: cfg, Logger: logger, Extra: s.opts.Extra, Dev: devserver.Stack{}})
}

// Restart stops the process and starts it again on the same DATA_DIR,
// Redis and settings, as a redeploy would.
func (s *Stack) Restart(ctx context.Context) error {
	if err := s.App.Stop(ctx); err != nil {
		return err
	}
	a, err := s.start(ctx)
	s.App = a
	return err
}

// Cleanup registers f to run when the stack closes, before the process
// stops (last registered first), for what a TestMain starts beside it.
func (s *Stack) Cleanup(f func()) { s.cleanups = append(s.cleanups, f) }

// Close runs the cleanups, stops the process and its redis-server and
// removes a temporary DATA_DIR and the derived plan.
func (s *Stack) Close() {
	for i := len(s.cleanups) - 1; i >= 0; i-- {
		s.cleanups[i]()
	}
	s.cleanups = nil
	if s.App != nil {
		_ = s.App.Stop(context.Background())
		s.App = nil
	}
	if s.RedisServer != nil {
		s.RedisServer.Stop()
	}
	if s.tempDir {
		_ = os.RemoveAll(s.Dir)
	}
	if s.planDir != "" {
		_ = os.RemoveAll(s.planDir)
	}
}

// Main is a TestMain's body: it starts a stack, hands it to ready (which
// may fail the set-up), runs the tests and closes the stack. Without
// redis-server the tests are skipped (exit 0), except on CI
// (testredis.Required), where that is a failure.
func Main(m *testing.M, opts Options, ready func(*Stack) error) int {
	s, err := Start(context.Background(), opts)
	if err != nil {
		return setupFailed(opts.Name, err)
	}
	defer s.Close()
	if ready != nil {
		if err := ready(s); err != nil {
			fmt.Printf("%s set-up: %v\n", opts.Name, err)
			return 1
		}
	}
	return m.Run()
}

func setupFailed(name string, err error) int {
	if errors.Is(err, errRedis) && !testredis.Required() {
		fmt.Printf("skipping %s integration tests: %v\n", name, err)
		return 0
	}
	fmt.Printf("start %s stack: %v\n", name, err)
	return 1
}

// StartT starts a stack for one test and closes it when the test ends.
// Without redis-server the test is skipped, except on CI.
func StartT(t testing.TB, opts Options) *Stack {
	t.Helper()
	s, err := Start(context.Background(), opts)
	if err != nil {
		if errors.Is(err, errRedis) && !testredis.Required() {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// FreeAddr is a loopback address whose port is free right now.
func FreeAddr() (string, error) { return freeport.Addr() }
