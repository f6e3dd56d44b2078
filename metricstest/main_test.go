package metricstest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sethvargo/go-envconfig"

	"helhed/app"
	"helhed/config"
	"helhed/internal/testredis"
	"helhed/workflows/statistics/statstest"
)

// The stack under test; restartStack replaces stack.
var (
	stack    *app.App
	stackEnv map[string]string
	rs       *testredis.Server
	pr       *prom
	fixtures *fixtureLog
)

const operatorToken = "metricstest-operator-token"

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

func runMain(m *testing.M) int {
	var err error
	if rs, err = testredis.Start(); err != nil {
		fmt.Println(err)
		if testredis.Required() {
			return 1
		}
		fmt.Println("skipping metricstest: redis-server missing")
		return 0
	}
	defer rs.Stop()
	dir, err := os.MkdirTemp("", "helhed-metricstest")
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer os.RemoveAll(dir)
	// The statistics pull reads Danmarks Statistik; the stand-in serves the
	// public tables its tests use.
	sb := statstest.Statbank()
	defer sb.Close()
	// Fixed HTTP and metrics ports: Prometheus and the CLI keep talking to
	// them across a restart.
	httpAddr, err1 := freeAddr()
	metricsAddr, err2 := freeAddr()
	deadAddr, err3 := freeAddr()
	if err1 != nil || err2 != nil || err3 != nil {
		fmt.Println("no free port")
		return 1
	}
	stackEnv = map[string]string{
		"TEMPORAL_ADDRESS": "127.0.0.1:0", "HTTP_ADDR": httpAddr, "METRICS_ADDR": metricsAddr,
		"TEMPORAL_UI_ADDR": "", "DATA_DIR": dir, "REDIS_URL": rs.URL(), "OPERATOR_TOKEN": operatorToken,
		"STATBANK_URL": sb.URL, "PUBLIC_URL": "http://" + httpAddr,
	}
	if stack, err = startStack(); err != nil {
		fmt.Println("start stack:", err)
		return 1
	}
	defer func() { stack.Stop(context.Background()) }()

	rules, _ := filepath.Glob("../deploy/prometheus/rules/*.yml")
	for i, r := range rules {
		rules[i], _ = filepath.Abs(r)
	}
	if pr, err = startPrometheus(metricsAddr, deadAddr, rules); err != nil {
		fmt.Println(err)
		return 1
	}
	defer pr.stop()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if fixtures, err = runFixtures(ctx); err != nil {
		fmt.Println("fixtures:", err)
		return 1
	}
	return m.Run()
}

// startStack starts the whole process (dev: embedded Temporal) on stackEnv.
func startStack() (*app.App, error) {
	cfg, err := config.Load(context.Background(), envconfig.MapLookuper(stackEnv), true)
	if err != nil {
		return nil, err
	}
	return app.Start(context.Background(), app.Options{Config: cfg,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Register: registerProbes})
}
